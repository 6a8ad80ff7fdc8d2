using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Roles;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Gives a principal one of the policy's roles, store-wide or (Supervisor) in one service area.</para>
    /// <para type="description">Roles decide who may do what: Administrator (manage roles, areas, extensions), NetworkServicesManager (decide recording requests, clause 2.2), DataProtectionOfficer, SecurityTeam and PciDssTeam (consulted on requests, 2.2), Supervisor (keeps the playback record of one area, 3.1) and Auditor (reads logs). Only an Administrator may assign roles; a refusal is AccessDenied and is itself recorded in the audit log.</para>
    /// </summary>
    /// <example><code>Add-RecordingRole -Principal 'UNI\jsmith' -Role NetworkServicesManager</code><para>Nominates the Network Services Manager.</para></example>
    /// <example><code>Import-Csv supervisors.csv | Add-RecordingRole -Role Supervisor</code><para>Adds supervisors from a CSV with Principal and ServiceArea columns.</para></example>
    [Cmdlet(VerbsCommon.Add, "RecordingRole", SupportsShouldProcess = true)]
    [OutputType(typeof(RoleAssignment))]
    public sealed class AddRecordingRoleCommand : StoreCmdlet
    {
        /// <summary><para type="description">The person or account (DOMAIN\user or user@domain).</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Principal { get; set; }

        /// <summary><para type="description">The role to give.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public RecordingRole Role { get => _role == null ? default(RecordingRole) : (RecordingRole)_role; set => _role = value; }
        private object _role; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">The service area a Supervisor looks after; required for Supervisor and not allowed for the store-wide roles.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        protected override void ProcessRecord()
        {
            var area = string.IsNullOrWhiteSpace(ServiceArea) ? null : ServiceArea;
            if (!ShouldProcess(Principal, "Add role " + Role + (area != null ? " in '" + area + "'" : ""))) return;
            Try(Principal, () => WriteObject(ActiveStore.Roles.Add(Principal, Role, area)));
        }
    }

    /// <summary>
    /// <para type="synopsis">Lists role assignments.</para>
    /// <para type="description">Lists who holds which role, optionally filtered by principal (wildcards allowed), role or service area.</para>
    /// </summary>
    /// <example><code>Get-RecordingRole -Role Supervisor</code><para>Lists every area supervisor.</para></example>
    /// <example><code>Get-RecordingRole -Principal '*jsmith*'</code><para>Shows what one person holds.</para></example>
    [Cmdlet(VerbsCommon.Get, "RecordingRole")]
    [OutputType(typeof(RoleAssignment))]
    public sealed class GetRecordingRoleCommand : StoreCmdlet
    {
        /// <summary><para type="description">The principal; wildcards are allowed.</para></summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string Principal { get; set; }

        /// <summary><para type="description">Only assignments of this role.</para></summary>
        [Parameter]
        public RecordingRole? Role { get => (RecordingRole?)_role; set => _role = value; }
        private object _role; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">Only assignments in this service area: its name (any case), its id, or a wildcard over names.</para></summary>
        [Parameter]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        [SupportsWildcards]
        public string ServiceArea { get; set; }

        protected override void ProcessRecord() =>
            Try(Principal, () => { foreach (var a in ActiveStore.Roles.Get(Principal, Role, ServiceArea)) WriteObject(a); });
    }

    /// <summary>
    /// <para type="synopsis">Takes a role away from a principal.</para>
    /// <para type="description">Removes one role assignment. Only an Administrator may do it, and the last Administrator cannot be removed (LastAdministrator). Pipe Get-RecordingRole output to remove several.</para>
    /// </summary>
    /// <example><code>Remove-RecordingRole -Principal 'UNI\jsmith' -Role Supervisor -ServiceArea 'IT Service Desk'</code><para>Ends a supervisor nomination; asks for confirmation.</para></example>
    /// <example><code>Get-RecordingRole -Principal 'UNI\leaver' | Remove-RecordingRole -Confirm:$false</code><para>Removes every role of a leaver without prompting.</para></example>
    [Cmdlet(VerbsCommon.Remove, "RecordingRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(RoleAssignment))]
    public sealed class RemoveRecordingRoleCommand : StoreCmdlet
    {
        /// <summary><para type="description">The principal whose role ends.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Principal { get; set; }

        /// <summary><para type="description">The role to remove.</para></summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public RecordingRole Role { get => _role == null ? default(RecordingRole) : (RecordingRole)_role; set => _role = value; }
        private object _role; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">For a Supervisor in several areas, the area whose role ends.</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Returns the removed assignment.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var area = string.IsNullOrWhiteSpace(ServiceArea) ? null : ServiceArea;
            if (!ShouldProcess(Principal, "Remove role " + Role + (area != null ? " in '" + area + "'" : ""))) return;
            Try(Principal, () =>
            {
                var removed = ActiveStore.Roles.Remove(Principal, Role, area);
                if (PassThru) WriteObject(removed);
            });
        }
    }
}
