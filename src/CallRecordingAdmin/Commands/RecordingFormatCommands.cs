using System;
using System.Collections.Generic;
using System.Management.Automation;
using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Rewrites recordings stored in format 1 (header not authenticated) in format 2, whose whole header is authenticated.</para>
    /// <para type="description">Recordings imported before format 2 keep a header whose fields (algorithm, format, key fingerprint, recording id) are not covered by the encryption's authentication tags; Test-RecordingStore -Deep reports each as RecordingFormatOutdated. Update-RecordingFormat finds them (it reads the first bytes of every stored file), then rewrites each under a fresh data key: the new file is created beside the old one as "&lt;id&gt;.crec.upgrading", every tag of the old file and the SHA-256 recorded at import are checked on the way, the new file is read back and verified, flushed to disk, and only then renamed over the old one. The plaintext never touches a disk, and the new file has the same length as the old. Each batch is one audit event (UpgradeRecordingFormat) listing its recordings. A recording that fails its check (RecordingIntegrityFailed) is left exactly as it was, reported as a non-terminating error, and the run goes on. A run that is stopped or killed at any point leaves every recording readable; run it again to finish (files already in format 2 are skipped, a half-written ".upgrading" file is replaced). Administrators only. Outputs one object per rewritten recording.</para>
    /// </summary>
    /// <example><code>Update-RecordingFormat -WhatIf</code><para>Says how many recordings are still in format 1, and changes nothing.</para></example>
    /// <example><code>Update-RecordingFormat -Verbose | Measure-Object</code><para>Rewrites every format-1 recording, with progress, and counts them.</para></example>
    /// <example><code>Update-RecordingFormat -BatchSize 500; Test-RecordingStore -Deep | Where-Object Check -eq RecordingFormatOutdated</code><para>Rewrites in batches of 500 (one audit event each), then verifies that every recording is in format 2.</para></example>
    [Cmdlet(VerbsData.Update, "RecordingFormat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RecordingFormatChange))]
    public sealed class UpdateRecordingFormatCommand : StoreCmdlet
    {
        /// <summary><para type="description">How many recordings are rewritten per audit event (1 to 1000, default 100).</para></summary>
        [Parameter]
        [ValidateRange(1, RecordingFormatUpgrade.MaxBatchSize)]
        public int BatchSize { get; set; } = 100;

        protected override void EndProcessing()
        {
            Try(ActiveStore.Path, () =>
            {
                var upgrade = ActiveStore.FormatUpgrade;
                var pending = upgrade.Pending();
                WriteVerbose(pending.Count + " recording(s) in " + ActiveStore.Path + " are stored in format 1 (header not authenticated).");
                if (pending.Count == 0) return;
                if (!ShouldProcess(ActiveStore.Path, "Rewrite " + pending.Count + " recording(s) in the authenticated format 2")) return;
                var progress = new ProgressRecord(6, "Rewriting recordings in format 2", "Starting");
                foreach (var change in upgrade.Upgrade(pending, BatchSize, (done, total) =>
                         {
                             progress.StatusDescription = done + " of " + total;
                             progress.PercentComplete = total == 0 ? 100 : (int)Math.Min(100, 100 * done / total);
                             WriteProgress(progress);
                         }, failure => WriteError(ToErrorRecord(failure, failure.Target))))
                {
                    WriteVerbose("Recording " + change.RecordingId + ": format " + change.FormatBefore + " -> " + change.FormatAfter + ".");
                    WriteObject(change);
                }
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            });
        }
    }
}
