using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.SubjectAccess;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.Compliance
{
    /// <summary>
    /// The reads the compliance report needs, in one read connection: rows and aggregates only, never a
    /// decision. Every decision is made by the clause's rules type (AreaRules, NoticeRules, RetentionRules,
    /// AccessRules, …) that enforcement also uses; where a rule is evaluated in SQL over millions of rows,
    /// the SQL text comes from the same rules type.
    /// </summary>
    internal sealed class ComplianceRepository
    {
        private readonly SqliteConnection _c;

        public ComplianceRepository(SqliteConnection connection) { _c = connection; }

        internal sealed class AreaRow
        {
            public string Id, Name, CustomerNotice;
            public bool AutomatedNotice;
            public List<AuthorisationWindow> Windows = new List<AuthorisationWindow>();
            public Dictionary<string, string> RequestPurposes = new Dictionary<string, string>(StringComparer.Ordinal);
            public List<RecordedExtension> Extensions = new List<RecordedExtension>();
            public int Measures;
        }

        internal sealed class ApprovedRequest
        {
            public string Id, AreaId;
            public bool Special, Identity, Card;
            public DateTimeOffset? Until, StoppedAt;
            public List<RequestConsultation> Consultations = new List<RequestConsultation>();
        }

        private IEnumerable<T> Rows<T>(string sql, Func<SqliteDataReader, T> map, params (string, object)[] args)
        {
            using (var cmd = PolicyDb.Command(_c, null, sql, args))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) yield return map(r);
            }
        }

        private static DateTimeOffset? Time(SqliteDataReader r, int i) => r.IsDBNull(i) ? (DateTimeOffset?)null : Policy.Timestamp.Parse(r.GetString(i));

        public List<AreaRow> Areas()
        {
            var areas = Rows("SELECT id, name, customer_notice, automated_notice FROM service_area ORDER BY name COLLATE NOCASE",
                r => new AreaRow { Id = r.GetString(0), Name = r.GetString(1), CustomerNotice = r.IsDBNull(2) ? null : r.GetString(2), AutomatedNotice = r.GetInt64(3) != 0 }).ToList();
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

        public List<ApprovedRequest> ApprovedRequests()
        {
            var list = Rows("SELECT id, service_area_id, special_category_data, identity_validation, payment_card_data, until, stopped_at FROM recording_request WHERE status = 'Approved'",
                r => new ApprovedRequest { Id = r.GetString(0), AreaId = r.GetString(1), Special = r.GetInt64(2) != 0, Identity = r.GetInt64(3) != 0, Card = r.GetInt64(4) != 0, Until = Time(r, 5), StoppedAt = Time(r, 6) }).ToList();
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
        public List<(string Area, long Count, string First)> AccessWithoutPurpose() =>
            Rows("SELECT ifnull(service_area, ''), count(*), min(occurred_at) FROM access_log WHERE outcome = 'Allowed' AND " + AccessRules.LacksPurposeSql + " GROUP BY ifnull(service_area, '')",
                r => (r.GetString(0), r.GetInt64(1), r.GetString(2))).ToList();

        public List<(string Id, string Subject, InvestigationStatus Status, DateTimeOffset RequestedAt)> Investigations() =>
            Rows("SELECT id, subject, status, requested_at FROM investigation_request WHERE status = 'Pending'",
                r => (r.GetString(0), r.GetString(1), (InvestigationStatus)Enum.Parse(typeof(InvestigationStatus), r.GetString(2)), Policy.Timestamp.Parse(r.GetString(3)))).ToList();

        public List<(string Id, string Reference, SubjectAccessStatus Status, DateTime DueOn)> OpenSubjectAccessRequests() =>
            Rows("SELECT id, reference, status, due_on FROM subject_access_request WHERE status = 'Open' ORDER BY due_on",
                r => (r.GetString(0), r.GetString(1), SubjectAccessStatus.Open, DateTime.ParseExact(r.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture))).ToList();

        public DateTimeOffset? LastCheckpoint() =>
            Policy.Timestamp.ParseOrNull(PolicyDb.Scalar(_c, null, "SELECT max(occurred_at) FROM audit_event WHERE action = $a", ("$a", AuditRules.CheckpointAction)));

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

        /// <summary>The newest event after <paramref name="afterSequence"/> that changed what the store check checks: its sequence, action and time.</summary>
        public (long Sequence, string Action, string OccurredAt)? NewestStoreChangeAfter(long afterSequence)
        {
            (long, string, string)? newest = null;
            foreach (var action in Store.StoreCheckRules.ChangingActions)
            {
                var row = Rows("SELECT seq, action, occurred_at FROM audit_event WHERE action = $a AND seq > $s ORDER BY seq DESC LIMIT 1",
                    r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), ("$a", action), ("$s", afterSequence)).ToList();
                if (row.Count == 1 && (newest == null || row[0].Item1 > newest.Value.Item1)) newest = row[0];
            }
            return newest;
        }

        /// <summary>
        /// Each (principal, operating-system account) pair the audit log records, with its count and last event.
        /// Reads an <c>os_account</c> column of audit_event where the schema has one, else the <c>osAccount</c> key of
        /// the event's details; a store that records neither gives none.
        /// </summary>
        public List<(string Principal, string OsAccount, long Count, long LastSeq)> PrincipalOsAccounts()
        {
            var hasColumn = Rows("SELECT name FROM pragma_table_info('audit_event')", r => r.GetString(0)).Any(n => string.Equals(n, "os_account", StringComparison.OrdinalIgnoreCase));
            var os = hasColumn ? "os_account" : "json_extract(details, '$." + AuditRules.OsAccountKey + "')";
            return Rows("SELECT principal, " + os + " AS os, count(*), max(seq) FROM audit_event WHERE json_valid(details) AND " + os + " IS NOT NULL GROUP BY principal COLLATE NOCASE, os",
                r => (r.GetString(0), Convert.ToString(r.GetValue(1), CultureInfo.InvariantCulture), r.GetInt64(2), r.GetInt64(3))).ToList();
        }

        /// <summary>Audit events of a failed deletion whose recording is still not Deleted.</summary>
        public List<(string RecordingId, string Area, string OccurredAt, string State)> FailedDeletions()
        {
            var names = AuditRules.FailedDeletionActions.Select((a, i) => ("$d" + i, (object)a)).ToArray();
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
