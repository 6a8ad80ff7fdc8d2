<#
.SYNOPSIS
    Benchmark: Get-ComplianceReport over 1,000,000 recordings and 1,000,000 access-log rows, beside
    Test-RecordingStore of the same store; and the size of the HTML report.
.DESCRIPTION
    Targets (issue 12): Get-ComplianceReport answers in under 5 s; the HTML stays under 2 MB whatever the
    store's size. Test-RecordingStore (the store check whose recorded outcome the report reads; run first, as the nightly runbook does) is the baseline.
    The store: two authorised areas, 1,000,000 recordings made by SQL from one real imported recording, each with
    a real copy of its encrypted file (so Test-RecordingStore checks real files), 1% of them past retention;
    1,000,000 access-log rows over the last 12 months across the five purposes (0.1% without one); 300 grants;
    600 roster entries with their notices; a fresh audit checkpoint. The audit chain is not extended for the
    bulk rows.
    Run: dotnet pwsh ./build.ps1 Build; dotnet pwsh tests/Bench/ComplianceReport.Bench.ps1 -ModulePath out/CallRecordingAdmin
.PARAMETER Keep
    Keeps the benchmark store and prints where it is.
.PARAMETER Scale
    Multiplies the row counts (1 = the targets' sizes).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(0.001, 1)] [double] $Scale = 1,
    [ValidateRange(1, 21)] [int] $Runs = 5,
    # Test-RecordingStore takes minutes at full scale: how many times to time it.
    [ValidateRange(1, 21)] [int] $StoreCheckRuns = 1,
    # Keeps the store for a closer look (its path is printed).
    [switch] $Keep,
    # Measures a store kept by an earlier run (-Keep) instead of building one.
    [string] $StorePath
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$env:CALLRECORDINGADMIN_TEST_MODULE = $ModulePath
. (Join-Path $PSScriptRoot '../Module.Tests/BuiltModule.ps1')
$work = Join-Path ([IO.Path]::GetTempPath()) ('crs-bench-compliance-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null
$TestDrive = $work
function Measure-Ms([scriptblock] $Block) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Stop(); $sw.Elapsed.TotalMilliseconds }
# The CPU time (user + system) this process spent on $Block: on a shared machine the wall time says how busy the others were;
# the CPU time of a single-threaded query is close to what a quiet machine's wall time would be.
function Measure-CpuMs([scriptblock] $Block) { $p = [Diagnostics.Process]::GetCurrentProcess(); $p.Refresh(); $c0 = $p.TotalProcessorTime; & $Block | Out-Null; $p.Refresh(); ($p.TotalProcessorTime - $c0).TotalMilliseconds }
function Format-Runs([double[]] $Values) { '{0:N0} ms (min {1:N0}, max {2:N0})' -f (Get-Median $Values), ($Values | Measure-Object -Minimum).Minimum, ($Values | Measure-Object -Maximum).Maximum }
function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; if ($s.Count % 2) { $s[[int][math]::Floor($s.Count / 2)] } else { ($s[$s.Count / 2 - 1] + $s[$s.Count / 2]) / 2 } }

$recordings = [int](1000000 * $Scale); $accessRows = [int](1000000 * $Scale)
if ($StorePath) {
    $store = Connect-RecordingStore -Path $StorePath -Identity 'admin@uni.test' -PassThru
    $recordings = Invoke-StoreSql $store "SELECT count(*) FROM recording" -Scalar; $accessRows = Invoke-StoreSql $store "SELECT count(*) FROM access_log" -Scalar
    Write-Host "Compliance report: $recordings recordings, $accessRows access-log rows (kept store $StorePath)"
} else {
Write-Host "Compliance report: $recordings recordings, $accessRows access-log rows (building the store...)"
$store = New-RecordingStore -Path (Join-Path $work 'store') -Identity 'admin@uni.test' -SharedOsAccount
Write-Host "Store at $($store.Path)"
Connect-RecordingStore -Path $store.Path -Identity 'admin@uni.test'
New-AuthorisedArea $store -Name 'IT Service Desk' -RetentionDays 90 -Extension 4521 | Out-Null
New-AuthorisedArea $store -Name 'Student Enquiries' -RetentionDays 90 -Extension 4100 | Out-Null
Get-ServiceArea | Set-ServiceArea -CustomerNotice 'Calls are recorded to protect our staff.' -AutomatedNotice
Get-RecordedExtension | Set-RecordedExtension -Labelled
Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
New-TestWav (Join-Path $work 'seed.wav') 0.1
$seed = Import-Recording -Path (Join-Path $work 'seed.wav') -CallId 'seed' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -RemoteNumber '07700 900000'
$areaB = Invoke-StoreSql $store "SELECT id FROM service_area WHERE name = 'Student Enquiries'" -Scalar
$expired = [int]($recordings / 100)
$sw = [Diagnostics.Stopwatch]::StartNew()
Invoke-StoreSql $store @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $recordings)
INSERT INTO recording(id, call_id, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw, agent, format,
                      size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by)
