using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>A write session: BEGIN IMMEDIATE on its own connection; <see cref="Commit"/> makes the change, disposing without it rolls back.</summary>
    internal sealed class SqliteTransactionSession : SqliteSession, IPolicyTransaction
    {
        internal SqliteTransactionSession(SqliteDatabase database) : base(database, write: true) { }

        public void Commit()
        {
            try
            {
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
