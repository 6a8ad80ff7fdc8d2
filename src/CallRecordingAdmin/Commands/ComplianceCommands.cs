using System;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Compliance;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Finds where the store falls short of the Call Recording Policy: one finding per problem, nothing when compliant.</para>
    /// <para type="description">Checks every clause with the same rules the module enforces: areas recording or holding extensions without an approved request, authorisations ending within 30 days, approved sensitive requests missing a consultation (2.1, 2.2); staff overdue for a notice, frequent callers never informed, unlabelled extensions, constant extensions without a non-recorded alternative (2.3); no customer notice, a notice that does not state an authorised purpose, a manual notice without recorded measures (2.4); recordings past retention, holds with no retention date, pending deletions (2.5); grants past review, grants to people not on the area's roster, access without a purpose (3.1); investigations pending over 30 days (3.2); subject access requests overdue or due within 7 days (4.0); and the store's own integrity: the findings of the most recent recorded store check (Test-RecordingStore, which records each run; the audit chain included, or a later Test-AuditChain), a store check in the last 7 days and after the newest change to the recordings, a checkpoint in the last 7 days, events whose acting principal differs from the operating-system account, failed deletions, holds past their retain-until date. Each finding has Clause, Severity (High, Medium, Low), ServiceArea, Subject, Finding, Remedy (usually the cmdlet line that fixes it) and Rule, a stable name. -ServiceArea limits the report to those areas and leaves out store-wide findings; -AsOf evaluates the rules at another moment against the store as it is now (a forecast). The store check reads every page of the database and every recording's file (minutes over a million recordings), so the report reads its last recorded run instead: run Test-RecordingStore before the report (the nightly runbook does), or add -IncludeStoreCheck to run it now. Administrators, Auditors and the DPO may run it.</para>
    /// </summary>
    /// <example><code>Get-ComplianceReport | Format-Table Clause, Severity, ServiceArea, Subject, Finding -Wrap</code><para>Every finding; none means compliant.</para></example>
    /// <example><code>Get-ComplianceReport -ServiceArea 'Student Enquiries' -AsOf (Get-Date).AddDays(30)</code><para>What will be due in one area a month from now.</para></example>
    /// <example><code>if (Get-ComplianceReport | Where-Object Severity -eq High) { Send-MailMessage ... }</code><para>A runbook that alerts on high-severity findings.</para></example>
    /// <example><code>Get-ComplianceReport -IncludeStoreCheck | Where-Object Rule -like 'StoreCheck*'</code><para>Runs Test-RecordingStore now (and records it) instead of reading its last recorded run.</para></example>
    [Cmdlet(VerbsCommon.Get, "ComplianceReport")]
    [OutputType(typeof(ComplianceFinding))]
    public sealed class GetComplianceReportCommand : StoreCmdlet
    {
        /// <summary><para type="description">Only these service areas (wildcards allowed); store-wide findings are left out.</para></summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string[] ServiceArea { get; set; }

        /// <summary><para type="description">The moment at which the rules are evaluated; now when omitted.</para></summary>
        [Parameter]
        [DateText]
        public DateTimeOffset? AsOf { get; set; }

        /// <summary><para type="description">Runs the store check (Test-RecordingStore, the audit chain included) now and reports its findings, instead of those of its last recorded run. Over a million recordings this takes minutes.</para></summary>
        [Parameter]
        public SwitchParameter IncludeStoreCheck { get; set; }

        protected override void EndProcessing() => Try(ServiceArea, () =>
        {
            var progress = new ProgressRecord(12, "Compliance report", "Starting");
            var findings = ActiveStore.Compliance.Run(ServiceArea, AsOf, step =>
            {
                progress.StatusDescription = step;
                WriteProgress(progress);
                WriteVerbose("Checking: " + step);
            }, IncludeStoreCheck);
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
            WriteVerbose(findings.Count + " finding(s).");
            foreach (var f in findings) WriteObject(f);
        });
    }

    /// <summary>
    /// <para type="synopsis">Writes the compliance report as a self-contained HTML page for management, or the findings as CSV.</para>
    /// <para type="description">The HTML page needs nothing else (no scripts, fonts or images from anywhere): a summary by clause with counts by severity, small charts drawn as inline SVG (recordings by expiry month per area, access events by purpose over the last 12 months, grants by review due date), and the findings table with each remedy. Charts aggregate and the table shows at most 500 findings (the page says how many there are), so the page stays small whatever the store's size. -Format Csv writes every finding flat through the module's injection-safe CSV writer (UTF-8 with BOM, RFC 4180; a cell beginning with = + - @ gets a leading '). The file is written under a temporary name and renamed when complete; a path inside the store folder is refused (PathInsideStore). Returns the file written with its counts.</para>
    /// </summary>
    /// <example><code>Export-ComplianceReport -Path \\reports\crs\compliance-$(Get-Date -Format yyyy-MM-dd).html</code><para>Tonight's report for the Director of IT Services.</para></example>
    /// <example><code>Export-ComplianceReport -Path .\findings.csv -Format Csv -ServiceArea 'Student Enquiries'</code><para>One area's findings for a spreadsheet.</para></example>
    [Cmdlet(VerbsData.Export, "ComplianceReport", SupportsShouldProcess = true)]
    [OutputType(typeof(ComplianceExport))]
    public sealed class ExportComplianceReportCommand : StoreCmdlet
    {
        /// <summary><para type="description">The file to write (.html, or .csv with -Format Csv).</para></summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Path { get; set; }

        /// <summary><para type="description">Html (the default) or Csv.</para></summary>
        [Parameter]
        public ComplianceExportFormat Format { get => _format == null ? ComplianceExportFormat.Html : (ComplianceExportFormat)_format; set => _format = value; }
        private object _format; // see StoreCmdlet: no engine value types in cmdlet fields

        /// <summary><para type="description">Only these service areas (wildcards allowed); store-wide findings are left out.</para></summary>
        [Parameter]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string[] ServiceArea { get; set; }

        /// <summary><para type="description">The moment at which the rules are evaluated; now when omitted.</para></summary>
        [Parameter]
        [DateText]
        public DateTimeOffset? AsOf { get; set; }

        /// <summary><para type="description">Replace an existing file (without it, FileExists).</para></summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary><para type="description">Runs the store check (Test-RecordingStore) now instead of reporting its last recorded run; see Get-ComplianceReport.</para></summary>
        [Parameter]
        public SwitchParameter IncludeStoreCheck { get; set; }

        protected override void EndProcessing()
        {
            var path = ResolvePath(Path);
            if (!ShouldProcess(path, "Write the compliance report (" + Format + ")")) return;
            Try(path, () =>
            {
                var progress = new ProgressRecord(13, "Compliance report", "Starting");
                var written = ActiveStore.Compliance.Export(path, Format, ServiceArea, AsOf, Force, step =>
                {
                    progress.StatusDescription = step;
                    WriteProgress(progress);
                    WriteVerbose("Checking: " + step);
                }, IncludeStoreCheck);
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
                WriteVerbose(written.Findings + " finding(s) written to " + written.Path + " (" + written.SizeBytes + " bytes).");
                WriteObject(written);
            });
        }
    }
}
