using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.RecordedExtensions;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Adds a recorded extension to a service area (clause 2.3).</para>
    /// <para type="description">Records which extension belongs to which area and whether every call on it is recorded (Constant) or recording is started per call (OnDemand). Staff on a constantly recorded extension must have an extension that is not recorded for confidential calls: -NonRecordedAlternative is required for Constant and must not itself be a recorded extension (NonRecordedAlternativeRequired). -Labelled records that the handset is marked as recorded. Takes rows from Import-Csv (Number, ServiceArea, Mode, Labelled, NonRecordedAlternative).</para>
    /// </summary>
    /// <example><code>Add-RecordedExtension -Number 4521 -ServiceArea 'IT Service Desk' -Mode Constant -Labelled -NonRecordedAlternative 4599</code><para>Adds a constantly recorded, labelled extension with its confidential alternative.</para></example>
    /// <example><code>Import-Csv extensions.csv | Add-RecordedExtension</code><para>Adds every extension listed in a CSV; a bad row is reported and the rest go on.</para></example>
    [Cmdlet(VerbsCommon.Add, "RecordedExtension", SupportsShouldProcess = true)]
    [OutputType(typeof(RecordedExtension))]
    public sealed class AddRecordedExtensionCommand : StoreCmdlet
    {
        /// <summary><para type="description">The extension number; spaces, dashes and brackets are ignored.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Extension")]
        [ValidateNotNullOrEmpty]
        public string Number { get; set; }

        /// <summary><para type="description">The service area the extension belongs to.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Constant (every call recorded) or OnDemand.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public ExtensionMode Mode { get => _mode == null ? default(ExtensionMode) : (ExtensionMode)_mode; set => _mode = value; }
        private object _mode; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">The handset is marked or labelled as recorded (clause 2.3).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [BooleanText]
        public SwitchParameter Labelled { get; set; }

        /// <summary><para type="description">An extension that is not recorded, for confidential calls; required for Constant (clause 2.3).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string NonRecordedAlternative { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Number, "Add " + Mode + " recorded extension to '" + ServiceArea + "'")) return;
            Try(Number, () => WriteObject(ActiveStore.Extensions.Add(Number, ServiceArea, Mode, Labelled, NonRecordedAlternative)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists recorded extensions.</para>
    /// <para type="description">Lists recorded extensions, optionally by number (wildcards allowed), service area or mode.</para>
    /// </summary>
    /// <example><code>Get-RecordedExtension -ServiceArea 'Student Enquiries'</code><para>Lists one area's extensions.</para></example>
    /// <example><code>Get-RecordedExtension -Mode Constant | Where-Object { -not $_.Labelled }</code><para>Finds constantly recorded extensions that are not yet labelled (clause 2.3).</para></example>
    [Cmdlet(VerbsCommon.Get, "RecordedExtension")]
    [OutputType(typeof(RecordedExtension))]
    public sealed class GetRecordedExtensionCommand : StoreCmdlet
    {
        /// <summary><para type="description">The extension number; wildcards are allowed.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Extension")]
        [SupportsWildcards]
        public string Number { get; set; }

        /// <summary><para type="description">Only extensions of this area: its name (any case), its id, or a wildcard over names.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        [SupportsWildcards]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Only Constant or only OnDemand extensions.</para></summary>
        [Parameter]
        public ExtensionMode? Mode { get => (ExtensionMode?)_mode; set => _mode = value; }
        private object _mode; // see StoreCmdlet: no engine value types in cmdlet fields

        protected override void ProcessRecord() =>
            Try(Number, () => { foreach (var e in ActiveStore.Extensions.Get(Number, ServiceArea, Mode)) WriteObject(e); });
    }

    /// <summary>
    /// <para type="synopsis">Changes a recorded extension: area, mode, label, non-recorded alternative.</para>
    /// <para type="description">Changes what is given and leaves the rest; the clause 2.3 rule for constantly recorded extensions is checked on the result.</para>
    /// </summary>
    /// <example><code>Set-RecordedExtension -Number 4521 -Labelled</code><para>Records that the handset is now labelled.</para></example>
    /// <example><code>Get-RecordedExtension -ServiceArea Fundraising | Set-RecordedExtension -Mode OnDemand</code><para>Switches an area's extensions to on-demand recording.</para></example>
    [Cmdlet(VerbsCommon.Set, "RecordedExtension", SupportsShouldProcess = true)]
    [OutputType(typeof(RecordedExtension))]
    public sealed class SetRecordedExtensionCommand : StoreCmdlet
    {
        /// <summary><para type="description">The extension to change.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Extension")]
        [ValidateNotNullOrEmpty]
        public string Number { get; set; }

        /// <summary><para type="description">Moves the extension to another area.</para></summary>
        [Parameter]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Constant or OnDemand.</para></summary>
        [Parameter]
        public ExtensionMode Mode { get => _mode == null ? default(ExtensionMode) : (ExtensionMode)_mode; set => _mode = value; }
        private object _mode; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">Whether the handset is labelled as recorded.</para></summary>
        [Parameter]
        [BooleanText]
        public SwitchParameter Labelled { get; set; }

        /// <summary><para type="description">The non-recorded alternative; an empty string removes it (allowed only for OnDemand).</para></summary>
        [Parameter]
        [AllowEmptyString]
        public string NonRecordedAlternative { get; set; }

        /// <summary><para type="description">Returns the changed extension.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Number, "Change recorded extension")) return;
            var bound = MyInvocation.BoundParameters;
            Try(Number, () =>
            {
                var e = ActiveStore.Extensions.Update(Number, new RecordedExtensionChange
                {
                    ServiceArea = ServiceArea,
                    Mode = bound.ContainsKey(nameof(Mode)) ? Mode : (ExtensionMode?)null,
                    Labelled = bound.ContainsKey(nameof(Labelled)) ? Labelled.IsPresent : (bool?)null,
                    NonRecordedAlternative = NonRecordedAlternative,
                });
                if (PassThru) WriteObject(e);
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Removes a recorded extension.</para>
    /// <para type="description">Removes an extension that is no longer recorded. Recordings already made on it are not affected.</para>
    /// </summary>
    /// <example><code>Remove-RecordedExtension -Number 4521</code><para>Removes one extension after confirmation.</para></example>
    /// <example><code>Get-RecordedExtension -ServiceArea 'Old Helpline' | Remove-RecordedExtension -Confirm:$false</code><para>Removes an area's extensions without prompting.</para></example>
    [Cmdlet(VerbsCommon.Remove, "RecordedExtension", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RecordedExtension))]
    public sealed class RemoveRecordedExtensionCommand : StoreCmdlet
    {
        /// <summary><para type="description">The extension to remove.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Extension")]
        [ValidateNotNullOrEmpty]
        public string Number { get; set; }

        /// <summary><para type="description">Returns the removed extension.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (!ShouldProcess(Number, "Remove recorded extension")) return;
            Try(Number, () =>
            {
                var e = ActiveStore.Extensions.Remove(Number);
                if (PassThru) WriteObject(e);
            });
        }
    }
}
