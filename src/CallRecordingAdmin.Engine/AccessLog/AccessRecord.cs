using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.AccessLog
{
    /// <summary>Writes access-log rows, each with its audit event in the same transaction.</summary>
    internal static class AccessRecord
    {
        public static void Allowed(ChangeContext ctx, string action, string recordingId, string area, string purpose, string reason, string detail, string principal = null) =>
            Write(ctx, action, AccessOutcome.Allowed, recordingId, area, purpose, reason, detail, principal);

        public static void Write(ChangeContext ctx, string action, AccessOutcome outcome, string recordingId, string area, string purpose, string reason, string detail, string principal = null)
        {
            var who = principal ?? ctx.Principal;
            var audit = ctx.Audit(outcome == AccessOutcome.Allowed ? "RecordingAccess" : "RecordingAccessRefused", "Recording", recordingId ?? "", new Dictionary<string, object>
            {
                ["action"] = action, ["principal"] = who, ["purpose"] = purpose, ["reason"] = reason, ["detail"] = detail, ["serviceArea"] = area,
            });
            ctx.Db.AccessLog.Append(new AccessLogEntry
            {
                OccurredAt = ctx.Now, Principal = who, Action = action, Outcome = outcome, RecordingId = recordingId, ServiceArea = area,
                Purpose = purpose, Reason = reason, Detail = detail, AuditSequence = audit.Sequence, AuditHash = audit.Hash,
            });
        }
    }
}
