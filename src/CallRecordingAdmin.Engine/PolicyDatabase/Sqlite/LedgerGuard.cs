using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>
    /// Where the purge and extraction ask the row ledger before they delete (issue 11): a recording whose row, or a hold
    /// on it, is not what the module sealed is never deleted; the refusal is in the audit log (RowIntegrityFailed).
    /// </summary>
    internal static class LedgerGuard
    {
        /// <summary>Why the recording must not be deleted on the strength of its row, or null.</summary>
        internal static string PurgeProblem(ChangeContext ctx, string recordingId)
        {
            var s = (SqliteSession)ctx.Db;
            return SqliteLedger.Problem(s.Connection, s.Transaction, "recording", recordingId) ?? SqliteLedger.HoldProblem(s.Connection, s.Transaction, recordingId);
        }

        /// <summary>Records the refusal (its own transaction) and returns it, for the caller's non-terminating error.</summary>
        internal static PolicyException RefuseDeletion(RecordingStore store, string recordingId, string problem)
        {
            var e = new PolicyException("RowIntegrityFailed", FailureKind.InvalidData,
                "Recording " + recordingId + " was not deleted: " + problem + " Test-AuditChain -State lists every such row.", recordingId);
            store.Change("record a refused deletion", ctx => ctx.Audit("Refused", "Recording", recordingId, new Dictionary<string, object>
            {
                ["errorId"] = e.ErrorId, ["message"] = e.Message, ["doing"] = "delete recordings",
            }));
            return e;
        }
    }
}
