using System;
using System.IO;
using System.Threading;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// Imports and the recovery of killed imports exclude each other through one lock file in the store folder.
    /// A running import holds it shared from before its first ".partial" file until its last rename; recovery holds
    /// it exclusively and runs only when no import does. Without it, recovery in one process took another
    /// process's flushed but not yet committed ".partial" files for leftovers and removed them (found by the fault
    /// campaign: two concurrent imports lost files). On Unix .NET takes the lock with flock(2), which belongs to the
    /// open file description, so closing some other handle of the file does not drop it (unlike SQLite's fcntl
    /// locks); on Windows the share mode of the open handle does the same.
    /// </summary>
    internal static class ImportLock
    {
        public const string FileName = "import.lock";

        /// <summary>How long an import waits for the lock: as long as a writer waits for the policy database's write lock (120 s).</summary>
        public static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

        private static string PathOf(string storePath) => Path.Combine(storePath, FileName);

        /// <summary>Held by an import batch; waits (up to <paramref name="wait"/>) while a recovery holds the lock.</summary>
        public static IDisposable Shared(string storePath, TimeSpan wait)
        {
            var path = PathOf(storePath);
            if (!Ensure(path)) return null; // a store we cannot write: the import fails on its own files, with its own error
            var deadline = DateTime.UtcNow + wait;
            while (true)
            {
                try
                {
                    return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                }
                catch (IOException) when (File.Exists(path) && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(50);
                }
                catch (IOException e) when (File.Exists(path))
                {
                    throw new PolicyException("StoreBusy", FailureKind.ResourceUnavailable,
                        "the recovery of interrupted imports held the store's import lock for longer than " + wait.TotalSeconds + " seconds; nothing was imported. Run the command again.", path, null, e);
                }
            }
        }

        /// <summary>The exclusive lock for recovery, or null while any import runs (recovery is then left to a later run).</summary>
        public static IDisposable TryExclusive(string storePath)
        {
            var path = PathOf(storePath);
            if (!Ensure(path)) return null;
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return null;
            }
        }

        private static bool Ensure(string path)
        {
            if (File.Exists(path)) return true;
            try
            {
                using (OwnerOnly.CreateFile(path, FileMode.CreateNew)) { }
            }
            catch (IOException) when (File.Exists(path))
            {
                // another process created it at the same moment
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
            return true;
        }
    }
}
