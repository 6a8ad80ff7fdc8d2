using System;
using System.Linq;
using System.IO;
using CallRecordingAdmin.Engine.Files;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// Recordings in the store: imported encrypted from the telephony recorder, found by their metadata,
    /// reached only by nominated staff for a stated purpose, and removed with a record of the removal.
    /// A file and its row never exist one without the other for longer than a crash: an import stages the file
    /// (<see cref="IRecordingFiles.Stage"/>), commits the row, then commits the file; <see cref="Recover"/> finishes
    /// or removes what a killed run left. The rows are read and written through IRecordingRepository, the files
    /// through IRecordingFiles.
    /// </summary>
    public sealed partial class RecordingRegister
    {
        private readonly RecordingStore _store;

        internal RecordingRegister(RecordingStore store) { _store = store; }

        internal static Recording FindActive(ChangeContext ctx, string recordingId)
        {
            var rec = Load(ctx, recordingId);
            if (rec.State != RecordingState.Active)
            {
                throw new PolicyException("RecordingNotAvailable", FailureKind.ObjectNotFound,
                    "recording " + rec.RecordingId + " is " + rec.State + (rec.ExtractedTo != null ? " (to " + rec.ExtractedTo + ")" : "") + "; its content is no longer in the store.", rec.RecordingId);
            }
            return rec;
        }

        internal static Recording Load(ChangeContext ctx, string recordingId) =>
            ctx.Db.Recordings.Find(recordingId?.Trim())
            ?? throw new PolicyException("RecordingNotFound", FailureKind.ObjectNotFound, "There is no recording '" + recordingId + "'.", recordingId);

        /// <summary>The local path of a recording's stored file: for tests on real files and the store check (issue 10 P3 moves that to IRecordingFiles.List). Nothing else may assume a path.</summary>
        internal string StoredFile(Recording rec) => StoredFile(rec.RecordingId);

        internal string StoredFile(string recordingId) => ((FolderFiles)_store.Files).PathOf(recordingId);

        /// <summary>Deletes one recording (Delete right); refused while it is on a legal hold. The row stays as the record of the deletion (<see cref="RecordingDeletion"/>).</summary>
        public Recording Remove(string recordingId, AccessPurpose purpose) => RecordingDeletion.Remove(_store, recordingId, purpose);

        /// <summary>Recomputes the expiry of an area's active recordings after its local retention changed (clause 2.5).</summary>
        internal static int RecomputeExpiry(ChangeContext ctx, string areaId, RetentionPeriod period)
        {
            var rows = ctx.Db.Recordings.ActiveStarts(areaId);
            ctx.Db.Recordings.SetExpiries(rows.Select(r => (r.RecordingId, period.ExpiryOf(r.StartTime))).ToList());
            return rows.Count;
        }

        /// <summary>Removes a file this module wrote for a user (a partial export) if it can; never throws.</summary>
        internal static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path)) File.Delete(path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        // StoreHealth (issue 10 P3) still reads recordings with its own SQL; these forward to the repository until it reads
        // through IRecordingRepository.Active() and RecordingDeletion.HasFailed(session, id).
        [Obsolete("Issue 10 P3: read through IRecordingRepository.Active().")]
        internal static readonly string Select = PolicyDatabase.Sqlite.SqliteRecordingRepository.Select;

        [Obsolete("Issue 10 P3: read through IRecordingRepository.Active().")]
        internal static (Recording Recording, PolicyException Error) MapChecked(Microsoft.Data.Sqlite.SqliteDataReader r) =>
            PolicyDatabase.Sqlite.SqliteRecordingRepository.MapChecked(r);
    }
}
