<#
.SYNOPSIS
    Nightly runbook: checks the store (Test-RecordingStore), verifies the audit chain against the previous night's
    checkpoint, exports a new checkpoint, and writes tonight's compliance report (HTML for people, CSV for scripts)
    beside that checkpoint, in one dated folder.
.DESCRIPTION
    Run it unattended (Task Scheduler, cron, Azure Automation) as an account that holds the Auditor or
    Administrator role. Each night it creates <ReportRoot>\yyyy-MM-dd\ holding:
      checkpoint.json   the head of the audit chain (Export-AuditCheckpoint): keep ReportRoot where the store's
                        administrators cannot change it, so that a truncated or rewritten log is detected later
      compliance.html   the self-contained report for the Director of IT Services
      findings.csv      every finding, flat (the injection-safe CSV writer)
      storecheck.csv    tonight's Test-RecordingStore problems (every check that was not Ok)
    The store check reads every page of the database and every recording's file (minutes over a million
    recordings); it records its outcome in the audit log, and the report reports that run, so the report itself
    stays fast and the Director's copy always rests on tonight's check.
    It checks the chain against the previous night's checkpoint first, so tampering since then is caught even if
    the chain itself was recomputed. Exit code: 0 when there is no high-severity finding and the chain holds,
    1 when there is a high-severity finding, 2 when the audit chain does not verify, 3 when the runbook failed.
.PARAMETER StorePath
    The recording store (default: $env:CALLRECORDINGADMIN_STORE).
.PARAMETER ReportRoot
    Where the dated folders go; never inside the store folder.
.PARAMETER Identity
    The principal the runbook acts as (default: the operating-system account).
.PARAMETER KeepDays
    Dated folders older than this are removed (default 400: more than a year of evidence).
.EXAMPLE
    pwsh -NoProfile -File Nightly-ComplianceReport.ps1 -StorePath D:\CRS\Store -ReportRoot \\evidence\crs\compliance
#>
[CmdletBinding()]
param(
    [string] $StorePath = $env:CALLRECORDINGADMIN_STORE,
    [Parameter(Mandatory)] [string] $ReportRoot,
    [string] $Identity,
    [ValidateRange(8, 3650)] [int] $KeepDays = 400,
    [string] $ModulePath = (Split-Path $PSScriptRoot -Parent)
)
$ErrorActionPreference = 'Stop'
try {
    Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1')
    $connect = @{ Path = $StorePath }
    if ($Identity) { $connect.Identity = $Identity }
    Connect-RecordingStore @connect

    $today = [datetime]::UtcNow.ToString('yyyy-MM-dd')
    $folder = Join-Path $ReportRoot $today
    New-Item -ItemType Directory -Path $folder -Force | Out-Null

    # 1. The store check, recorded in the audit log for the report (and its problems kept here).
    $problems = @(Test-RecordingStore | Where-Object Severity -ne 'Ok')
    $problems | Select-Object Check, Severity, Target, Message | Export-Csv (Join-Path $folder 'storecheck.csv') -NoTypeInformation -Encoding utf8BOM

    # 2. The chain against the last checkpoint kept here (recorded too: the newest word on the chain), then a new checkpoint.
    $previous = Get-ChildItem $ReportRoot -Directory | Where-Object Name -lt $today | Sort-Object Name |
        ForEach-Object { Join-Path $_.FullName 'checkpoint.json' } | Where-Object { Test-Path $_ } | Select-Object -Last 1
    $chain = if ($previous) { Test-AuditChain -Checkpoint $previous } else { Test-AuditChain }
    if (-not $chain.IsValid) {
        Write-Error -Message "The audit chain does not verify$(if ($previous) { " against $previous" }): $($chain.Problem)" -ErrorId 'AuditChainBroken' -Category InvalidData -ErrorAction Continue
    }
    $checkpoint = Export-AuditCheckpoint -Path (Join-Path $folder 'checkpoint.json')

    # 3. The report, HTML and CSV, beside the checkpoint: it includes tonight's store check.
    $html = Export-ComplianceReport -Path (Join-Path $folder 'compliance.html') -Force
    $csv = Export-ComplianceReport -Path (Join-Path $folder 'findings.csv') -Format Csv -Force
    Write-Output ([pscustomobject]@{
        Date = $today; Findings = $html.Findings; High = $html.High; ChainValid = $chain.IsValid; StoreCheckProblems = $problems.Count
        Checkpoint = $checkpoint.Sequence; Html = $html.Path; Csv = $csv.Path
    })

    # 4. Old evidence out, by folder date.
    $cutoff = [datetime]::UtcNow.AddDays(-$KeepDays).ToString('yyyy-MM-dd')
    Get-ChildItem $ReportRoot -Directory | Where-Object { $_.Name -match '^\d{4}-\d{2}-\d{2}$' -and $_.Name -lt $cutoff } | Remove-Item -Recurse -Force

    if (-not $chain.IsValid) { exit 2 }
    if ($html.High -gt 0) { exit 1 }
    exit 0
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit 3
}
