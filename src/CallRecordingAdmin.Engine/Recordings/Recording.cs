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
        /// <summary>Called for a row that cannot be read (StoredValueInvalid), which is then skipped; without it the error is thrown.</summary>
        public Action<PolicyException> OnRowError { get; set; }
    }

    /// <summary>
    /// Why and for what a recording is reached (clause 3.1). The reason is checked (present, at most 2,000 characters,
    /// no control or bidirectional characters) inside the access itself (<see cref="Store.RecordingStore"/>'s access gate),
    /// so that an attempt with a bad reason is refused AND logged like any other refused access (ReasonRequired, TextInvalid).
    /// </summary>
    public sealed class AccessPurpose
    {
        private readonly string _reason;
        private readonly PolicyException _problem;

        public AccessPurpose(Purpose purpose, string reason)
        {
            Purpose = purpose;
            try
            {
                _reason = string.IsNullOrWhiteSpace(reason)
                    ? throw new PolicyException("ReasonRequired", FailureKind.InvalidArgument, "every access to a recording needs a reason (-Reason).", null, "3.1")
                    : Text.Check(reason.Trim(), "Reason", Text.ReasonMax);
            }
            catch (PolicyException e)
            {
                _problem = e;
                LoggedReason = Text.Printable(reason, Text.ReasonMax);
                return;
            }
            LoggedReason = _reason;
        }

        public Purpose Purpose { get; }

        /// <summary>The checked reason; ReasonRequired or TextInvalid when it is missing or not acceptable.</summary>
        public string Reason => _problem != null ? throw _problem : _reason;

        /// <summary>The reason as the access log keeps it: the reason, or for a refused one its printable form (control and bidirectional characters replaced, cut at 2,000 characters).</summary>
        public string LoggedReason { get; }

        /// <summary>Throws the reason's problem, if any (called inside the logged access).</summary>
        public void Require()
        {
            if (_problem != null) throw _problem;
        }
    }
}
