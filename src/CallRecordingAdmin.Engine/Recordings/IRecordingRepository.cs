using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// Recordings in the policy database (issue 10 P2): find, query within the visible areas, count, insert, expiry
    /// written from RetentionRules' values, the deletion states, purge candidates and counts, hold members. It stores
    /// and reads; the rules decide (RetentionRules, RecordingDeletion, AccessGate).
    /// </summary>
    public interface IRecordingRepository
    {
        /// <summary>The name of the service area a recording belongs to; null when there is no such recording (the access log names it on a refusal).</summary>
        string AreaNameOf(string recordingId);

        /// <summary>The id of the service area a recording belongs to; null when there is no such recording.</summary>
        string AreaIdOf(string recordingId);

        /// <summary>One recording by id (any state); null when there is none.</summary>
        Recording Find(string recordingId);

        /// <summary>A recording's state; null when there is no such row.</summary>
        RecordingState? StateOf(string recordingId);

        /// <summary>The recording already imported for a call id (its id and content hash); null when there is none.</summary>
        ExistingCall FindByCallId(string callId);

        /// <summary>
        /// The areas whose recordings <paramref name="principal"/> may list; null for all (Administrator, DPO, Auditor).
        /// Issue 10 P3 replaces this with AccessRules.VisibleAreas.
        /// </summary>
        IReadOnlyList<string> VisibleAreaIds(string principal);

        /// <summary>Recordings matching <paramref name="query"/> within <paramref name="visibleAreaIds"/> (null: all), in start-time order, paged; a row that cannot be read comes with StoredValueInvalid instead.</summary>
        IEnumerable<(Recording Recording, PolicyException Error)> Query(RecordingQuery query, IReadOnlyList<string> visibleAreaIds, DateTimeOffset now);

        /// <summary>How many recordings match (paging ignored).</summary>
        long Count(RecordingQuery query, IReadOnlyList<string> visibleAreaIds, DateTimeOffset now);

        /// <summary>Every active recording (for the store check), with StoredValueInvalid for a row that cannot be read.</summary>
        IEnumerable<(Recording Recording, PolicyException Error)> Active();

        /// <summary>The recordings on a hold (any state), in start-time order.</summary>
        IReadOnlyList<Recording> InHold(string holdId);

        /// <summary>The recordings with any of these remote numbers (E.164), in start-time order: a subject access request's search.</summary>
        IReadOnlyList<Recording> ByRemoteNumbers(IReadOnlyList<string> numbers);

        /// <summary>Writes a newly imported recording's row.</summary>
        void Insert(NewRecording row);

        /// <summary>The start times of an area's active recordings (their expiry is recomputed from them).</summary>
        IReadOnlyList<(string RecordingId, DateTimeOffset StartTime)> ActiveStarts(string areaId);

        /// <summary>Writes recomputed expiries (values from RetentionPeriod/RetentionRules).</summary>
        void SetExpiries(IEnumerable<(string RecordingId, DateTimeOffset ExpiresAt)> expiries);

        /// <summary>The case reference of an unreleased hold keeping this recording; null when none does (RetentionRules' "on hold").</summary>
        string ActiveHoldOf(string recordingId);

        /// <summary>Active → PendingDelete (the claim of a deletion); false when the row was not Active.</summary>
        bool Claim(string recordingId);

        /// <summary>Claims up to <paramref name="limit"/> recordings of an area due for deletion (RetentionRules.IsDue at <paramref name="now"/>, expired by <paramref name="cutoff"/>), oldest expiry first.</summary>
        /// <summary>Up to <paramref name="limit"/> recordings of an area due for deletion (RetentionRules.IsDue at <paramref name="now"/>, expired by <paramref name="cutoff"/>), oldest expiry first; claims nothing.</summary>
        IReadOnlyList<(string RecordingId, long StoredBytes)> DueCandidates(string areaId, DateTimeOffset cutoff, DateTimeOffset now, int limit);

        /// <summary>Claims up to <paramref name="limit"/> recordings of an area due for deletion (RetentionRules.IsDue at <paramref name="now"/>, expired by <paramref name="cutoff"/>), oldest expiry first.</summary>
        IReadOnlyList<(string RecordingId, long StoredBytes)> ClaimDue(string areaId, DateTimeOffset cutoff, DateTimeOffset now, int limit);

        /// <summary>Active or PendingDelete → PendingDelete with where the extracted copy went; false when the row was neither.</summary>
        bool ClaimForExtraction(string recordingId, string extractedTo, DateTimeOffset at);

        /// <summary>The facts of a PendingDelete row (for its certificate of deletion); null when the row is not PendingDelete.</summary>
        PendingDeletion Pending(string recordingId);

        /// <summary>Every PendingDelete row (deletions a killed run began).</summary>
        IReadOnlyList<(string RecordingId, string AreaId, long StoredBytes)> PendingDeletes();

        /// <summary>PendingDelete → Extracted; false when another run finished it first.</summary>
        bool MarkExtracted(string recordingId);

        /// <summary>PendingDelete → Deleted, with when, by whom and why; false when another run finished it first.</summary>
        bool MarkDeleted(string recordingId, DateTimeOffset at, string by, string reason);

        /// <summary>Per area: active recordings expired by <paramref name="cutoff"/>, how many of them are on hold, and the stored bytes of those not on hold (one query).</summary>
        IReadOnlyList<ExpiredCount> ExpiredCounts(DateTimeOffset cutoff);

        /// <summary>Every service area's id and name, by name. Issue 10 P1's IServiceAreaRepository.Resolve replaces this.</summary>
        IReadOnlyList<(string Id, string Name)> ServiceAreas();

        /// <summary>Whether the audit chain records <paramref name="auditAction"/> on this recording (a deletion that failed, for Test-RecordingStore).</summary>
        bool HasAuditEvent(string recordingId, string auditAction);
    }

    /// <summary>A call already in the store.</summary>
    public sealed class ExistingCall
    {
        public string RecordingId { get; set; }
        public string Sha256 { get; set; }
    }

    /// <summary>A newly imported recording's row: the recording as imported, with its area, the raw remote number and its file's key.</summary>
    public sealed class NewRecording
    {
        public Recording Recording { get; set; }
        public string ServiceAreaId { get; set; }
        public string RemoteNumberRaw { get; set; }
        public string FileKey { get; set; }
    }

    /// <summary>What the certificate of deletion of a PendingDelete row names.</summary>
    public sealed class PendingDeletion
    {
        public string CallId { get; set; }
        public string Sha256 { get; set; }
        public string ServiceArea { get; set; }
        public string StartTime { get; set; }
        /// <summary>Set when the claim was an extraction.</summary>
        public string ExtractedTo { get; set; }
    }

    /// <summary>One area's expired recordings at a cut-off.</summary>
    public sealed class ExpiredCount
    {
        public string ServiceAreaId { get; set; }
        public long Expired { get; set; }
        public long OnHold { get; set; }
        public long UnheldStoredBytes { get; set; }
    }
}
