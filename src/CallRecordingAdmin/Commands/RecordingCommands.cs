using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Retention;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Imports recordings from the telephony recorder: encrypted, hashed and filed under their service area (clause 2.5).</para>
    /// <para type="description">Takes recordings three ways: -Path with metadata parameters; pipeline objects with CallId, Extension, StartTime, DurationSeconds, Direction, RemoteNumber, Agent and Path (so Import-Csv export.csv | Import-Recording works); or -ManifestPath, a recorder's export manifest whose paths must stay inside its folder (PathOutsideSource). The service area comes from the extension; a call on an extension that is not recorded (ExtensionNotRecorded) or in an area no approved request authorised at the call's time (RecordingNotAuthorised) is refused, the refusal is in the access log, and the rest of the batch goes on. Files left by an interrupted import are finished or removed first, by an Administrator only, audited (RecoverImport), and not under -WhatIf. Content is hashed (SHA-256) and encrypted with AES-256-GCM under a per-recording key wrapped by the store's master key; without the key nothing is imported (EncryptionKeyUnavailable). Remote numbers are stored in E.164 form. The same call with the same content is skipped with a warning; the same CallId with other content is DuplicateCallId. Duration and format are read from WAV headers when not given. The content must be audio by its header (WAV PCM, A-law, mu-law or GSM 6.10, MP3, Ogg Opus or Vorbis), else NotAudio. Each row is checked before anything is written and refused on its own: StartTimeInFuture (more than 5 minutes ahead), AlreadyExpired (past the area's retention, clause 2.5), DurationInvalid (negative, NaN, infinite, over 24 hours), InvalidPhoneNumber (not a possible number; 'withheld' and 'anonymous' are accepted), TextInvalid (CallId or Agent over 256 characters or with control or bidirectional characters), ManifestRowInvalid (a manifest line that cannot be read), StartTimeInvalid or StartTimeAmbiguous (a StartTime is read only as ISO 8601, yyyy-MM-ddTHH:mm:ss with an offset such as Z or +01:00; without an offset it is a wall-clock time in -TimeZone, this machine's zone by default; a day/month form such as 11/12/2026 is refused, since the text does not say which is the month); every refusal is written to the access log. Each recording is imported atomically, even if the process is killed.</para>
    /// </summary>
    /// <example><code>Import-Recording -ManifestPath \\recorder\export\2026-11-27\manifest.csv</code><para>Imports a night's export from the recorder, with progress.</para></example>
    /// <example><code>Import-Recording -ManifestPath \\recorder\export\2026-11-27\manifest.csv -TimeZone Europe/London</code><para>Imports an export whose StartTimes are UK wall-clock times without an offset (GMT in winter, BST in summer).</para></example>
    /// <example><code>Import-Csv calls.csv | Import-Recording -WhatIf</code><para>Shows what would be imported from a CSV of call metadata.</para></example>
    /// <example><code>Import-Recording -Path .\call-778.wav -CallId 778 -Extension 4521 -StartTime '2026-11-27T10:04:00Z' -Direction Inbound -RemoteNumber '07700 900123' -Agent 'UNI\jdoe'</code><para>Imports one file with its metadata.</para></example>
    [Cmdlet(VerbsData.Import, "Recording", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
    [OutputType(typeof(Recording))]
    public sealed class ImportRecordingCommand : StoreCmdlet
    {
        private readonly List<RecordingImport> _items = new List<RecordingImport>();

        /// <summary><para type="description">The audio file to import.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary><para type="description">The recorder's id of the call; by default the file name without its extension.</para></summary>
        [Parameter(ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        public string CallId { get; set; }

        /// <summary><para type="description">The recorded extension the call was on.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        public string Extension { get; set; }

        /// <summary><para type="description">When the call started.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        [DateText]
        public DateTimeOffset StartTime { get; set; }

        /// <summary><para type="description">The call's length; read from the WAV header when not given.</para></summary>
        [Parameter(ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        public double? DurationSeconds { get; set; }

        /// <summary><para type="description">Inbound, Outbound or Internal.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        public CallDirection Direction { get => _direction == null ? default(CallDirection) : (CallDirection)_direction; set => _direction = value; }
        private object _direction; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">The other party's number, in any common form; stored as E.164.</para></summary>
        [Parameter(ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        public string RemoteNumber { get; set; }

        /// <summary><para type="description">The member of staff on the call.</para></summary>
        [Parameter(ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
        public string Agent { get; set; }

        /// <summary><para type="description">A recorder's export manifest (CSV); its Path column is relative to the manifest's folder.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Manifest")]
        [ValidateNotNullOrEmpty]
        public string ManifestPath { get; set; }

        /// <summary><para type="description">The time zone of manifest StartTimes written without an offset (an IANA name such as Europe/London, or a Windows name such as GMT Standard Time); by default this machine's zone. A time with an offset (Z, +01:00) is taken as written. A wall-clock time that never happened in the zone, or happened twice when the clocks went back, is refused (StartTimeInvalid, StartTimeAmbiguous).</para></summary>
        [Parameter(ParameterSetName = "Manifest")]
        public string TimeZone { get; set; }

        /// <summary>
        /// Finishes what killed imports left (".partial" files), as an Administrator, audited; under -WhatIf it only says
        /// what it would do.
        /// </summary>
        protected override void BeginProcessing()
        {
            Try(null, () =>
            {
                var pending = ActiveStore.Recordings.PendingRecovery();
                if (pending.Count == 0) return;
                if (!ShouldProcess(ActiveStore.Path, "Finish or remove " + pending.Count + " file(s) left by interrupted imports")) return;
                foreach (var done in ActiveStore.Recordings.Recover()) WriteVerbose("Recovered: " + done);
            });
        }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == "Manifest") return;
            var file = ResolvePath(Path);
            _items.Add(new RecordingImport
            {
                CallId = string.IsNullOrWhiteSpace(CallId) ? System.IO.Path.GetFileNameWithoutExtension(file) : CallId,
                Extension = Extension, StartTime = StartTime, DurationSeconds = DurationSeconds, Direction = Direction,
                RemoteNumber = RemoteNumber, Agent = Agent, Path = file,
            });
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == "Manifest")
            {
                var manifest = ResolvePath(ManifestPath);
                var rows = new List<ManifestRow>();
                Try(manifest, () => rows.AddRange(ActiveStore.Recordings.ReadManifest(manifest, !WhatIfRequested, Timestamp.Zone(TimeZone))));
                var bad = rows.Where(r => r.Error != null).ToList();
                foreach (var row in bad)
                {
                    WriteError(ToErrorRecord(row.Error, manifest + ":" + row.Line));
                }
                if (bad.Count > 0 && !WhatIfRequested)
                {
                    Try(manifest, () => ActiveStore.Recordings.RecordRefusals(
                        bad.Select(r => new ImportOutcome { Item = new RecordingImport { CallId = r.CallId, Path = manifest + ":" + r.Line }, Error = r.Error }).ToList()));
                }
                ImportAll(rows.Where(r => r.Error == null).Select(r => r.Item).ToList());
            }
            else
            {
                ImportAll(_items);
            }
        }

        private bool WhatIfRequested =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent
            : SessionState.PSVariable.GetValue("WhatIfPreference") is SwitchParameter p ? p.IsPresent
            : SessionState.PSVariable.GetValue("WhatIfPreference") is bool b && b;

        private void ImportAll(IReadOnlyList<RecordingImport> items)
        {
            var progress = new ProgressRecord(1, "Importing recordings", "Starting");
            var wanted = items.Where(item => ShouldProcess(item.CallId, "Import recording from '" + item.Path + "'")).ToList();
            var done = 0;
            Try(null, () =>
            {
                foreach (var outcome in ActiveStore.Recordings.ImportMany(wanted))
                {
                    done++;
                    if (done % 50 == 0 || done == wanted.Count)
                    {
                        progress.StatusDescription = done + " of " + wanted.Count + " calls";
                        progress.PercentComplete = (int)(100L * done / Math.Max(1, wanted.Count));
                        WriteProgress(progress);
                    }
                    var callId = outcome.Item.CallId;
                    if (outcome.Error != null)
                    {
                        WriteError(ToErrorRecord(outcome.Error, callId));
                    }
                    else if (outcome.AlreadyImported)
                    {
                        WriteWarning("Call " + callId + " is already in the store as " + outcome.Recording.RecordingId + " with the same content; skipped.");
                    }
                    else
                    {
                        WriteVerbose("Imported call " + callId + " as " + outcome.Recording.RecordingId + " in '" + outcome.Recording.ServiceArea + "', kept until " + outcome.Recording.ExpiresAt.ToString("u") + ".");
                        WriteObject(outcome.Recording);
                    }
                }
            });
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    /// <summary>
    /// <para type="synopsis">Finds recordings by their metadata, streaming and in pages.</para>
    /// <para type="description">Lists recordings the acting principal may see (Administrators, the DPO and Auditors see all; a Supervisor or nominated member of staff sees their areas). Filters combine: area, extension, agent, remote number (any common form; matched in E.164), call time, hold, expiry. -First and -Skip page through large results without loading them all. Deleted and extracted recordings appear only with -IncludeDeleted or -State, as the record of what was there.</para>
    /// </summary>
    /// <example><code>Get-Recording -RemoteNumber '07700 900123'</code><para>Every call with that number, however the recorder wrote it.</para></example>
    /// <example><code>Get-Recording -ServiceArea Fundraising -After (Get-Date).AddDays(-7) -First 50</code><para>The first 50 Fundraising calls of the last week.</para></example>
    /// <example><code>Get-Recording -ExpiresBefore (Get-Date).AddDays(30) | Group-Object ServiceArea</code><para>What the purge will delete in the next 30 days, by area.</para></example>
    [Cmdlet(VerbsCommon.Get, "Recording", DefaultParameterSetName = "Query", SupportsPaging = true)]
    [OutputType(typeof(Recording))]
    public sealed class GetRecordingCommand : StoreCmdlet
    {
        /// <summary><para type="description">Recordings by id: one or more, or from the pipeline by property name (RecordingId).</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string[] RecordingId { get; set; }

        /// <summary><para type="description">Only this area's recordings; wildcards are allowed.</para></summary>
        [Parameter, SupportsWildcards, ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Only calls on this extension.</para></summary>
        [Parameter] public string Extension { get; set; }

        /// <summary><para type="description">Only calls taken by this member of staff; wildcards are allowed.</para></summary>
        [Parameter, SupportsWildcards] public string Agent { get; set; }

        /// <summary><para type="description">Only calls with this number, in any common form (07700 900123, +44 7700 900123, 447700900123).</para></summary>
        [Parameter] public string RemoteNumber { get; set; }

        /// <summary><para type="description">Only calls that started after this moment.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? After { get; set; }

        /// <summary><para type="description">Only calls that started before this moment.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? Before { get; set; }

        /// <summary><para type="description">Only recordings on legal hold.</para></summary>
        [Parameter] public SwitchParameter OnHold { get; set; }

        /// <summary><para type="description">Only recordings that expire before this moment.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? ExpiresBefore { get; set; }

        /// <summary><para type="description">Only recordings already past their expiry (the next purge's work).</para></summary>
        [Parameter] public SwitchParameter Expired { get; set; }

        /// <summary><para type="description">Only recordings in this state: Active, PendingDelete, Deleted or Extracted.</para></summary>
        [Parameter] public RecordingState? State { get => (RecordingState?)_state; set => _state = value; }
        private object _state; // see StoreCmdlet

        /// <summary><para type="description">Also list deleted and extracted recordings.</para></summary>
        [Parameter] public SwitchParameter IncludeDeleted { get; set; }

        protected override void ProcessRecord()
        {
            if (RecordingId == null)
            {
                Query(null);
                return;
            }
            foreach (var id in RecordingId) Query(id);
        }

        private void Query(string recordingId)
        {
            Try(recordingId, () =>
            {
                var query = new RecordingQuery
                {
                    RecordingId = recordingId, ServiceArea = ServiceArea, Extension = Extension, Agent = Agent, RemoteNumber = RemoteNumber,
                    After = After, Before = Before, OnHold = OnHold ? true : (bool?)null, ExpiresBefore = ExpiresBefore, Expired = Expired,
                    State = State, IncludeGone = IncludeDeleted,
                    OnRowError = e => WriteError(ToErrorRecord(e, e.Target)),
                    Skip = (long)PagingParameters.Skip, First = PagingParameters.First == ulong.MaxValue ? (long?)null : (long)PagingParameters.First,
                };
                long count = 0;
                foreach (var r in ActiveStore.Recordings.Get(query))
                {
                    count++;
                    WriteObject(r);
                }
                if (PagingParameters.IncludeTotalCount)
                {
                    WriteObject(PagingParameters.NewTotalCount((ulong)ActiveStore.Recordings.Count(query), 1.0));
                }
                if (count == 0 && !string.IsNullOrEmpty(recordingId))
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException("There is no recording '" + recordingId + "' that you may see."), "RecordingNotFound", ErrorCategory.ObjectNotFound, recordingId));
                }
            });
        }
    }

    /// <summary>Shared by the cmdlets that reach a recording's content: purpose and reason (clause 3.1).</summary>
    public abstract class RecordingAccessCmdlet : StoreCmdlet
    {
        /// <summary><para type="description">The recording.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RecordingId { get; set; }

        /// <summary><para type="description">Why the recording is reached, one of clause 3.1 a–e: QualityMonitoring, Training, CustomerAgreement, DisputeOrComplaint, StaffProtection.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public Purpose Purpose { get => _purpose == null ? default(Purpose) : (Purpose)_purpose; set => _purpose = value; }
        private object _purpose; // see StoreCmdlet

        /// <summary><para type="description">The specific reason, kept in the access log (e.g. the complaint reference).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        internal AccessPurpose AccessPurpose() => new AccessPurpose(Purpose, Reason);
    }

    /// <summary>
    /// <para type="synopsis">Writes a recording's decrypted audio to a file, for a stated purpose (Download right, clause 3.1).</para>
    /// <para type="description">Needs an active, reviewed grant with the Download right on the recording's area, a purpose and a reason; otherwise AccessNotGranted (or AccessReviewOverdue). Every tag and the SHA-256 are verified before the file appears: content that fails is never returned (RecordingIntegrityFailed). A recording that is Deleted, Extracted or PendingDelete is RecordingNotAvailable; one whose stored file is missing is RecordingFileMissing (a read failure; FileWriteFailed is kept for the destination). The access, or its refusal, is written to the access log before any audio is written. -Destination may be a folder (the file is named after the call and the recording: CallId_RecordingId.wav, with characters unsafe in a file name replaced and the CallId part cut at 100 characters) or a file path. A destination inside the store folder, or the key file, is refused (DestinationInsideStore).</para>
    /// </summary>
    /// <example><code>Save-Recording -RecordingId rec-0a1b2c… -Destination .\complaint-4471 -Purpose DisputeOrComplaint -Reason 'Complaint C-4471'</code><para>Saves the audio for a complaint investigation.</para></example>
    [Cmdlet(VerbsData.Save, "Recording", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveRecordingCommand : RecordingAccessCmdlet
    {
        /// <summary><para type="description">A folder, or the file to write.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        /// <summary><para type="description">Replace an existing file.</para></summary>
        [Parameter] public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            var destination = ResolvePath(Destination);
            if (!ShouldProcess(RecordingId, "Save decrypted recording to '" + destination + "' (" + Purpose + ")")) return;
            Try(RecordingId, () =>
            {
                var file = destination;
                if (Directory.Exists(destination))
                {
                    var rec = ActiveStore.Recordings.Get(new RecordingQuery { RecordingId = RecordingId }).FirstOrDefault();
                    file = System.IO.Path.Combine(destination, rec == null ? ExportFileName.SafePart(RecordingId) + ".wav" : ExportFileName.For(rec));
                }
                ActiveStore.Recordings.Save(RecordingId, file, AccessPurpose(), Force);
                WriteObject(new FileInfo(file));
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Copies a recording, still encrypted, into a folder with a manifest (Copy right, clause 3.1).</para>
    /// <para type="description">Writes the stored file as it is (AES-256-GCM; it opens only with this store's master key) and a JSON manifest with the call's metadata, the original's SHA-256, the copy's SHA-256, who copied it, when and why. Needs an active, reviewed grant with the Copy right, a purpose and a reason; the access or its refusal is logged.</para>
    /// </summary>
    /// <example><code>Get-Recording -Agent 'UNI\jdoe' -After 2026-11-01 | Copy-Recording -Destination \\secure\cases\HR-77 -Purpose StaffProtection -Reason 'HR-77'</code><para>Copies a member of staff's calls for a case.</para></example>
    [Cmdlet(VerbsCommon.Copy, "Recording", SupportsShouldProcess = true)]
    [OutputType(typeof(Recording))]
    public sealed class CopyRecordingCommand : RecordingAccessCmdlet
    {
        /// <summary><para type="description">The folder to copy into.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        protected override void ProcessRecord()
        {
            var destination = ResolvePath(Destination);
            if (!ShouldProcess(RecordingId, "Copy encrypted recording to '" + destination + "' (" + Purpose + ")")) return;
            Try(RecordingId, () => WriteObject(ActiveStore.Recordings.Copy(RecordingId, destination, AccessPurpose())));
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes a recording before its expiry (Delete right, clause 3.1); refused while it is on legal hold.</para>
    /// <para type="description">Needs an active, reviewed grant with the Delete right, a purpose and a reason. A recording on legal hold is never removed (RecordingOnLegalHold, clause 2.5). The deletion is crash-safe (Active → PendingDelete → Deleted); the row stays as the record of the deletion, with who, when and why, and the audit chain holds its certificate. The row becomes Deleted only once the file is gone: a file that cannot be deleted gives RecordingDeleteFailed and leaves the recording PendingDelete for the next Invoke-RetentionPurge to retry.</para>
    /// </summary>
    /// <example><code>Remove-Recording -RecordingId rec-0a1b2c… -Purpose DisputeOrComplaint -Reason 'Recorded in error on a personal call'</code><para>Deletes one recording after confirmation.</para></example>
    [Cmdlet(VerbsCommon.Remove, "Recording", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(Recording))]
    public sealed class RemoveRecordingCommand : RecordingAccessCmdlet
    {
        /// <summary><para type="description">Returns the recording's record after deletion.</para></summary>
        [Parameter] public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RecordingId, "Delete recording (" + Purpose + ": " + Reason + ")")) return;
            Try(RecordingId, () =>
            {
                var removed = ActiveStore.Recordings.Remove(RecordingId, AccessPurpose());
                if (PassThru) WriteObject(removed);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Deletes every recording past its retention that is not on legal hold (clause 2.5); for the nightly runbook.</para>
    /// <para type="description">A recording expires at its call's start plus its area's local retention period, never later than 12 calendar months. The purge deletes expired recordings in batches, each moving Active → PendingDelete → Deleted with the file step between two commits: a run killed at any point is finished by the next, two runs at once never delete twice, and a hold placed while it runs is honoured. Each deletion writes an audit event (the certificate of deletion), and a recording becomes Deleted only once its file is gone: a file that cannot be deleted leaves it PendingDelete with a non-terminating RecordingDeleteFailed error (target: the recording id) and a DeleteRecordingFailed audit event; the next run retries, and Test-RecordingStore reports it. Returns one summary per area: candidates, purged, skipped on hold, bytes freed. -WhatIf, or an -AsOf in the future (a forecast), reports what would go and deletes nothing. ConfirmImpact is Medium, so an unattended runbook is never prompted: the purge only deletes what the policy requires to be deleted.</para>
    /// </summary>
    /// <example><code>Invoke-RetentionPurge</code><para>The nightly run: deletes what has expired, in every area.</para></example>
    /// <example><code>Invoke-RetentionPurge -AsOf (Get-Date).AddYears(1) | Format-Table</code><para>A forecast: what will have gone a year from now, per area. Nothing is deleted.</para></example>
    /// <example><code>Invoke-RetentionPurge -ServiceArea Fundraising -Limit 10000 -WhatIf</code><para>What a limited run in one area would delete.</para></example>
    [Cmdlet(VerbsLifecycle.Invoke, "RetentionPurge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(PurgeSummary))]
    public sealed class InvokeRetentionPurgeCommand : StoreCmdlet
    {
        /// <summary><para type="description">Only these areas.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string[] ServiceArea { get; set; }

        /// <summary><para type="description">Purge as of this moment; a future moment is a forecast that deletes nothing.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? AsOf { get; set; }

        /// <summary><para type="description">Delete at most this many recordings in this run.</para></summary>
        [Parameter, ValidateRange(1, int.MaxValue)] public int? Limit { get; set; }

        private readonly List<string> _areas = new List<string>();

        protected override void ProcessRecord()
        {
            if (ServiceArea != null) _areas.AddRange(ServiceArea);
        }

        protected override void EndProcessing()
        {
            var forecast = AsOf.HasValue && AsOf.Value > ActiveStore.Clock.UtcNow;
            var what = _areas.Count == 0 ? "every service area" : string.Join(", ", _areas);
            var deleting = !forecast && ShouldProcess(what, "Delete recordings past their retention period" + (AsOf.HasValue ? " as of " + AsOf.Value.ToString("u") : ""));
            var progress = new ProgressRecord(2, "Retention purge", "Deleting expired recordings");
            Try(what, () =>
            {
                var summaries = ActiveStore.Purge.Run(_areas, AsOf, Limit, !deleting, (done, total) =>
                {
                    progress.StatusDescription = done + " of " + total + " deleted";
                    progress.PercentComplete = total == 0 ? 100 : (int)Math.Min(100, 100 * done / total);
                    WriteProgress(progress);
                }, failure => WriteError(ToErrorRecord(failure, failure.Target)));
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
                foreach (var s in summaries)
                {
                    WriteVerbose(s.ServiceArea + ": " + s.Candidates + " expired, " + s.Purged + (s.Forecast ? " would be" : "") + " deleted, " + s.SkippedOnHold + " kept on hold.");
                    WriteObject(s);
                }
            });
        }
    }
}
