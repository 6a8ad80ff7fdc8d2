using System;

namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>Active: usable; ReviewOverdue: its annual review has passed unconfirmed, so it does not work until confirmed; Expired: a share past its date; Revoked.</summary>
    public enum GrantStatus { Active, ReviewOverdue, Expired, Revoked }

    /// <summary>A nomination (clause 3.1): a principal's rights over one service area's recordings, or a share of one recording.</summary>
    public sealed class AccessGrant
    {
        public string GrantId { get; set; }
        public string Principal { get; set; }
        /// <summary>The area of an area grant; for a share, the area of the shared recording.</summary>
        public string ServiceArea { get; set; }
        /// <summary>The recording of a share; empty for an area grant.</summary>
        public string RecordingId { get; set; }
        /// <summary>Rights joined by '+', e.g. "Play+Download".</summary>
        public string Rights { get; set; }
        /// <summary>The level of access (clause 2.2) the nomination gives, one of the area's approved request; empty for a share or a grant made before levels were recorded.</summary>
        public string Level { get; set; }
        /// <summary>Whether the nomination fits a level of the area's approved request in force now; false for one to review (Confirm-RecordingAccess -Level, or revoke); empty for a share.</summary>
        public bool? WithinApprovedLevel { get; set; }
        public GrantStatus Status { get; set; }
        public string Reason { get; set; }
        /// <summary>When the grant must next be reviewed and confirmed (at most 12 months ahead).</summary>
        public DateTimeOffset? ReviewBy { get; set; }
        /// <summary>When a share ends.</summary>
        public DateTimeOffset? ExpiresOn { get; set; }
        public DateTimeOffset GrantedAt { get; set; }
        public string GrantedBy { get; set; }
        public DateTimeOffset? ReviewedAt { get; set; }
        public string ReviewedBy { get; set; }
        public string ReviewComment { get; set; }
        public DateTimeOffset? RevokedAt { get; set; }
        public string RevokedBy { get; set; }
        public string RevokeReason { get; set; }
        /// <summary>The directory group whose membership this grant follows (Sync-RecordingAccess); empty for a grant made by hand.</summary>
        public string SourceGroup { get; set; }
        /// <summary>The grantee's directory object id, once resolved (a sync or Test-RecordingAccess -Directory); empty until then.</summary>
        public string DirectoryObjectId { get; set; }
        /// <summary>The id of the area of an area grant; null for a share (whose area is its recording's).</summary>
        internal string AreaId { get; set; }
    }

    /// <summary>Filters for Get-RecordingAccess.</summary>
    public sealed class GrantQuery
    {
        public string GrantId { get; set; }
        public string Principal { get; set; }
        public string ServiceArea { get; set; }
        public string RecordingId { get; set; }
        /// <summary>Only grants whose review date has passed or falls within <see cref="WithinDays"/>.</summary>
        public bool ReviewDue { get; set; }
        public int WithinDays { get; set; }
        public bool IncludeRevoked { get; set; }
    }
}
