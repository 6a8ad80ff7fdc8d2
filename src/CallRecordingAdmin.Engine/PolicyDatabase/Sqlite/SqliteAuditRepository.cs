using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// The audit chain's rows on SQLite: every statement on audit_event (issue 10 P3). One per session: it keeps the
    /// chain's head between the appends of one transaction (the write lock is held, so nobody else appends). The
    /// event and its hash are <see cref="AuditChain.Next"/>'s; this only reads the head and writes the row.
    /// </summary>
    internal sealed class SqliteAuditRepository : IAuditRepository
    {
        private readonly SqliteSession _session;
        private readonly AuditChain.Head _head = new AuditChain.Head();

        internal SqliteAuditRepository(SqliteSession session) { _session = session; }

        public AuditEvent Append(string storeId, DateTimeOffset at, string principal, string osAccount, string action, string targetType, string target, IDictionary<string, object> details)
        {
            _session.RequireWrite("Appending an audit event");
            if (_head.Hash == null)
            {
                var head = Head();
                _head.Sequence = head?.Sequence ?? 0;
                _head.Hash = head?.Hash ?? AuditChain.Genesis(storeId);
            }
            var e = AuditChain.Next(_head.Sequence, _head.Hash, at, principal, osAccount, action, targetType, target, details);
            // Raw statements, as before the move: a failure is translated at the change's boundary.
            SqliteRaw.Execute(_session,
                "INSERT INTO audit_event(seq, occurred_at, principal, os_account, format, action, target_type, target, details, prev_hash, hash) VALUES ($s, $o, $p, $os, $f, $a, $tt, $t, $d, $ph, $h)",
                ("$s", e.Sequence), ("$o", Timestamp.ToText(at)), ("$p", e.Principal), ("$os", e.OsAccount), ("$f", e.Format), ("$a", e.Action), ("$tt", e.TargetType),
                ("$t", e.Target), ("$d", e.Details), ("$ph", e.PreviousHash), ("$h", e.Hash));
            _head.Sequence = e.Sequence;
            _head.Hash = e.Hash;
            return e;
        }

        // The facts SeparationOfDuties needs (issue 10 P1).
        public string OsAccountOf(string action, string target) =>
            _session.Scalar("SELECT os_account FROM audit_event WHERE target = $t AND action = $a ORDER BY seq DESC LIMIT 1", ("$t", target), ("$a", action)) as string;

        public bool HasActedAs(string osAccount, string principal, string otherSpelling) =>
            _session.Scalar(
                "SELECT 1 FROM audit_event WHERE (principal = $p COLLATE NOCASE OR principal = $q COLLATE NOCASE) AND os_account = $os COLLATE NOCASE LIMIT 1",
                ("$p", principal), ("$q", otherSpelling), ("$os", osAccount)) != null;

        public (long Sequence, string Hash)? Head()
        {
            using (var cmd = _session.Command("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1"))
            using (var r = cmd.ExecuteReader())
            {
                return r.Read() ? (r.GetInt64(0), r.GetString(1)) : ((long, string)?)null;
            }
        }

        public IEnumerable<AuditEvent> Query(AuditQuery q)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (q.After.HasValue) { where.Add("occurred_at > $after"); args.Add(("$after", Timestamp.ToText(q.After.Value))); }
            if (q.Before.HasValue) { where.Add("occurred_at < $before"); args.Add(("$before", Timestamp.ToText(q.Before.Value))); }
            if (q.AfterSequence.HasValue) { where.Add("seq > $afterSeq"); args.Add(("$afterSeq", q.AfterSequence.Value)); }
            AddTextFilter(where, args, "principal", "$principal", q.Principal);
            AddTextFilter(where, args, "action", "$action", q.Action);
            AddTextFilter(where, args, "target", "$target", q.Target);
            var sql = "SELECT * FROM audit_event" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY seq" +
                      (q.First.HasValue ? " LIMIT " + q.First.Value.ToString(CultureInfo.InvariantCulture) : "");
            return _session.Query(sql, Map, args.ToArray());
        }

        public IEnumerable<AuditRow> Range(long fromSequence)
        {
            // Columns by position (one SELECT list, no lookup by name per cell): the walk reads a million rows.
            string Cell(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
            return _session.Query(
                "SELECT seq, format, occurred_at, principal, os_account, action, target_type, target, details, prev_hash, hash FROM audit_event" +
                (fromSequence > 1 ? " WHERE seq >= $from" : "") + " ORDER BY seq",
                r => new AuditRow(r.GetInt64(0), (int)r.GetInt64(1), Cell(r, 2), Cell(r, 3), Cell(r, 4), Cell(r, 5), Cell(r, 6), Cell(r, 7), Cell(r, 8), Cell(r, 9), Cell(r, 10)),
                ("$from", fromSequence));
        }

        public string FirstDetails(string action) =>
            _session.Scalar("SELECT details FROM audit_event WHERE action = $a ORDER BY seq LIMIT 1", ("$a", action)) as string;

        public bool Any(string action, string target) =>
            Convert.ToInt64(_session.Scalar("SELECT count(*) FROM audit_event WHERE target = $id AND action = $a", ("$id", target), ("$a", action))) > 0;

        private static void AddTextFilter(List<string> where, List<(string, object)> args, string column, string name, string value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }
            if (SqliteLike.HasWildcard(value))
            {
                where.Add(column + " LIKE " + name + " ESCAPE '\\'");
                args.Add((name, SqliteLike.From(value)));
            }
            else
            {
                where.Add(column + " = " + name + " COLLATE NOCASE");
                args.Add((name, value));
            }
        }

        private static AuditEvent Map(SqliteDataReader r) => new AuditEvent
        {
            Sequence = r.Long("seq"),
            OccurredAt = r.Time("occurred_at"),
            Principal = r.Text("principal"),
            OsAccount = r.Text("os_account"),
            Format = (int)r.Long("format"),
            Action = r.Text("action"),
            TargetType = r.Text("target_type"),
            Target = r.Text("target"),
            Details = r.Text("details"),
            PreviousHash = r.Text("prev_hash"),
            Hash = r.Text("hash"),
        };
    }
}
