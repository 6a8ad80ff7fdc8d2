using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using SQLitePCL;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.AccessLog
{
    /// <summary>Reads and exports the access log; Administrators, Auditors and the DPO only.</summary>
    public sealed class AccessLogRegister
    {
        /// <summary>The export's columns, in order. Fixed: scripts and spreadsheets rely on it.</summary>
        public static readonly string[] Columns =
        {
            "Sequence", "OccurredAt", "Principal", "Action", "Outcome", "RecordingId", "ServiceArea", "Purpose", "Reason", "Detail", "AuditSequence", "AuditHash",
        };

        private readonly RecordingStore _store;

        internal AccessLogRegister(RecordingStore store) { _store = store; }

        private void RequireReader(string doing) =>
            _store.Check(doing, null, ctx => ctx.RequireAny(doing, null, null, RecordingRole.Administrator, RecordingRole.Auditor, RecordingRole.DataProtectionOfficer));

        public IEnumerable<AccessLogEntry> Get(AccessLogQuery q)
        {
            RequireReader("read the access log");
            return Rows(q, r => new AccessLogEntry
            {
                Sequence = r.GetInt64(0),
                OccurredAt = Timestamp.Parse(r.GetString(1)),
                Principal = r.GetString(2),
                Action = r.GetString(3),
                Outcome = r.GetString(4) == "Allowed" ? AccessOutcome.Allowed : AccessOutcome.Refused,
                RecordingId = r.IsDBNull(5) ? null : r.GetString(5),
                ServiceArea = r.IsDBNull(6) ? null : r.GetString(6),
                Purpose = r.IsDBNull(7) ? null : r.GetString(7),
                Reason = r.IsDBNull(8) ? null : r.GetString(8),
                Detail = r.IsDBNull(9) ? null : r.GetString(9),
                AuditSequence = r.GetInt64(10),
                AuditHash = r.GetString(11),
            });
        }

        private IEnumerable<T> Rows<T>(AccessLogQuery q, Func<SqliteDataReader, T> map)
        {
            var (sql, args) = Sql(q);
            return _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, map);
        }

        private static (string Sql, List<(string Name, object Value)> Args) Sql(AccessLogQuery q)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (q.After.HasValue) { where.Add("occurred_at > $after"); args.Add(("$after", Timestamp.ToText(q.After.Value))); }
            if (q.Before.HasValue) { where.Add("occurred_at < $before"); args.Add(("$before", Timestamp.ToText(q.Before.Value))); }
            void Filter(string column, string name, string value)
            {
                if (string.IsNullOrEmpty(value)) return;
                if (SqliteLike.HasWildcard(value)) { where.Add(column + " LIKE " + name + " ESCAPE '\\'"); args.Add((name, SqliteLike.From(value))); }
                else { where.Add(column + " = " + name + " COLLATE NOCASE"); args.Add((name, value)); }
            }
            Filter("principal", "$p", q.Principal);
            if (!string.IsNullOrWhiteSpace(q.ServiceArea))
            {
                var (areaSql, arg) = PolicyDatabase.Sqlite.SqliteServiceAreaRepository.Filter(ServiceAreas.AreaSelector.Parse(q.ServiceArea), "service_area", null, "$sa");
                where.Add(areaSql);
                args.Add(arg);
            }
            Filter("recording_id", "$r", q.RecordingId);
            if (q.RecordingIds != null && q.RecordingIds.Count > 0)
            {
                var names = new List<string>();
                for (var i = 0; i < q.RecordingIds.Count; i++) { names.Add("$ri" + i); args.Add(("$ri" + i, q.RecordingIds[i].Trim())); }
                where.Add("recording_id IN (" + string.Join(", ", names) + ")");
            }
            Filter("action", "$a", q.Action);
            Filter("purpose", "$pu", q.Purpose);
            if (q.Outcome.HasValue) { where.Add("outcome = $o"); args.Add(("$o", q.Outcome.Value.ToString())); }
            var sql = "SELECT id, occurred_at, principal, action, outcome, recording_id, service_area, purpose, reason, detail, audit_seq, audit_hash FROM access_log" +
                      (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id";
            return (sql, args);
        }

        /// <summary>
        /// Writes the log as RFC 4180 CSV in UTF-8 (with a byte-order mark, so Excel reads it as UTF-8),
        /// streaming row by row from SQLite's own UTF-8 bytes (see <see cref="CsvBytesWriter"/>). A cell that begins with = + - @ tab, CR or ' gets one ' in front, so a
        /// spreadsheet shows it as text instead of running it; removing one leading ' recovers the value.
        /// The file is written under a temporary name and renamed when complete. Returns the row count.
        /// </summary>
        public long Export(AccessLogQuery q, string path, bool overwrite, Action<long> progress = null)
        {
            var full = Path.GetFullPath(path);
            RequireReader("export the access log");
            StorePaths.Checked(_store, "export the access log", full);
            if (File.Exists(full) && !overwrite)
            {
                throw new PolicyException("FileExists", FailureKind.ResourceExists, "'" + full + "' already exists; use -Force to replace it.", full);
            }
            long count = 0;
            var (sql, args) = Sql(q);
            try
            {
                using (var connection = _store.Db.Open())
                using (var output = SafeOutput.Begin(_store, full))
                {
                using (var csv = new CsvBytesWriter(output.Stream, byteOrderMark: true))
                {
                    foreach (var c in Columns) csv.Field(c);
                    csv.EndRow();
                    Check(connection, raw.sqlite3_prepare_v2(connection.Handle, sql, out sqlite3_stmt statement));
                    using (statement)
                    {
                        foreach (var (name, value) in args)
                        {
                            Check(connection, raw.sqlite3_bind_text(statement, raw.sqlite3_bind_parameter_index(statement, name), (string)value));
                        }
                        int rc;
                        while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                        {
                            for (var i = 0; i < Columns.Length; i++) csv.Field(raw.sqlite3_column_blob(statement, i));
                            csv.EndRow();
                            count++;
                            if (progress != null && count % 10000 == 0) progress(count);
                        }
                        if (rc != raw.SQLITE_DONE) Check(connection, rc);
                    }
                }
                output.Commit();
                }
                return count;
            }
            finally
            {
            }
        }

        private static void Check(SqliteConnection connection, int rc)
        {
            if (rc != raw.SQLITE_OK && rc != raw.SQLITE_ROW && rc != raw.SQLITE_DONE)
            {
                throw PolicyDb.Translate(new SqliteException(raw.sqlite3_errmsg(connection.Handle).utf8_to_string(), rc));
            }
        }
    }
}
