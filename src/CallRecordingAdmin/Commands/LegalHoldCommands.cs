using System;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Places a legal hold for an investigation, disciplinary, legal query, complaint or subject access request (clause 2.5).</para>
    /// <para type="description">A hold keeps its recordings whatever their age: the retention purge and Remove-Recording skip them (RecordingOnLegalHold). Administrators and the Data Protection Officer place holds. -RetainUntil records the retention of the case record the recordings become part of. -InvestigationId ties the hold to an approved investigation request (clause 3.2).</para>
    /// </summary>
    /// <example><code>$hold = New-LegalHold -CaseReference 'HR-2026-077' -Kind Disciplinary -Reason 'Disciplinary investigation of abusive calls' -RetainUntil 2033-01-01</code><para>Places a hold for a disciplinary case.</para></example>
    [Cmdlet(VerbsCommon.New, "LegalHold", SupportsShouldProcess = true)]
    [OutputType(typeof(LegalHold))]
    public sealed class NewLegalHoldCommand : StoreCmdlet
    {
        /// <summary><para type="description">The case's reference in its own system.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string CaseReference { get; set; }

        /// <summary><para type="description">Investigation, Disciplinary, Legal, Complaint or SubjectAccess.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public HoldKind Kind { get => _kind == null ? default(HoldKind) : (HoldKind)_kind; set => _kind = value; }
        private object _kind; // see StoreCmdlet

        /// <summary><para type="description">Why the recordings must be kept.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        /// <summary><para type="description">The retention of the case record the recordings become part of.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [DateText]
        public DateTimeOffset? RetainUntil { get; set; }

        /// <summary><para type="description">An approved investigation request this hold serves.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string InvestigationId { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(CaseReference, "Place legal hold (" + Kind + ")")) return;
            Try(CaseReference, () => WriteObject(ActiveStore.Holds.Create(CaseReference, Kind, Reason, RetainUntil, InvestigationId)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Puts recordings on a legal hold; takes them from the pipeline.</para>
    /// <para type="description">Each recording is kept from then on, whatever its age, until the hold is released. A recording already being deleted or gone cannot be held (RecordingNotAvailable). Adding a recording twice changes nothing.</para>
    /// </summary>
    /// <example><code>Get-Recording -Agent 'UNI\jdoe' -After 2026-10-01 | Add-LegalHoldRecording -HoldId $hold.HoldId</code><para>Holds a member of staff's calls since October.</para></example>
    [Cmdlet(VerbsCommon.Add, "LegalHoldRecording", SupportsShouldProcess = true)]
    [OutputType(typeof(Recording))]
    public sealed class AddLegalHoldRecordingCommand : StoreCmdlet
    {
        /// <summary><para type="description">The hold.</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string HoldId { get; set; }

        /// <summary><para type="description">The recording to hold.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RecordingId { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RecordingId, "Place on legal hold " + HoldId)) return;
            Try(RecordingId, () => WriteObject(ActiveStore.Holds.Add(HoldId, RecordingId)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists legal holds.</para>
    /// <para type="description">Lists active holds (and, with -IncludeReleased, released ones), with their case, kind, retention, number of recordings and release state.</para>
    /// </summary>
    /// <example><code>Get-LegalHold</code><para>Every hold in force.</para></example>
    [Cmdlet(VerbsCommon.Get, "LegalHold")]
    [OutputType(typeof(LegalHold))]
    public sealed class GetLegalHoldCommand : StoreCmdlet
    {
        /// <summary><para type="description">One hold by id.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string HoldId { get; set; }

        /// <summary><para type="description">Also list released holds.</para></summary>
        [Parameter] public SwitchParameter IncludeReleased { get; set; }

        protected override void ProcessRecord() => Try(HoldId, () =>
        {
            foreach (var h in ActiveStore.Holds.Get(HoldId, IncludeReleased)) WriteObject(h);
        });
    }

    /// <summary>
    /// <para type="synopsis">Releases a legal hold: one principal requests, a different principal confirms.</para>
    /// <para type="description">Releasing a hold can destroy evidence, so it takes two people. The first Remove-LegalHold, with -Reason, records the request; the hold still holds. A second Remove-LegalHold by a different Administrator or DPO confirms it (SecondPrincipalRequired if the requester tries). Released recordings return to their area's retention: one already past its expiry goes at the next purge.</para>
    /// </summary>
    /// <example><code>Remove-LegalHold -HoldId hold-1a2b… -Reason 'Case closed, appeal period over'</code><para>Requests the release (first person).</para></example>
    /// <example><code>Remove-LegalHold -HoldId hold-1a2b… -Confirm:$false</code><para>Confirms the release (second person).</para></example>
    [Cmdlet(VerbsCommon.Remove, "LegalHold", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(LegalHold))]
    public sealed class RemoveLegalHoldCommand : StoreCmdlet
    {
        /// <summary><para type="description">The hold to release.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string HoldId { get; set; }

        /// <summary><para type="description">Why the hold ends; required to request the release.</para></summary>
        [Parameter] public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            Try(HoldId, () =>
            {
                LegalHold current = null;
                foreach (var h in ActiveStore.Holds.Get(HoldId, true)) current = h;
                if (current != null && current.Status == HoldStatus.ReleaseRequested)
                {
                    if (!ShouldProcess(HoldId, "Confirm the release of legal hold " + current.CaseReference + " requested by " + current.ReleaseRequestedBy)) return;
                    WriteObject(ActiveStore.Holds.ConfirmRelease(HoldId));
                    return;
                }
                if (!ShouldProcess(HoldId, "Request the release of legal hold" + (current != null ? " " + current.CaseReference : ""))) return;
                var requested = ActiveStore.Holds.RequestRelease(HoldId, Reason);
                WriteWarning("The release of hold " + HoldId + " is requested; it holds until a different Administrator or DPO confirms with Remove-LegalHold -HoldId " + HoldId + ".");
                WriteObject(requested);
            });
        }
    }
}
