using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Investigations
{
    /// <summary>
    /// The specific, justified bases clause 3.2 accepts. FacilityMonitoring exists only to be refused: checking
    /// that the recording facility works is not an investigation (clause 3.2, last sentence).
    /// </summary>
    public enum InvestigationBasis { MisuseAllegation, PolicyBreach, SecurityIncident, LawEnforcementRequest, RegulatorRequest, FacilityMonitoring }

    public enum InvestigationStatus { Pending, Approved, Denied }

    /// <summary>An IT activity investigation request (clause 3.2).</summary>
    public sealed class InvestigationRequest
    {
        public string InvestigationId { get; set; }
        public string Subject { get; set; }
        public InvestigationBasis Basis { get; set; }
        public string Justification { get; set; }
        public string FormReference { get; set; }
        public InvestigationStatus Status { get; set; }
        public DateTimeOffset RequestedAt { get; set; }
        public string RequestedBy { get; set; }
        public DateTimeOffset? DecidedAt { get; set; }
        public string DecidedBy { get; set; }
        public string DecisionReason { get; set; }
    }

    /// <summary>Investigation requests: made with a specific basis and justification, decided by the DPO, never by the requester.</summary>
    public sealed class InvestigationRegister
    {
        private readonly RecordingStore _store;

        internal InvestigationRegister(RecordingStore store) { _store = store; }

        public InvestigationRequest Create(string subject, InvestigationBasis basis, string justification, string formReference)
        {
            if (basis == InvestigationBasis.FacilityMonitoring)
            {
                throw new PolicyException("NotAnInvestigation", FailureKind.InvalidArgument,
                    "monitoring the effective function of the call recording facility does not fall within the scope of an investigation. Review recordings for the purposes of clause 3.1 (QualityMonitoring, Training, CustomerAgreement, DisputeOrComplaint, StaffProtection) through a grant instead.",
                    basis.ToString(), "3.2");
            }
            var who = Principal.Normalise(subject, "Subject");
            var why = Text.Required(justification, "JustificationRequired", "an investigation needs a specific and justified need (-Justification).", "3.2");
            var form = Text.Required(formReference, "FormReferenceRequired", "an IT activity investigation request form must be completed; give its reference (-FormReference).", "3.2");
            return _store.Change("request investigations", ctx =>
            {
                ctx.RequireAny("request investigations", null, null, RecordingRole.Administrator, RecordingRole.DataProtectionOfficer, RecordingRole.SecurityTeam);
                var id = Ids.New("inv");
                ctx.Db.Investigations.Insert(new InvestigationRequest
                {
                    InvestigationId = id, Subject = who, Basis = basis, Justification = why, FormReference = form, Status = InvestigationStatus.Pending,
                    RequestedAt = ctx.Now, RequestedBy = ctx.Principal,
                });
                ctx.Audit("NewInvestigationRequest", "InvestigationRequest", id, new Dictionary<string, object> { ["subject"] = who, ["basis"] = basis.ToString(), ["formReference"] = form });
                return Load(ctx, id);
            });
        }

        public InvestigationRequest Decide(string investigationId, bool approve, string reason)
        {
            var why = approve ? Text.Optional(reason) : Text.Required(reason, "ReasonRequired", "a denial needs a reason.", "3.2");
            return _store.Change("decide investigations", ctx =>
            {
                ctx.Require(RecordingRole.DataProtectionOfficer, "decide investigations", null, null, "3.2");
                var inv = Load(ctx, investigationId);
                if (inv.Status != InvestigationStatus.Pending)
                {
                    throw new PolicyException("InvestigationNotPending", FailureKind.InvalidOperation, "investigation " + investigationId + " is " + inv.Status + ".", investigationId);
                }
                SeparationOfDuties.RequireOtherPerson(ctx, inv.RequestedBy, "NewInvestigationRequest", inv.InvestigationId,
                    " requested investigation " + investigationId + " and cannot also decide it.", "3.2", investigationId);
                ctx.Db.Investigations.Decide(inv.InvestigationId, approve ? InvestigationStatus.Approved : InvestigationStatus.Denied, ctx.Now, ctx.Principal, why);
                ctx.Audit(approve ? "ApproveInvestigationRequest" : "DenyInvestigationRequest", "InvestigationRequest", inv.InvestigationId,
                    new Dictionary<string, object> { ["subject"] = inv.Subject, ["reason"] = why });
                return Load(ctx, inv.InvestigationId);
            });
        }

        public IEnumerable<InvestigationRequest> Get(string investigationId, InvestigationStatus? status)
        {
            var found = _store.Database.Read(db => db.Investigations.Query(investigationId, status));
            foreach (var inv in found) yield return inv;
        }

        private static InvestigationRequest Load(ChangeContext ctx, string id) =>
            ctx.Db.Investigations.Find(id) ??
            throw new PolicyException("InvestigationNotFound", FailureKind.ObjectNotFound, "There is no investigation request '" + id + "'.", id);
    }
}