SELECT 'rec-bk' || printf('%018d', i), 'bulk-' || i,
       CASE WHEN i % 2 = 0 THEN service_area_id ELSE '$areaB' END, request_id, CASE WHEN i % 2 = 0 THEN '4521' ELSE '4100' END,
       strftime('%Y-%m-%dT%H:%M:%S.0000000Z', 'now', '-' || CASE WHEN i <= $expired THEN 100 ELSE (i % 85) END || ' days', '-' || (i % 86400) || ' seconds'),
       duration_seconds, direction, '+447700' || printf('%06d', i % 1000000), remote_number_raw, 'agent' || (i % 50), format, size_bytes, stored_bytes, sha256,
       'bk/rec-bk' || printf('%018d', i) || '.crec', 'Active',
       strftime('%Y-%m-%dT%H:%M:%S.0000000Z', 'now', '-' || CASE WHEN i <= $expired THEN 100 ELSE (i % 85) END || ' days', '-' || (i % 86400) || ' seconds', '+90 days'),
       imported_at, imported_by
FROM recording, n WHERE recording.id = '$($seed.RecordingId)'
"@
$from = (Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -Filter "$($seed.RecordingId).crec").FullName
$folder = Join-Path $store.Path 'recordings/bk'
New-Item -ItemType Directory $folder -Force | Out-Null
if ($IsWindows) {
    for ($i = 1; $i -le $recordings; $i++) { [IO.File]::Copy($from, (Join-Path $folder ('rec-bk{0:D18}.crec' -f $i))) }
} else {
    # Hard links to a few real copies (ext4 allows 65,000 links per file): a million full copies take over half an hour here.
    Add-Type -Namespace CrsBench -Name Native -MemberDefinition '[System.Runtime.InteropServices.DllImport("libc", SetLastError = true)] public static extern int link(string from, string to);'
    $copy = $null
    for ($i = 1; $i -le $recordings; $i++) {
        if (($i - 1) % 50000 -eq 0) { $copy = Join-Path $work ('copy-{0}.crec' -f $i); [IO.File]::Copy($from, $copy) }
        if ([CrsBench.Native]::link($copy, (Join-Path $folder ('rec-bk{0:D18}.crec' -f $i))) -ne 0) { throw "link failed: $([Runtime.InteropServices.Marshal]::GetLastWin32Error())" }
    }
}
Invoke-StoreSql $store @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $accessRows)
INSERT INTO access_log(occurred_at, principal, action, outcome, recording_id, service_area, purpose, reason, detail, audit_seq, audit_hash)
SELECT strftime('%Y-%m-%dT%H:%M:%S.0000000Z', 'now', '-' || (i % 360) || ' days', '-' || (i % 86400) || ' seconds'), 'user' || (i % 300) || '@uni.test',
       CASE i % 5 WHEN 0 THEN 'Download' ELSE 'Play' END, CASE WHEN i % 97 = 0 THEN 'Refused' ELSE 'Allowed' END,
       'rec-bk' || printf('%018d', 1 + i % $recordings), CASE WHEN i % 2 = 0 THEN 'IT Service Desk' ELSE 'Student Enquiries' END,
       CASE WHEN i % 1000 = 0 THEN NULL ELSE CASE i % 5 WHEN 0 THEN 'QualityMonitoring' WHEN 1 THEN 'Training' WHEN 2 THEN 'CustomerAgreement' WHEN 3 THEN 'DisputeOrComplaint' ELSE 'StaffProtection' END END,
       'Case ' || (i % 4000), NULL, i, lower(hex(randomblob(32)))
