using System;
using System.Linq;
using System.Management.Automation;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a recording store: the policy database, the recordings folder and the master key.</para>
    /// <para type="description">Creates the SQLite policy database (WAL journal, foreign keys, schema migrated in one transaction), the folder that will hold encrypted recordings, and a 256-bit master key in a file only its owner can read. The creating principal becomes the store's first Administrator. The folder must be empty or not exist; if it already is a store, that store is opened and returned (so a runbook can run this safely more than once). A folder (or -KeyPath) inside another store's folder, connected or not, is refused with DestinationInsideStore: one store never holds another. The new store is not connected: pipe it to Connect-RecordingStore, or pass it with -Store.</para>
    /// </summary>
    /// <example><code>New-RecordingStore -Path D:\CallRecording\Store | Connect-RecordingStore</code><para>Creates a store and connects this session to it as the operating-system user.</para></example>
    /// <example><code>New-RecordingStore -Path /srv/crs -KeyPath /etc/crs/master.key -Identity 'UNI\svc-crs'</code><para>Keeps the master key away from the data, with the service account as first Administrator.</para></example>
    [Cmdlet(VerbsCommon.New, "RecordingStore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RecordingStore))]
    public sealed class NewRecordingStoreCommand : PSCmdlet
    {
        /// <summary><para type="description">The folder for the store. It must be empty or not exist yet.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary><para type="description">Where to write the master key file; by default master.key inside the store folder. Keep it on a different volume or vault-backed path to separate key and data.</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string KeyPath { get; set; }

        /// <summary><para type="description">The first Administrator; by default the operating-system user (DOMAIN\user or user@host).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Identity { get; set; }

        /// <summary><para type="description">For demonstration, training and test stores only: lets one operating-system account act under several principals for separation of duties (requester and approver, two-person hold release, reviews), which then compares principals alone. Without it, a person is known by principal AND operating-system account, and the same account cannot request and approve under two names. Fixed at creation, recorded in the store's first audit event and reported by Test-RecordingStore.</para></summary>
        [Parameter]
        public SwitchParameter SharedOsAccount { get; set; }

        protected override void ProcessRecord()
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            var identity = Identity ?? Principal.FromOperatingSystem();
            if (!ShouldProcess(path, "Create recording store with '" + identity + "' as Administrator"))
            {
                return;
            }
            try
            {
                var existed = RecordingStore.IsStore(path);
                var store = RecordingStore.Create(path, identity, KeyPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyPath), null, SharedOsAccount);
                if (existed)
                {
                    WriteWarning("'" + path + "' already is a recording store; it was opened, not created.");
                }
                WriteVerbose("Store " + store.StoreId + " at " + store.Path + "; master key at " + store.KeyPath + ".");
                WriteObject(store);
            }
            catch (PolicyException e)
            {
                WriteError(StoreCmdlet.ToErrorRecord(e, path));
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Connects this session to a recording store, as a given principal.</para>
    /// <para type="description">Opens the store (applying any pending schema migration in one transaction) and makes it the default for every CallRecordingAdmin cmdlet in this session. The acting principal, to whom every change and audit event is attributed, is -Identity, else the operating-system user. With no path, $env:CALLRECORDINGADMIN_STORE is used, else the per-user local application-data folder. A store written by a newer module version is refused (StoreSchemaTooNew).</para>
    /// </summary>
    /// <example><code>Connect-RecordingStore D:\CallRecording\Store</code><para>Connects as the operating-system user.</para></example>
    /// <example><code>$store = Connect-RecordingStore -Path /srv/crs -Identity 'nsm@uni.ac.uk' -PassThru</code><para>Connects as the Network Services Manager and keeps the store object for -Store.</para></example>
    [Cmdlet(VerbsCommunications.Connect, "RecordingStore")]
    [OutputType(typeof(RecordingStore))]
    public sealed class ConnectRecordingStoreCommand : PSCmdlet
    {
        /// <summary><para type="description">The store folder. Default: $env:CALLRECORDINGADMIN_STORE, else the per-user local application-data folder.</para></summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary><para type="description">The acting principal; by default the operating-system user (DOMAIN\user or user@host).</para></summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Identity { get; set; }

        /// <summary><para type="description">Returns the connected store object.</para></summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var path = Path == null ? RecordingStore.DefaultPath() : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                var store = RecordingStore.Open(path, Identity ?? Principal.FromOperatingSystem());
                SessionStore.Current = store;
                WriteVerbose("Connected to " + store.Path + " (store " + store.StoreId + ") as " + store.Identity + ".");
                if (!store.Roles.OfIdentity().Any())
                {
                    WriteWarning("'" + store.Identity + "' holds no role in this store; most changes will be refused (AccessDenied).");
                }
                if (PassThru)
                {
                    WriteObject(store);
                }
            }
            catch (PolicyException e)
            {
                ThrowTerminatingError(StoreCmdlet.ToErrorRecord(e, path));
            }
        }
    }

    /// <summary>
    /// <para type="synopsis">Disconnects this session from its recording store.</para>
    /// <para type="description">Forgets the session's default store and closes every SQLite connection this process still holds. Nothing in the store changes. (No connection is kept between cmdlets in any case: each command opens and closes its own.)</para>
    /// </summary>
    /// <example><code>Disconnect-RecordingStore</code><para>After this, cmdlets need -Store or a new Connect-RecordingStore.</para></example>
    [Cmdlet(VerbsCommunications.Disconnect, "RecordingStore")]
    [OutputType(typeof(void))]
    public sealed class DisconnectRecordingStoreCommand : PSCmdlet
    {
        protected override void EndProcessing()
        {
            var current = SessionStore.Current;
            SessionStore.Current = null;
            RecordingStore.CloseConnections();
            WriteVerbose(current == null ? "No store was connected." : "Disconnected from " + current.Path + ".");
        }
    }

    /// <summary>
    /// <para type="synopsis">Shows the connected store: path, schema version, counts and the acting identity with its roles.</para>
    /// <para type="description">Returns one summary of the store: where it is, which schema version it has, who is acting and with which roles, and how many areas, extensions, roles, requests and audit events it holds.</para>
    /// </summary>
    /// <example><code>Get-RecordingStore</code><para>Shows the connected store.</para></example>
    [Cmdlet(VerbsCommon.Get, "RecordingStore")]
    [OutputType(typeof(StoreSummary))]
    public sealed class GetRecordingStoreCommand : StoreCmdlet
    {
        protected override void EndProcessing() => Try(null, () => WriteObject(ActiveStore.Summary()));
    }

    /// <summary>
    /// <para type="synopsis">Checks a store and reports what it finds; it never repairs or deletes.</para>
    /// <para type="description">Runs SQLite's integrity check and foreign-key check, verifies the whole audit chain, checks that the master key is present, belongs to this store and is readable by its owner only, that every active recording has its file, that no file is without its recording, and lists deletions a killed run left pending. The key checked is the one cmdlets use: $env:CALLRECORDINGADMIN_KEY_PATH when set, else the store's. -Deep also decrypts every recording to verify its tags and hash; it needs the Administrator or Auditor role and is an audit event. -Path verifies a backup folder written by Backup-RecordingStore instead (manifest hashes, every file's SHA-256, SQLite's integrity check of the copy, its audit chain up to the head the manifest recorded, the key fingerprint); it reads only and needs no connected store. Returns one finding per check with a severity of Ok, Warning or Error. Use -Quiet in a runbook to get $true only when nothing is wrong. Each finished run by a principal with a role is recorded in the audit log (TestRecordingStore: the counts of findings by check and severity, and the problems themselves up to 100); Get-ComplianceReport reports the last recorded run.</para>
    /// </summary>
    /// <example><code>Test-RecordingStore | Where-Object Severity -ne Ok</code><para>Lists only the problems.</para></example>
    /// <example><code>if (-not (Test-RecordingStore -Quiet)) { throw 'store check failed' }</code><para>Fails a runbook when any check is not Ok.</para></example>
    /// <example><code>Test-RecordingStore -Deep | Where-Object Check -eq RecordingIntegrity</code><para>Verifies every recording's content against its tags and hash.</para></example>
    /// <example><code>Test-RecordingStore -Path \\backup\crs\2026-11-28 -Quiet</code><para>Verifies a backup before relying on it.</para></example>
    [Cmdlet(VerbsDiagnostic.Test, "RecordingStore", DefaultParameterSetName = "Store")]
    [OutputType(typeof(StoreFinding), typeof(bool))]
    public sealed class TestRecordingStoreCommand : StoreCmdlet
    {
        /// <summary><para type="description">Returns only $true (every check Ok) or $false.</para></summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <summary><para type="description">Also decrypts every recording to verify its authentication tags and SHA-256 (reads every file). Administrators and Auditors only; audited.</para></summary>
        [Parameter(ParameterSetName = "Store")]
        public SwitchParameter Deep { get; set; }

        /// <summary><para type="description">A backup folder written by Backup-RecordingStore, to verify instead of the connected store.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Backup")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != "Backup") return;
            var folder = ResolvePath(Path);
            Try(folder, () =>
            {
                var ok = true;
                foreach (var finding in StoreBackup.Test(folder))
                {
                    ok &= finding.Severity == FindingSeverity.Ok;
                    WriteVerbose(finding.Check + ": " + finding.Severity + " - " + finding.Message);
                    if (!Quiet) WriteObject(finding);
                }
                if (Quiet) WriteObject(ok);
            });
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == "Backup") return;
            TestStore();
        }

        private void TestStore() => Try(ActiveStore.Path, () =>
        {
            var ok = true;
            var progress = new ProgressRecord(4, "Verifying recordings", "Decrypting");
            foreach (var finding in ActiveStore.Test(Deep, (done, total) =>
                     {
                         progress.StatusDescription = done + " of " + total;
                         progress.PercentComplete = total == 0 ? 100 : (int)Math.Min(100, 100 * done / total);
                         WriteProgress(progress);
                     }))
            {
                ok &= finding.Severity == FindingSeverity.Ok;
                WriteVerbose(finding.Check + ": " + finding.Severity + " - " + finding.Message);
                if (!Quiet) WriteObject(finding);
            }
            if (Deep)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
            if (Quiet) WriteObject(ok);
        });
    }
}
