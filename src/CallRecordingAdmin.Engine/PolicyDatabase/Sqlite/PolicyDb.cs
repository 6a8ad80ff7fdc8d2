using System;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>
    /// The old static helpers of the SQLite database, kept so that code not yet moved behind the repositories
    /// (issue 10, P1–P3) still compiles. Everything forwards to <see cref="Sqlite.SqliteDatabase"/>; P5 removes this.
    /// </summary>
    [Obsolete("Issue 10 P5 removes PolicyDb: move the SQL into a Sqlite*Repository and call it through IPolicySession.")]
    internal static class PolicyDb
    {
        /// <summary>How long a writer waits for another process's transaction before it gives up.</summary>
        internal static readonly TimeSpan LockWait = Sqlite.SqliteDatabase.LockWait;

        internal static int Execute(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters) =>
            Sqlite.SqliteDatabase.Execute(connection, tx, sql, parameters);

        internal static object Scalar(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters) =>
            Sqlite.SqliteDatabase.Scalar(connection, tx, sql, parameters);

        internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters) =>
            Sqlite.SqliteDatabase.Command(connection, tx, sql, parameters);

        internal static Exception Translate(SqliteException e) => Sqlite.SqliteErrors.Translate(e);
    }
}
