using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>What the store's own records must show about themselves: a recent checkpoint held outside the database, who acted, and failed deletions.</summary>
    public static class AuditRules
    {
        /// <summary>A checkpoint (Export-AuditCheckpoint) is expected at least this often, so that truncation or a rewritten tail is caught within a week.</summary>
        public const int CheckpointDays = 7;

        /// <summary>The audit action that records a Test-AuditChain run and its outcome (valid, events, first broken event, problem).</summary>
        public const string ChainCheckAction = "TestAuditChain";

        /// <summary>The audit action Export-AuditCheckpoint writes.</summary>
        public const string CheckpointAction = "ExportAuditCheckpoint";

        /// <summary>
        /// Audit actions that record a deletion that did not complete (the file could not be removed). The
        /// recording-deletion fix (issue 9) writes them; the report lists each whose recording is still not Deleted.
        /// </summary>
        public static readonly IReadOnlyList<string> FailedDeletionActions = new[] { "RecordingDeleteFailed", "DeleteRecordingFailed" };

        /// <summary>The key in an audit event's details (or the name of its column) holding the operating-system account the process ran as.</summary>
        public const string OsAccountKey = "osAccount";

        public static bool CheckpointOverdue(DateTimeOffset? lastCheckpoint, DateTimeOffset now) =>
            !lastCheckpoint.HasValue || lastCheckpoint.Value.AddDays(CheckpointDays) < now;

        /// <summary>True when an event was attributed to a principal other than the account the process ran as (someone acted under another identity).</summary>
        /// <remarks>In a store created with -SharedOsAccount (demonstration, training, tests) one account acts under every principal by design, so this is no finding there; Test-RecordingStore's SeparationOfDuties check reports the setting.</remarks>
        public static bool ActedAsSomeoneElse(string principal, string osAccount, bool sharedOsAccount = false) =>
            !sharedOsAccount && !string.IsNullOrWhiteSpace(osAccount) && !string.Equals(principal?.Trim(), osAccount.Trim(), StringComparison.OrdinalIgnoreCase);
    }
}
