using System;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>What Get-RecordingStore shows about a connected store.</summary>
    public sealed class StoreSummary
    {
        public string StoreId { get; set; }
        public string Path { get; set; }
        public string Identity { get; set; }
        public string Roles { get; set; }
        public int SchemaVersion { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
        public string KeyPath { get; set; }
        public long ServiceAreas { get; set; }
        public long RecordedExtensions { get; set; }
        public long RoleAssignments { get; set; }
        public long RecordingRequests { get; set; }
        public long Recordings { get; set; }
        public long AccessGrants { get; set; }
        public long AuditEvents { get; set; }
    }

    public enum FindingSeverity { Ok, Warning, Error }

    /// <summary>One result of Test-RecordingStore.</summary>
    public sealed class StoreFinding
    {
        public StoreFinding(string check, FindingSeverity severity, string message, string target = null)
        {
            Check = check;
            Severity = severity;
            Message = message;
            Target = target;
        }

        public string Check { get; }
        public FindingSeverity Severity { get; }
        public string Message { get; }
        public string Target { get; }
    }
}
