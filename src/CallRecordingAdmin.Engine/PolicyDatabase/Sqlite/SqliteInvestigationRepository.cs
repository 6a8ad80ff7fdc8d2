using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Investigation requests on SQLite: every statement on investigation_request (issue 10 P1).</summary>
    internal sealed class SqliteInvestigationRepository : IInvestigationRepository
    {
        private readonly SqliteSession _session;

        internal SqliteInvestigationRepository(SqliteSession session) { _session = session; }

        public InvestigationRequest Find(string investigationId) =>
            _session.Query("SELECT * FROM investigation_request WHERE id = $id", Map, ("$id", investigationId?.Trim())).FirstOrDefault();

        public IReadOnlyList<InvestigationRequest> Query(string investigationId, InvestigationStatus? status)
        {
            var where = new List<string>();
            if (!string.IsNullOrEmpty(investigationId)) where.Add("id = $id");
            if (status.HasValue) where.Add("status = $st");
            return _session.Query("SELECT * FROM investigation_request" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY requested_at",
                Map, ("$id", investigationId?.Trim()), ("$st", status?.ToString() ?? "")).ToList();
        }

        public void Insert(InvestigationRequest q)
        {
            _session.RequireWrite("Requesting an investigation");
            _session.Execute(@"INSERT INTO investigation_request(id, subject, basis, justification, form_reference, status, requested_at, requested_by)
                              VALUES ($id, $s, $b, $j, $f, 'Pending', $t, $p)",
                ("$id", q.InvestigationId), ("$s", q.Subject), ("$b", q.Basis.ToString()), ("$j", q.Justification), ("$f", q.FormReference),
                ("$t", Timestamp.ToText(q.RequestedAt)), ("$p", q.RequestedBy));
        }

        public void Decide(string investigationId, InvestigationStatus decision, DateTimeOffset at, string by, string reason)
        {
            _session.RequireWrite("Deciding an investigation");
            _session.Execute("UPDATE investigation_request SET status = $s, decided_at = $t, decided_by = $p, decision_reason = $r WHERE id = $id",
                ("$s", decision.ToString()), ("$t", Timestamp.ToText(at)), ("$p", by), ("$r", reason), ("$id", investigationId));
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
