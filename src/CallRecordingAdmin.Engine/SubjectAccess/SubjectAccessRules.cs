using System;

namespace CallRecordingAdmin.Engine.SubjectAccess
{
    /// <summary>Subject access deadlines (UK GDPR): an open request is overdue after its due date, and the report warns a week ahead.</summary>
    public static class SubjectAccessRules
    {
        public const int WarningDays = 7;

        public static bool IsOverdue(SubjectAccessStatus status, DateTime dueOn, DateTimeOffset now) =>
            status == SubjectAccessStatus.Open && dueOn.Date < now.UtcDateTime.Date;

        /// <summary>Open, not yet overdue, and due within <paramref name="days"/> days of today.</summary>
        public static bool IsDueWithin(SubjectAccessStatus status, DateTime dueOn, DateTimeOffset now, int days) =>
            status == SubjectAccessStatus.Open && !IsOverdue(status, dueOn, now) && dueOn.Date <= now.UtcDateTime.Date.AddDays(days);
    }
}
