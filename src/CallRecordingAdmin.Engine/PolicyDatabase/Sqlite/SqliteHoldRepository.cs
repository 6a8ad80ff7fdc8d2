using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IHoldRepository on SQLite (issue 10 P2): every statement on legal_hold and legal_hold_recording.</summary>
    internal sealed class SqliteHoldRepository : IHoldRepository
    {
        private const string Select = "SELECT h.*, (SELECT count(*) FROM legal_hold_recording hr WHERE hr.hold_id = h.id) AS recording_count FROM legal_hold h";
        private readonly SqliteSession _session;

        internal SqliteHoldRepository(SqliteSession session) { _session = session; }

        public LegalHold Find(string holdId) => _session.Query(Select + " WHERE h.id = $id", Map, ("$id", (object)holdId)).FirstOrDefault();

        public IEnumerable<LegalHold> Query(string holdId, bool includeReleased)
        {
            var where = new List<string>();
            if (!string.IsNullOrEmpty(holdId)) where.Add("h.id = $id");
            if (!includeReleased && string.IsNullOrEmpty(holdId)) where.Add("h.released_at IS NULL");
            return _session.Query(Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY h.created_at", Map, ("$id", (object)holdId));
        }

        public void Insert(LegalHold h)
        {
            _session.RequireWrite("Placing a legal hold");
            _session.Execute(@"INSERT INTO legal_hold(id, case_reference, kind, reason, retain_until, investigation_id, created_at, created_by)
                              VALUES ($id, $c, $k, $r, $u, $i, $t, $p)",
                ("$id", h.HoldId), ("$c", h.CaseReference), ("$k", h.Kind.ToString()), ("$r", h.Reason), ("$u", h.RetainUntil.HasValue ? Timestamp.ToText(h.RetainUntil.Value) : null),
                ("$i", h.InvestigationId), ("$t", Timestamp.ToText(h.CreatedAt)), ("$p", h.CreatedBy));
        }

        public bool AddRecording(string holdId, string recordingId, DateTimeOffset at, string by)
        {
            _session.RequireWrite("Adding a recording to a legal hold");
            return _session.Execute("INSERT OR IGNORE INTO legal_hold_recording(hold_id, recording_id, added_at, added_by) VALUES ($h, $r, $t, $p)",
                ("$h", holdId), ("$r", recordingId), ("$t", Timestamp.ToText(at)), ("$p", by)) > 0;
        }

        public void RequestRelease(string holdId, DateTimeOffset at, string by, string reason)
        {
            _session.RequireWrite("Requesting a hold's release");
            _session.Execute("UPDATE legal_hold SET release_requested_at = $t, release_requested_by = $p, release_reason = $r WHERE id = $id",
                ("$t", Timestamp.ToText(at)), ("$p", by), ("$r", reason), ("$id", holdId));
        }

        public void Release(string holdId, DateTimeOffset at, string by)
        {
            _session.RequireWrite("Releasing a hold");
            _session.Execute("UPDATE legal_hold SET released_at = $t, released_by = $p WHERE id = $id", ("$t", Timestamp.ToText(at)), ("$p", by), ("$id", holdId));
        }

        public string InvestigationStatus(string investigationId) =>
            _session.Scalar("SELECT status FROM investigation_request WHERE id = $id", ("$id", (object)investigationId)) as string;

        private static LegalHold Map(SqliteDataReader r)
        {
            var h = new LegalHold
            {
                HoldId = r.Text("id"),
                CaseReference = r.Text("case_reference"),
                Kind = (HoldKind)Enum.Parse(typeof(HoldKind), r.Text("kind")),
                Reason = r.Text("reason"),
                RetainUntil = r.NullableTime("retain_until"),
                InvestigationId = r.Text("investigation_id"),
                RecordingCount = r.Long("recording_count"),
                CreatedAt = r.Time("created_at"),
                CreatedBy = r.Text("created_by"),
                ReleaseRequestedAt = r.NullableTime("release_requested_at"),
                ReleaseRequestedBy = r.Text("release_requested_by"),
                ReleaseReason = r.Text("release_reason"),
                ReleasedAt = r.NullableTime("released_at"),
                ReleasedBy = r.Text("released_by"),
            };
            h.Status = h.ReleasedAt.HasValue ? HoldStatus.Released : h.ReleaseRequestedAt.HasValue ? HoldStatus.ReleaseRequested : HoldStatus.Active;
            return h;
        }
    }
}
