using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.RecordingRequests
{
    /// <summary>
    /// The clause 2.2 workflow: a request is made with its justification, consultations are recorded, and
    /// a Network Services Manager decides. A decision is refused while the evidence the policy asks for
    /// is missing; an approved request authorises recording in its area until it ends.
    /// </summary>
    public sealed class RequestRegister
    {
        private const string Select = "SELECT rr.*, sa.name AS area_name FROM recording_request rr JOIN service_area sa ON sa.id = rr.service_area_id";
        private readonly RecordingStore _store;

        internal RequestRegister(RecordingStore store) { _store = store; }

        private static string Required(string value, string errorId, string what)
        {
            var v = value?.Trim();
            if (string.IsNullOrEmpty(v))
            {
                throw new PolicyException(errorId, FailureKind.InvalidArgument, "a request must state " + what + ".", value, "2.2");
            }
            return Text.Check(v, errorId.Replace("Required", ""), Text.ReasonMax);
        }

        private static string Optional(string value) => Text.Optional(value);

        public RecordingRequest Create(RecordingRequestDraft d)
        {
            var reason = Required(d.BusinessReason, "BusinessReasonRequired", "clear business reasons for call recording");
            if (d.Purposes == null || d.Purposes.Count == 0)
            {
                throw new PolicyException("PurposeRequired", FailureKind.InvalidArgument,
                    "a request must name at least one purpose: QualityMonitoring, Training, CustomerAgreement, DisputeOrComplaint or StaffProtection.", null, "2.1");
            }
            if (d.AccessLevels == null || d.AccessLevels.Count == 0)
            {
                throw new PolicyException("AccessLevelRequired", FailureKind.InvalidArgument,
                    "a request must outline the levels of access staff in the area need, e.g. @{ Supervisor = 'Play','Download'; Advisor = 'Play' }.", null, "2.2");
            }
            var duplicateGroup = d.AccessLevels.GroupBy(a => a.StaffGroup, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicateGroup != null)
            {
                throw new PolicyException("AccessLevelInvalid", FailureKind.InvalidArgument, "staff group '" + duplicateGroup.Key + "' is named twice.", duplicateGroup.Key, "2.2");
            }
            return _store.Change("make recording requests", ctx =>
            {
                if (d.Until.HasValue && d.Until.Value <= ctx.Now)
                {
                    throw new PolicyException("RequestUntilInPast", FailureKind.InvalidArgument,
                        "a time-limited request must end in the future; " + Timestamp.ToText(d.Until.Value) + " has passed.", d.Until.Value, "2.2");
                }
                var area = ServiceAreaRegister.Find(ctx, d.ServiceArea);
                var id = Ids.New("req");
                var purposes = string.Join(", ", d.Purposes.Distinct().OrderBy(p => p));
                var regimes = string.Join(", ", (d.RelatedRegimes ?? new RelatedRegime[0]).Distinct().OrderBy(r => r));
                ctx.Execute(@"INSERT INTO recording_request(id, service_area_id, business_reason, purposes, retention_value, retention_unit, until, dpia_reference, dpo_advice,
                                special_category_data, identity_validation, payment_card_data, related_regimes, notes, status, requested_at, requested_by)
                              VALUES ($id, $a, $br, $pu, $rv, $ru, $until, $dpia, $dpo, $sc, $iv, $pc, $rg, $notes, 'Pending', $t, $p)",
                    ("$id", id), ("$a", area.Id), ("$br", reason), ("$pu", purposes), ("$rv", d.Retention.Value), ("$ru", d.Retention.Unit.ToString()),
                    ("$until", d.Until.HasValue ? Timestamp.ToText(d.Until.Value) : null), ("$dpia", Optional(d.DpiaReference)), ("$dpo", Optional(d.DpoAdvice)),
                    ("$sc", d.SpecialCategoryData ? 1 : 0), ("$iv", d.IdentityValidation ? 1 : 0), ("$pc", d.PaymentCardData ? 1 : 0),
                    ("$rg", regimes), ("$notes", Optional(d.Notes)), ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal));
                foreach (var level in d.AccessLevels)
                {
                    ctx.Execute("INSERT INTO request_access_level(request_id, staff_group, rights) VALUES ($id, $g, $r)",
                        ("$id", id), ("$g", level.StaffGroup), ("$r", string.Join("+", level.Rights)));
                }
                ctx.Audit("NewRecordingRequest", "RecordingRequest", id, new Dictionary<string, object>
                {
                    ["serviceArea"] = area.Name, ["purposes"] = purposes, ["retention"] = d.Retention.ToString(),
                    ["until"] = d.Until, ["accessLevels"] = string.Join("; ", d.AccessLevels),
                    ["sensitiveData"] = Sensitive(d.SpecialCategoryData, d.IdentityValidation, d.PaymentCardData),
                    ["dpiaReference"] = Optional(d.DpiaReference), ["relatedRegimes"] = regimes == "" ? null : regimes,
                });
                return Load(ctx, id);
            });
        }

        private static string Sensitive(bool special, bool identity, bool card)
        {
            var list = new List<string>();
            if (special) list.Add("SpecialCategoryData");
            if (identity) list.Add("IdentityValidation");
            if (card) list.Add("PaymentCardData");
            return list.Count == 0 ? null : string.Join(", ", list);
        }

        public RecordingRequest Update(string requestId, RecordingRequestChange change)
        {
            return _store.Change("complete recording requests", ctx =>
            {
                var request = Load(ctx, requestId);
                if (!string.Equals(request.RequestedBy, ctx.Principal, StringComparison.OrdinalIgnoreCase))
                {
                    ctx.Require(RecordingRole.Administrator, "complete another person's recording request");
                }
                RequirePending(request, "changed");
                var sets = new List<string>();
                var args = new List<(string, object)> { ("$id", request.RequestId) };
                var details = new Dictionary<string, object>();
                void Set(string column, string value, string key)
                {
                    if (value == null) return;
                    sets.Add(column + " = $" + key);
                    args.Add(("$" + key, Optional(value)));
                    details[key] = Optional(value) ?? "";
                }
                if (change.BusinessReason != null) Required(change.BusinessReason, "BusinessReasonRequired", "clear business reasons for call recording");
                Set("business_reason", change.BusinessReason, "businessReason");
                Set("dpia_reference", change.DpiaReference, "dpiaReference");
                Set("dpo_advice", change.DpoAdvice, "dpoAdvice");
                Set("notes", change.Notes, "notes");
                if (sets.Count == 0) return request;
                ctx.Execute("UPDATE recording_request SET " + string.Join(", ", sets) + " WHERE id = $id", args.ToArray());
                ctx.Audit("SetRecordingRequest", "RecordingRequest", request.RequestId, details);
                return Load(ctx, request.RequestId);
            });
        }

        public RequestConsultation AddConsultation(string requestId, ConsultationTeam team, ConsultationOutcome outcome, IReadOnlyList<string> mitigations, string notes)
        {
            var mitigationList = (mitigations ?? new string[0]).Select(m => Text.Optional(m, "Mitigation")).Where(m => !string.IsNullOrEmpty(m)).ToList();
            if (outcome == ConsultationOutcome.SupportedWithMitigations && mitigationList.Count == 0)
            {
                throw new PolicyException("MitigationRequired", FailureKind.InvalidArgument,
                    "an outcome of SupportedWithMitigations must name the mitigations (-Mitigation) so that they can be checked later.", requestId, "2.2");
            }
            return _store.Change("record consultations", ctx =>
            {
                var role = team == ConsultationTeam.SecurityTeam ? RecordingRole.SecurityTeam
                         : team == ConsultationTeam.PciDssTeam ? RecordingRole.PciDssTeam : RecordingRole.DataProtectionOfficer;
                ctx.Require(role, "record the " + team + " consultation", null, null, "2.2");
                var request = Load(ctx, requestId);
                RequirePending(request, "consulted on");
                var c = new RequestConsultation
                {
                    ConsultationId = Ids.New("cons"), RequestId = request.RequestId, Team = team, Outcome = outcome,
                    Mitigations = string.Join("; ", mitigationList), Notes = Optional(notes), RecordedAt = ctx.Now, RecordedBy = ctx.Principal,
                };
                ctx.Execute(@"INSERT INTO request_consultation(id, request_id, team, outcome, mitigations, notes, recorded_at, recorded_by)
                              VALUES ($id, $r, $team, $o, $m, $n, $t, $p)",
                    ("$id", c.ConsultationId), ("$r", c.RequestId), ("$team", team.ToString()), ("$o", outcome.ToString()),
                    ("$m", c.Mitigations), ("$n", c.Notes), ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal));
                ctx.Audit("AddRequestConsultation", "RecordingRequest", request.RequestId, new Dictionary<string, object>
                {
                    ["consultationId"] = c.ConsultationId, ["team"] = team.ToString(), ["outcome"] = outcome.ToString(),
                    ["mitigations"] = c.Mitigations == "" ? null : c.Mitigations,
                });
                return c;
            });
        }

        public IReadOnlyList<RequestConsultation> Consultations(string requestId) =>
            _store.Db.Read(c => LoadConsultations(c, null, requestId));

        /// <summary>
        /// Approves a pending request. <paramref name="effectiveFrom"/> (in the past) brings in an authorisation
        /// that already existed on paper; the audit event keeps both the decision date and the effective date.
        /// </summary>
        public RecordingRequest Approve(string requestId, string comment, DateTimeOffset? effectiveFrom) => Approve(requestId, comment, effectiveFrom, null);

        /// <summary>Approves a pending request; an <paramref name="effectiveFrom"/> before the decision needs the paper approval's <paramref name="reference"/> (<see cref="RequestRules.CheckEffectiveFrom"/>).</summary>
        public RecordingRequest Approve(string requestId, string comment, DateTimeOffset? effectiveFrom, string reference)
        {
            return _store.Change("approve recording requests", ctx =>
            {
                ctx.Require(RecordingRole.NetworkServicesManager, "approve recording requests", null, null, "2.2");
                var request = Load(ctx, requestId);
                RequirePending(request, "approved");
                if (SeparationOfDuties.IsSamePerson(ctx, request.RequestedBy, "NewRecordingRequest", request.RequestId))
                {
                    throw new PolicyException("SeparationOfDuties", FailureKind.PermissionDenied,
                        SeparationOfDuties.Who(ctx, request.RequestedBy) + " made request " + request.RequestId + " and cannot also approve it; another Network Services Manager must decide.", request.RequestId, "2.2");
                }
                if (request.DpiaReference == null)
                {
                    throw new PolicyException("DpiaRequired", FailureKind.InvalidOperation,
                        "request " + request.RequestId + " has no Data Protection Impact Assessment; the outcome of the DPIA must be included before a decision (Set-RecordingRequest -DpiaReference).", request.RequestId, "2.2");
                }
                if (request.DpoAdvice == null)
                {
                    throw new PolicyException("DpoAdviceRequired", FailureKind.InvalidOperation,
                        "request " + request.RequestId + " has no advice from the Data Protection Officer; it must be included before a decision (Set-RecordingRequest -DpoAdvice).", request.RequestId, "2.2");
                }
                var consultations = LoadConsultations(ctx.Connection, ctx.Transaction, request.RequestId);
                var against = RequestRules.Opposed(consultations).Select(t => t.ToString()).ToList();
                if (against.Count > 0)
                {
                    throw new PolicyException("ConsultationNotSupported", FailureKind.InvalidOperation,
                        "the " + string.Join(" and ", against) + " consultation on request " + request.RequestId + " does not support it; it cannot be approved unless a later consultation supports it.",
                        request.RequestId, "2.2");
                }
                {
                    var missing = RequestRules.MissingConsultations(request.SpecialCategoryData, request.IdentityValidation, request.PaymentCardData, consultations).Select(t => t.ToString()).ToList();
                    if (missing.Count > 0)
                    {
                        throw new PolicyException("SecurityConsultationRequired", FailureKind.InvalidOperation,
                            "request " + request.RequestId + " involves " + Sensitive(request.SpecialCategoryData, request.IdentityValidation, request.PaymentCardData) +
                            "; a supporting consultation from the IT Services Security team and the Finance PCI DSS team must be on record. Missing: " + string.Join(", ", missing) + ".",
                            request.RequestId, "2.2");
                    }
                }
                var from = effectiveFrom ?? ctx.Now;
                var paper = RequestRules.CheckEffectiveFrom(from, ctx.Now, reference, request.RequestId);
                if (paper != null) comment = (string.IsNullOrWhiteSpace(comment) ? "" : comment.Trim() + " ") + "(paper approval " + paper + ")";
                if (request.Until.HasValue && request.Until.Value <= ctx.Now)
                {
                    throw new PolicyException("RequestUntilInPast", FailureKind.InvalidArgument,
                        "request " + request.RequestId + " was limited to " + Timestamp.ToText(request.Until.Value) + ", which has passed; make a new request.", request.RequestId, "2.2");
                }
                ctx.Execute("UPDATE recording_request SET status = 'Approved', decided_at = $t, decided_by = $p, decision_comment = $c, effective_from = $f WHERE id = $id",
                    ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$c", Optional(comment)), ("$f", Timestamp.ToText(from)), ("$id", request.RequestId));
                var area = ServiceAreaRegister.Find(ctx, request.ServiceArea);
                var retention = request.RetentionMonths.HasValue ? RetentionPeriod.FromMonths(request.RetentionMonths.Value) : RetentionPeriod.FromDays(request.RetentionDays.Value);
                ctx.Execute("UPDATE service_area SET retention_value = $v, retention_unit = $u, modified_at = $t, modified_by = $p WHERE id = $id",
                    ("$v", retention.Value), ("$u", retention.Unit.ToString()), ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$id", area.Id));
                var rescheduled = Recordings.RecordingRegister.RecomputeExpiry(ctx, area.Id, retention);
                ctx.Audit("ApproveRecordingRequest", "RecordingRequest", request.RequestId, new Dictionary<string, object>
                {
                    ["serviceArea"] = area.Name, ["decidedAt"] = ctx.Now, ["effectiveFrom"] = from, ["until"] = request.Until, ["paperReference"] = paper,
                    ["comment"] = Optional(comment), ["retention"] = area.Retention == retention.ToString() ? null : area.Retention + " -> " + retention,
                    ["recordingsRescheduled"] = rescheduled == 0 ? null : (object)rescheduled,
                });
                return Load(ctx, request.RequestId);
            });
        }

        public RecordingRequest Deny(string requestId, string reason)
        {
            var why = Required(reason, "ReasonRequired", "why it is denied");
            return _store.Change("deny recording requests", ctx =>
            {
                ctx.Require(RecordingRole.NetworkServicesManager, "deny recording requests", null, null, "2.2");
                var request = Load(ctx, requestId);
                RequirePending(request, "denied");
                ctx.Execute("UPDATE recording_request SET status = 'Denied', decided_at = $t, decided_by = $p, decision_comment = $c WHERE id = $id",
                    ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$c", why), ("$id", request.RequestId));
                ctx.Audit("DenyRecordingRequest", "RecordingRequest", request.RequestId, new Dictionary<string, object> { ["serviceArea"] = request.ServiceArea, ["reason"] = why });
                return Load(ctx, request.RequestId);
            });
        }

        public RecordingRequest Stop(string requestId, string reason)
        {
            var why = Required(reason, "ReasonRequired", "why the authorisation ends early");
            return _store.Change("stop recording authorisations", ctx =>
            {
                ctx.Require(RecordingRole.NetworkServicesManager, "stop recording authorisations", null, null, "2.2");
                var request = Load(ctx, requestId);
                if (request.Status != RequestStatus.Approved)
                {
                    throw new PolicyException("RequestNotApproved", FailureKind.InvalidOperation,
                        "request " + request.RequestId + " is " + request.Status + "; only an approved, unexpired authorisation can be stopped.", request.RequestId);
                }
                ctx.Execute("UPDATE recording_request SET status = 'Stopped', stopped_at = $t, stopped_by = $p, stop_reason = $r WHERE id = $id",
                    ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$r", why), ("$id", request.RequestId));
                ctx.Audit("StopRecordingRequest", "RecordingRequest", request.RequestId, new Dictionary<string, object> { ["serviceArea"] = request.ServiceArea, ["reason"] = why });
                return Load(ctx, request.RequestId);
            });
        }

        public IEnumerable<RecordingRequest> Get(RecordingRequestQuery q)
        {
            var now = _store.Clock.UtcNow;
            var where = new List<string>();
            var args = new List<(string, object)> { ("$now", Timestamp.ToText(now)) };
            if (!string.IsNullOrEmpty(q.RequestId)) { where.Add("rr.id = $id"); args.Add(("$id", q.RequestId.Trim())); }
            if (!string.IsNullOrEmpty(q.ServiceArea))
            {
                var (areaSql, arg) = ServiceAreas.ServiceAreaRegister.Selector(q.ServiceArea, "sa.name", "sa.id", "$a");
                where.Add(areaSql);
                args.Add(arg);
            }
            if (q.Status.HasValue)
            {
                switch (q.Status.Value)
                {
                    case RequestStatus.Approved: where.Add("rr.status = 'Approved' AND (rr.until IS NULL OR rr.until > $now)"); break;
                    case RequestStatus.Expired: where.Add("rr.status = 'Approved' AND rr.until <= $now"); break;
                    default: where.Add("rr.status = $st"); args.Add(("$st", q.Status.Value.ToString())); break;
                }
            }
            if (q.ExpiringWithinDays.HasValue)
            {
                where.Add("rr.status = 'Approved' AND rr.until > $now AND rr.until <= $horizon");
                args.Add(("$horizon", Timestamp.ToText(now.AddDays(q.ExpiringWithinDays.Value))));
            }
            var sql = Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY rr.requested_at, rr.id";
            var ids = _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, r => r.Text("id"));
            foreach (var id in ids)
            {
                yield return _store.Db.Read(c => Load(c, null, now, id));
            }
        }

        private static void RequirePending(RecordingRequest request, string verb)
        {
            if (request.Status != RequestStatus.Pending)
            {
                throw new PolicyException("RequestNotPending", FailureKind.InvalidOperation,
                    "request " + request.RequestId + " is " + request.Status + " and can no longer be " + verb + "; only a pending request can.", request.RequestId);
            }
        }

        private static RecordingRequest Load(ChangeContext ctx, string requestId) => Load(ctx.Connection, ctx.Transaction, ctx.Now, requestId);

        private static RecordingRequest Load(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now, string requestId)
        {
            RecordingRequest q;
            using (var cmd = PolicyDb.Command(c, tx, Select + " WHERE rr.id = $id", ("$id", requestId?.Trim())))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new PolicyException("RecordingRequestNotFound", FailureKind.ObjectNotFound, "There is no recording request '" + requestId + "'.", requestId);
                }
                var unit = r.Text("retention_unit");
                var value = (int)r.Long("retention_value");
                var until = r.NullableTime("until");
                var status = (RequestStatus)Enum.Parse(typeof(RequestStatus), r.Text("status"));
                if (status == RequestStatus.Approved && until.HasValue && until.Value <= now)
                {
                    status = RequestStatus.Expired;
                }
                q = new RecordingRequest
                {
                    RequestId = r.Text("id"),
                    ServiceArea = r.Text("area_name"),
                    Status = status,
                    BusinessReason = r.Text("business_reason"),
                    Purposes = r.Text("purposes"),
                    Retention = RetentionPeriod.Create(value, unit == "Days" ? RetentionUnit.Days : RetentionUnit.Months).ToString(),
                    RetentionDays = unit == "Days" ? value : (int?)null,
                    RetentionMonths = unit == "Months" ? value : (int?)null,
                    Until = until,
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
            var levels = new List<string>();
            using (var cmd = PolicyDb.Command(c, tx, "SELECT staff_group, rights FROM request_access_level WHERE request_id = $id ORDER BY staff_group COLLATE NOCASE", ("$id", q.RequestId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) levels.Add(r.GetString(0) + "=" + r.GetString(1));
            }
            q.AccessLevels = string.Join("; ", levels);
            q.Consultations = string.Join("; ", LoadConsultations(c, tx, q.RequestId).Select(x =>
                x.Team + ": " + x.Outcome + (x.Mitigations == "" ? "" : " (" + x.Mitigations + ")")));
            var history = new StringBuilder();
            using (var cmd = PolicyDb.Command(c, tx, "SELECT occurred_at, principal, action FROM audit_event WHERE target = $id AND target_type = 'RecordingRequest' ORDER BY seq", ("$id", q.RequestId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    if (history.Length > 0) history.Append('\n');
                    history.Append(r.GetString(0)).Append(' ').Append(r.GetString(2)).Append(" by ").Append(r.GetString(1));
                }
            }
            q.History = history.ToString();
            return q;
        }

        private static IReadOnlyList<RequestConsultation> LoadConsultations(SqliteConnection c, SqliteTransaction tx, string requestId)
        {
            var list = new List<RequestConsultation>();
            using (var cmd = PolicyDb.Command(c, tx, "SELECT * FROM request_consultation WHERE request_id = $id ORDER BY recorded_at, id", ("$id", requestId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    list.Add(new RequestConsultation
                    {
                        ConsultationId = r.Text("id"),
                        RequestId = r.Text("request_id"),
                        Team = (ConsultationTeam)Enum.Parse(typeof(ConsultationTeam), r.Text("team")),
                        Outcome = (ConsultationOutcome)Enum.Parse(typeof(ConsultationOutcome), r.Text("outcome")),
                        Mitigations = r.Text("mitigations"),
                        Notes = r.Text("notes"),
                        RecordedAt = r.Time("recorded_at"),
                        RecordedBy = r.Text("recorded_by"),
                    });
                }
            }
            return list;
        }
    }
}
