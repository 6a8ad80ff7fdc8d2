using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>Removing a recording (Delete right) and the file-deletion steps the purge and extraction share. Part of <see cref="RecordingRegister"/>, split out of RecordingRegister.cs (issue 10).</summary>
    public sealed partial class RecordingRegister
    {
        /// <summary>Deletes one recording (Delete right); refused while it is on a legal hold. The row stays as the record of the deletion.</summary>
        public Recording Remove(string recordingId, AccessPurpose purpose)
        {
            var pending = Reach(AccessRight.Delete, recordingId, purpose, null, (ctx, rec) =>
            {
                RequireNotHeld(ctx, rec);
                ctx.Execute("UPDATE recording SET state = 'PendingDelete' WHERE id = $id AND state = 'Active'", ("$id", rec.RecordingId));
            });
            var failure = RecordingDeletion.DeleteFile(_store, pending.RecordingId);
            if (failure != null)
            {
                RecordingDeletion.RecordFailures(_store, "remove recordings", new[] { failure });
                throw failure;
            }
            return _store.Change("remove recordings", ctx =>
            {
                RecordingDeletion.Finish(ctx, pending.RecordingId, ctx.Principal, "Removed: " + purpose.Reason, pending.StoredBytes);
                return Load(ctx, pending.RecordingId);
            });
        }

        internal static void RequireNotHeld(ChangeContext ctx, Recording rec)
        {
            var hold = ctx.Scalar("SELECT h.case_reference FROM legal_hold_recording hr JOIN legal_hold h ON h.id = hr.hold_id WHERE hr.recording_id = $id AND h.released_at IS NULL LIMIT 1",
                ("$id", rec.RecordingId)) as string;
            if (hold != null)
            {
                throw new PolicyException("RecordingOnLegalHold", FailureKind.InvalidOperation,
                    "recording " + rec.RecordingId + " is on legal hold for case " + hold + " and must be kept whatever its age; release the hold first.", rec.RecordingId, "2.5");
            }
        }

        private static bool NotInUse(string path)
        {
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        internal static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path)) File.Delete(path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
