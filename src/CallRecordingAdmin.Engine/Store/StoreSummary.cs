using System;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;

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

        /// <summary>What Get-RecordingStore shows, read in one session (split out of RecordingStore.cs, issue 10; P3 moves the counts behind a repository).</summary>
#pragma warning disable CS0618 // store.Db: the counts move behind a repository in issue 10 P3
        internal static StoreSummary Of(RecordingStore store) => store.Db.Read(c =>
        {
            long Count(string table) => Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM " + table));
            var meta = SqliteDatabase.ReadMeta(c);
            return new StoreSummary
            {
                StoreId = store.StoreId,
                Path = store.Path,
                Identity = store.Identity,
                Roles = string.Join(", ", store.Roles.OfIdentity().Select(r => r.ServiceArea == "" ? r.Role.ToString() : r.Role + " (" + r.ServiceArea + ")")),
                SchemaVersion = Migrations.CurrentVersion(c, null),
                CreatedAt = meta.CreatedAt,
                CreatedBy = meta.CreatedBy,
                KeyPath = store.KeyPath,
                ServiceAreas = Count("service_area"),
                RecordedExtensions = Count("recorded_extension"),
                RoleAssignments = Count("role_assignment"),
                RecordingRequests = Count("recording_request"),
                Recordings = Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM recording WHERE state IN ('Active', 'PendingDelete')")),
                AccessGrants = Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM access_grant WHERE revoked_at IS NULL")),
                AuditEvents = Count("audit_event"),
            };
        });
#pragma warning restore CS0618
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
