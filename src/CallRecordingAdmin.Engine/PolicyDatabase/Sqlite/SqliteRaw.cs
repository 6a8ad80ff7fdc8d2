using System;
using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// Statements that leave a SQLite error untranslated, as the code did before issue 10 moved it: for repository calls
    /// that run inside a per-row <c>catch (PolicyException)</c> of a batch (the access gate, access-log and audit rows of
    /// an export), where a translated store error would be taken for a refusal of that row. The change's boundary
    /// (RecordingStore.Change/Access) translates it instead, and the whole batch fails as before.
    /// </summary>
    internal static class SqliteRaw
    {
        internal static int Execute(SqliteSession session, string sql, params (string Name, object Value)[] parameters) =>
            SqliteDatabase.Execute(session.Connection, session.Transaction, sql, parameters);

        internal static List<T> Query<T>(SqliteSession session, string sql, Func<SqliteDataReader, T> map, params (string Name, object Value)[] parameters)
        {
            var rows = new List<T>();
            using (var cmd = session.Command(sql, parameters))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) rows.Add(map(r));
            }
            return rows;
        }
    }
}