FROM n
"@
foreach ($g in 1..300) {
    $area = ('IT Service Desk', 'Student Enquiries')[$g % 2]
    Grant-RecordingAccess -Principal "user$g@uni.test" -ServiceArea $area -Level Adviser -Right Play -Reason 'Nominated' -ReviewBy ([datetime]::UtcNow.AddDays(5 + $g)) | Out-Null
}
1..600 | ForEach-Object { [pscustomobject]@{ ServiceArea = ('IT Service Desk', 'Student Enquiries')[$_ % 2]; Principal = "user$_@uni.test" } } | Add-ServiceAreaMember | Out-Null
1..600 | Where-Object { $_ % 10 } | ForEach-Object { [pscustomobject]@{ ServiceArea = ('IT Service Desk', 'Student Enquiries')[$_ % 2]; Principal = "user$_@uni.test"; Kind = 'Induction'; Date = [datetime]::UtcNow.AddDays(-$_) } } | Register-StaffNotification | Out-Null
Export-AuditCheckpoint -Path (Join-Path $work 'checkpoint.json') | Out-Null
Invoke-StoreSql $store 'PRAGMA wal_checkpoint(TRUNCATE)'
Write-Host ("Store built in {0:N0} s; database {1:N0} MB." -f $sw.Elapsed.TotalSeconds, ((Get-Item $store.DatabasePath).Length / 1MB))
}

Connect-RecordingStore -Path $store.Path -Identity 'auditor@uni.test'
# The store check first, as the nightly runbook does: it records its outcome, which the report then reads.
$test = @(foreach ($i in 1..$StoreCheckRuns) { Measure-Ms { Test-RecordingStore } })
$findings = Get-ComplianceReport   # warm-up, and what it finds
$report = @(); $reportCpu = @()
foreach ($i in 1..$Runs) { $script:cpu = 0; $report += Measure-Ms { $script:cpu = Measure-CpuMs { Get-ComplianceReport } }; $reportCpu += $script:cpu }
$html = Join-Path $work 'compliance.html'
$export = Measure-Ms { Export-ComplianceReport -Path $html -Force }
$size = (Get-Item $html).Length
$reportMs = Get-Median $report; $testMs = Get-Median $test
Write-Host ("Get-ComplianceReport runs (ms): wall {0}; CPU {1}; Test-RecordingStore runs (ms): {2}" -f (($report | ForEach-Object { '{0:N0}' -f $_ }) -join ', '), (($reportCpu | ForEach-Object { '{0:N0}' -f $_ }) -join ', '), ($test -join ', '))
$results = @(
    [pscustomobject]@{ Benchmark = "Get-ComplianceReport, $recordings recordings + $accessRows access rows"; Measured = 'wall {0}, CPU {1}, {2} runs' -f (Format-Runs $report), (Format-Runs $reportCpu), $Runs
        Baseline = 'Test-RecordingStore of the same store {0:N0} ms (median of {1}); the report reads its recorded outcome' -f $testMs, $StoreCheckRuns; Target = '< 5 s'; Met = $reportMs -lt 5000 }
    [pscustomobject]@{ Benchmark = 'Export-ComplianceReport (HTML)'; Measured = '{0:N0} KB in {1:N0} ms' -f ($size / 1KB), $export
        Baseline = "$(@($findings).Count) findings: $((@($findings) | Group-Object Rule | ForEach-Object { "$($_.Name) $($_.Count)" }) -join ', ')"; Target = '< 2 MB'; Met = $size -lt 2MB }
)
$results | Format-Table -AutoSize -Wrap | Out-String -Width 220 | Write-Host
Write-Host ("Load average during the run: {0}" -f ((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ')[0..2] -join ' ')
if ($Keep -or $StorePath) { Write-Host "Store kept at $($store.Path)" } else { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
