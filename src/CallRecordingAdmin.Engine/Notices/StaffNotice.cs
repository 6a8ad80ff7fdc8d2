using System;

namespace CallRecordingAdmin.Engine.Notices
{
    /// <summary>Member: staff who use the area's recorded extensions; FrequentCaller: staff of other areas who often call them (clause 2.3).</summary>
    public enum MemberRelation { Member, FrequentCaller }

    /// <summary>Induction: told at induction in the area; Annual: the yearly reminder; FrequentCaller: a caller from another area told that calls to the area are recorded.</summary>
    public enum NoticeKind { Induction, Annual, FrequentCaller }

    /// <summary>Current: informed and not yet due; DueSoon: the annual notice falls due within the days asked; Overdue: no induction notice, or the last notice is more than 12 months old; NeverInformed: a frequent caller never told.</summary>
    public enum NoticeStanding { Current, DueSoon, Overdue, NeverInformed }

    /// <summary>One entry of a service area's roster (clause 2.3).</summary>
    public sealed class ServiceAreaMember
    {
        public string MemberId { get; set; }
        public string ServiceArea { get; set; }
        public string Principal { get; set; }
        public string DisplayName { get; set; }
        public string Email { get; set; }
        public string Extension { get; set; }
        public MemberRelation Relation { get; set; }
        public DateTimeOffset AddedAt { get; set; }
        public string AddedBy { get; set; }
        public DateTimeOffset? RemovedAt { get; set; }
        public string RemovedBy { get; set; }
        public string RemoveReason { get; set; }
    }

    /// <summary>A new roster entry as Add-ServiceAreaMember describes it.</summary>
    public sealed class ServiceAreaMemberDraft
    {
        public string ServiceArea { get; set; }
        public string Principal { get; set; }
        public string DisplayName { get; set; }
        public string Email { get; set; }
        public string Extension { get; set; }
        public MemberRelation Relation { get; set; }
    }

    /// <summary>A record that a member of staff was told their calls (or calls to the area) are recorded (clause 2.3).</summary>
    public sealed class StaffNotification
    {
        public string NotificationId { get; set; }
        public string ServiceArea { get; set; }
        public string Principal { get; set; }
        public NoticeKind Kind { get; set; }
        public DateTime NotifiedOn { get; set; }
        public string Evidence { get; set; }
        public DateTimeOffset RecordedAt { get; set; }
        public string RecordedBy { get; set; }
    }

    /// <summary>Where one roster entry stands with clause 2.3's notices, as <see cref="NoticeRules"/> decides.</summary>
    public sealed class StaffNoticeStatus
    {
        public string ServiceArea { get; set; }
        public string Principal { get; set; }
        public string DisplayName { get; set; }
        public string Email { get; set; }
        public MemberRelation Relation { get; set; }
        public DateTime? InductionOn { get; set; }
        public DateTime? LastNotifiedOn { get; set; }
        public string LastKind { get; set; }
        /// <summary>When the next notice is due; null for a frequent caller already informed.</summary>
        public DateTime? NextDueOn { get; set; }
        public NoticeStanding Standing { get; set; }
        public bool Overdue { get; set; }
        public string Reason { get; set; }
    }

    /// <summary>A reasonable effort to make callers aware of recording where the notice is not automated (clause 2.4).</summary>
    public sealed class NotificationMeasure
    {
        public string MeasureId { get; set; }
        public string ServiceArea { get; set; }
        public string Description { get; set; }
        public DateTime TakenOn { get; set; }
        public DateTimeOffset RecordedAt { get; set; }
        public string RecordedBy { get; set; }
    }
}
