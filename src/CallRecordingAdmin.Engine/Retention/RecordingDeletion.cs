using System;
using System.Collections.Generic;
using System.IO;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Retention
{
    /// <summary>
    /// The one way a recording's stored file leaves the store, shared by the retention purge, Remove-Recording and
    /// extraction (Export-LegalHold -RemoveFromStore). The caller first claims the row (PendingDelete, committed);
    /// then the file is deleted; the row becomes Deleted (or Extracted) only once the file is gone. A file that
    /// cannot be deleted (an immutable file, a read-only folder) leaves the row PendingDelete with a
    /// DeleteRecordingFailed audit event: the record never says a recording is gone while its file is still there,
    /// the next purge retries, and Test-RecordingStore reports it.
    /// </summary>
    internal static class RecordingDeletion
    {
        public const string FailedAction = "DeleteRecordingFailed";

        /// <summary>Deletes the stored file of a claimed recording; null when the file is gone, else why it is still there.</summary>
        public static PolicyException DeleteFile(RecordingStore store, string recordingId)
        {
            var path = store.Recordings.StoredFile(recordingId);
            Exception cause = null;
            try
            {
                if (File.Exists(path)) File.Delete(path);
            }
            catch (IOException e) { cause = e; }
            catch (UnauthorizedAccessException e) { cause = e; }
            if (!File.Exists(path)) return null;
            return new PolicyException("RecordingDeleteFailed", FailureKind.WriteError,
                "the file of recording " + recordingId + " could not be deleted (" + (cause?.Message ?? "it is still there") + "); the recording stays PendingDelete, not Deleted. " +
                "Make the file deletable (check its attributes and its folder's permissions); the next Invoke-RetentionPurge retries, and Test-RecordingStore reports it until then.",
                recordingId, "2.5", cause);
        }

        /// <summary>Records, in the audit chain, that a deletion could not be finished (the row stays PendingDelete).</summary>
        public static void RecordFailure(ChangeContext ctx, string recordingId, string doing, PolicyException failure) =>
            ctx.Audit(FailedAction, "Recording", recordingId, new Dictionary<string, object>
            {
                ["doing"] = doing, ["file"] = ctx.Store.Recordings.StoredFile(recordingId), ["error"] = failure.InnerException?.Message ?? failure.Message,
            });

        /// <summary>Records failures in their own transaction.</summary>
        public static void RecordFailures(RecordingStore store, string doing, IReadOnlyList<PolicyException> failures)
        {
            if (failures.Count == 0) return;
            store.Change(doing, ctx =>
            {
                foreach (var f in failures) RecordFailure(ctx, (string)f.Target, doing, f);
                return 0;
            });
        }

        /// <summary>
        /// PendingDelete → Deleted with its certificate-of-deletion audit event, or → Extracted when the claim was an
        /// extraction (extracted_to set). Call only once the file is gone. False when another run finished it first.
        /// </summary>
        public static bool Finish(ChangeContext ctx, string recordingId, string principal, string reason, long bytes)
        {
            string callId, sha, area, start, extractedTo;
            using (var cmd = ctx.Command("SELECT r.call_id, r.sha256, sa.name, r.start_time, r.extracted_to FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.id = $id AND r.state = 'PendingDelete'", ("$id", recordingId)))
            using (var rd = cmd.ExecuteReader())
            {
                if (!rd.Read()) return false;
                callId = rd.GetString(0); sha = rd.GetString(1); area = rd.GetString(2); start = rd.GetString(3); extractedTo = rd.IsDBNull(4) ? null : rd.GetString(4);
            }
            if (extractedTo != null)
            {
                ctx.Execute("UPDATE recording SET state = 'Extracted' WHERE id = $id AND state = 'PendingDelete'", ("$id", recordingId));
                ctx.Audit("ExtractRecording", "Recording", recordingId, new Dictionary<string, object>
                {
                    ["callId"] = callId, ["serviceArea"] = area, ["to"] = extractedTo, ["sha256"] = sha, ["reason"] = reason, ["bytesFreed"] = bytes,
                });
                return true;
            }
            ctx.Execute("UPDATE recording SET state = 'Deleted', deleted_at = $t, deleted_by = $p, deletion_reason = $r WHERE id = $id AND state = 'PendingDelete'",
                ("$t", Timestamp.ToText(ctx.Now)), ("$p", principal), ("$r", reason), ("$id", recordingId));
            ctx.Audit("DeleteRecording", "Recording", recordingId, new Dictionary<string, object>
            {
                ["callId"] = callId, ["serviceArea"] = area, ["startTime"] = start, ["sha256"] = sha, ["reason"] = reason, ["bytesFreed"] = bytes,
            });
            return true;
        }

        /// <summary>Whether the audit chain records a failed deletion of this recording (for Test-RecordingStore).</summary>
        internal static bool HasFailed(Microsoft.Data.Sqlite.SqliteConnection c, string recordingId) =>
            Convert.ToInt64(PolicyDatabase.PolicyDb.Scalar(c, null, "SELECT count(*) FROM audit_event WHERE target = $id AND action = '" + FailedAction + "'", ("$id", recordingId))) > 0;
    }
}
