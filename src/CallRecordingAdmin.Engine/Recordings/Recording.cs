using System;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Recordings
{
    public enum CallDirection { Inbound, Outbound, Internal }

    /// <summary>Active: kept; PendingDelete: being deleted (a purge or removal will finish it); Deleted: gone, the row stays as the record of deletion; Extracted: moved to a legal hold's secure location.</summary>
    public enum RecordingState { Active, PendingDelete, Deleted, Extracted }

    /// <summary>One recorded call. Every property is a scalar so that Export-Csv gives flat columns.</summary>
    public sealed class Recording
    {
        public string RecordingId { get; set; }
        public string CallId { get; set; }
        public string ServiceArea { get; set; }
        public string Extension { get; set; }
        public DateTimeOffset StartTime { get; set; }
        public double? DurationSeconds { get; set; }
        public CallDirection Direction { get; set; }
        /// <summary>The other party's number in E.164 form.</summary>
        public string RemoteNumber { get; set; }
        public string Agent { get; set; }
        public string Format { get; set; }
        public long SizeBytes { get; set; }
        /// <summary>SHA-256 of the original audio, taken at import.</summary>
        public string Sha256 { get; set; }
        public RecordingState State { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
        public bool OnHold { get; set; }
        public string AuthorisingRequestId { get; set; }
        public DateTimeOffset ImportedAt { get; set; }
        public string ImportedBy { get; set; }
        public DateTimeOffset? DeletedAt { get; set; }
        public string DeletedBy { get; set; }
        public string DeletionReason { get; set; }
        public string ExtractedTo { get; set; }
        public DateTimeOffset? ExtractedAt { get; set; }
        /// <summary>The call's parties from the directory's call records (Import-GraphCallRecord), "Name &lt;upn or number&gt;" joined by "; "; empty until linked.</summary>
        public string Participants { get; set; }

        /// <summary>The encrypted file's size (internal: the purge's bytes-freed figure).</summary>
        internal long StoredBytes { get; set; }
    }

    /// <summary>One call to import: its metadata and where its audio is.</summary>
    public sealed class RecordingImport
    {
        public string CallId { get; set; }
        public string Extension { get; set; }
        public DateTimeOffset StartTime { get; set; }
        public double? DurationSeconds { get; set; }
        public CallDirection Direction { get; set; }
        public string RemoteNumber { get; set; }
        public string Agent { get; set; }
        public string Path { get; set; }
    }

    /// <summary>What importing one call did: the recording, or why it was refused.</summary>
    public sealed class ImportOutcome
    {
        public RecordingImport Item { get; set; }
        public Recording Recording { get; set; }
        /// <summary>True when the same call with the same content was already in the store.</summary>
        public bool AlreadyImported { get; set; }
        public PolicyException Error { get; set; }
    }

    /// <summary>Filters for Get-Recording; all optional, combined with AND.</summary>
    public sealed class RecordingQuery
    {
        public string RecordingId { get; set; }
        public string CallId { get; set; }
        public string ServiceArea { get; set; }
        public string Extension { get; set; }
        public string Agent { get; set; }
        public string RemoteNumber { get; set; }
        public DateTimeOffset? After { get; set; }
        public DateTimeOffset? Before { get; set; }
        public bool? OnHold { get; set; }
        public DateTimeOffset? ExpiresBefore { get; set; }
        /// <summary>Past its expiry now (by the store's clock).</summary>
        public bool Expired { get; set; }
        public RecordingState? State { get; set; }
        /// <summary>Include Deleted and Extracted rows (the record of what was there).</summary>
        public bool IncludeGone { get; set; }
        public long Skip { get; set; }
        public long? First { get; set; }
    }

    /// <summary>Why and for what a recording is reached (clause 3.1).</summary>
    public sealed class AccessPurpose
    {
        public AccessPurpose(Purpose purpose, string reason)
        {
            Purpose = purpose;
            Reason = string.IsNullOrWhiteSpace(reason)
                ? throw new PolicyException("ReasonRequired", FailureKind.InvalidArgument, "every access to a recording needs a reason (-Reason).", null, "3.1")
                : Text.Check(reason.Trim(), "Reason", Text.ReasonMax);
        }

        public Purpose Purpose { get; }
        public string Reason { get; }
    }
}
