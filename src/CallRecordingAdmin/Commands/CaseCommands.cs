using System;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.SubjectAccess;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Extracts a legal hold's recordings to a separate secure location, verified, with a manifest (clause 2.5).</para>
    /// <para type="description">Writes every held recording as decrypted audio (so the case owner can use it without this module or its key; the destination's own protection takes over), verifies each copy against the SHA-256 taken at import, and writes manifest.json and manifest.csv (recording id, call metadata, original and exported SHA-256, who, when, why, the hold's retention) with manifest.sha256 over both. With -RemoveFromStore the originals are removed only after every copy verified, each marked Extracted with where and when once its stored file is gone; a file that cannot be deleted leaves its recording PendingDelete with a non-terminating RecordingDeleteFailed error (the next Invoke-RetentionPurge retries); a run killed part-way leaves the originals in place and a rerun completes. Administrators and the DPO export holds, and only with a Copy nomination on every service area in the hold (roles do not reach content; AccessNotGranted otherwise). Each recording's export is in the access log before any audio is written, and a failure part-way removes the audio already written; a refusal is in the access log too.</para>
    /// </summary>
    /// <example><code>Export-LegalHold -HoldId $hold.HoldId -Destination \\evidence\HR-2026-077 -RemoveFromStore</code><para>Moves a disciplinary case's recordings into the case file.</para></example>
    [Cmdlet(VerbsData.Export, "LegalHold", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HoldExportResult))]
    public sealed class ExportLegalHoldCommand : StoreCmdlet
    {
        /// <summary><para type="description">The hold to export.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string HoldId { get; set; }

        /// <summary><para type="description">The secure folder of the case record.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        /// <summary><para type="description">Remove the originals from the store once every copy verified; they show as Extracted.</para></summary>
        [Parameter] public SwitchParameter RemoveFromStore { get; set; }

        protected override void ProcessRecord()
        {
            var destination = ResolvePath(Destination);
            if (!ShouldProcess(HoldId, "Export held recordings to '" + destination + "'" + (RemoveFromStore ? " and remove them from the store" : ""))) return;
            var progress = new ProgressRecord(5, "Exporting legal hold " + HoldId, destination);
            Try(HoldId, () =>
            {
                var result = ActiveStore.HoldExports.Export(HoldId, destination, RemoveFromStore, (done, total) =>
                {
                    progress.StatusDescription = done + " of " + total;
                    progress.PercentComplete = total == 0 ? 100 : 100 * done / total;
                    WriteProgress(progress);
                }, failure => WriteError(ToErrorRecord(failure, failure.Target)));
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
                WriteObject(result);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Checks a legal hold export against its manifest: missing, altered and extra files.</para>
    /// <para type="description">Verifies manifest.sha256 over the manifests, then every listed file's SHA-256, and reports files the manifest does not list. Needs no store and no key: a case owner or auditor can run it on the evidence folder. It only reads. Use -Quiet for $true/$false.</para>
    /// </summary>
    /// <example><code>Test-LegalHoldExport -Path \\evidence\HR-2026-077 | Where-Object Severity -ne Ok</code><para>Shows only what is wrong.</para></example>
    [Cmdlet(VerbsDiagnostic.Test, "LegalHoldExport")]
    [OutputType(typeof(ExportFinding), typeof(bool))]
    public sealed class TestLegalHoldExportCommand : PSCmdlet
    {
        /// <summary><para type="description">The export folder.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Destination")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary><para type="description">Returns only $true (everything matches) or $false.</para></summary>
        [Parameter] public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            var ok = true;
            try
            {
                foreach (var f in HoldExport.Test(SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path)))
                {
                    ok &= f.Severity == Engine.Store.FindingSeverity.Ok;
                    if (!Quiet) WriteObject(f);
                }
            }
            catch (Engine.Policy.PolicyException e)
            {
                ThrowTerminatingError(StoreCmdlet.ToErrorRecord(e, Path));
            }
            if (Quiet) WriteObject(ok);
        }
    }

    /// <summary>
    /// <para type="synopsis">Records an IT activity investigation request with its specific, justified basis (clause 3.2).</para>
    /// <para type="description">An investigation may start only for a misuse allegation, a policy breach, a security incident, or a formal request from the police or a regulator, with the investigation request form's reference. -Basis FacilityMonitoring is refused (NotAnInvestigation): checking that the recording facility works is not an investigation; review recordings for the purposes of clause 3.1 instead. Administrators, the DPO and the Security team may request.</para>
    /// </summary>
    /// <example><code>New-InvestigationRequest -Subject 'UNI\jdoe' -Basis MisuseAllegation -Justification 'Complaint that private calls were made to premium numbers' -FormReference 'IAR-2026-031'</code><para>Records a request for the DPO to decide.</para></example>
    [Cmdlet(VerbsCommon.New, "InvestigationRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(InvestigationRequest))]
    public sealed class NewInvestigationRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">Whose use of IT facilities would be investigated.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Subject { get; set; }

        /// <summary><para type="description">MisuseAllegation, PolicyBreach, SecurityIncident, LawEnforcementRequest or RegulatorRequest.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public InvestigationBasis Basis { get => _basis == null ? default(InvestigationBasis) : (InvestigationBasis)_basis; set => _basis = value; }
        private object _basis; // see StoreCmdlet

        /// <summary><para type="description">The specific and justified need.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Justification { get; set; }

        /// <summary><para type="description">The reference of the completed IT activity investigation request form.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string FormReference { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Subject, "Request an investigation (" + Basis + ")")) return;
            Try(Subject, () => WriteObject(ActiveStore.Investigations.Create(Subject, Basis, Justification, FormReference)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Approves an investigation request (Data Protection Officer; never the requester).</para>
    /// <para type="description">An approved investigation can open a legal hold over the subject's recordings (New-LegalHold -InvestigationId).</para>
    /// </summary>
    /// <example><code>Approve-InvestigationRequest -InvestigationId inv-0a1b…</code><para>Approves one request.</para></example>
    [Cmdlet("Approve", "InvestigationRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(InvestigationRequest))]
    public sealed class ApproveInvestigationRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request to approve.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string InvestigationId { get; set; }

        /// <summary><para type="description">The decision's comment.</para></summary>
        [Parameter] public string Comment { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(InvestigationId, "Approve investigation request")) return;
            Try(InvestigationId, () => WriteObject(ActiveStore.Investigations.Decide(InvestigationId, true, Comment)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Denies an investigation request, with the reason (Data Protection Officer; never the requester).</para>
    /// <para type="description">The reason is kept on the request and in the audit log.</para>
    /// </summary>
    /// <example><code>Deny-InvestigationRequest -InvestigationId inv-0a1b… -Reason 'No specific allegation'</code><para>Denies one request.</para></example>
    [Cmdlet("Deny", "InvestigationRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(InvestigationRequest))]
    public sealed class DenyInvestigationRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request to deny.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string InvestigationId { get; set; }

        /// <summary><para type="description">Why it is denied.</para></summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(InvestigationId, "Deny investigation request")) return;
            Try(InvestigationId, () => WriteObject(ActiveStore.Investigations.Decide(InvestigationId, false, Reason)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists investigation requests.</para>
    /// <para type="description">Lists requests by id or status, with their basis, justification, form reference and decision.</para>
    /// </summary>
    /// <example><code>Get-InvestigationRequest -Status Pending</code><para>Requests waiting for the DPO.</para></example>
    [Cmdlet(VerbsCommon.Get, "InvestigationRequest")]
    [OutputType(typeof(InvestigationRequest))]
    public sealed class GetInvestigationRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">One request by id.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)] public string InvestigationId { get; set; }

        /// <summary><para type="description">Pending, Approved or Denied.</para></summary>
        [Parameter] public InvestigationStatus? Status { get => (InvestigationStatus?)_status; set => _status = value; }
        private object _status; // see StoreCmdlet

        protected override void ProcessRecord() => Try(InvestigationId, () =>
        {
            foreach (var i in ActiveStore.Investigations.Get(InvestigationId, Status)) WriteObject(i);
        });
    }

    /// <summary>
    /// <para type="synopsis">Records a subject access request (UK GDPR) for a person's call recordings, with its due date.</para>
    /// <para type="description">The due date is the corresponding calendar date one month after receipt (31 January gives 28 or 29 February), three months with -Extended, moved to the next working day when it falls on a weekend or an England and Wales bank holiday, as the ICO counts it. Numbers are stored in E.164 form. The DPO or an Administrator records requests.</para>
    /// </summary>
    /// <example><code>New-SubjectAccessRequest -Reference SAR-2026-114 -SubjectName 'Alex Example' -PhoneNumber '07700 900123', '0151 555 0101' -ReceivedOn 2026-11-20</code><para>Records a request; DueOn shows when the response is due.</para></example>
    [Cmdlet(VerbsCommon.New, "SubjectAccessRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(SubjectAccessRequest))]
    public sealed class NewSubjectAccessRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request's reference.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Reference { get; set; }

        /// <summary><para type="description">The person's name.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string SubjectName { get; set; }

        /// <summary><para type="description">The numbers the person called from or was called on, in any common form.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Binding.ListText(";,")]
        public string[] PhoneNumber { get; set; }

        /// <summary><para type="description">The day the request was received.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [DateText(typeof(DateTime))]
        public DateTime ReceivedOn { get; set; }

        /// <summary><para type="description">The response time is extended by two further months (complex or numerous requests).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true), Binding.BooleanText]
        public SwitchParameter Extended { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Reference, "Record subject access request")) return;
            Try(Reference, () => WriteObject(ActiveStore.SubjectAccess.Create(Reference, SubjectName, PhoneNumber, ReceivedOn, Extended)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists subject access requests, overdue or due soon.</para>
    /// <para type="description">-Overdue lists open requests past their due date; -DueWithinDays those due within that many days, for a reminder runbook.</para>
    /// </summary>
    /// <example><code>Get-SubjectAccessRequest -DueWithinDays 7</code><para>Requests due within a week.</para></example>
    [Cmdlet(VerbsCommon.Get, "SubjectAccessRequest")]
    [OutputType(typeof(SubjectAccessRequest))]
    public sealed class GetSubjectAccessRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">One request by id.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)] public string RequestId { get; set; }

        /// <summary><para type="description">Only open requests past their due date.</para></summary>
        [Parameter] public SwitchParameter Overdue { get; set; }

        /// <summary><para type="description">Only open requests due within this many days.</para></summary>
        [Parameter, ValidateRange(0, 3650)] public int? DueWithinDays { get; set; }

        protected override void ProcessRecord() => Try(RequestId, () =>
        {
            foreach (var s in ActiveStore.SubjectAccess.Get(RequestId, Overdue, DueWithinDays)) WriteObject(s);
        });
    }

    /// <summary>
    /// <para type="synopsis">Answers a subject access request: exports the person's recordings with an index, and marks it fulfilled.</para>
    /// <para type="description">Finds every recording whose remote number matches one of the person's numbers (compared in E.164 form), exports those still in the store as audio, and writes index.csv listing every one, including those already extracted to a case record or purged, so the response is complete. Each export is in the access log with purpose SubjectAccess.</para>
    /// </summary>
    /// <example><code>Export-SubjectAccessRequest -RequestId sar-0a1b… -Destination \\dpo\sar\SAR-2026-114</code><para>Prepares the response.</para></example>
    [Cmdlet(VerbsData.Export, "SubjectAccessRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(SubjectAccessRequest))]
    public sealed class ExportSubjectAccessRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request to answer.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RequestId { get; set; }

        /// <summary><para type="description">The folder for the response.</para></summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Destination { get; set; }

        protected override void ProcessRecord()
        {
            var destination = ResolvePath(Destination);
            if (!ShouldProcess(RequestId, "Export the subject's recordings to '" + destination + "'")) return;
            Try(RequestId, () => WriteObject(ActiveStore.SubjectAccess.Export(RequestId, destination)));
        }
    }
}
