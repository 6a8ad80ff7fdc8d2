using System;
using System.Linq;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Audit;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Reads the audit log: every change, who made it, when, and to what.</para>
    /// <para type="description">Streams audit events in order, filtered by time, principal, action or target (wildcards allowed for the text filters). Every change in the store writes exactly one event in the same transaction, and every refusal for want of a role writes an AccessDenied event. Administrators and Auditors may read the log.</para>
    /// </summary>
    /// <example><code>Get-AuditEvent -After (Get-Date).AddDays(-1)</code><para>What changed in the last day.</para></example>
    /// <example><code>Get-AuditEvent -Action AccessDenied | Export-Csv denied.csv -NoTypeInformation</code><para>Every refused action, for an auditor.</para></example>
    /// <example><code>Get-AuditEvent | Where-Object PrincipalDiffersFromOsAccount | Group-Object OsAccount, Principal</code><para>Which operating-system accounts acted under which other names (-Identity). Each event records the account that ran it inside its hashed content; the table view marks such events with * before the principal.</para></example>
    [Cmdlet(VerbsCommon.Get, "AuditEvent")]
    [OutputType(typeof(AuditEvent))]
    public sealed class GetAuditEventCommand : StoreCmdlet
    {
        /// <summary><para type="description">Only events after this moment.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? After { get; set; }

        /// <summary><para type="description">Only events before this moment.</para></summary>
        [Parameter] [DateText] public DateTimeOffset? Before { get; set; }

        /// <summary><para type="description">Only events by this principal; wildcards are allowed.</para></summary>
        [Parameter, SupportsWildcards] public string Principal { get; set; }

        /// <summary><para type="description">Only events of this action, e.g. NewServiceArea or AccessDenied; wildcards are allowed.</para></summary>
        [Parameter, SupportsWildcards] public string Action { get; set; }

        /// <summary><para type="description">Only events about this target (a name or id); wildcards are allowed.</para></summary>
        [Parameter, SupportsWildcards] public string Target { get; set; }

        /// <summary><para type="description">At most this many events.</para></summary>
        [Parameter, ValidateRange(1, int.MaxValue)] public int First { get; set; }

        protected override void EndProcessing() => Try(null, () =>
        {
            var query = new AuditQuery
            {
                After = After, Before = Before, Principal = Principal, Action = Action, Target = Target,
                First = MyInvocation.BoundParameters.ContainsKey(nameof(First)) ? First : (int?)null,
            };
            foreach (var e in ActiveStore.Audit.Get(query)) WriteObject(e);
        });
    }

    /// <summary>
    /// <para type="synopsis">Verifies the hash chain of the audit log and reports the first broken link.</para>
    /// <para type="description">Recomputes every event's SHA-256 over its canonical content and the previous event's hash. The report also counts the events whose acting principal is not the operating-system account that ran them (EventsWithOtherPrincipal) and the events written before the account was recorded (EventsWithoutOsAccount). An edited, deleted, inserted or reordered row breaks the chain; the report names the first event where it does not hold. With -Checkpoint (a file from Export-AuditCheckpoint) it also detects a truncated log or a rewritten tail, which a chain alone cannot show. Each run is recorded in the audit log (TestAuditChain, with whether the chain held and where it broke), which Get-ComplianceReport reports. Use -Quiet in a runbook.</para>
    /// </summary>
    /// <example><code>Test-AuditChain</code><para>Verifies the whole chain.</para></example>
    /// <example><code>Test-AuditChain -Checkpoint \\evidence\crs\checkpoint-2026-11.json -Quiet</code><para>Returns $true only if the chain holds and still contains the checkpointed head unchanged.</para></example>
    /// <example><code>(Test-AuditChain -State).StateFindings | Format-Table Kind, Table, RowKey, AuditSequence, Message</code><para>Also checks every row of every audited table against the row ledger, and lists each row changed, inserted or deleted outside the module with the audit event it contradicts.</para></example>
    [Cmdlet(VerbsDiagnostic.Test, "AuditChain")]
    [OutputType(typeof(AuditChainReport), typeof(bool))]
    public sealed class TestAuditChainCommand : StoreCmdlet
    {
        /// <summary><para type="description">A checkpoint file written by Export-AuditCheckpoint.</para></summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Checkpoint { get; set; }

        /// <summary><para type="description">Also verifies the state (the row ledger, issue 11): every row of every audited table matches the hash its last module transaction sealed, every row the ledger says exists exists and no other does, the ledger's blocks chain and each names its audit event, each access-log row names its own audit event, and the append-only triggers are in place. Reads every row once; differences are in StateFindings.</para></summary>
        [Parameter]
        public SwitchParameter State { get; set; }

        /// <summary><para type="description">Returns only $true or $false.</para></summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void EndProcessing() => Try(Checkpoint, () =>
        {
            var report = ActiveStore.Audit.Verify(Checkpoint == null ? null : ResolvePath(Checkpoint), State.IsPresent);
            foreach (var finding in report.StateFindings.Take(100)) WriteVerbose(finding.Message);
            if (!report.IsValid) WriteVerbose(report.Problem);
            WriteObject(Quiet ? (object)report.IsValid : report);
        });
    }

    /// <summary>
    /// <para type="synopsis">Writes the head of the audit chain (sequence and hash) to a file outside the database.</para>
    /// <para type="description">Records the export as an audit event, then writes that event's sequence number and hash, with the store id and the row ledger's head block and hash (the state digest: it covers every row hash the module sealed up to then), to a JSON file. Keep the file somewhere the database's administrators cannot change (a WORM share, an evidence system, a signed e-mail). Test-AuditChain -Checkpoint then proves that the log still contains that head unchanged and that the ledger still holds that block unchanged, so truncation and a rewritten tail, of the story or of the state, are detected.</para>
    /// </summary>
    /// <example><code>Export-AuditCheckpoint -Path \\evidence\crs\checkpoint-$(Get-Date -Format yyyy-MM-dd).json</code><para>A nightly runbook step.</para></example>
    /// <example><code>Export-AuditCheckpoint -MailTo dpo@uni.example -From crs-runbook@uni.example</code><para>Mails the checkpoint (store, sequence, head hash, time) to the DPO, a witness outside the store's administrators (after Connect-RecordingGraph; needs Mail.Send).</para></example>
    [Cmdlet(VerbsData.Export, "AuditCheckpoint", SupportsShouldProcess = true, DefaultParameterSetName = "File")]
    [OutputType(typeof(AuditCheckpoint), typeof(Engine.Directories.MailedCheckpoint))]
    public sealed class ExportAuditCheckpointCommand : StoreCmdlet
    {
        /// <summary><para type="description">The file to write; an existing file is replaced.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "File")]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary><para type="description">Mails the checkpoint to this address instead (through Microsoft Graph): a mailbox outside the store's administrators, such as the DPO's.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Mail")]
        [ValidateNotNullOrEmpty]
        public string MailTo { get; set; }

        /// <summary><para type="description">The mailbox the checkpoint is sent as.</para></summary>
        [Parameter(Mandatory = true, ParameterSetName = "Mail")]
        [ValidateNotNullOrEmpty]
        public string From { get; set; }

        protected override void EndProcessing()
        {
            if (ParameterSetName == "Mail")
            {
                if (!ShouldProcess(MailTo, "Mail audit checkpoint from " + From)) return;
                Try(MailTo, () =>
                {
                    var sent = new Engine.Directories.CheckpointWitness(ActiveStore).Mail(MailTo, From, GraphSession.Mailer);
                    if (sent.MailState != Engine.Directories.OutboxState.Sent)
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException("The checkpoint was recorded, but the mail to " + MailTo + " was refused: " + sent.MailResult),
                            "CheckpointMailRefused", ErrorCategory.ConnectionError, MailTo));
                    }
                    WriteObject(sent);
                });
                return;
            }
            var path = ResolvePath(Path);
            if (!ShouldProcess(path, "Write audit checkpoint")) return;
            Try(path, () => WriteObject(ActiveStore.Audit.ExportCheckpoint(path)));
        }
    }
}
