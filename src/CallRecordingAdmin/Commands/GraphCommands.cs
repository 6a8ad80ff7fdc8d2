using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Commands
{
    /// <summary>What Connect-RecordingGraph returns: the connection's shape, never a secret or token.</summary>
    public sealed class RecordingGraphConnection
    {
        public string TenantId { get; set; }
        public string ClientId { get; set; }
        /// <summary>CertificatePath, CertificateThumbprint, ClientSecret, ManagedIdentity, DeviceCode or AccessToken.</summary>
        public string SignIn { get; set; }
        /// <summary>The API root requests go to.</summary>
        public string Endpoint { get; set; }
        public DateTimeOffset ConnectedAt { get; set; }
    }

    /// <summary>
    /// The Microsoft Graph connection of each runspace. The adapter assembly (Graph SDK, Azure.Identity) is touched only
    /// inside the NoInlining methods here, so it loads, into the private load context, when a Graph cmdlet first runs.
    /// Fields hold engine interfaces and object, never an adapter type.
    /// </summary>
    internal static class GraphSession
    {
        private sealed class Entry
        {
            public object Connection; // CallRecordingAdmin.Graph.GraphConnection
            public IDirectory Directory;
            public IMailer Mailer;
            public RecordingGraphConnection Info;
        }

        private static readonly ConcurrentDictionary<Guid, Entry> Connected = new ConcurrentDictionary<Guid, Entry>();
        private static Guid Key => Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;

        public static IDirectory Directory => Current().Directory;
        public static IMailer Mailer => Current().Mailer;
        public static bool IsConnected => Connected.ContainsKey(Key);

        private static Entry Current()
        {
            if (Connected.TryGetValue(Key, out var e)) return e;
            throw new PolicyException("GraphNotConnected", FailureKind.InvalidOperation,
                "No Microsoft Graph connection in this session: run Connect-RecordingGraph first.", null);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static RecordingGraphConnection Connect(string tenantId, string clientId, string signIn, string certificatePath, SecureString certificatePassword,
            string certificateThumbprint, SecureString clientSecret, SecureString accessToken, Uri endpoint, Action<string> deviceCodePrompt)
        {
            var connection = Graph.GraphConnection.Connect(new Graph.GraphConnectOptions
            {
                TenantId = tenantId, ClientId = clientId, SignIn = (Graph.GraphSignIn)Enum.Parse(typeof(Graph.GraphSignIn), signIn),
                CertificatePath = certificatePath, CertificatePassword = certificatePassword, CertificateThumbprint = certificateThumbprint,
                ClientSecret = clientSecret, AccessToken = accessToken, Endpoint = endpoint, DeviceCodePrompt = deviceCodePrompt,
            });
            var info = new RecordingGraphConnection
            {
                TenantId = connection.TenantId, ClientId = connection.ClientId, SignIn = connection.SignIn, Endpoint = connection.Endpoint, ConnectedAt = DateTimeOffset.UtcNow,
            };
            Disconnect();
            Connected[Key] = new Entry { Connection = connection, Directory = connection.Directory, Mailer = connection.Mailer, Info = info };
            return info;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static bool Disconnect()
        {
            if (!Connected.TryRemove(Key, out var e)) return false;
            (e.Connection as IDisposable)?.Dispose();
            return true;
        }
    }

    /// <summary>
    /// <para type="synopsis">Connects this session to Microsoft Graph, for the directory, call records and mail.</para>
    /// <para type="description">App-only sign-in for runbooks (a certificate file or thumbprint, a client secret, or a managed identity), device code for a person, or a token obtained elsewhere (-AccessToken, as Connect-MgGraph -AccessToken). -Endpoint serves national clouds (https://graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn) and test servers on this machine. Secrets and tokens are taken only as SecureString and are never written to any stream or to the audit log. The Graph SDK and Azure.Identity load into the module's private load context, so the module works beside Microsoft.Graph.Authentication and Az.Accounts in one session. Permissions the app registration needs: GroupMember.Read.All and User.Read.All (Sync-RecordingAccess, Test-RecordingAccess -Directory), CallRecords.Read.All (Import-GraphCallRecord), Mail.Send (Export-AuditCheckpoint -MailTo).</para>
    /// </summary>
    /// <example><code>Connect-RecordingGraph -TenantId $tenant -ClientId $app -CertificateThumbprint 3F2A…</code><para>A runbook signs in with the app registration's certificate.</para></example>
    /// <example><code>Connect-RecordingGraph -TenantId $tenant -ClientId $app -ManagedIdentity</code><para>An Azure Automation runbook signs in with its managed identity (-ClientId names a user-assigned one).</para></example>
    /// <example><code>Connect-RecordingGraph -AccessToken (Read-Host -AsSecureString 'Token')</code><para>Uses a token obtained elsewhere.</para></example>
    [Cmdlet(VerbsCommunications.Connect, "RecordingGraph", DefaultParameterSetName = "CertificateThumbprint")]
    [OutputType(typeof(RecordingGraphConnection))]
    public sealed class ConnectRecordingGraphCommand : PSCmdlet
    {
        /// <summary><para type="description">The Entra ID tenant (GUID or domain).</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "CertificatePath")]
        [Parameter(Mandatory = true, ParameterSetName = "CertificateThumbprint")]
        [Parameter(Mandatory = true, ParameterSetName = "ClientSecret")]
        [Parameter(Mandatory = true, ParameterSetName = "DeviceCode")]
        [Parameter(ParameterSetName = "ManagedIdentity")]
        [Parameter(ParameterSetName = "AccessToken")]
        [ValidateNotNullOrEmpty]
        public string TenantId { get; set; }

        /// <summary><para type="description">The app registration's application (client) id; with -ManagedIdentity, a user-assigned identity's client id.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "CertificatePath")]
        [Parameter(Mandatory = true, ParameterSetName = "CertificateThumbprint")]
        [Parameter(Mandatory = true, ParameterSetName = "ClientSecret")]
        [Parameter(Mandatory = true, ParameterSetName = "DeviceCode")]
        [Parameter(ParameterSetName = "ManagedIdentity")]
        [Parameter(ParameterSetName = "AccessToken")]
        [ValidateNotNullOrEmpty]
        public string ClientId { get; set; }

        /// <summary><para type="description">A PFX (or PEM) file holding the app registration's certificate and private key.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "CertificatePath")]
        [ValidateNotNullOrEmpty]
        public string CertificatePath { get; set; }

        /// <summary><para type="description">The password of the PFX file.</para></summary>
        [Parameter(ParameterSetName = "CertificatePath")]
        public SecureString CertificatePassword { get; set; }

        /// <summary><para type="description">The thumbprint of a certificate in the CurrentUser or LocalMachine 'My' store.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "CertificateThumbprint")]
        [ValidateNotNullOrEmpty]
        public string CertificateThumbprint { get; set; }

        /// <summary><para type="description">The app registration's client secret.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "ClientSecret")]
        public SecureString ClientSecret { get; set; }

        /// <summary><para type="description">Signs in with the Azure managed identity of the machine or Automation account.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "ManagedIdentity")]
        public SwitchParameter ManagedIdentity { get; set; }

        /// <summary><para type="description">Signs a person in with a device code shown on the console.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "DeviceCode")]
        public SwitchParameter DeviceCode { get; set; }

        /// <summary><para type="description">A bearer token for Microsoft Graph obtained elsewhere; it is sent only to the endpoint's host.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "AccessToken")]
        public SecureString AccessToken { get; set; }

        /// <summary><para type="description">The Graph endpoint (default https://graph.microsoft.com); a national cloud's, or http://127.0.0.1:port for a test server.</para></summary>
        [Parameter]
        public Uri Endpoint { get; set; }

        protected override void EndProcessing()
        {
            WriteVerbose("Connecting to Microsoft Graph at " + (Endpoint?.ToString() ?? "https://graph.microsoft.com") + " by " + ParameterSetName +
                         (TenantId == null ? "" : " for tenant " + TenantId) + (ClientId == null ? "" : " as client " + ClientId) + ".");
            try
            {
                var host = Host;
                WriteObject(GraphSession.Connect(TenantId, ClientId, ParameterSetName, CertificatePath, CertificatePassword, CertificateThumbprint, ClientSecret, AccessToken, Endpoint,
                    message => host.UI.WriteWarningLine(message)));
            }
            catch (PolicyException e)
            {
                ThrowTerminatingError(StoreCmdlet.ToErrorRecord(e, Endpoint));
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Ends this session's Microsoft Graph connection.</para>
    /// <para type="description">Forgets the credential or token; Graph cmdlets then need Connect-RecordingGraph again. Nothing happens when not connected.</para>
    /// </summary>
    /// <example><code>Disconnect-RecordingGraph</code><para>At the end of a runbook.</para></example>
    [Cmdlet(VerbsCommunications.Disconnect, "RecordingGraph")]
    public sealed class DisconnectRecordingGraphCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            WriteVerbose(GraphSession.Disconnect() ? "Disconnected from Microsoft Graph." : "Not connected to Microsoft Graph.");
        }
    }

    /// <summary>
    /// <para type="synopsis">Makes an area's grants for a right match an Entra ID group's transitive membership (clause 3.1).</para>
    /// <para type="description">-Level names one of the levels of access in the area's approved recording request (clause 2.2; AccessLevelNotApproved otherwise); -Right defaults to the level's rights and may not go beyond them (RightNotInApprovedAccessLevel); both are checked before the directory is read. Reads every user of the group, through nested groups, then adds a grant for each enabled member without one and revokes the grants that came from this group whose holders left it or were disabled. Grants made by hand are never touched (they are reported as KeptManual) unless -IncludeManualGrants, which revokes those of non-members too. A synced grant whose rights or level differ from those asked is replaced. As with Grant-RecordingAccess, nobody nominates themselves: an Administrator who is a member of the group gets SelfNominationRefused for their own grant (another Administrator runs the sync). Returns one change object per principal; -WhatIf lists both additions and revocations and changes nothing. The directory is read before anything is written; each principal's change is its own transaction and audit event, so a failure affects that person alone. Administrators only. Needs GroupMember.Read.All.</para>
    /// </summary>
    /// <example><code>Sync-RecordingAccess -GroupId 5d1c… -ServiceArea 'Student Enquiries' -Level Adviser -Right Play -Reason 'Student Enquiries advisers group' -WhatIf</code><para>Shows who would gain and lose access.</para></example>
    /// <example><code>Sync-RecordingAccess -GroupId 5d1c… -ServiceArea 'Student Enquiries' -Level Supervisor -Reason 'Supervisors group' | Where-Object Action -ne Unchanged</code><para>The nightly runbook step: only the changes are shown.</para></example>
    [Cmdlet(VerbsData.Sync, "RecordingAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(AccessSyncChange))]
    public sealed class SyncRecordingAccessCommand : StoreCmdlet
    {
        /// <summary><para type="description">The Entra ID group's object id.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string GroupId { get; set; }

        /// <summary><para type="description">The area whose grants follow the group.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">The level of access members get: one of the staff groups in the area's approved recording request (e.g. Supervisor), as for Grant-RecordingAccess -Level.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("AccessLevel")]
        [ValidateNotNullOrEmpty]
        public string Level { get; set; }

        /// <summary><para type="description">The rights members get: Play, Download, Copy, Share, Delete; within the level (default: the level's rights).</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Rights")]
        [AllowEmptyCollection]
        [ListText]
        public AccessRight[] Right { get; set; }

        /// <summary><para type="description">Why members are nominated (kept on each grant and revocation).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Reason { get; set; }

        /// <summary><para type="description">Also revokes grants made by hand whose holders are not members of the group.</para></summary>
        [Parameter]
        public SwitchParameter IncludeManualGrants { get; set; }

        protected override void ProcessRecord()
        {
            var rights = Right ?? new AccessRight[0];
            System.Collections.Generic.IReadOnlyList<AccessSyncChange> plan = null;
            Try(GroupId, () =>
            {
                var sync = new GroupAccessSync(ActiveStore, GraphSession.Directory);
                WriteVerbose("Reading the transitive members of group " + GroupId + ".");
                plan = sync.Plan(GroupId, ServiceArea, Level, rights, IncludeManualGrants);
                WriteVerbose(plan.Count(c => c.Action == AccessSyncAction.Added) + " to add, " + plan.Count(c => c.Action == AccessSyncAction.Revoked) + " to revoke, " +
                             plan.Count(c => c.Action == AccessSyncAction.Replaced) + " to replace, " + plan.Count(c => c.Action == AccessSyncAction.KeptManual) + " made by hand and left alone.");
                foreach (var change in plan)
                {
                    if (change.Action == AccessSyncAction.Unchanged || change.Action == AccessSyncAction.KeptManual)
                    {
                        WriteObject(change);
                        continue;
                    }
                    var what = change.Action == AccessSyncAction.Added ? "Grant " + change.Rights + " at level '" + change.Level + "' on '" + change.ServiceArea + "' (member of group " + GroupId + ")"
                        : change.Action == AccessSyncAction.Revoked ? "Revoke grant " + change.GrantId + " on '" + change.ServiceArea + "' (" + change.Detail + ")"
                        : "Replace grant " + change.GrantId + " on '" + change.ServiceArea + "' with " + change.Rights + " at level '" + change.Level + "'";
                    if (!ShouldProcess(change.Principal, what))
                    {
                        WriteObject(change);
                        continue;
                    }
                    Try(change.Principal, () => WriteObject(sync.Apply(change, Level, rights, Reason)));
                }
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Links recordings to Teams call records and PSTN / direct-routing call logs, so Get-Recording names the call's parties.</para>
    /// <para type="description">Reads the directory's calls that started between -After and -Before and links each to recordings: by call id (the recording's CallId is the call record's id), else by the remote number and a start within two minutes. Participants appear in Get-Recording's Participants property. Graph keeps call records 30 days and answers PSTN logs for at most 90 days a query: the range is split to fit, and the part older than the retention is skipped; -Verbose says so. Running it again adds nothing twice. Administrators only. Needs CallRecords.Read.All.</para>
    /// </summary>
    /// <example><code>Import-GraphCallRecord -After (Get-Date).AddDays(-1) -Before (Get-Date) -Verbose</code><para>The nightly runbook step.</para></example>
    /// <example><code>Import-GraphCallRecord -After 2026-09-01 -Before 2026-11-28 -ServiceArea 'Student Enquiries'</code><para>Links one area's recordings over a quarter (PSTN logs in two queries).</para></example>
    [Cmdlet(VerbsData.Import, "GraphCallRecord", SupportsShouldProcess = true)]
    [OutputType(typeof(CallRecordLink))]
    public sealed class ImportGraphCallRecordCommand : StoreCmdlet
    {
        /// <summary><para type="description">Calls that started at or after this time.</para></summary>
        [Parameter(Mandatory = true)]
        public DateTimeOffset After { get; set; }

        /// <summary><para type="description">Calls that started before this time.</para></summary>
        [Parameter(Mandatory = true)]
        public DateTimeOffset Before { get; set; }

        /// <summary><para type="description">Links only this area's recordings.</para></summary>
        [Parameter]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        protected override void EndProcessing()
        {
            Try("GraphCallRecord", () =>
            {
                foreach (var w in DirectoryWindows.Plan(After, Before, ActiveStore.Clock.UtcNow))
                {
                    WriteVerbose(w.Source + " window " + Timestamp.ToText(w.After) + " to " + Timestamp.ToText(w.Before) + (string.IsNullOrEmpty(w.Note) ? "" : ": " + w.Note) + ".");
                }
                if (!ShouldProcess("recordings from " + Timestamp.ToText(After) + " to " + Timestamp.ToText(Before), "Link to directory call records")) return;
                foreach (var link in new CallRecordImport(ActiveStore, GraphSession.Directory).Import(After, Before, ServiceArea, WriteVerbose))
                {
                    WriteObject(link);
                }
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Finds leavers: holders of grants and roles whose directory accounts are disabled, deleted or gone, or who left the group their grant follows.</para>
    /// <para type="description">Nominated access must end when a person leaves, not at the next annual review (clause 3.1). -Directory resolves every principal holding an active grant or a role against Entra ID and returns one finding per grant and role; IsLeaver is true for accounts that are disabled, deleted (restorable), not found, or no longer in the group a synced grant follows. A grant keeps its holder's directory object id once resolved, so a renamed account is still found. Administrators and Auditors. Needs User.Read.All and GroupMember.Read.All.</para>
    /// </summary>
    /// <example><code>Test-RecordingAccess -Directory | Where-Object IsLeaver</code><para>Lists the leavers whose access must end.</para></example>
    /// <example><code>Test-RecordingAccess -Directory | Where-Object { $_.IsLeaver -and $_.HeldAs -eq 'Grant' } | ForEach-Object { Revoke-RecordingAccess -GrantId $_.Id -Reason "Leaver: $($_.Standing)" }</code><para>Ends leavers' grants at once.</para></example>
    [Cmdlet(VerbsDiagnostic.Test, "RecordingAccess")]
    [OutputType(typeof(DirectoryAccessFinding))]
    public sealed class TestRecordingAccessCommand : StoreCmdlet
    {
        /// <summary><para type="description">Checks holders against the directory (Microsoft Graph, after Connect-RecordingGraph).</para></summary>
        [Parameter(Mandatory = true)]
        public SwitchParameter Directory { get; set; }

        protected override void EndProcessing()
        {
            Try("Directory", () =>
            {
                foreach (var f in new DirectoryReview(ActiveStore, GraphSession.Directory).Check(WriteVerbose)) WriteObject(f);
            });
        }
    }
}
