using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// What Test-RecordingStore and Get-RecordingStore read about the store as a whole: reference checks, the recordings
    /// whose files should exist, and counts. It reads; it never repairs. The database's own integrity check is
    /// <see cref="PolicyDatabase.IPolicyDatabase.CheckIntegrity"/>.
    /// </summary>
    public interface IStoreHealthRepository
    {
        /// <summary>How many rows refer to a row that does not exist (0 when every reference holds).</summary>
        long BrokenReferences();

        /// <summary>Every recording whose file should exist (Active or PendingDelete): id and state. Streams.</summary>
        IEnumerable<(string Id, RecordingState State)> StoredRecordings();

        /// <summary>The stored file (relative to the recordings folder) of every recording whose file should exist, ordered by file: what a backup copies.</summary>
        IReadOnlyList<(string Id, string File)> StoredFiles();

        /// <summary>Every Active recording as the module reads it, or the error its stored values give (a row edited outside the module). Streams.</summary>
        IEnumerable<(Recording Recording, PolicyException Error)> ActiveRecordings();

        /// <summary>The counts Get-RecordingStore shows.</summary>
        StoreCounts Counts();
    }

    /// <summary>Counts of a store's records: areas, extensions, role assignments, requests, recordings (Active or PendingDelete), unrevoked grants, audit events.</summary>
    public sealed class StoreCounts
    {
        public long ServiceAreas { get; set; }
        public long RecordedExtensions { get; set; }
        public long RoleAssignments { get; set; }
        public long RecordingRequests { get; set; }
        public long Recordings { get; set; }
        public long AccessGrants { get; set; }
        public long AuditEvents { get; set; }
    }
}
