using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>A write session: BEGIN IMMEDIATE on its own connection; <see cref="Commit"/> makes the change, disposing without it rolls back.</summary>
    internal sealed class SqliteTransactionSession : SqliteSession, IPolicyTransaction
    {
        internal SqliteTransactionSession(SqliteDatabase database) : base(database, write: true)
        {
            try
            {
                SqliteLedger.Install(Connection, Transaction); // the row ledger's TEMP triggers on this connection (issue 11)
            }
            catch (SqliteException e)
            {
                MarkFailed();
                Dispose();
                throw SqliteErrors.Translate(e);
            }
        }

        public void Commit()
        {
            try
            {
                SqliteLedger.Seal(Connection, Transaction); // the rows this transaction changed, hashed into one ledger block (issue 11)
                Transaction.Commit();
                Committed = true;
            }
            catch (SqliteException e)
            {
                MarkFailed();
                throw SqliteErrors.Translate(e);
            }
        }
    }
}
