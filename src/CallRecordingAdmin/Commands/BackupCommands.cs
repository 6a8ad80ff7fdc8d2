using System;
using System.Management.Automation;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Backs up the store: a consistent copy of the policy database, the key fingerprint, optionally the encrypted recordings, and a SHA-256 manifest.</para>
    /// <para type="description">Copies the policy database through SQLite's online backup API, which takes one consistent snapshot while other sessions go on working. Never copy policy.db (or its -wal and -shm files) with Copy-Item or a file-level backup tool: such a copy can catch the database and its write-ahead log at different moments, and on Linux and macOS opening and closing the live file from a process that also uses the store drops that process's locks. The backup holds the master key's fingerprint, never the key: keep the key in its own safe place. With -IncludeRecordings the encrypted recording files are copied as stored (they open only with the key). manifest.json lists every file with its size and SHA-256, and manifest.sha256 holds the manifest's own hash; Test-RecordingStore -Path verifies all of it. The destination must be a new or empty folder outside the store (DestinationInsideStore otherwise). Administrators only: a backup carries the whole store's personal data (callers' numbers, subjects, the access log) out of the store's protection, which is custody of the store, not reading the logs. The backup is an audit event, written before the copy so that the copy contains it. To restore, copy the backup folder to where the store should live, put the key back (or set $env:CALLRECORDINGADMIN_KEY_PATH) and run Connect-RecordingStore on it.</para>
    /// </summary>
    /// <example><code>Backup-RecordingStore -Destination "\\backup\crs\$(Get-Date -Format yyyy-MM-dd)" -IncludeRecordings</code><para>A nightly full backup into a new dated folder.</para></example>
    /// <example><code>$backup = Backup-RecordingStore -Destination /backup/crs/db-only; Test-RecordingStore -Path $backup.Path -Quiet</code><para>Backs up the database alone, then verifies the backup.</para></example>
    [Cmdlet(VerbsData.Backup, "RecordingStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(StoreBackupResult))]
    public sealed class BackupRecordingStoreCommand : StoreCmdlet
    {
        /// <summary><para type="description">A new or empty folder outside the store for the backup.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        /// <summary><para type="description">Also copies the encrypted recording files of every active recording (as stored; they open only with the store's key).</para></summary>
        [Parameter]
        public SwitchParameter IncludeRecordings { get; set; }

        protected override void EndProcessing()
        {
            var destination = ResolvePath(Destination);
            if (!ShouldProcess(destination, "Back up recording store " + ActiveStore.Path + (IncludeRecordings ? " with its recordings" : ""))) return;
            Try(destination, () =>
            {
                var progress = new ProgressRecord(5, "Backing up recordings", "Copying");
                var result = StoreBackup.Run(ActiveStore, destination, IncludeRecordings, (done, total) =>
                {
                    if (done % 100 != 0 && done != total) return;
                    progress.StatusDescription = done + " of " + total;
                    progress.PercentComplete = total == 0 ? 100 : (int)Math.Min(100, 100 * done / total);
                    WriteProgress(progress);
                });
                if (IncludeRecordings)
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    WriteProgress(progress);
                }
                if (result.RecordingsMissing > 0)
                {
                    WriteWarning(result.RecordingsMissing + " active recording(s) in the copied database had no file by the time it was copied (a purge ran meanwhile); the manifest records how many.");
                }
                WriteVerbose("Backup of store " + result.StoreId + " at " + result.Path + ": " + result.Files + " files, " + result.Bytes + " bytes, audit head " + result.AuditHeadSequence + ".");
                WriteObject(result);
            });
        }
    }
}
