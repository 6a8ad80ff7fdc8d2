using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Nominates a member of staff for rights over an area's recordings, or shares one recording for playback (clause 3.1).</para>
    /// <para type="description">Only nominated staff may download, copy, share or delete recordings, and play them back. An Administrator nominates another member of staff (never themselves: SelfNominationRefused) with -ServiceArea and -Level, one of the levels of access in the area's approved recording request (clause 2.2; AccessLevelNotApproved otherwise); -Right defaults to the level's rights and may not go beyond them (RightNotInApprovedAccessLevel). The grant's review date is at most 12 months ahead (default 12 months; a later date is ReviewPeriodExceedsPolicy), and a grant past its review date stops working until Confirm-RecordingAccess. With -RecordingId, a member of staff holding Share on the recording's area shares that one recording for playback only, for a purpose and a reason, ending within 30 days. Takes rows from Import-Csv (Principal, ServiceArea, Level, Right, Reason, ReviewBy). Refusals are in the access log.</para>
    /// </summary>
    /// <example><code>Grant-RecordingAccess -Principal 'UNI\sup-students' -ServiceArea 'Student Enquiries' -Level Supervisor -Right Play, Download -Reason 'Area supervisor'</code><para>Nominates a supervisor at the request's Supervisor level; the grant is due for review in 12 months.</para></example>
    /// <example><code>Import-Csv nominated.csv | Grant-RecordingAccess</code><para>Nominates everyone on a list (Principal, ServiceArea, Level, Right, Reason); a Right cell reads like 'Play+Download', and an empty one gives the level's rights.</para></example>
    /// <example><code>Grant-RecordingAccess -RecordingId rec-0a1b… -Principal 'UNI\hr-case' -Right Play -Purpose DisputeOrComplaint -Reason 'Complaint C-4471' -ExpiresOn (Get-Date).AddDays(14)</code><para>Shares one recording with an HR case officer for two weeks.</para></example>
    [Cmdlet(VerbsSecurity.Grant, "RecordingAccess", SupportsShouldProcess = true, DefaultParameterSetName = "Area")]
    [OutputType(typeof(AccessGrant))]
    public sealed class GrantRecordingAccessCommand : StoreCmdlet
    {
        /// <summary><para type="description">The member of staff (DOMAIN\user or user@domain).</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Principal { get; set; }

        /// <summary><para type="description">The area whose recordings the grant covers.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Area", ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">The one recording to share.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Share", ValueFromPipelineByPropertyName = true)]
        public string RecordingId { get; set; }

        /// <summary><para type="description">The level of access the nomination gives: one of the staff groups in the area's approved recording request (e.g. Supervisor).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Area", ValueFromPipelineByPropertyName = true)]
        [Alias("AccessLevel")]
        [ValidateNotNullOrEmpty]
        public string Level { get; set; }

        /// <summary><para type="description">Play, Download, Copy, Share, Delete; for a nomination, within its level (default: the level's rights); a share may only be Play.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Share", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "Area", ValueFromPipelineByPropertyName = true)]
        [Alias("Rights")]
        [AllowEmptyCollection]
        [ListText(ElementType = typeof(AccessRight))]
        public AccessRight[] Right { get; set; }

        /// <summary><para type="description">Why the person is nominated, or why the recording is shared.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        /// <summary><para type="description">When the nomination must be reviewed; at most 12 months ahead (default).</para></summary>
        [Parameter(ParameterSetName = "Area", ValueFromPipelineByPropertyName = true)]
        [DateText]
        public DateTimeOffset? ReviewBy { get; set; }

        /// <summary><para type="description">The purpose of a share (clause 3.1 a–e).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Share", ValueFromPipelineByPropertyName = true)]
        public Purpose Purpose { get => _purpose == null ? default(Purpose) : (Purpose)_purpose; set => _purpose = value; }
        private object _purpose; // see StoreCmdlet

        /// <summary><para type="description">When the share ends; within 30 days.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Share", ValueFromPipelineByPropertyName = true)]
        [DateText]
        public DateTimeOffset ExpiresOn { get; set; }

        protected override void ProcessRecord()
        {
            var rights = Right ?? new AccessRight[0];
            if (ParameterSetName == "Share")
            {
                if (!ShouldProcess(RecordingId, "Share with '" + Principal + "' for " + string.Join("+", rights) + " until " + ExpiresOn.ToString("u"))) return;
                Try(RecordingId, () => WriteObject(ActiveStore.Grants.Share(RecordingId, Principal, rights, new AccessPurpose(Purpose, Reason), ExpiresOn)));
                return;
            }
            if (!ShouldProcess(Principal, "Grant " + (rights.Length == 0 ? "the rights of level '" + Level + "'" : string.Join("+", rights) + " at level '" + Level + "'") + " on '" + ServiceArea + "'")) return;
            Try(Principal, () => WriteObject(ActiveStore.Grants.Grant(Principal, ServiceArea, Level, rights, Reason, ReviewBy)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Withdraws a nomination or share, by grant id or by principal and area.</para>
    /// <para type="description">The grant stops working at once and stays on record as revoked, with who, when and why. Takes GrantId from the pipeline, so a review CSV's Revoke rows can be piped straight in.</para>
    /// </summary>
    /// <example><code>Import-Csv review.csv | Where-Object Decision -eq Revoke | Revoke-RecordingAccess -Reason 'Annual review 2026'</code><para>Applies the Revoke decisions of an annual review.</para></example>
    /// <example><code>Revoke-RecordingAccess -Principal 'UNI\leaver' -ServiceArea 'IT Service Desk'</code><para>Withdraws a leaver's nomination.</para></example>
    [Cmdlet(VerbsSecurity.Revoke, "RecordingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Id")]
    [OutputType(typeof(AccessGrant))]
    public sealed class RevokeRecordingAccessCommand : StoreCmdlet
    {
        /// <summary><para type="description">The grant to withdraw.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string GrantId { get; set; }

        /// <summary><para type="description">The member of staff whose area grant ends.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "PrincipalArea", ValueFromPipelineByPropertyName = true)]
        public string Principal { get; set; }

        /// <summary><para type="description">The area of that grant.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "PrincipalArea", ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Why access is withdrawn.</para></summary>
        [Parameter] public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            var target = GrantId ?? Principal + " in " + ServiceArea;
            if (!ShouldProcess(target, "Revoke recording access")) return;
            Try(target, () => WriteObject(ActiveStore.Grants.Revoke(GrantId, Principal, ServiceArea, Reason)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists nominations and shares, with their review dates.</para>
    /// <para type="description">Lists grants with their status (Active, ReviewOverdue, Expired, Revoked). -ReviewDue lists what is due for the annual review (past its date, or within -WithinDays), flat for Export-Csv: a manager adds a Decision column, and the file comes back through Confirm-RecordingAccess or Revoke-RecordingAccess.</para>
    /// </summary>
    /// <example><code>Get-RecordingAccess -ReviewDue -WithinDays 30 | Export-Csv review.csv -NoTypeInformation</code><para>The annual review sheet.</para></example>
    /// <example><code>Get-RecordingAccess -Principal 'UNI\jdoe' -IncludeRevoked</code><para>One person's history of nominations.</para></example>
    [Cmdlet(VerbsCommon.Get, "RecordingAccess")]
    [OutputType(typeof(AccessGrant))]
    public sealed class GetRecordingAccessCommand : StoreCmdlet
    {
        /// <summary><para type="description">One grant by id.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] public string GrantId { get; set; }

        /// <summary><para type="description">Only this member of staff's grants; wildcards are allowed.</para></summary>
        [Parameter(Position = 0), SupportsWildcards] public string Principal { get; set; }

        /// <summary><para type="description">Only grants on this area.</para></summary>
        [Parameter, ArgumentCompleter(typeof(ServiceAreaCompleter))] public string ServiceArea { get; set; }

        /// <summary><para type="description">Only shares of this recording.</para></summary>
        [Parameter] public string RecordingId { get; set; }

        /// <summary><para type="description">Only grants due for review.</para></summary>
        [Parameter] public SwitchParameter ReviewDue { get; set; }

        /// <summary><para type="description">With -ReviewDue: also those due within this many days.</para></summary>
        [Parameter, ValidateRange(0, 3650)] public int WithinDays { get; set; }

        /// <summary><para type="description">Also list revoked grants.</para></summary>
        [Parameter] public SwitchParameter IncludeRevoked { get; set; }

        protected override void ProcessRecord() => Try(Principal, () =>
        {
            foreach (var g in ActiveStore.Grants.Get(new GrantQuery
                     {
                         GrantId = GrantId, Principal = Principal, ServiceArea = ServiceArea, RecordingId = RecordingId,
                         ReviewDue = ReviewDue, WithinDays = WithinDays, IncludeRevoked = IncludeRevoked,
                     }))
            {
                WriteObject(g);
            }
        });
    }

    /// <summary>
    /// <para type="synopsis">Records the annual review of a nomination: who confirmed it, when, and its next review date (clause 3.1).</para>
    /// <para type="description">An Administrator who is not the grantee confirms the grant (SelfReviewNotAllowed otherwise). The confirmed grant must fit a level of access of the area's approved recording request (clause 2.2): -Level puts a grant made before levels were recorded (WithinApprovedLevel false in Get-RecordingAccess) into one; a grant with rights beyond its level is RightNotInApprovedAccessLevel, to be revoked or re-granted. The next review date defaults to 12 months ahead and may not be later. A grant whose review date had passed works again once confirmed. Takes GrantId from the pipeline, so a review CSV's Keep rows can be piped straight in.</para>
    /// </summary>
    /// <example><code>Import-Csv review.csv | Where-Object Decision -eq Keep | Confirm-RecordingAccess -Comment 'Annual review 2026'</code><para>Applies the Keep decisions of an annual review.</para></example>
    /// <example><code>Get-RecordingAccess | Where-Object WithinApprovedLevel -eq $false</code><para>Lists nominations that fit no level of the area's approved request, to confirm with -Level or revoke.</para></example>
    [Cmdlet(VerbsLifecycle.Confirm, "RecordingAccess", SupportsShouldProcess = true)]
    [OutputType(typeof(AccessGrant))]
    public sealed class ConfirmRecordingAccessCommand : StoreCmdlet
    {
        /// <summary><para type="description">The grant reviewed.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string GrantId { get; set; }

        /// <summary><para type="description">The next review date; at most 12 months ahead (default).</para></summary>
        [Parameter] [DateText] public DateTimeOffset? ReviewBy { get; set; }

        /// <summary><para type="description">The reviewer's comment.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] public string Comment { get; set; }

        /// <summary><para type="description">The level of access of the area's approved request that the grant gives; default: the level it already names.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] public string Level { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(GrantId, "Confirm recording access after review")) return;
            Try(GrantId, () => WriteObject(ActiveStore.Grants.Confirm(GrantId, ReviewBy, Comment, Level)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Records a playback done in the telephony recorder: the area supervisor's record of each instance (clause 3.1).</para>
    /// <para type="description">Only a Supervisor of the recording's area records playbacks, and the person who played the recording must hold the Play right (AccessNotGranted otherwise; the refusal is logged too). One access-log row per instance, with the player, purpose, reason and time played. Works from a CSV with RecordingId, Principal, Purpose, Reason, PlayedAt.</para>
    /// </summary>
    /// <example><code>Register-RecordingPlayback -RecordingId rec-0a1b… -Principal 'UNI\coach' -Purpose Training -Reason 'New-starter coaching session'</code><para>Records one playback.</para></example>
    /// <example><code>Import-Csv playbacks-week48.csv | Register-RecordingPlayback</code><para>Records a week's playbacks from the supervisor's sheet.</para></example>
    [Cmdlet(VerbsLifecycle.Register, "RecordingPlayback", SupportsShouldProcess = true)]
    [OutputType(typeof(Recording))]
    public sealed class RegisterRecordingPlaybackCommand : RecordingAccessCmdlet
    {
        /// <summary><para type="description">Who played the recording.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Principal { get; set; }

        /// <summary><para type="description">When it was played; default now.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] [DateText] public DateTimeOffset? PlayedAt { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RecordingId, "Record playback by '" + Principal + "' (" + Purpose + ")")) return;
            Try(RecordingId, () => WriteObject(ActiveStore.Recordings.RegisterPlayback(RecordingId, Principal, AccessPurpose(), PlayedAt)));
        }
    }

    /// <summary>Filters shared by Get-AccessLog and Export-AccessLog.</summary>
    public abstract class AccessLogCmdlet : StoreCmdlet
    {
        /// <summary><para type="description">Only entries after this moment.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? After { get; set; }

        /// <summary><para type="description">Only entries before this moment.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? Before { get; set; }

        /// <summary><para type="description">Only this principal's entries; wildcards are allowed.</para></summary>
        [Parameter, SupportsWildcards] public string Principal { get; set; }

        /// <summary><para type="description">Only this area's entries.</para></summary>
        [Parameter, ArgumentCompleter(typeof(ServiceAreaCompleter))] public string ServiceArea { get; set; }

        /// <summary><para type="description">Only this recording's entries.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)] public string RecordingId { get; set; }

        /// <summary><para type="description">Only this action: Play, Download, Copy, Share, Delete.</para></summary>
        [Parameter, SupportsWildcards] public string Action { get; set; }

        /// <summary><para type="description">Only entries for this purpose.</para></summary>
        [Parameter] public string Purpose { get; set; }

        /// <summary><para type="description">Allowed or Refused.</para></summary>
        [Parameter] public AccessOutcome? Outcome { get => (AccessOutcome?)_outcome; set => _outcome = value; }
        private object _outcome; // see StoreCmdlet

        internal AccessLogQuery Query() => new AccessLogQuery
        {
            After = After, Before = Before, Principal = Principal, ServiceArea = ServiceArea, RecordingId = RecordingId,
            Action = Action, Purpose = Purpose, Outcome = Outcome,
        };
    }

    /// <summary>
    /// <para type="synopsis">Reads the access log: every access to a recording, allowed or refused, with purpose and reason (clause 3.1).</para>
    /// <para type="description">Streams typed rows of one flat, fixed shape. Each row carries the sequence and hash of its audit event. Administrators, Auditors and the DPO may read it.</para>
    /// </summary>
    /// <example><code>Get-AccessLog -Outcome Refused -After (Get-Date).AddDays(-7)</code><para>Last week's refused attempts.</para></example>
    /// <example><code>Get-Recording -RemoteNumber '07700 900123' | Get-AccessLog</code><para>Who reached one caller's recordings.</para></example>
    [Cmdlet(VerbsCommon.Get, "AccessLog")]
    [OutputType(typeof(AccessLogEntry))]
    public sealed class GetAccessLogCommand : AccessLogCmdlet
    {
        protected override void ProcessRecord() => Try(RecordingId, () =>
        {
            foreach (var e in ActiveStore.AccessLog.Get(Query())) WriteObject(e);
        });
    }

    /// <summary>
    /// <para type="synopsis">Exports the access log to CSV for auditors: complete, streaming, safe to open in Excel, checkable against the audit chain.</para>
    /// <para type="description">Writes RFC 4180 CSV in UTF-8 with a fixed column order (Sequence, OccurredAt, Principal, Action, Outcome, RecordingId, ServiceArea, Purpose, Reason, Detail, AuditSequence, AuditHash) and ISO 8601 UTC times, streaming row by row with constant memory. A cell that begins with = + - @, tab, CR or ' gets one ' in front so that a spreadsheet shows it as text instead of running it; remove one leading ' to recover the value. Each row carries its audit event's sequence and hash, to check against Export-AuditCheckpoint without this module. Refuses to overwrite a file without -Force (FileExists), and never writes inside the store folder or onto its key (DestinationInsideStore). Recordings piped in (Get-Recording | Export-AccessLog) select the rows of all of them. Administrators, Auditors and the DPO may export.</para>
    /// </summary>
    /// <example><code>Export-AccessLog -Path .\access-2026-Q4.csv -After 2026-10-01 -Before 2027-01-01</code><para>A quarter's log for the auditors.</para></example>
    /// <example><code>Get-Recording -RemoteNumber '07700 900123' | Export-AccessLog -Path .\caller-access.csv</code><para>Every access to one caller's recordings, in one file.</para></example>
    [Cmdlet(VerbsData.Export, "AccessLog", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportAccessLogCommand : AccessLogCmdlet
    {
        /// <summary><para type="description">The CSV file to write.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary><para type="description">Replace an existing file.</para></summary>
        [Parameter] public SwitchParameter Force { get; set; }

        private readonly List<string> _recordingIds = new List<string>();

        /// <summary>Collects each piped recording's id: the export, at the end, covers all of them, not only the last.</summary>
        protected override void ProcessRecord()
        {
            if (!string.IsNullOrWhiteSpace(RecordingId) && !_recordingIds.Contains(RecordingId)) _recordingIds.Add(RecordingId);
        }

        protected override void EndProcessing()
        {
            var path = ResolvePath(Path);
            if (!ShouldProcess(path, "Export the access log")) return;
            var progress = new ProgressRecord(3, "Exporting the access log", path);
            Try(path, () =>
            {
                var query = Query();
                if (_recordingIds.Count > 1)
                {
                    query.RecordingId = null;
                    query.RecordingIds = _recordingIds;
                }
                var rows = ActiveStore.AccessLog.Export(query, path, Force, n =>
                {
                    progress.StatusDescription = n + " rows written";
                    WriteProgress(progress);
                });
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
                WriteVerbose(rows + " rows written to " + path + ".");
                WriteObject(new FileInfo(path));
            });
        }
    }
}
