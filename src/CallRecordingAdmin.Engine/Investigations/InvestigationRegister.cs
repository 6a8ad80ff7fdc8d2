using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

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
                ctx.Execute(@"INSERT INTO investigation_request(id, subject, basis, justification, form_reference, status, requested_at, requested_by)
                              VALUES ($id, $s, $b, $j, $f, 'Pending', $t, $p)",
                    ("$id", id), ("$s", who), ("$b", basis.ToString()), ("$j", why), ("$f", form), ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal));
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
                if (SeparationOfDuties.IsSamePerson(ctx, inv.RequestedBy, "NewInvestigationRequest", inv.InvestigationId))
                {
                    throw new PolicyException("SeparationOfDuties", FailureKind.PermissionDenied,
                        SeparationOfDuties.Who(ctx, inv.RequestedBy) + " requested investigation " + investigationId + " and cannot also decide it.", investigationId, "3.2");
                }
                var status = approve ? "Approved" : "Denied";
                ctx.Execute("UPDATE investigation_request SET status = $s, decided_at = $t, decided_by = $p, decision_reason = $r WHERE id = $id",
                    ("$s", status), ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$r", why), ("$id", inv.InvestigationId));
                ctx.Audit(approve ? "ApproveInvestigationRequest" : "DenyInvestigationRequest", "InvestigationRequest", inv.InvestigationId,
                    new Dictionary<string, object> { ["subject"] = inv.Subject, ["reason"] = why });
                return Load(ctx, inv.InvestigationId);
            });
        }

        public IEnumerable<InvestigationRequest> Get(string investigationId, InvestigationStatus? status)
        {
            var where = new List<string>();
            if (!string.IsNullOrEmpty(investigationId)) where.Add("id = $id");
            if (status.HasValue) where.Add("status = $st");
            return _store.Db.Query("SELECT * FROM investigation_request" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY requested_at",
                cmd => { cmd.Parameters.AddWithValue("$id", (object)investigationId?.Trim() ?? DBNull.Value); cmd.Parameters.AddWithValue("$st", status?.ToString() ?? ""); }, Map);
        }

        private static InvestigationRequest Load(ChangeContext ctx, string id)
        {
            using (var cmd = ctx.Command("SELECT * FROM investigation_request WHERE id = $id", ("$id", id?.Trim())))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read()) throw new PolicyException("InvestigationNotFound", FailureKind.ObjectNotFound, "There is no investigation request '" + id + "'.", id);
                return Map(r);
            }
        }

        private static InvestigationRequest Map(SqliteDataReader r) => new InvestigationRequest
        {
            InvestigationId = r.Text("id"),
            Subject = r.Text("subject"),
            Basis = (InvestigationBasis)Enum.Parse(typeof(InvestigationBasis), r.Text("basis")),
            Justification = r.Text("justification"),
            FormReference = r.Text("form_reference"),
            Status = (InvestigationStatus)Enum.Parse(typeof(InvestigationStatus), r.Text("status")),
            RequestedAt = r.Time("requested_at"),
            RequestedBy = r.Text("requested_by"),
            DecidedAt = r.NullableTime("decided_at"),
            DecidedBy = r.Text("decided_by"),
            DecisionReason = r.Text("decision_reason"),
        };
    }
}
