using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Files
{
    /// <summary>
    /// Recordings' files in the store's local folder: "&lt;shard&gt;/&lt;id&gt;.crec" (owner-only), staged as
    /// "&lt;id&gt;.crec.partial" created exclusively, flushed per batch (one syncfs on Linux, see <see cref="DurableFiles"/>),
    /// and renamed into place after the row commits. A crash leaves only ".partial" files, which <see cref="List"/> shows
    /// for recovery.
    /// </summary>
    internal sealed class FolderFiles : IRecordingFiles
    {
        public const string FileSuffix = ".crec";
        public const string PartialSuffix = ".partial";
        private readonly HashSet<string> _folders = new HashSet<string>(StringComparer.Ordinal);

        public FolderFiles(string root) { Root = root; }

        /// <summary>The folder holding the shards.</summary>
        public string Root { get; }

        public string KeyOf(string recordingId) => Ids.Shard(recordingId) + "/" + recordingId + FileSuffix;

        /// <summary>The local path of a recording's stored file (tests and the store check look at real files).</summary>
        public string PathOf(string recordingId) => Path.Combine(Root, KeyOf(recordingId).Replace('/', Path.DirectorySeparatorChar));

        public string Describe(string recordingId) => PathOf(recordingId);

        public StagedFile Stage(string recordingId)
        {
            var partial = PathOf(recordingId) + PartialSuffix;
            var folder = Path.GetDirectoryName(partial);
            try
            {
                lock (_folders)
                {
                    if (!_folders.Contains(folder) || !Directory.Exists(folder))
                    {
                        OwnerOnly.CreateDirectory(folder);
                        _folders.Add(folder);
                    }
                }
                return new StagedFile(recordingId, partial, OwnerOnly.CreateFile(partial, FileMode.CreateNew, 1 << 16));
            }
            catch (Exception)
            {
                // the folder may have been removed or never made: make it again next time
                lock (_folders) _folders.Remove(folder);
                throw;
            }
        }

        public void FlushStaged(IReadOnlyList<StagedFile> batch) => DurableFiles.Flush(batch.Select(f => f.Location).ToList());

        public void Commit(StagedFile file) => File.Move(file.Location, Final(file));

        public DeleteOutcome Discard(StagedFile file, bool onlyIfUnused = false)
        {
            if (!File.Exists(file.Location)) return new DeleteOutcome(DeleteResult.AlreadyGone);
            if (!onlyIfUnused) return Remove(file.Location);
            try
            {
                // An import still writing holds it open without sharing; on every platform that is "in use".
                using (new FileStream(file.Location, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
            }
            catch (FileNotFoundException) { return new DeleteOutcome(DeleteResult.AlreadyGone); }
            catch (DirectoryNotFoundException) { return new DeleteOutcome(DeleteResult.AlreadyGone); }
            catch (IOException e) { return new DeleteOutcome(DeleteResult.InUse, e); }
            catch (UnauthorizedAccessException e) { return new DeleteOutcome(DeleteResult.Failed, e); }
            return Remove(file.Location);
        }

        public Stream OpenRead(string recordingId)
        {
            var path = PathOf(recordingId);
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw Missing(recordingId, e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PolicyException("FileReadFailed", FailureKind.ReadError,
                    "the stored file of recording " + recordingId + " (" + path + ") could not be read: " + e.Message + "; nothing was written.", recordingId, null, e);
            }
        }

        internal static PolicyException Missing(string recordingId, Exception cause = null) =>
            new PolicyException("RecordingFileMissing", FailureKind.ReadError,
                "the stored file of recording " + recordingId + " is missing; nothing was written. Test-RecordingStore reports it; restore the file from a backup.", recordingId, "2.5", cause);

        public bool Exists(string recordingId) => File.Exists(PathOf(recordingId));

        public DeleteOutcome Delete(string recordingId) => Remove(PathOf(recordingId));

        private static DeleteOutcome Remove(string path)
        {
            if (!File.Exists(path)) return new DeleteOutcome(DeleteResult.AlreadyGone);
            Exception cause = null;
            try
            {
                File.Delete(path);
            }
            catch (IOException e) { cause = e; }
            catch (UnauthorizedAccessException e) { cause = e; }
            if (!File.Exists(path)) return new DeleteOutcome(DeleteResult.Deleted);
            // Windows refuses to delete a file another process has open (a sharing violation): that is "in use", not broken.
            const int SharingViolation = unchecked((int)0x80070020);
            return new DeleteOutcome(cause != null && cause.HResult == SharingViolation ? DeleteResult.InUse : DeleteResult.Failed, cause);
        }

        public IEnumerable<StoredFileInfo> List()
        {
            if (!Directory.Exists(Root)) yield break;
            foreach (var path in Directory.EnumerateFiles(Root, "*" + FileSuffix + "*", SearchOption.AllDirectories))
            {
                var name = Path.GetFileName(path);
                bool staged;
                if (name.EndsWith(FileSuffix + PartialSuffix, StringComparison.Ordinal)) staged = true;
                else if (name.EndsWith(FileSuffix, StringComparison.Ordinal)) staged = false;
                else continue;
                long length;
                try { length = new FileInfo(path).Length; }
                catch (IOException) { length = -1; }
                yield return new StoredFileInfo
                {
                    RecordingId = name.Substring(0, name.Length - FileSuffix.Length - (staged ? PartialSuffix.Length : 0)),
                    Staged = staged,
                    Location = path,
                    Length = length,
                };
            }
        }

        private static string Final(StagedFile file) => file.Location.Substring(0, file.Location.Length - PartialSuffix.Length);
    }
}
