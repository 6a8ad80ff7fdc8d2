using System;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Notices;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds a member of staff, or a frequent caller from another area, to a service area's roster (clause 2.3).</para>
    /// <para type="description">The roster is who must be told that calls are recorded: members use the area's recorded extensions and need an induction notice, then a reminder every 12 months; frequent callers are staff of other areas who often call the area's recorded extensions and must be informed too (-Relation FrequentCaller). Administrators and the area's Supervisor keep the roster. Takes rows from Import-Csv (ServiceArea, Principal, DisplayName, Email, Extension, Relation); a bad row fails alone.</para>
    /// </summary>
    /// <example><code>Add-ServiceAreaMember -ServiceArea 'Student Enquiries' -Principal 'UNI\adviser1' -DisplayName 'Ada Adviser' -Extension 4100</code><para>Adds a member who uses extension 4100.</para></example>
    /// <example><code>Import-Csv roster.csv | Add-ServiceAreaMember</code><para>Loads a team's roster from a CSV export of the HR system.</para></example>
    [Cmdlet(VerbsCommon.Add, "ServiceAreaMember", SupportsShouldProcess = true)]
    [OutputType(typeof(ServiceAreaMember))]
    public sealed class AddServiceAreaMemberCommand : StoreCmdlet
    {
        /// <summary><para type="description">The service area whose roster the person joins.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">The person's account, DOMAIN\user or user@domain.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Principal { get; set; }

        /// <summary><para type="description">The person's name as a reader of the report knows it.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string DisplayName { get; set; }

        /// <summary><para type="description">Where the annual reminder is sent.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Email { get; set; }

        /// <summary><para type="description">The extension the person uses.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Extension { get; set; }

        /// <summary><para type="description">Member (uses the area's recorded extensions; the default) or FrequentCaller (staff of another area who often call them).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public MemberRelation Relation { get => _relation == null ? MemberRelation.Member : (MemberRelation)_relation; set => _relation = value; }
        private object _relation; // see StoreCmdlet: no engine value types in cmdlet fields

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Principal, "Add to the roster of '" + ServiceArea + "' as " + Relation)) return;
            Try(Principal, () => WriteObject(ActiveStore.Notices.AddMember(new ServiceAreaMemberDraft
            {
                ServiceArea = ServiceArea, Principal = Principal, DisplayName = DisplayName, Email = Email, Extension = Extension, Relation = Relation,
            })));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists the rosters of service areas: members and frequent callers (clause 2.3).</para>
    /// <para type="description">Returns current roster entries, by area and principal (wildcards allowed) and relation; -IncludeRemoved also returns people taken off a roster, with when, by whom and why. The output has the columns Add-ServiceAreaMember takes, so Export-Csv and Import-Csv round-trip it.</para>
    /// </summary>
    /// <example><code>Get-ServiceAreaMember -ServiceArea 'Student Enquiries'</code><para>One area's roster.</para></example>
    /// <example><code>Get-ServiceAreaMember -Relation FrequentCaller | Export-Csv frequent-callers.csv -NoTypeInformation</code><para>Every frequent caller, for a mailing.</para></example>
    [Cmdlet(VerbsCommon.Get, "ServiceAreaMember")]
    [OutputType(typeof(ServiceAreaMember))]
    public sealed class GetServiceAreaMemberCommand : StoreCmdlet
    {
        /// <summary><para type="description">Only this area's roster; wildcards are allowed.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Only this person; wildcards are allowed.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string Principal { get; set; }

        /// <summary><para type="description">Only Member or only FrequentCaller entries.</para></summary>
        [Parameter]
        public MemberRelation? Relation { get => (MemberRelation?)_relation; set => _relation = value; }
        private object _relation; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">Also returns entries taken off the roster.</para></summary>
        [Parameter]
        public SwitchParameter IncludeRemoved { get; set; }

        protected override void ProcessRecord() =>
            Try(ServiceArea, () => { foreach (var m in ActiveStore.Notices.GetMembers(ServiceArea, Principal, Relation, IncludeRemoved)) WriteObject(m); });
    }

    /// <summary>
    /// <para type="synopsis">Takes a person off a service area's roster (clause 2.3).</para>
    /// <para type="description">Marks the roster entry removed, with when, by whom and why; the entry and the notices the person was given stay on record. A grant to someone no longer on the roster is then reported by Get-ComplianceReport (GrantToNonMember). Takes pipeline input from Get-ServiceAreaMember.</para>
    /// </summary>
    /// <example><code>Remove-ServiceAreaMember -ServiceArea 'Student Enquiries' -Principal 'UNI\adviser2' -Reason 'Left the University'</code><para>Takes a leaver off the roster.</para></example>
    /// <example><code>Get-ServiceAreaMember -ServiceArea Fundraising | Remove-ServiceAreaMember -Reason 'Area closed' -Confirm:$false</code><para>Clears an area's roster without prompting.</para></example>
    [Cmdlet(VerbsCommon.Remove, "ServiceAreaMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ServiceAreaMember))]
    public sealed class RemoveServiceAreaMemberCommand : StoreCmdlet
    {
        /// <summary><para type="description">The area whose roster the person leaves.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">The person to take off the roster.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Principal { get; set; }

        /// <summary><para type="description">Why, e.g. 'Moved to Finance'.</para></summary>
        [Parameter]
        public string Reason { get; set; }

        /// <summary><para type="description">Returns the removed entry.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Principal, "Remove from the roster of '" + ServiceArea + "'")) return;
            Try(Principal, () =>
            {
                var removed = ActiveStore.Notices.RemoveMember(ServiceArea, Principal, Reason);
                if (PassThru) WriteObject(removed);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Records that staff were told their calls are recorded: at induction, the annual reminder, or as a frequent caller (clause 2.3).</para>
    /// <para type="description">Each record says who was told, in which area, how (Induction, Annual or FrequentCaller), when (-Date, default today; never in the future) and the evidence (a sign-off sheet, an e-mail). The person must be on the area's roster (MemberNotFound otherwise) and the kind must fit their relation (NoticeKindMismatch). Records are append-only. Takes a team leader's sign-off sheet from Import-Csv (Principal, ServiceArea, Kind, Date, Evidence); a bad row fails alone.</para>
    /// </summary>
    /// <example><code>Register-StaffNotification -Principal 'UNI\adviser1' -ServiceArea 'Student Enquiries' -Kind Induction -Date 2026-09-01 -Evidence 'Induction checklist signed'</code><para>Records an induction notice.</para></example>
    /// <example><code>Import-Csv signoff-2026.csv | Register-StaffNotification</code><para>Records a whole team's annual reminder from a sign-off sheet.</para></example>
    [Cmdlet(VerbsLifecycle.Register, "StaffNotification", SupportsShouldProcess = true)]
    [OutputType(typeof(StaffNotification))]
    public sealed class RegisterStaffNotificationCommand : StoreCmdlet
    {
        /// <summary><para type="description">The person who was told.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Principal { get; set; }

        /// <summary><para type="description">The area whose recording they were told about.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Induction, Annual or FrequentCaller.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public NoticeKind Kind { get => _kind == null ? default(NoticeKind) : (NoticeKind)_kind; set => _kind = value; }
        private object _kind; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">The day they were told; today when omitted.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [DateText(typeof(DateTime))]
        public DateTime? Date { get; set; }

        /// <summary><para type="description">Where the proof is: a signed sheet, an e-mail, a course record.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Evidence { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Principal, "Record a " + Kind + " notice in '" + ServiceArea + "'")) return;
            Try(Principal, () => WriteObject(ActiveStore.Notices.Register(Principal, ServiceArea, Kind, Date, Evidence)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Shows where each person on the rosters stands with their notices, or the notices on record (clause 2.3).</para>
    /// <para type="description">By default returns one status per roster entry: the induction date, the last notice, when the next is due, and the standing. A member is Overdue with no induction notice, or when the last notice is more than 12 months old; a frequent caller never informed is NeverInformed. -Overdue returns only those; -DueWithinDays also returns members whose annual reminder falls due within that many days (DueSoon), for planning the next round. -History returns the notices themselves. The compliance report uses the same rule.</para>
    /// </summary>
    /// <example><code>Get-StaffNotification -Overdue</code><para>Everyone who must be told now.</para></example>
    /// <example><code>Get-StaffNotification -ServiceArea 'Student Enquiries' -DueWithinDays 30 | Export-Csv reminders.csv -NoTypeInformation</code><para>The area's reminders due in the next month, for a mail merge.</para></example>
    /// <example><code>Get-StaffNotification -Principal 'UNI\adviser1' -History</code><para>Every notice on record for one person.</para></example>
    [Cmdlet(VerbsCommon.Get, "StaffNotification", DefaultParameterSetName = "Standing")]
    [OutputType(typeof(StaffNoticeStatus), ParameterSetName = new[] { "Standing" })]
    [OutputType(typeof(StaffNotification), ParameterSetName = new[] { "History" })]
    public sealed class GetStaffNotificationCommand : StoreCmdlet
    {
        /// <summary><para type="description">Only this area; wildcards are allowed.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Only this person; wildcards are allowed.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string Principal { get; set; }

        /// <summary><para type="description">Only people overdue for a notice (no induction notice, last notice more than 12 months old, or a frequent caller never informed).</para></summary>
        [Parameter(ParameterSetName = "Standing")]
        public SwitchParameter Overdue { get; set; }

        /// <summary><para type="description">Only people overdue, or whose next notice falls due within this many days.</para></summary>
        [Parameter(ParameterSetName = "Standing")]
        [ValidateRange(0, 3660)]
        public int DueWithinDays { get; set; }

        /// <summary><para type="description">Returns the notices on record instead of each person's standing.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "History")]
        public SwitchParameter History { get; set; }

        protected override void ProcessRecord() => Try(ServiceArea, () =>
        {
            if (History)
            {
                foreach (var n in ActiveStore.Notices.GetNotifications(ServiceArea, Principal)) WriteObject(n);
                return;
            }
            var within = MyInvocation.BoundParameters.ContainsKey(nameof(DueWithinDays)) ? DueWithinDays : (int?)null;
            foreach (var s in ActiveStore.Notices.Standing(ServiceArea, Principal, null, within))
            {
                if (within.HasValue ? (s.Overdue || s.Standing == NoticeStanding.DueSoon) : (!Overdue || s.Overdue)) WriteObject(s);
            }
        });
    }

    /// <summary>
    /// <para type="synopsis">Records a reasonable effort to tell callers about recording where the customer notice is not automated (clause 2.4).</para>
    /// <para type="description">Where IT Services cannot play the notice automatically (-AutomatedNotice off), the area must make all reasonable efforts to make callers aware in advance, and keep a record of them: a web page, a line in letters, a script the staff read. Each record has a description and the day it was done (-Date, default today). Records are append-only. Administrators and the area's Supervisor record them.</para>
    /// </summary>
    /// <example><code>Register-NotificationMeasure -ServiceArea 'Accommodation' -Description 'Recording notice added to the booking confirmation e-mail' -Date 2026-10-01</code><para>Records a measure.</para></example>
    [Cmdlet(VerbsLifecycle.Register, "NotificationMeasure", SupportsShouldProcess = true)]
    [OutputType(typeof(NotificationMeasure))]
    public sealed class RegisterNotificationMeasureCommand : StoreCmdlet
    {
        /// <summary><para type="description">The area that took the measure.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">What was done to tell callers in advance.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Description { get; set; }

        /// <summary><para type="description">The day it was done; today when omitted.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [DateText(typeof(DateTime))]
        public DateTime? Date { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(ServiceArea, "Record notification measure '" + Description + "'")) return;
            Try(ServiceArea, () => WriteObject(ActiveStore.Notices.AddMeasure(ServiceArea, Description, Date)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists the notification measures on record (clause 2.4).</para>
    /// <para type="description">Returns the measures areas took to tell callers about recording where the notice is not automated, oldest first, optionally for one area (wildcards allowed).</para>
    /// </summary>
    /// <example><code>Get-NotificationMeasure -ServiceArea Accommodation</code><para>One area's record of reasonable efforts.</para></example>
    [Cmdlet(VerbsCommon.Get, "NotificationMeasure")]
    [OutputType(typeof(NotificationMeasure))]
    public sealed class GetNotificationMeasureCommand : StoreCmdlet
    {
        /// <summary><para type="description">Only this area; wildcards are allowed.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        protected override void ProcessRecord() =>
            Try(ServiceArea, () => { foreach (var m in ActiveStore.Notices.GetMeasures(ServiceArea)) WriteObject(m); });
    }
}
