using System;
using System.Linq;

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

        /// <summary>What Get-RecordingStore shows: the store's facts, its schema version and the counts (IStoreHealthRepository.Counts).</summary>
        internal static StoreSummary Of(RecordingStore store)
        {
            var db = store.Database;
            var meta = db.Meta();
            var version = db.SchemaVersion();
            var counts = db.Read(s => s.Health.Counts());
            return new StoreSummary
            {
                StoreId = store.StoreId,
                Path = store.Path,
                Identity = store.Identity,
                Roles = string.Join(", ", store.Roles.OfIdentity().Select(r => r.ServiceArea == "" ? r.Role.ToString() : r.Role + " (" + r.ServiceArea + ")")),
                SchemaVersion = version,
                CreatedAt = meta.CreatedAt,
                CreatedBy = meta.CreatedBy,
                KeyPath = store.KeyPath,
                ServiceAreas = counts.ServiceAreas,
                RecordedExtensions = counts.RecordedExtensions,
                RoleAssignments = counts.RoleAssignments,
                RecordingRequests = counts.RecordingRequests,
                Recordings = counts.Recordings,
                AccessGrants = counts.AccessGrants,
                AuditEvents = counts.AuditEvents,
            };
        }
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
