using System;

namespace CallRecordingAdmin.Engine.LegalHolds
{
    /// <summary>The long-term query a hold serves (clause 2.5: investigation, disciplinary or legal query).</summary>
    public enum HoldKind { Investigation, Disciplinary, Legal, Complaint, SubjectAccess }

    /// <summary>Active: its recordings are kept whatever their age; ReleaseRequested: one principal asked to release it, another must confirm; Released.</summary>
    public enum HoldStatus { Active, ReleaseRequested, Released }

    /// <summary>A legal hold: recordings relevant to a case, kept until the case's own retention says otherwise.</summary>
    public sealed class LegalHold
    {
        public string HoldId { get; set; }
        public string CaseReference { get; set; }
        public HoldKind Kind { get; set; }
        public HoldStatus Status { get; set; }
        public string Reason { get; set; }
        /// <summary>The retention of the case record the recordings become part of.</summary>
        public DateTimeOffset? RetainUntil { get; set; }
        public string InvestigationId { get; set; }
        public long RecordingCount { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
        public DateTimeOffset? ReleaseRequestedAt { get; set; }
        public string ReleaseRequestedBy { get; set; }
        public string ReleaseReason { get; set; }
        public DateTimeOffset? ReleasedAt { get; set; }
        public string ReleasedBy { get; set; }
    }
}
