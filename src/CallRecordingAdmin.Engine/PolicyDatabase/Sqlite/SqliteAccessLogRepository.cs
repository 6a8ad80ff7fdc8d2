using System;
using System.Collections.Generic;
using System.IO;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>The access log on SQLite: every statement on access_log (issue 10 P3); the fast export is <see cref="SqliteAccessLogExport"/>.</summary>
    internal sealed class SqliteAccessLogRepository : IAccessLogRepository
    {
        private readonly SqliteSession _session;

        internal SqliteAccessLogRepository(SqliteSession session) { _session = session; }

        public void Append(AccessLogEntry e)
        {
            _session.RequireWrite("Writing the access log");
            // Raw (SqliteRaw): exports write a row per recording inside a per-row catch.
            SqliteRaw.Execute(_session, @"INSERT INTO access_log(occurred_at, principal, action, outcome, recording_id, service_area, purpose, reason, detail, audit_seq, audit_hash)
                          VALUES ($t, $p, $a, $o, $r, $sa, $pu, $re, $d, $seq, $h)",
                ("$t", Timestamp.ToText(e.OccurredAt)), ("$p", e.Principal), ("$a", e.Action), ("$o", e.Outcome.ToString()), ("$r", e.RecordingId), ("$sa", e.ServiceArea),
                ("$pu", e.Purpose), ("$re", e.Reason), ("$d", e.Detail), ("$seq", e.AuditSequence), ("$h", e.AuditHash));
        }

        public IEnumerable<AccessLogEntry> Query(AccessLogQuery q)
        {
            var (sql, args) = Sql(q);
            return _session.Query(sql, r => new AccessLogEntry
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
            }, args.ToArray());
        }

        public long ExportCsv(AccessLogQuery q, Stream output, Action<long> progress)
        {
            var (sql, args) = Sql(q);
            return SqliteAccessLogExport.Write(_session, sql, args, output, progress);
        }

        /// <summary>The query's SQL: its columns are the export's, in <see cref="AccessLogRegister.Columns"/> order.</summary>
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
                var (areaSql, arg) = SqliteServiceAreaRepository.Filter(ServiceAreas.AreaSelector.Parse(q.ServiceArea), "service_area", null, "$sa");
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
    }
}
