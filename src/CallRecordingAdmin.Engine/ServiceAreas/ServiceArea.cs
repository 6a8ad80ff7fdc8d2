using System;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>A part of the University whose calls are recorded (clause 2.1), with its local retention (2.5) and customer notice (2.4).</summary>
    public sealed class ServiceArea
    {
        public string Id { get; set; }
        public string Name { get; set; }
        public string Description { get; set; }
        /// <summary>The local retention period as text, e.g. "6 months".</summary>
        public string Retention { get; set; }
        public int? RetentionDays { get; set; }
        public int? RetentionMonths { get; set; }
        public string CustomerNotice { get; set; }
        /// <summary>True when IT Services plays the customer notice automatically at the start of every call (2.4).</summary>
        public bool AutomatedNotice { get; set; }
        public int ExtensionCount { get; set; }
        /// <summary>True when an approved recording request authorises recording now (2.1, 2.2).</summary>
        public bool Authorised { get; set; }
        public DateTimeOffset? AuthorisedUntil { get; set; }
        public string AuthorisingRequestId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
        public DateTimeOffset ModifiedAt { get; set; }
        public string ModifiedBy { get; set; }

        public RetentionPeriod RetentionPeriod() =>
            RetentionMonths.HasValue ? ServiceAreas.RetentionPeriod.FromMonths(RetentionMonths.Value) : ServiceAreas.RetentionPeriod.FromDays(RetentionDays ?? 0);
    }

    /// <summary>A new service area as New-ServiceArea describes it.</summary>
    public sealed class ServiceAreaDraft
    {
        public string Name { get; set; }
        public string Description { get; set; }
        public RetentionPeriod Retention { get; set; }
        public string CustomerNotice { get; set; }
        public bool AutomatedNotice { get; set; }
    }

    /// <summary>What Set-ServiceArea changes: a null property is left as it is.</summary>
    public sealed class ServiceAreaChange
    {
        public string NewName { get; set; }
        public string Description { get; set; }
        public RetentionPeriod? Retention { get; set; }
        public string CustomerNotice { get; set; }
        public bool? AutomatedNotice { get; set; }
    }
}
