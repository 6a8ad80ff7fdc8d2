using System;
using System.Linq;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Makes a request to record calls in a service area, with the justification clause 2.2 asks for.</para>
    /// <para type="description">A request carries the service area, clear business reasons, the purposes (the five of clause 2.1), the levels of access staff groups need, the retention period (at most 12 months, clause 2.5), an optional end date for a time-limited request, the DPIA reference and the DPO's advice, whether special-category, identity-validation or payment-card data is involved, and related regimes (research ethics, PECR). A DPIA reference or DPO advice may be missing while the request is a draft, but a Network Services Manager cannot approve it until both are there. The acting principal is the requester.</para>
    /// </summary>
    /// <example><code>New-RecordingRequest -ServiceArea 'Student Enquiries' -BusinessReason 'Resolve disputes about advice given' -Purpose DisputeOrComplaint, Training -AccessLevel @{ Supervisor = 'Play','Download'; Advisor = 'Play' } -RetentionMonths 6 -DpiaReference DPIA-2026-014 -DpoAdvice 'Proportionate; 6 months is enough.'</code><para>A complete request, ready for a decision.</para></example>
    /// <example><code>Import-Csv requests.csv | New-RecordingRequest</code><para>Requests from a CSV whose AccessLevel column reads like 'Supervisor=Play+Download; Advisor=Play' and whose Purpose column like 'Training, QualityMonitoring'.</para></example>
    [Cmdlet(VerbsCommon.New, "RecordingRequest", SupportsShouldProcess = true, DefaultParameterSetName = "Months")]
    [OutputType(typeof(RecordingRequest))]
    public sealed class NewRecordingRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The service area whose calls would be recorded.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        [ValidateNotNullOrEmpty]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Clear business reasons for recording (clause 2.2).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string BusinessReason { get; set; }

        /// <summary><para type="description">The purposes of clause 2.1: QualityMonitoring, Training, CustomerAgreement, DisputeOrComplaint, StaffProtection.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ListText(ElementType = typeof(Purpose))]
        public Purpose[] Purpose { get; set; }

        /// <summary><para type="description">Which staff groups need which rights: a hashtable such as @{ Supervisor = 'Play','Download'; Advisor = 'Play' } or text such as 'Supervisor=Play+Download; Advisor=Play'.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [AccessLevelText]
        public AccessLevel[] AccessLevel { get; set; }

        /// <summary><para type="description">How long recordings are kept, in months (1 to 12).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Months", ValueFromPipelineByPropertyName = true)]
        public int RetentionMonths { get; set; }

        /// <summary><para type="description">How long recordings are kept, in days (1 to 365).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Days", ValueFromPipelineByPropertyName = true)]
        public int RetentionDays { get; set; }

        /// <summary><para type="description">The reference of the Data Protection Impact Assessment; required before approval.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string DpiaReference { get; set; }

        /// <summary><para type="description">The Data Protection Officer's advice; required before approval.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string DpoAdvice { get; set; }

        /// <summary><para type="description">The end of a time-limited request; the authorisation expires by itself then.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [DateText(typeof(DateTime))]
        public DateTime? Until { get; set; }

        /// <summary><para type="description">Special-category personal data will be given on calls; Security and PCI DSS consultations become necessary.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true), BooleanText]
        public SwitchParameter SpecialCategoryData { get; set; }

        /// <summary><para type="description">Callers' identity will be validated on calls; Security and PCI DSS consultations become necessary.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true), BooleanText]
        public SwitchParameter IdentityValidation { get; set; }

        /// <summary><para type="description">Payment card data will be given on calls; Security and PCI DSS consultations become necessary.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true), BooleanText]
        public SwitchParameter PaymentCardData { get; set; }

        /// <summary><para type="description">Related legislation or policy: ResearchEthics, PECR, Other.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ListText(ElementType = typeof(RelatedRegime))]
        public RelatedRegime[] RelatedRegime { get; set; }

        /// <summary><para type="description">Anything else the decision-maker should know.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Notes { get; set; }

        protected override void ProcessRecord()
        {
            Try(ServiceArea, () =>
            {
                var retention = ParameterSetName == "Days" ? RetentionPeriod.FromDays(RetentionDays) : RetentionPeriod.FromMonths(RetentionMonths);
                if (!ShouldProcess(ServiceArea, "Request call recording (" + string.Join(", ", Purpose) + "; keep " + retention + ")")) return;
                var request = ActiveStore.Requests.Create(new RecordingRequestDraft
                {
                    ServiceArea = ServiceArea, BusinessReason = BusinessReason, Purposes = Purpose, AccessLevels = AccessLevel, Retention = retention,
                    Until = Until.HasValue ? new DateTimeOffset(Until.Value) : (DateTimeOffset?)null,
                    DpiaReference = DpiaReference, DpoAdvice = DpoAdvice, SpecialCategoryData = SpecialCategoryData, IdentityValidation = IdentityValidation,
                    PaymentCardData = PaymentCardData, RelatedRegimes = RelatedRegime, Notes = Notes,
                });
                if (request.DpiaReference == null || request.DpoAdvice == null)
                {
                    WriteWarning("Request " + request.RequestId + " has no " + (request.DpiaReference == null ? "DPIA reference" : "DPO advice") +
                                 " yet; it cannot be approved until it has (clause 2.2, Set-RecordingRequest).");
                }
                if (request.NeedsSecurityConsultation)
                {
                    WriteWarning("Request " + request.RequestId + " involves sensitive, identity or payment-card data: the IT Services Security team and the Finance PCI DSS team must record their consultation (Add-RequestConsultation) before approval (clause 2.2).");
                }
                WriteObject(request);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Completes a pending recording request: DPIA reference, DPO advice, business reason, notes.</para>
    /// <para type="description">Requests start as drafts of a conversation with the DPO; this fills in what was missing. Only the requester or an Administrator may change a request, and only while it is pending.</para>
    /// </summary>
    /// <example><code>Set-RecordingRequest -RequestId req-0123 -DpiaReference DPIA-2026-031 -DpoAdvice 'Supported with 3-month retention.'</code><para>Adds the DPIA outcome and the DPO's advice.</para></example>
    [Cmdlet(VerbsCommon.Set, "RecordingRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(RecordingRequest))]
    public sealed class SetRecordingRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request to complete.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RequestId { get; set; }

        /// <summary><para type="description">New business reasons.</para></summary>
        [Parameter] public string BusinessReason { get; set; }

        /// <summary><para type="description">The DPIA reference.</para></summary>
        [Parameter] public string DpiaReference { get; set; }

        /// <summary><para type="description">The DPO's advice.</para></summary>
        [Parameter] public string DpoAdvice { get; set; }

        /// <summary><para type="description">Notes for the decision-maker.</para></summary>
        [Parameter] public string Notes { get; set; }

        /// <summary><para type="description">Returns the changed request.</para></summary>
        [Parameter] public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RequestId, "Complete recording request")) return;
            Try(RequestId, () =>
            {
                var request = ActiveStore.Requests.Update(RequestId, new RecordingRequestChange
                {
                    BusinessReason = BusinessReason, DpiaReference = DpiaReference, DpoAdvice = DpoAdvice, Notes = Notes,
                });
                if (PassThru) WriteObject(request);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Records a team's consultation on a pending recording request (clause 2.2).</para>
    /// <para type="description">Requests involving special-category, identity-validation or payment-card data need a supporting consultation from the IT Services Security team and from the Finance PCI DSS team before approval; the DPO may also record a consultation. Only a principal holding the team's role may record it. SupportedWithMitigations must name the mitigations; a NotSupported outcome blocks approval until a later consultation from that team supports the request.</para>
    /// </summary>
    /// <example><code>Add-RequestConsultation -RequestId req-0123 -Team PciDssTeam -Outcome SupportedWithMitigations -Mitigation 'Pause recording during card capture', 'DTMF masking'</code><para>The PCI DSS team supports the request with two mitigations.</para></example>
    [Cmdlet(VerbsCommon.Add, "RequestConsultation", SupportsShouldProcess = true)]
    [OutputType(typeof(RequestConsultation))]
    public sealed class AddRequestConsultationCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request consulted on.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RequestId { get; set; }

        /// <summary><para type="description">SecurityTeam, PciDssTeam or DataProtectionOfficer.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public ConsultationTeam Team { get => _team == null ? default(ConsultationTeam) : (ConsultationTeam)_team; set => _team = value; }
        private object _team; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">Supported, SupportedWithMitigations or NotSupported.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public ConsultationOutcome Outcome { get => _outcome == null ? default(ConsultationOutcome) : (ConsultationOutcome)_outcome; set => _outcome = value; }
        private object _outcome; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">The mitigations agreed; required with SupportedWithMitigations.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ListText(";")]
        public string[] Mitigation { get; set; }

        /// <summary><para type="description">Notes on the consultation.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Notes { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RequestId, "Record " + Team + " consultation: " + Outcome)) return;
            Try(RequestId, () => WriteObject(ActiveStore.Requests.AddConsultation(RequestId, Team, Outcome, Mitigation, Notes)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Approves a pending recording request, authorising recording in its area (clause 2.2).</para>
    /// <para type="description">Only a Network Services Manager may approve, and never their own request (SeparationOfDuties). Approval is refused, each with its own ErrorId naming clause 2.2, while the DPIA reference (DpiaRequired) or the DPO's advice (DpoAdviceRequired) is missing, while a sensitive request lacks a supporting Security or PCI DSS consultation (SecurityConsultationRequired), when the latest consultation of a team is NotSupported (ConsultationNotSupported), or when the request is not pending (RequestNotPending). Approval makes the request's retention the area's local retention and authorises recording until the request's end date, or open-ended. -EffectiveFrom brings in an authorisation that already existed on paper, so calls made since then can be imported; the audit event keeps both dates. An -EffectiveFrom more than five minutes before the decision is a backdating: it needs -Reference, the paper approval's reference, which is kept in the request's decision comment and in the audit event (PaperReferenceRequired without it); it may not precede the policy's effective date, 6 February 2024 (EffectiveFromBeforePolicy), nor lie in the future (EffectiveFromInFuture).</para>
    /// </summary>
    /// <example><code>Approve-RecordingRequest -RequestId req-0123 -Comment 'Approved at UC board 2026-11-27'</code><para>Approves one request.</para></example>
    /// <example><code>Get-RecordingRequest -Status Pending | Approve-RecordingRequest -WhatIf</code><para>Shows which pending requests would be approved.</para></example>
    /// <example><code>Approve-RecordingRequest -RequestId req-0456 -EffectiveFrom 2024-02-06 -Reference 'NS/2024/03' -Comment 'Signed by the Director of IT Services'</code><para>Brings in an area that has recorded since 6 February 2024 under the paper approval NS/2024/03; without -Reference the backdated approval is refused.</para></example>
    [Cmdlet("Approve", "RecordingRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(RecordingRequest))]
    public sealed class ApproveRecordingRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request to approve.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RequestId { get; set; }

        /// <summary><para type="description">The decision's comment.</para></summary>
        [Parameter] public string Comment { get; set; }

        /// <summary><para type="description">For an authorisation that already existed: the past date it took effect.</para></summary>
        [Parameter] [DateText(typeof(DateTime))] public DateTime? EffectiveFrom { get; set; }

        /// <summary><para type="description">The reference of the paper approval (minutes, form or letter) that authorised recording before this decision. Required when -EffectiveFrom lies more than five minutes before now; kept in the decision comment and the audit event.</para></summary>
        [Parameter] [Alias("PaperApprovalReference")] public string Reference { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RequestId, "Approve recording request")) return;
            Try(RequestId, () => WriteObject(ActiveStore.Requests.Approve(RequestId, Comment, EffectiveFrom.HasValue ? new DateTimeOffset(EffectiveFrom.Value) : (DateTimeOffset?)null, Reference)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Denies a pending recording request, with the reason.</para>
    /// <para type="description">Only a Network Services Manager may deny. The reason is kept on the request and in the audit log.</para>
    /// </summary>
    /// <example><code>Deny-RecordingRequest -RequestId req-0123 -Reason 'Not proportionate: use call notes instead.'</code><para>Denies one request.</para></example>
    [Cmdlet("Deny", "RecordingRequest", SupportsShouldProcess = true)]
    [OutputType(typeof(RecordingRequest))]
    public sealed class DenyRecordingRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The request to deny.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RequestId { get; set; }

        /// <summary><para type="description">Why the request is denied.</para></summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RequestId, "Deny recording request")) return;
            Try(RequestId, () => WriteObject(ActiveStore.Requests.Deny(RequestId, Reason)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Ends an approved recording authorisation early.</para>
    /// <para type="description">Only a Network Services Manager may stop an authorisation. The area stops being authorised at once (unless another approved request covers it); recordings already made keep their retention.</para>
    /// </summary>
    /// <example><code>Stop-RecordingRequest -RequestId req-0123 -Reason 'Campaign ended early.'</code><para>Ends the authorisation now.</para></example>
    [Cmdlet(VerbsLifecycle.Stop, "RecordingRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RecordingRequest))]
    public sealed class StopRecordingRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">The approved request to stop.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string RequestId { get; set; }

        /// <summary><para type="description">Why the authorisation ends.</para></summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(RequestId, "Stop recording authorisation")) return;
            Try(RequestId, () => WriteObject(ActiveStore.Requests.Stop(RequestId, Reason)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists recording requests, with their status, consultations and decision history.</para>
    /// <para type="description">Lists requests by id, area, status or approaching end date. An approved, time-limited request shows as Expired by itself once its date has passed; no job is needed. -ExpiringWithinDays is what a reminder runbook uses. Format-List shows the whole request, including its consultations and history.</para>
    /// </summary>
    /// <example><code>Get-RecordingRequest -Status Pending</code><para>Requests waiting for a decision.</para></example>
    /// <example><code>Get-RecordingRequest -ExpiringWithinDays 30 | Export-Csv expiring.csv -NoTypeInformation</code><para>Authorisations ending within 30 days, as flat CSV columns.</para></example>
    [Cmdlet(VerbsCommon.Get, "RecordingRequest")]
    [OutputType(typeof(RecordingRequest))]
    public sealed class GetRecordingRequestCommand : StoreCmdlet
    {
        /// <summary><para type="description">One request by id.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string RequestId { get; set; }

        /// <summary><para type="description">Only requests for this area: its name (any case), its id, or a wildcard over names.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        [SupportsWildcards]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Pending, Approved (in force now), Denied, Stopped or Expired.</para></summary>
        [Parameter]
        public RequestStatus? Status { get => (RequestStatus?)_status; set => _status = value; }
        private object _status; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">Only approved requests whose end date falls within this many days.</para></summary>
        [Parameter]
        [ValidateRange(0, 3650)]
        public int? ExpiringWithinDays { get; set; }

        protected override void ProcessRecord()
        {
            Try(RequestId ?? ServiceArea, () =>
            {
                var any = false;
                foreach (var r in ActiveStore.Requests.Get(new RecordingRequestQuery { RequestId = RequestId, ServiceArea = ServiceArea, Status = Status, ExpiringWithinDays = ExpiringWithinDays }))
                {
                    any = true;
                    WriteObject(r);
                }
                if (!any && !string.IsNullOrEmpty(RequestId))
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException("There is no recording request '" + RequestId + "'."), "RecordingRequestNotFound", ErrorCategory.ObjectNotFound, RequestId));
                }
            });
        }
    }
}
