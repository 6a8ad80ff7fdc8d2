using System.Collections.Generic;
using System.IO;

namespace CallRecordingAdmin.Engine.Files
{
    /// <summary>
    /// Where recordings' encrypted files live (issue 10): the local folder today (<see cref="FolderFiles"/>), a blob
    /// container later. An import stages a file, flushes the batch, commits the rows, then commits each file; a read
    /// opens it; a deletion says what happened. No caller may assume a stored file is a path on this machine.
    /// </summary>
    public interface IRecordingFiles
    {
        /// <summary>Creates the staged (not yet visible) file of a new recording, exclusively, and opens it for writing.</summary>
        StagedFile Stage(string recordingId);

        /// <summary>Makes a batch of staged files durable before the rows that point at them commit.</summary>
        void FlushStaged(IReadOnlyList<StagedFile> batch);

        /// <summary>Makes a staged file the recording's stored file (after its row committed).</summary>
        void Commit(StagedFile file);

        /// <summary>
        /// Removes a staged file that will not be committed: the import's own (<paramref name="onlyIfUnused"/> false), or a
        /// leftover found by <see cref="List"/> (true: InUse, and nothing removed, while another process still has it open).
        /// </summary>
        DeleteOutcome Discard(StagedFile file, bool onlyIfUnused = false);

        /// <summary>Opens a recording's stored file for reading: RecordingFileMissing when it is not there, FileReadFailed when it cannot be read.</summary>
        Stream OpenRead(string recordingId);

        /// <summary>Whether the recording's stored file is there.</summary>
        bool Exists(string recordingId);

        /// <summary>Deletes a recording's stored file and says what happened; it never throws for a file that stays.</summary>
        DeleteOutcome Delete(string recordingId);

        /// <summary>Every stored and staged file (for crash recovery and the store check), read as the caller enumerates.</summary>
        IEnumerable<StoredFileInfo> List();

        /// <summary>The name recorded in the recording's row (its place within the store).</summary>
        string KeyOf(string recordingId);

        /// <summary>Where the stored file is, for messages and audit details (a path, a URL).</summary>
        string Describe(string recordingId);
    }

    /// <summary>A new recording's file while it is written: not yet a stored file. Write to <see cref="Content"/>, then dispose it.</summary>
    public sealed class StagedFile
    {
        public StagedFile(string recordingId, string location, Stream content = null)
        {
            RecordingId = recordingId;
            Location = location;
            Content = content;
        }

        public string RecordingId { get; }
        /// <summary>Where the staged file is (for messages).</summary>
        public string Location { get; }
        /// <summary>The open stream a <see cref="IRecordingFiles.Stage"/> returned; null for a staged file found by <see cref="IRecordingFiles.List"/>.</summary>
        public Stream Content { get; }
    }

    /// <summary>One file in the store's file area.</summary>
    public sealed class StoredFileInfo
    {
        public string RecordingId { get; set; }
        /// <summary>True for a staged file a killed import left (not yet committed).</summary>
        public bool Staged { get; set; }
        public string Location { get; set; }
        public long Length { get; set; }

        public StagedFile AsStaged() => new StagedFile(RecordingId, Location);
    }

    public enum DeleteResult { Deleted, AlreadyGone, InUse, Failed }

    /// <summary>What a deletion did: the file is gone (Deleted, AlreadyGone) or still there (InUse, Failed, with the cause).</summary>
    public sealed class DeleteOutcome
    {
        public DeleteOutcome(DeleteResult result, System.Exception cause = null)
        {
            Result = result;
            Cause = cause;
        }

        public DeleteResult Result { get; }
        public System.Exception Cause { get; }
        /// <summary>The file is no longer there.</summary>
        public bool Gone => Result == DeleteResult.Deleted || Result == DeleteResult.AlreadyGone;
    }
}
