using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.ServiceAreas;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// Recording requests on SQLite: every statement on recording_request, request_access_level and
    /// request_consultation (issue 10 P1). A query loads its requests, then the levels, consultations and history of
    /// all of them in one statement each (the same filter as a subquery), in one session.
    /// </summary>
    internal sealed class SqliteRequestRepository : IRequestRepository
    {
        private const string From = " FROM recording_request rr JOIN service_area sa ON sa.id = rr.service_area_id";
        private readonly SqliteSession _session;

        internal SqliteRequestRepository(SqliteSession session) { _session = session; }

        /// <summary>
        /// The SQL of a -Status filter, written from <see cref="RequestRules.StatusAt"/>: Expired is an Approved row whose
        /// until has come (until &lt;= now), Approved is one whose until has not; every other status is stored as it is.
        /// <c>RequestRulesTests</c> runs it and the rule on the same requests.
        /// </summary>
        internal static string StatusFilter(RequestStatus status, string statusParameter)
        {
            switch (status)
            {
                case RequestStatus.Approved: return "rr.status = 'Approved' AND (rr.until IS NULL OR rr.until > $now)";
                case RequestStatus.Expired: return "rr.status = 'Approved' AND rr.until <= $now";
                default: return "rr.status = " + statusParameter;
            }
        }

        /// <summary>The SQL of -ExpiringWithinDays, written from <see cref="RequestRules.ExpiresWithin"/>: approved now (until after now) and until by the horizon.</summary>
        internal const string ExpiringFilter = "rr.status = 'Approved' AND rr.until > $now AND rr.until <= $horizon";

        public RecordingRequest Find(string requestId) =>
            Load(" WHERE rr.id = $id", new[] { ("$id", (object)requestId?.Trim()) }).FirstOrDefault();

        public IReadOnlyList<RecordingRequest> Query(RecordingRequestQuery q, DateTimeOffset now)
        {
            var where = new List<string>();
            var args = new List<(string, object)> { ("$now", Timestamp.ToText(now)) };
            if (!string.IsNullOrEmpty(q.RequestId)) { where.Add("rr.id = $id"); args.Add(("$id", q.RequestId.Trim())); }
            var area = AreaSelector.Parse(q.ServiceArea);
            if (area != null)
            {
                var (areaSql, arg) = SqliteServiceAreaRepository.Filter(area, "sa.name", "sa.id", "$a");
                where.Add(areaSql);
                args.Add(arg);
            }
            if (q.Status.HasValue)
            {
                where.Add(StatusFilter(q.Status.Value, "$st"));
                args.Add(("$st", q.Status.Value.ToString()));
            }
            if (q.ExpiringWithinDays.HasValue)
            {
                where.Add(ExpiringFilter);
                args.Add(("$horizon", Timestamp.ToText(now.AddDays(q.ExpiringWithinDays.Value))));
            }
            return Load(where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "", args);
        }

        /// <summary>The requests of one filter, then their levels, consultations and history: four statements, whatever the count.</summary>
        private IReadOnlyList<RecordingRequest> Load(string where, IReadOnlyList<(string, object)> args)
        {
            var parameters = args.ToArray();
            var requests = _session.Query("SELECT rr.*, sa.name AS area_name" + From + where + " ORDER BY rr.requested_at, rr.id", Map, parameters).ToList();
            if (requests.Count == 0) return requests;
            var ids = "SELECT rr.id" + From + where;
            var levels = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (id, level) in _session.Query(
                "SELECT request_id, staff_group, rights FROM request_access_level WHERE request_id IN (" + ids + ") ORDER BY request_id, staff_group COLLATE NOCASE",
                r => (r.GetString(0), r.GetString(1) + "=" + r.GetString(2)), parameters))
            {
                Add(levels, id, level);
            }
            var consultations = new Dictionary<string, List<RequestConsultation>>(StringComparer.Ordinal);
            foreach (var c in _session.Query("SELECT * FROM request_consultation WHERE request_id IN (" + ids + ") ORDER BY recorded_at, id", MapConsultation, parameters))
            {
                Add(consultations, c.RequestId, c);
            }
            var history = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (id, line) in _session.Query(
                "SELECT target, occurred_at, principal, action FROM audit_event WHERE target_type = 'RecordingRequest' AND target IN (" + ids + ") ORDER BY seq",
                r => (r.GetString(0), r.GetString(1) + " " + r.GetString(3) + " by " + r.GetString(2)), parameters))
            {
                Add(history, id, line);
            }
            foreach (var q in requests)
            {
                q.AccessLevels = string.Join("; ", Get(levels, q.RequestId));
                q.Consultations = string.Join("; ", Get(consultations, q.RequestId).Select(x =>
                    x.Team + ": " + x.Outcome + (x.Mitigations == "" ? "" : " (" + x.Mitigations + ")")));
                q.History = string.Join("\n", Get(history, q.RequestId));
            }
            return requests;
        }

        private static void Add<T>(Dictionary<string, List<T>> d, string key, T value)
        {
            if (!d.TryGetValue(key, out var list)) d[key] = list = new List<T>();
            list.Add(value);
        }

        private static IEnumerable<T> Get<T>(Dictionary<string, List<T>> d, string key) =>
            d.TryGetValue(key, out var list) ? list : Enumerable.Empty<T>();

        public IReadOnlyList<RequestConsultation> Consultations(string requestId) =>
            _session.Query("SELECT * FROM request_consultation WHERE request_id = $id ORDER BY recorded_at, id", MapConsultation, ("$id", requestId)).ToList();

        public IReadOnlyDictionary<string, IReadOnlyList<AuthorisationWindow>> Windows(IReadOnlyCollection<string> areaIds)
        {
            var windows = new Dictionary<string, List<AuthorisationWindow>>(StringComparer.Ordinal);
            var args = new List<(string, object)>();
            var sql = "SELECT service_area_id, id, effective_from, until, stopped_at FROM recording_request WHERE status IN ('Approved', 'Stopped')";
            if (areaIds != null)
            {
                if (areaIds.Count == 0) return new Dictionary<string, IReadOnlyList<AuthorisationWindow>>();
                var names = areaIds.Select((id, i) => "$a" + i).ToList();
                sql += " AND service_area_id IN (" + string.Join(", ", names) + ")";
                args.AddRange(areaIds.Select((id, i) => ("$a" + i, (object)id)));
            }
            foreach (var (area, window) in _session.Query(sql + " ORDER BY effective_from", r => (r.GetString(0), new AuthorisationWindow(r.GetString(1),
                         Timestamp.Parse(r.GetString(2)), r.NullableTime("until"), r.NullableTime("stopped_at"))), args.ToArray()))
            {
                Add(windows, area, window);
            }
            return windows.ToDictionary(p => p.Key, p => (IReadOnlyList<AuthorisationWindow>)p.Value, StringComparer.Ordinal);
        }

        public void Insert(RecordingRequest q, string serviceAreaId, RetentionPeriod retention, IReadOnlyList<AccessLevel> levels)
        {
            _session.RequireWrite("Making a recording request");
            _session.Execute(@"INSERT INTO recording_request(id, service_area_id, business_reason, purposes, retention_value, retention_unit, until, dpia_reference, dpo_advice,
                                special_category_data, identity_validation, payment_card_data, related_regimes, notes, status, requested_at, requested_by)
                              VALUES ($id, $a, $br, $pu, $rv, $ru, $until, $dpia, $dpo, $sc, $iv, $pc, $rg, $notes, 'Pending', $t, $p)",
                ("$id", q.RequestId), ("$a", serviceAreaId), ("$br", q.BusinessReason), ("$pu", q.Purposes), ("$rv", retention.Value), ("$ru", retention.Unit.ToString()),
                ("$until", q.Until.HasValue ? Timestamp.ToText(q.Until.Value) : null), ("$dpia", q.DpiaReference), ("$dpo", q.DpoAdvice),
                ("$sc", q.SpecialCategoryData ? 1 : 0), ("$iv", q.IdentityValidation ? 1 : 0), ("$pc", q.PaymentCardData ? 1 : 0),
                ("$rg", q.RelatedRegimes), ("$notes", q.Notes), ("$t", Timestamp.ToText(q.RequestedAt)), ("$p", q.RequestedBy));
            foreach (var level in levels)
            {
                _session.Execute("INSERT INTO request_access_level(request_id, staff_group, rights) VALUES ($id, $g, $r)",
                    ("$id", q.RequestId), ("$g", level.StaffGroup), ("$r", string.Join("+", level.Rights)));
            }
        }

        public void Complete(string requestId, string businessReason, string dpiaReference, string dpoAdvice, string notes)
        {
            _session.RequireWrite("Completing a recording request");
            var sets = new List<string>();
            var args = new List<(string, object)> { ("$id", requestId) };
            void Set(string column, string value)
            {
                if (value == null) return;
                sets.Add(column + " = $" + column);
                args.Add(("$" + column, value == "" ? null : value));
            }
            Set("business_reason", businessReason);
            Set("dpia_reference", dpiaReference);
            Set("dpo_advice", dpoAdvice);
            Set("notes", notes);
            if (sets.Count == 0) return;
            _session.Execute("UPDATE recording_request SET " + string.Join(", ", sets) + " WHERE id = $id", args.ToArray());
        }

        public void AddConsultation(RequestConsultation c)
        {
            _session.RequireWrite("Recording a consultation");
            _session.Execute(@"INSERT INTO request_consultation(id, request_id, team, outcome, mitigations, notes, recorded_at, recorded_by)
                              VALUES ($id, $r, $team, $o, $m, $n, $t, $p)",
                ("$id", c.ConsultationId), ("$r", c.RequestId), ("$team", c.Team.ToString()), ("$o", c.Outcome.ToString()),
                ("$m", c.Mitigations), ("$n", c.Notes), ("$t", Timestamp.ToText(c.RecordedAt)), ("$p", c.RecordedBy));
        }

        public void Decide(string requestId, RequestStatus decision, DateTimeOffset at, string by, string comment, DateTimeOffset? effectiveFrom)
        {
            _session.RequireWrite("Deciding a recording request");
            if (decision != RequestStatus.Approved && decision != RequestStatus.Denied) throw new ArgumentOutOfRangeException(nameof(decision));
            _session.Execute("UPDATE recording_request SET status = $s, decided_at = $t, decided_by = $p, decision_comment = $c" +
                             (decision == RequestStatus.Approved ? ", effective_from = $f" : "") + " WHERE id = $id",
                ("$s", decision.ToString()), ("$t", Timestamp.ToText(at)), ("$p", by), ("$c", comment),
                ("$f", effectiveFrom.HasValue ? Timestamp.ToText(effectiveFrom.Value) : null), ("$id", requestId));
        }

        public void Stop(string requestId, DateTimeOffset at, string by, string reason)
        {
            _session.RequireWrite("Stopping a recording request");
            _session.Execute("UPDATE recording_request SET status = 'Stopped', stopped_at = $t, stopped_by = $p, stop_reason = $r WHERE id = $id",
                ("$t", Timestamp.ToText(at)), ("$p", by), ("$r", reason), ("$id", requestId));
        }

        private static RecordingRequest Map(SqliteDataReader r)
        {
            var value = r.Long("retention_value");
            var period = SqliteServiceAreaRepository.Retention(value, r.Text("retention_unit"));
            return new RecordingRequest
            {
                RequestId = r.Text("id"),
                ServiceArea = r.Text("area_name"),
                Status = (RequestStatus)Enum.Parse(typeof(RequestStatus), r.Text("status")),
                BusinessReason = r.Text("business_reason"),
                Purposes = r.Text("purposes"),
                Retention = period.ToString(),
                RetentionDays = period.Unit == RetentionUnit.Days ? (int)value : (int?)null,
                RetentionMonths = period.Unit == RetentionUnit.Months ? (int)value : (int?)null,
                Until = r.NullableTime("until"),
                DpiaReference = r.Text("dpia_reference"),
                DpoAdvice = r.Text("dpo_advice"),
                SpecialCategoryData = r.Bool("special_category_data"),
                IdentityValidation = r.Bool("identity_validation"),
                PaymentCardData = r.Bool("payment_card_data"),
                RelatedRegimes = r.Text("related_regimes"),
                Notes = r.Text("notes"),
                RequestedAt = r.Time("requested_at"),
                RequestedBy = r.Text("requested_by"),
                DecidedAt = r.NullableTime("decided_at"),
                DecidedBy = r.Text("decided_by"),
                DecisionComment = r.Text("decision_comment"),
                EffectiveFrom = r.NullableTime("effective_from"),
                StoppedAt = r.NullableTime("stopped_at"),
                StoppedBy = r.Text("stopped_by"),
                StopReason = r.Text("stop_reason"),
            };
        }

        private static RequestConsultation MapConsultation(SqliteDataReader r) => new RequestConsultation
        {
            ConsultationId = r.Text("id"),
            RequestId = r.Text("request_id"),
            Team = (ConsultationTeam)Enum.Parse(typeof(ConsultationTeam), r.Text("team")),
            Outcome = (ConsultationOutcome)Enum.Parse(typeof(ConsultationOutcome), r.Text("outcome")),
            Mitigations = r.Text("mitigations"),
            Notes = r.Text("notes"),
            RecordedAt = r.Time("recorded_at"),
            RecordedBy = r.Text("recorded_by"),
        };
    }
}
