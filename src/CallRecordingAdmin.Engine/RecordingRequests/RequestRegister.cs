using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.RecordingRequests
{
    /// <summary>
    /// The clause 2.2 workflow: a request is made with its justification, consultations are recorded, and
    /// a Network Services Manager decides. A decision is refused while the evidence the policy asks for
    /// is missing; an approved request authorises recording in its area until it ends.
    /// </summary>
    public sealed class RequestRegister
    {
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
                if (RequestRules.UntilHasPassed(d.Until, ctx.Now))
                {
                    throw new PolicyException("RequestUntilInPast", FailureKind.InvalidArgument,
                        "a time-limited request must end in the future; " + Timestamp.ToText(d.Until.Value) + " has passed.", d.Until.Value, "2.2");
                }
                var area = ServiceAreaRegister.Find(ctx, d.ServiceArea);
                var id = Ids.New("req");
                var purposes = string.Join(", ", d.Purposes.Distinct().OrderBy(p => p));
                var regimes = string.Join(", ", (d.RelatedRegimes ?? new RelatedRegime[0]).Distinct().OrderBy(r => r));
                ctx.Db.Requests.Insert(new RecordingRequest
                {
                    RequestId = id, BusinessReason = reason, Purposes = purposes, Until = d.Until,
                    DpiaReference = Optional(d.DpiaReference), DpoAdvice = Optional(d.DpoAdvice),
                    SpecialCategoryData = d.SpecialCategoryData, IdentityValidation = d.IdentityValidation, PaymentCardData = d.PaymentCardData,
                    RelatedRegimes = regimes, Notes = Optional(d.Notes), RequestedAt = ctx.Now, RequestedBy = ctx.Principal,
                }, area.Id, d.Retention, d.AccessLevels);
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
                var details = new Dictionary<string, object>();
                // null: not given (left as it is); "": cleared
                string Set(string value, string key)
                {
                    if (value == null) return null;
                    details[key] = Optional(value) ?? "";
                    return Optional(value) ?? "";
                }
                if (change.BusinessReason != null) Required(change.BusinessReason, "BusinessReasonRequired", "clear business reasons for call recording");
                var businessReason = Set(change.BusinessReason, "businessReason");
                var dpia = Set(change.DpiaReference, "dpiaReference");
                var dpo = Set(change.DpoAdvice, "dpoAdvice");
                var notes = Set(change.Notes, "notes");
                if (details.Count == 0) return request;
                ctx.Db.Requests.Complete(request.RequestId, businessReason, dpia, dpo, notes);
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
                ctx.Db.Requests.AddConsultation(c);
                ctx.Audit("AddRequestConsultation", "RecordingRequest", request.RequestId, new Dictionary<string, object>
                {
                    ["consultationId"] = c.ConsultationId, ["team"] = team.ToString(), ["outcome"] = outcome.ToString(),
                    ["mitigations"] = c.Mitigations == "" ? null : c.Mitigations,
                });
                return c;
            });
        }

        public IReadOnlyList<RequestConsultation> Consultations(string requestId) =>
            _store.Database.Read(db => db.Requests.Consultations(requestId));

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
                SeparationOfDuties.RequireOtherPerson(ctx, request.RequestedBy, "NewRecordingRequest", request.RequestId,
                    " made request " + request.RequestId + " and cannot also approve it; another Network Services Manager must decide.", "2.2");
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
                var consultations = ctx.Db.Requests.Consultations(request.RequestId);
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
                if (RequestRules.UntilHasPassed(request.Until, ctx.Now))
                {
                    throw new PolicyException("RequestUntilInPast", FailureKind.InvalidArgument,
                        "request " + request.RequestId + " was limited to " + Timestamp.ToText(request.Until.Value) + ", which has passed; make a new request.", request.RequestId, "2.2");
                }
                ctx.Db.Requests.Decide(request.RequestId, RequestStatus.Approved, ctx.Now, ctx.Principal, Optional(comment), from);
                var area = ServiceAreaRegister.Find(ctx, request.ServiceArea);
                var retention = request.RetentionMonths.HasValue ? RetentionPeriod.FromMonths(request.RetentionMonths.Value) : RetentionPeriod.FromDays(request.RetentionDays.Value);
                var details = new Dictionary<string, object>
                {
                    ["serviceArea"] = area.Name, ["decidedAt"] = ctx.Now, ["effectiveFrom"] = from, ["until"] = request.Until, ["paperReference"] = paper,
                    ["comment"] = Optional(comment),
                };
                // the request's retention becomes the area's: the one writer, with the same audit details as Set-ServiceArea
                ChangeRetention.Apply(ctx, area, retention, details);
                ctx.Audit("ApproveRecordingRequest", "RecordingRequest", request.RequestId, details);
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
                ctx.Db.Requests.Decide(request.RequestId, RequestStatus.Denied, ctx.Now, ctx.Principal, why, null);
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
                ctx.Db.Requests.Stop(request.RequestId, ctx.Now, ctx.Principal, why);
                ctx.Audit("StopRecordingRequest", "RecordingRequest", request.RequestId, new Dictionary<string, object> { ["serviceArea"] = request.ServiceArea, ["reason"] = why });
                return Load(ctx, request.RequestId);
            });
        }

        /// <summary>The requests <paramref name="q"/> selects, each with its status at this moment (<see cref="RequestRules.StatusAt"/>): one read session, four statements.</summary>
        public IEnumerable<RecordingRequest> Get(RecordingRequestQuery q)
        {
            var now = _store.Clock.UtcNow;
            var requests = _store.Database.Read(db => db.Requests.Query(q, now));
            foreach (var request in requests)
            {
                request.Status = RequestRules.StatusAt(request.Status, request.Until, now);
                yield return request;
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

        private static RecordingRequest Load(ChangeContext ctx, string requestId)
        {
            var request = ctx.Db.Requests.Find(requestId);
            if (request == null)
            {
                throw new PolicyException("RecordingRequestNotFound", FailureKind.ObjectNotFound, "There is no recording request '" + requestId + "'.", requestId);
            }
            request.Status = RequestRules.StatusAt(request.Status, request.Until, ctx.Now);
            return request;
        }
    }
}
