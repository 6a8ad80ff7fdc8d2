using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>The store-wide reads of Test-RecordingStore and Get-RecordingStore on SQLite (issue 10 P3): foreign-key check, stored recordings, counts.</summary>
    internal sealed class SqliteStoreHealth : IStoreHealthRepository
    {
        private readonly SqliteSession _session;

        internal SqliteStoreHealth(SqliteSession session) { _session = session; }

        public long BrokenReferences() => Convert.ToInt64(_session.Scalar("SELECT count(*) FROM pragma_foreign_key_check"));

        public IEnumerable<(string Id, RecordingState State)> StoredRecordings() =>
            _session.Query("SELECT id, state FROM recording WHERE state IN ('Active', 'PendingDelete')",
                r => (r.GetString(0), r.GetString(1) == "PendingDelete" ? RecordingState.PendingDelete : RecordingState.Active));

        public IReadOnlyList<(string Id, string File)> StoredFiles() =>
            _session.Query("SELECT id, file FROM recording WHERE state IN ('Active', 'PendingDelete') ORDER BY file", r => (r.GetString(0), r.GetString(1))).ToList();

        // P2: the recording SELECT and its checked mapping still live in RecordingRegister; point this at the recording repository when they move.
        public IEnumerable<(Recording Recording, PolicyException Error)> ActiveRecordings() =>
            _session.Query(RecordingRegister.Select + " WHERE r.state = 'Active'", RecordingRegister.MapChecked);

        public StoreCounts Counts()
        {
            long Count(string sql) => Convert.ToInt64(_session.Scalar(sql));
            return new StoreCounts
            {
                ServiceAreas = Count("SELECT count(*) FROM service_area"),
                RecordedExtensions = Count("SELECT count(*) FROM recorded_extension"),
                RoleAssignments = Count("SELECT count(*) FROM role_assignment"),
                RecordingRequests = Count("SELECT count(*) FROM recording_request"),
                Recordings = Count("SELECT count(*) FROM recording WHERE state IN ('Active', 'PendingDelete')"),
                AccessGrants = Count("SELECT count(*) FROM access_grant WHERE revoked_at IS NULL"),
                AuditEvents = Count("SELECT count(*) FROM audit_event"),
            };
        }
    }
}
