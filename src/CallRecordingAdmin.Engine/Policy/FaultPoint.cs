using System;
using System.IO;
using System.Threading;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>
    /// Named points in the crash-sensitive windows (after a commit and before the file step that follows it) at which
    /// the fault campaign (<c>build.ps1 Chaos</c>) can stop a process deterministically: when the environment variable
    /// <c>CALLRECORDINGADMIN_PAUSE_AT</c> equals a point's name, reaching it writes a marker file (path in
    /// <c>CALLRECORDINGADMIN_PAUSE_SIGNAL</c>, if set) and blocks forever, so the harness can kill -9 the process inside that window.
    /// The variables are read once per process; unset, <see cref="Reach"/> is a comparison against null.
    /// </summary>
    public static class FaultPoint
    {
        /// <summary>The environment variable naming the point to pause at.</summary>
        public const string PauseAtVariable = "CALLRECORDINGADMIN_PAUSE_AT";

        /// <summary>The environment variable naming the marker file written on pausing.</summary>
        public const string SignalVariable = "CALLRECORDINGADMIN_PAUSE_SIGNAL";

        private static readonly string PauseAt = Read(PauseAtVariable);
        private static readonly string Signal = Read(SignalVariable);

        /// <summary>Import: rows committed, encrypted files still <c>.partial</c> (before the rename).</summary>
        public const string ImportAfterCommit = "import.after-commit";
        /// <summary>Purge: a batch committed as PendingDelete, before its files are deleted.</summary>
        public const string PurgeAfterPending = "purge.after-pending";
        /// <summary>Purge: files deleted, before the Deleted rows commit.</summary>
        public const string PurgeAfterDelete = "purge.after-delete";
        /// <summary>Extraction: every copy verified and logged, before any recording is marked Extracted or removed.</summary>
        public const string ExtractAfterVerify = "extract.after-verify";
        /// <summary>Extraction: a recording committed as Extracted, before its stored file is removed.</summary>
        public const string ExtractAfterMark = "extract.after-mark";
        /// <summary>Update-RecordingFormat: a batch's rewritten files verified and flushed, before any is renamed over its original.</summary>
        public const string UpgradeBeforeRename = "upgrade.before-rename";
        /// <summary>Update-RecordingFormat: a batch's files renamed into place, before its audit event commits.</summary>
        public const string UpgradeAfterRename = "upgrade.after-rename";
        /// <summary>Subject access export: the first recording written to the destination, the rest not yet.</summary>
        public const string SubjectAccessMidExport = "sar.mid-export";

        /// <summary>Pauses forever if this point is the one named by <c>CALLRECORDINGADMIN_PAUSE_AT</c>; otherwise returns at once.</summary>
        public static void Reach(string name)
        {
            if (PauseAt == null || !string.Equals(PauseAt, name, StringComparison.Ordinal)) return;
            if (Signal != null) File.WriteAllText(Signal, name);
            Thread.Sleep(Timeout.Infinite);
        }

        private static string Read(string variable)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }
    }
}
