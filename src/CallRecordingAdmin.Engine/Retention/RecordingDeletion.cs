using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Retention
{
    /// <summary>What finishing a batch of claimed deletions did.</summary>
    internal sealed class DeletionResult
    {
        public DeletionResult(IReadOnlyList<(string RecordingId, long StoredBytes)> finished, IReadOnlyList<PolicyException> failures)
        {
            Finished = finished;
            Failures = failures;
        }

        /// <summary>Rows this run moved to Deleted (or Extracted); one another run finished first is not here.</summary>
        public IReadOnlyList<(string RecordingId, long StoredBytes)> Finished { get; }
        /// <summary>RecordingDeleteFailed for each file that is still there: its row stays PendingDelete.</summary>
        public IReadOnlyList<PolicyException> Failures { get; }
    }

    /// <summary>
    /// The one way a recording's stored file leaves the store, shared by Remove-Recording, the retention purge and
    /// extraction (Export-LegalHold -RemoveFromStore): the caller claims the row (PendingDelete, committed), then
    /// <see cref="Complete"/> deletes the file through <see cref="Files.IRecordingFiles"/> and, only once the file is
    /// gone, marks the row Deleted (or Extracted) with its certificate-of-deletion audit event. A file that cannot be
    /// deleted (an immutable file, a read-only folder) leaves the row PendingDelete with a DeleteRecordingFailed audit
    /// event: the record never says a recording is gone while its file is still there, the next purge retries, and
    /// Test-RecordingStore reports it.
    /// </summary>
    internal static class RecordingDeletion
    {
        public const string FailedAction = "DeleteRecordingFailed";

        /// <summary>
        /// Remove-Recording (Delete right): refused while the recording is on a legal hold (RetentionRules); the row stays
        /// as the record of the deletion.
        /// </summary>
        public static Recording Remove(RecordingStore store, string recordingId, AccessPurpose purpose)
        {
            var pending = store.Recordings.Reach(AccessRight.Delete, recordingId, purpose, null, (ctx, rec) =>
            {
                RetentionRules.RequireNotHeld(rec.RecordingId, ctx.Db.Recordings.ActiveHoldOf(rec.RecordingId));
                ctx.Db.Recordings.Claim(rec.RecordingId);
            });
            var result = Complete(store, "remove recordings", new[] { (pending.RecordingId, pending.StoredBytes) }, "Removed: " + purpose.Reason);
            if (result.Failures.Count > 0) throw result.Failures[0];
            return store.Database.Read(s => s.Recordings.Find(pending.RecordingId));
        }

        /// <summary>
        /// Steps two and three of every deletion: deletes the stored file of each claimed recording, reaches
        /// <paramref name="afterDelete"/> (a fault point), then in one transaction marks each row whose file is gone
        /// Deleted or Extracted (<see cref="Finish"/>) and records each failure (the row stays PendingDelete).
        /// </summary>
        public static DeletionResult Complete(RecordingStore store, string doing, IReadOnlyList<(string RecordingId, long StoredBytes)> claimed, string reason, string afterDelete = null)
        {
            var failures = new List<PolicyException>();
            foreach (var (id, _) in claimed)
            {
                var failure = DeleteFile(store, id);
                if (failure != null) failures.Add(failure);
            }
            var failed = new HashSet<string>(failures.Select(f => (string)f.Target), StringComparer.Ordinal);
            if (afterDelete != null) FaultPoint.Reach(afterDelete);
            var finished = store.Change(doing, ctx =>
            {
                var done = new List<(string, long)>();
                foreach (var (id, bytes) in claimed)
                {
                    if (failed.Contains(id)) continue;
                    if (Finish(ctx, id, ctx.Principal, reason, bytes)) done.Add((id, bytes));
                }
                foreach (var f in failures) RecordFailure(ctx, (string)f.Target, doing, f);
                return done;
            });
            return new DeletionResult(finished, failures);
        }

        /// <summary>Deletes the stored file of a claimed recording; null when the file is gone, else why it is still there.</summary>
        private static PolicyException DeleteFile(RecordingStore store, string recordingId)
        {
            var outcome = store.Files.Delete(recordingId);
            if (outcome.Gone) return null;
            return new PolicyException("RecordingDeleteFailed", FailureKind.WriteError,
                "the file of recording " + recordingId + " could not be deleted (" + (outcome.Cause?.Message ?? (outcome.Result == Files.DeleteResult.InUse ? "it is in use" : "it is still there")) +
                "); the recording stays PendingDelete, not Deleted. " +
                "Make the file deletable (check its attributes and its folder's permissions); the next Invoke-RetentionPurge retries, and Test-RecordingStore reports it until then.",
                recordingId, "2.5", outcome.Cause);
        }

        /// <summary>Records, in the audit chain, that a deletion could not be finished (the row stays PendingDelete).</summary>
        private static void RecordFailure(ChangeContext ctx, string recordingId, string doing, PolicyException failure) =>
            ctx.Audit(FailedAction, "Recording", recordingId, new Dictionary<string, object>
            {
                ["doing"] = doing, ["file"] = ctx.Store.Files.Describe(recordingId), ["error"] = failure.InnerException?.Message ?? failure.Message,
            });

        /// <summary>
        /// PendingDelete → Deleted with its certificate-of-deletion audit event, or → Extracted when the claim was an
        /// extraction (extracted_to set). Call only once the file is gone. False when another run finished it first.
        /// </summary>
        private static bool Finish(ChangeContext ctx, string recordingId, string principal, string reason, long bytes)
        {
            var row = ctx.Db.Recordings.Pending(recordingId);
            if (row == null) return false;
            if (row.ExtractedTo != null)
            {
                ctx.Db.Recordings.MarkExtracted(recordingId);
                ctx.Audit("ExtractRecording", "Recording", recordingId, new Dictionary<string, object>
                {
                    ["callId"] = row.CallId, ["serviceArea"] = row.ServiceArea, ["to"] = row.ExtractedTo, ["sha256"] = row.Sha256, ["reason"] = reason, ["bytesFreed"] = bytes,
                });
                return true;
            }
            ctx.Db.Recordings.MarkDeleted(recordingId, ctx.Now, principal, reason);
            ctx.Audit("DeleteRecording", "Recording", recordingId, new Dictionary<string, object>
            {
                ["callId"] = row.CallId, ["serviceArea"] = row.ServiceArea, ["startTime"] = row.StartTime, ["sha256"] = row.Sha256, ["reason"] = reason, ["bytesFreed"] = bytes,
            });
            return true;
        }

        /// <summary>Whether the audit chain records a failed deletion of this recording (for Test-RecordingStore).</summary>
        internal static bool HasFailed(IPolicySession session, string recordingId) => session.Recordings.HasAuditEvent(recordingId, FailedAction);

        /// <summary>The same on a bare connection, for StoreHealth until issue 10 P3 reads it through a session (<see cref="HasFailed(IPolicySession, string)"/>).</summary>
        [Obsolete("Issue 10 P3: call RecordingDeletion.HasFailed(session, id) from a read session.")]
        internal static bool HasFailed(Microsoft.Data.Sqlite.SqliteConnection c, string recordingId) =>
            PolicyDatabase.Sqlite.SqliteRecordingRepository.HasAuditEvent(c, recordingId, FailedAction);
    }
}
