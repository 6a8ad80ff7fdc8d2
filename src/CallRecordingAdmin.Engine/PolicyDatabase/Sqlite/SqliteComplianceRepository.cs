using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Compliance;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.SubjectAccess;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// The compliance report's reads on SQLite (<see cref="IComplianceRepository"/>): rows and aggregates only, never a
    /// decision. Where a rule is evaluated here over millions of rows, the SQL text comes from the rules type
    /// (RetentionRules.DueSql, AccessRules.LacksPurposeSql), and migration 11's indexes are built from the same text.
    /// </summary>
    internal sealed class SqliteComplianceRepository : IComplianceRepository
    {
        private readonly SqliteSession _session;

        internal SqliteComplianceRepository(SqliteSession session) { _session = session; }

        private IEnumerable<T> Rows<T>(string sql, Func<SqliteDataReader, T> map, params (string, object)[] args) => _session.Query(sql, map, args);

        private static DateTimeOffset? Time(SqliteDataReader r, int i) => r.IsDBNull(i) ? (DateTimeOffset?)null : Policy.Timestamp.Parse(r.GetString(i));

        public List<ComplianceArea> Areas()
        {
            var areas = Rows("SELECT id, name, customer_notice, automated_notice FROM service_area ORDER BY name COLLATE NOCASE",
                r => new ComplianceArea { Id = r.GetString(0), Name = r.GetString(1), CustomerNotice = r.IsDBNull(2) ? null : r.GetString(2), AutomatedNotice = r.GetInt64(3) != 0 }).ToList();
            var byId = areas.ToDictionary(a => a.Id);
            foreach (var (areaId, window, purposes) in Rows("SELECT service_area_id, id, effective_from, until, stopped_at, purposes FROM recording_request WHERE status IN ('Approved', 'Stopped') AND effective_from IS NOT NULL ORDER BY effective_from",
                         r => (r.GetString(0), new AuthorisationWindow(r.GetString(1), Policy.Timestamp.Parse(r.GetString(2)), Time(r, 3), Time(r, 4)), r.GetString(5))))
            {
                if (!byId.TryGetValue(areaId, out var a)) continue;
                a.Windows.Add(window);
                a.RequestPurposes[window.RequestId] = purposes;
            }
            foreach (var (areaId, e) in Rows("SELECT e.service_area_id, e.number, e.mode, e.labelled, e.non_recorded_alternative FROM recorded_extension e ORDER BY e.number",
                         r => (r.GetString(0), new RecordedExtension
                         {
                             Number = r.GetString(1), Mode = r.GetString(2) == "Constant" ? ExtensionMode.Constant : ExtensionMode.OnDemand,
                             Labelled = r.GetInt64(3) != 0, NonRecordedAlternative = r.IsDBNull(4) ? null : r.GetString(4),
                         })))
            {
                if (byId.TryGetValue(areaId, out var a)) { e.ServiceArea = a.Name; a.Extensions.Add(e); }
            }
            foreach (var (areaId, n) in Rows("SELECT service_area_id, count(*) FROM notification_measure GROUP BY service_area_id", r => (r.GetString(0), r.GetInt64(1))))
            {
                if (byId.TryGetValue(areaId, out var a)) a.Measures = (int)n;
            }
            return areas;
        }

        public IReadOnlyList<string> AreaNames() =>
            Rows("SELECT name FROM service_area ORDER BY name COLLATE NOCASE", r => r.GetString(0)).ToList();

        public HashSet<string> RecordedNumbers() =>
            new HashSet<string>(Rows("SELECT number FROM recorded_extension", r => r.GetString(0)), StringComparer.Ordinal);

        /// <summary>Recordings of an area that started in [from, to): null bounds are open. Uses the (area, start_time) index.</summary>
        public (long Count, string First, string Last) RecordingsBetween(string areaId, DateTimeOffset? from, DateTimeOffset? to)
        {
            var sql = "SELECT count(*), min(start_time), max(start_time) FROM recording WHERE service_area_id = $a" +
                      (from.HasValue ? " AND start_time >= $f" : "") + (to.HasValue ? " AND start_time < $t" : "");
            return Rows(sql, r => (r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)),
                ("$a", areaId), ("$f", from.HasValue ? Policy.Timestamp.ToText(from.Value) : null), ("$t", to.HasValue ? Policy.Timestamp.ToText(to.Value) : null)).Single();
        }

        public List<ComplianceApprovedRequest> ApprovedRequests()
        {
            var list = Rows("SELECT id, service_area_id, special_category_data, identity_validation, payment_card_data, until, stopped_at FROM recording_request WHERE status = 'Approved'",
                r => new ComplianceApprovedRequest { Id = r.GetString(0), AreaId = r.GetString(1), Special = r.GetInt64(2) != 0, Identity = r.GetInt64(3) != 0, Card = r.GetInt64(4) != 0, Until = Time(r, 5), StoppedAt = Time(r, 6) }).ToList();
            var byId = list.ToDictionary(x => x.Id);
            foreach (var (id, c) in Rows("SELECT c.request_id, c.team, c.outcome, c.recorded_at FROM request_consultation c JOIN recording_request rr ON rr.id = c.request_id WHERE rr.status = 'Approved'",
                         r => (r.GetString(0), new RequestConsultation
                         {
                             RequestId = r.GetString(0), Team = (ConsultationTeam)Enum.Parse(typeof(ConsultationTeam), r.GetString(1)),
                             Outcome = (ConsultationOutcome)Enum.Parse(typeof(ConsultationOutcome), r.GetString(2)), RecordedAt = Policy.Timestamp.Parse(r.GetString(3)),
                         })))
            {
                if (byId.TryGetValue(id, out var q)) q.Consultations.Add(c);
            }
            return list;
        }

        /// <summary>Per area: recordings the purge would delete at <paramref name="at"/> (<see cref="RetentionRules.DueSql"/>), with the earliest expiry.</summary>
        public Dictionary<string, (long Count, string Earliest)> RetentionDue(DateTimeOffset at) =>
            Rows("SELECT r.service_area_id, count(*), min(r.expires_at) FROM recording r WHERE " + RetentionRules.DueSql("$at") + " GROUP BY r.service_area_id",
                r => (r.GetString(0), r.GetInt64(1), r.GetString(2)), ("$at", Policy.Timestamp.ToText(at))).ToDictionary(x => x.Item1, x => (x.Item2, x.Item3));

        public Dictionary<string, long> PendingDeletions() =>
            Rows("SELECT service_area_id, count(*) FROM recording WHERE state = 'PendingDelete' GROUP BY service_area_id", r => (r.GetString(0), r.GetInt64(1)))
                .ToDictionary(x => x.Item1, x => x.Item2);

        public List<(string Id, string Case, DateTimeOffset? RetainUntil, DateTimeOffset? ReleasedAt, long Recordings)> Holds() =>
            Rows("SELECT h.id, h.case_reference, h.retain_until, h.released_at, (SELECT count(*) FROM legal_hold_recording hr WHERE hr.hold_id = h.id) FROM legal_hold h WHERE h.released_at IS NULL ORDER BY h.created_at",
                r => (r.GetString(0), r.GetString(1), Time(r, 2), Time(r, 3), r.GetInt64(4))).ToList();

        public List<(string Id, string Principal, string AreaId, string Area, DateTimeOffset? ReviewBy, DateTimeOffset? ExpiresOn, DateTimeOffset? RevokedAt)> AreaGrants() =>
            Rows("SELECT g.id, g.principal, g.service_area_id, sa.name, g.review_by, g.expires_on, g.revoked_at FROM access_grant g JOIN service_area sa ON sa.id = g.service_area_id WHERE g.revoked_at IS NULL ORDER BY sa.name, g.principal",
                r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Time(r, 4), Time(r, 5), Time(r, 6))).ToList();

        /// <summary>Per area name: allowed accesses with no purpose or reason (<see cref="AccessRules.LacksPurposeSql"/>).</summary>
        /// <remarks>The WHERE clause is the partial index access_log_without_purpose's (migration 11), so only the offending rows are read.</remarks>
        public List<(string Area, long Count, string First)> AccessWithoutPurpose() =>
            Rows(AccessWithoutPurposeSql, r => (r.GetString(0), r.GetInt64(1), r.GetString(2))).ToList();

        internal static readonly string AccessWithoutPurposeSql =
            "SELECT ifnull(service_area, ''), count(*), min(occurred_at) FROM access_log WHERE " + AccessWithoutPurposeWhere + " GROUP BY ifnull(service_area, '')";

        /// <summary>Allowed accesses that lack a purpose or a reason, as <see cref="AccessRules.LacksPurposeSql"/> says: the query's filter and migration 11's partial index.</summary>
        internal static string AccessWithoutPurposeWhere => "outcome = 'Allowed' AND " + AccessRules.LacksPurposeSql;

        public List<(string Id, string Subject, InvestigationStatus Status, DateTimeOffset RequestedAt)> Investigations() =>
            Rows("SELECT id, subject, status, requested_at FROM investigation_request WHERE status = 'Pending'",
                r => (r.GetString(0), r.GetString(1), (InvestigationStatus)Enum.Parse(typeof(InvestigationStatus), r.GetString(2)), Policy.Timestamp.Parse(r.GetString(3)))).ToList();

        public List<(string Id, string Reference, SubjectAccessStatus Status, DateTime DueOn)> OpenSubjectAccessRequests() =>
            Rows("SELECT id, reference, status, due_on FROM subject_access_request WHERE status = 'Open' ORDER BY due_on",
                r => (r.GetString(0), r.GetString(1), SubjectAccessStatus.Open, DateTime.ParseExact(r.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture))).ToList();

        public DateTimeOffset? LastCheckpoint() =>
            Policy.Timestamp.ParseOrNull(_session.Scalar("SELECT max(occurred_at) FROM audit_event WHERE action = $a", ("$a", AuditRules.CheckpointAction)));

        /// <summary>The most recent recorded store check (Test-RecordingStore), or null when none was ever recorded (the action index finds it).</summary>
        public Store.StoreCheckRules.RecordedRun LastStoreCheck() =>
            Rows("SELECT seq, occurred_at, principal, details FROM audit_event WHERE action = $a ORDER BY seq DESC LIMIT 1",
                r => Store.StoreCheckRules.Read(r.GetInt64(0), Policy.Timestamp.Parse(r.GetString(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)),
                ("$a", Store.StoreCheckRules.Action)).FirstOrDefault();

        /// <summary>The most recent recorded Test-AuditChain: its sequence, time, whether the chain held and the problem found.</summary>
        public (long Sequence, DateTimeOffset RanAt, bool Valid, string Problem)? LastChainCheck() =>
            Rows("SELECT seq, occurred_at, json_extract(details, '$.valid'), json_extract(details, '$.problem') FROM audit_event WHERE action = $a AND json_valid(details) ORDER BY seq DESC LIMIT 1",
                r => ((long, DateTimeOffset, bool, string)?)(r.GetInt64(0), Policy.Timestamp.Parse(r.GetString(1)), !r.IsDBNull(2) && r.GetInt64(2) == 1, r.IsDBNull(3) ? null : r.GetString(3)),
                ("$a", AuditRules.ChainCheckAction)).FirstOrDefault();

        public (long Sequence, string Action, string OccurredAt)? NewestEventAfter(long afterSequence, IEnumerable<string> actions)
        {
            (long, string, string)? newest = null;
            foreach (var action in actions)
            {
                // One probe of the action index per action: the newest such event, if it is after the sequence.
                var row = Rows("SELECT seq, action, occurred_at FROM audit_event WHERE action = $a AND seq > $s ORDER BY seq DESC LIMIT 1",
                    r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), ("$a", action), ("$s", afterSequence)).ToList();
                if (row.Count == 1 && (newest == null || row[0].Item1 > newest.Value.Item1)) newest = row[0];
            }
            return newest;
        }

        /// <summary>The query that finds the next principal in the audit log after one (the index audit_event_principal, migration 11).</summary>
        internal const string NextPrincipalSql = "SELECT principal FROM audit_event WHERE principal > $p COLLATE NOCASE ORDER BY principal COLLATE NOCASE LIMIT 1";
        /// <summary>The query that finds a principal's next operating-system account after one (the same index).</summary>
        internal const string NextOsAccountSql = "SELECT os_account FROM audit_event WHERE principal = $p COLLATE NOCASE AND os_account > $o COLLATE NOCASE ORDER BY os_account COLLATE NOCASE LIMIT 1";
        /// <summary>The events of one pair (a range of the same index).</summary>
        internal const string EventsOfSql = "SELECT count(*), max(seq) FROM audit_event WHERE principal = $p COLLATE NOCASE AND os_account = $o COLLATE NOCASE";

        public IReadOnlyList<(string Principal, string OsAccount)> PrincipalOsAccounts()
        {
            // A skip scan of the index on (principal, os_account): one probe per distinct principal and per distinct
            // account of each, so a million events by a few hundred people cost a few hundred probes, not a million rows.
            var pairs = new List<(string, string)>();
            var principal = "";
            while ((principal = _session.Scalar(NextPrincipalSql, ("$p", principal)) as string) != null)
            {
                var os = "";
                while ((os = _session.Scalar(NextOsAccountSql, ("$p", principal), ("$o", os)) as string) != null)
                {
                    pairs.Add((principal, os));
                }
            }
            return pairs;
        }

        public (long Count, long LastSeq) EventsOf(string principal, string osAccount) =>
            Rows(EventsOfSql, r => (r.GetInt64(0), r.IsDBNull(1) ? 0L : r.GetInt64(1)), ("$p", principal), ("$o", osAccount)).Single();

        public List<(string RecordingId, string Area, string OccurredAt, string State)> FailedDeletions(IEnumerable<string> actions)
        {
            var names = actions.Select((a, i) => ("$d" + i, (object)a)).ToArray();
            return Rows("SELECT a.target, ifnull(sa.name, ''), max(a.occurred_at), ifnull(r.state, '') FROM audit_event a LEFT JOIN recording r ON r.id = a.target LEFT JOIN service_area sa ON sa.id = r.service_area_id" +
                        " WHERE a.action IN (" + string.Join(", ", names.Select(n => n.Item1)) + ") AND ifnull(r.state, '') <> 'Deleted' GROUP BY a.target",
                r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)), names).ToList();
        }

        public void Charts(ComplianceCharts charts, DateTimeOffset asOf, Func<string, bool> areaWanted)
        {
            foreach (var (area, month, n) in Rows("SELECT sa.name, substr(r.expires_at, 1, 7), count(*) FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.state IN ('Active', 'PendingDelete') GROUP BY r.service_area_id, substr(r.expires_at, 1, 7)",
                         r => (r.GetString(0), r.GetString(1), r.GetInt64(2))))
            {
                if (areaWanted(area)) charts.RecordingsByExpiryMonth.Add((area, month, n));
            }
            var from = new DateTimeOffset(asOf.UtcDateTime.Year, asOf.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-11);
            foreach (var (area, month, purpose, n) in Rows("SELECT ifnull(service_area, ''), substr(occurred_at, 1, 7), ifnull(nullif(trim(purpose), ''), '(none)'), count(*) FROM access_log WHERE occurred_at >= $f AND occurred_at < $to AND outcome = 'Allowed' GROUP BY 1, 2, 3",
                         r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)), ("$f", Policy.Timestamp.ToText(from)), ("$to", Policy.Timestamp.ToText(asOf))))
            {
                if (areaWanted(area)) charts.AccessByPurpose.Add((month, purpose, n));
            }
            foreach (var (area, month, n) in Rows("SELECT sa.name, substr(g.review_by, 1, 7), count(*) FROM access_grant g JOIN service_area sa ON sa.id = g.service_area_id WHERE g.revoked_at IS NULL AND g.review_by IS NOT NULL GROUP BY 1, 2",
                         r => (r.GetString(0), r.GetString(1), r.GetInt64(2))))
            {
                if (areaWanted(area)) charts.GrantsByReviewMonth.Add((month, n));
            }
        }
    }
}
