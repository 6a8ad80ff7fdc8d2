using System;
using System.Collections.Generic;
using System.IO;
using CallRecordingAdmin.Engine.AccessLog;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// Export-AccessLog's fast path on SQLite: the statement runs through SQLitePCL directly and each cell's UTF-8 bytes
    /// go from SQLite's buffer into <see cref="CsvBytesWriter"/> without becoming a .NET string (moved here from
    /// AccessLogRegister, issue 10 P3). A PostgreSQL backend would use COPY … TO STDOUT instead.
    /// </summary>
    internal static class SqliteAccessLogExport
    {
        internal static long Write(SqliteSession session, string sql, IReadOnlyList<(string Name, object Value)> args, Stream output, Action<long> progress)
        {
            var connection = session.Connection;
            long count = 0;
            using (var csv = new CsvBytesWriter(output, byteOrderMark: true))
            {
                foreach (var c in AccessLogRegister.Columns) csv.Field(c);
                csv.EndRow();
                Check(session, raw.sqlite3_prepare_v2(connection.Handle, sql, out sqlite3_stmt statement));
                using (statement)
                {
                    foreach (var (name, value) in args)
                    {
                        Check(session, raw.sqlite3_bind_text(statement, raw.sqlite3_bind_parameter_index(statement, name), (string)value));
                    }
                    int rc;
                    while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                    {
                        for (var i = 0; i < AccessLogRegister.Columns.Length; i++) csv.Field(raw.sqlite3_column_blob(statement, i));
                        csv.EndRow();
                        count++;
                        if (progress != null && count % 10000 == 0) progress(count);
                    }
                    if (rc != raw.SQLITE_DONE) Check(session, rc);
                }
            }
            return count;
        }

        private static void Check(SqliteSession session, int rc)
        {
            if (rc != raw.SQLITE_OK && rc != raw.SQLITE_ROW && rc != raw.SQLITE_DONE)
            {
                session.MarkFailed();
                throw SqliteErrors.Translate(new SqliteException(raw.sqlite3_errmsg(session.Connection.Handle).utf8_to_string(), rc));
            }
        }
    }
}
