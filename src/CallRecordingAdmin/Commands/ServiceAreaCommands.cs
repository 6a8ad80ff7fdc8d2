using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a service area with its local retention period (clause 2.5) and customer notice (2.4).</para>
    /// <para type="description">A service area is a part of the University whose calls are recorded. Its local retention period is a whole number of days (at most 365) or calendar months (at most 12): clause 2.5 never allows more than 12 months from the call, and a longer period fails with RetentionExceedsPolicyMaximum. Names are unique without regard to case. The area records calls only once a recording request for it is approved (New-RecordingRequest).</para>
    /// </summary>
    /// <example><code>New-ServiceArea -Name 'Student Enquiries' -RetentionMonths 6 -CustomerNotice 'Calls are recorded for quality and training.' -AutomatedNotice</code><para>Creates an area that keeps recordings for six months, with an automated notice.</para></example>
    /// <example><code>Import-Csv areas.csv | New-ServiceArea</code><para>Creates areas from a CSV with Name, RetentionMonths (or RetentionDays) and Description columns.</para></example>
    [Cmdlet(VerbsCommon.New, "ServiceArea", SupportsShouldProcess = true, DefaultParameterSetName = "Months")]
    [OutputType(typeof(ServiceArea))]
    public sealed class NewServiceAreaCommand : StoreCmdlet
    {
        /// <summary><para type="description">The area's name, unique without regard to case.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; }

        /// <summary><para type="description">The local retention period in calendar months, 1 to 12 (clause 2.5).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Months", ValueFromPipelineByPropertyName = true)]
        public int RetentionMonths { get; set; }

        /// <summary><para type="description">The local retention period in days, 1 to 365 (clause 2.5).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Days", ValueFromPipelineByPropertyName = true)]
        public int RetentionDays { get; set; }

        /// <summary><para type="description">What the area does and why it records.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Description { get; set; }

        /// <summary><para type="description">The notice played or given to customers at the start of every call, stating the purposes (clause 2.4).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string CustomerNotice { get; set; }

        /// <summary><para type="description">IT Services plays the customer notice automatically. Without it the area must record its manual measures (clause 2.4).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [BooleanText]
        public SwitchParameter AutomatedNotice { get; set; }

        protected override void ProcessRecord()
        {
            Try(Name, () =>
            {
                var retention = ParameterSetName == "Days" ? RetentionPeriod.FromDays(RetentionDays) : RetentionPeriod.FromMonths(RetentionMonths);
                if (!ShouldProcess(Name, "Create service area keeping recordings " + retention)) return;
                var area = ActiveStore.ServiceAreas.Create(new ServiceAreaDraft
                {
                    Name = Name, Description = Description, Retention = retention, CustomerNotice = CustomerNotice, AutomatedNotice = AutomatedNotice,
                });
                if (string.IsNullOrWhiteSpace(area.CustomerNotice))
                {
                    WriteWarning("Service area '" + area.Name + "' has no customer notice yet; clause 2.4 requires one at the start of every call (Set-ServiceArea -CustomerNotice).");
                }
                WriteObject(area);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists service areas, with their retention and whether recording is authorised now.</para>
    /// <para type="description">Returns service areas by name (wildcards allowed), or all of them. Each shows its local retention, its customer notice, how many recorded extensions it has, and whether an approved recording request authorises recording now (clauses 2.1, 2.2), until when and by which request.</para>
    /// </summary>
    /// <example><code>Get-ServiceArea</code><para>Lists every area.</para></example>
    /// <example><code>Get-ServiceArea Fin* | Set-ServiceArea -RetentionMonths 6</code><para>Shortens the retention of every area whose name starts with Fin.</para></example>
    [Cmdlet(VerbsCommon.Get, "ServiceArea")]
    [OutputType(typeof(ServiceArea))]
    public sealed class GetServiceAreaCommand : StoreCmdlet
    {
        /// <summary><para type="description">Names of areas (any case) or their ids; wildcards over names are allowed.</para></summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string[] Name { get; set; }

        protected override void ProcessRecord()
        {
            if (Name == null)
            {
                Try(null, () => { foreach (var a in ActiveStore.ServiceAreas.Get()) WriteObject(a); });
                return;
            }
            foreach (var name in Name)
            {
                Try(name, () =>
                {
                    var found = false;
                    foreach (var a in ActiveStore.ServiceAreas.Get(new[] { name }))
                    {
                        found = true;
                        WriteObject(a);
                    }
                    if (!found && !WildcardPattern.ContainsWildcardCharacters(name))
                    {
                        WriteError(new ErrorRecord(new ItemNotFoundException("There is no service area named '" + name + "'."), "ServiceAreaNotFound", ErrorCategory.ObjectNotFound, name));
                    }
                });
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Changes a service area: name, description, local retention, customer notice.</para>
    /// <para type="description">Changes what is given and leaves the rest. A new retention period must stay within clause 2.5's 12 months (RetentionExceedsPolicyMaximum). Takes areas from the pipeline by Name.</para>
    /// </summary>
    /// <example><code>Set-ServiceArea -Name Fundraising -RetentionDays 90</code><para>Sets a 90-day local retention.</para></example>
    /// <example><code>Get-ServiceArea Fin* | Set-ServiceArea -RetentionMonths 6 -WhatIf</code><para>Shows what would change without changing it.</para></example>
    [Cmdlet(VerbsCommon.Set, "ServiceArea", SupportsShouldProcess = true, DefaultParameterSetName = "Default")]
    [OutputType(typeof(ServiceArea))]
    public sealed class SetServiceAreaCommand : StoreCmdlet
    {
        /// <summary><para type="description">The area to change (name or id).</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string Name { get; set; }

        /// <summary><para type="description">A new name.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string NewName { get; set; }

        /// <summary><para type="description">A new local retention in months, 1 to 12.</para></summary>
        [Parameter(ParameterSetName = "Months")]
        public int RetentionMonths { get; set; }

        /// <summary><para type="description">A new local retention in days, 1 to 365.</para></summary>
        [Parameter(ParameterSetName = "Days")]
        public int RetentionDays { get; set; }

        /// <summary><para type="description">A new description.</para></summary>
        [Parameter]
        public string Description { get; set; }

        /// <summary><para type="description">A new customer notice (clause 2.4).</para></summary>
        [Parameter]
        public string CustomerNotice { get; set; }

        /// <summary><para type="description">Whether the customer notice is played automatically.</para></summary>
        [Parameter]
        [BooleanText]
        public SwitchParameter AutomatedNotice { get; set; }

        /// <summary><para type="description">Returns the changed area.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            Try(Name, () =>
            {
                var change = new ServiceAreaChange
                {
                    NewName = NewName,
                    Description = Description,
                    CustomerNotice = CustomerNotice,
                    AutomatedNotice = MyInvocation.BoundParameters.ContainsKey(nameof(AutomatedNotice)) ? AutomatedNotice.IsPresent : (bool?)null,
                    Retention = ParameterSetName == "Days" ? RetentionPeriod.FromDays(RetentionDays)
                              : ParameterSetName == "Months" ? RetentionPeriod.FromMonths(RetentionMonths) : (RetentionPeriod?)null,
                };
                if (!ShouldProcess(Name, "Change service area" + (change.Retention.HasValue ? " (retention " + change.Retention.Value + ")" : ""))) return;
                var area = ActiveStore.ServiceAreas.Update(Name, change);
                if (PassThru) WriteObject(area);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Removes a service area that has no extensions, roles or requests.</para>
    /// <para type="description">Removes an area created by mistake. An area that still has recorded extensions or role assignments is refused (ServiceAreaInUse); an area with recording requests keeps its history and cannot be removed.</para>
    /// </summary>
    /// <example><code>Remove-ServiceArea -Name 'Test Area'</code><para>Removes the area after confirmation.</para></example>
    [Cmdlet(VerbsCommon.Remove, "ServiceArea", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(ServiceArea))]
    public sealed class RemoveServiceAreaCommand : StoreCmdlet
    {
        /// <summary><para type="description">The area to remove (name or id).</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string Name { get; set; }

        /// <summary><para type="description">Returns the removed area.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Name, "Remove service area")) return;
            Try(Name, () =>
            {
                var removed = ActiveStore.ServiceAreas.Remove(Name);
                if (PassThru) WriteObject(removed);
            });
        }
    }
}
