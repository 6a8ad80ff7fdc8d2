<#
.SYNOPSIS
    Benchmarks of CallRecordingAdmin, each beside its baseline measured in the same run.
.DESCRIPTION
    ImportModule  median wall time of 'pwsh -NoProfile -c "Import-Module <built>"' against a bare
                  'pwsh -NoProfile -c ""' (interleaved runs). Target: under 250 ms added.
    AccessLog     Export-AccessLog of 1,000,000 rows against the sqlite3 shell writing the same rows as CSV
                  (target within 1.5x) and against Get-AccessLog | Export-Csv (target: ours at least 10x faster);
                  peak memory of the exporting process (target < 150 MB).
    Query         Get-Recording -RemoteNumber over 1,000,000 recordings (target < 20 ms).
    Purge         Invoke-RetentionPurge of 100,000 expired of 1,000,000 against deleting the same files and rows
                  by hand (target within 2x).
    Import        Import-Recording of 100,000 small recordings against copying the same files plus one bulk
                  insert of the rows (target within 3x).
    Bulk rows are made with SQL from one real imported recording (with real files copied from it); the audit
    chain is not extended for them, which the purge and the queries do not need.
.PARAMETER Only
    Run only these benchmarks.
.PARAMETER Scale
    Multiplies the row counts (1 = the targets' sizes); a smaller scale gives a quick look.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(10, 1000)] [int] $Runs = 15,
    [ValidateSet('ImportModule', 'AccessLog', 'Query', 'Purge', 'Import')] [string[]] $Only = @('ImportModule', 'AccessLog', 'Query', 'Purge', 'Import'),
    [ValidateRange(0.001, 1)] [double] $Scale = 1
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path $ModulePath).Path
$pwshCommand = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
$exe = $pwshCommand[0]
[string[]] $prefix = @($pwshCommand | Select-Object -Skip 1)
$manifest = Join-Path $ModulePath 'CallRecordingAdmin.psd1'
$results = [System.Collections.Generic.List[object]]::new()
function Add-Result([hashtable] $Row) { $results.Add([pscustomobject]$Row) }

function Measure-Ms([scriptblock] $Block) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Stop(); $sw.Elapsed.TotalMilliseconds }
function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}
function Measure-Pwsh([string] $Command) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    & $exe @prefix -NoProfile -NonInteractive -Command $Command | Out-Null
    $sw.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$Command' failed." }
    $sw.Elapsed.TotalMilliseconds
}

if ('ImportModule' -in $Only) {
    $import = "Import-Module '$manifest'"
    Measure-Pwsh '' | Out-Null
    Measure-Pwsh $import | Out-Null
    $bare = @(); $withModule = @()
    for ($i = 0; $i -lt $Runs; $i++) { $bare += Measure-Pwsh ''; $withModule += Measure-Pwsh $import }
    $bareMedian = Get-Median $bare; $moduleMedian = Get-Median $withModule; $added = $moduleMedian - $bareMedian
    Add-Result @{ Benchmark = 'Import-Module added to pwsh start'; Measured = '{0:N0} ms' -f $added; Baseline = "bare pwsh {0:N0} ms, with module {1:N0} ms ($Runs runs each, medians)" -f $bareMedian, $moduleMedian; Target = '< 250 ms'; Met = $added -lt 250 }
}

# ---- the data benchmarks share the test suite's helpers (a WAV maker, raw SQL, an authorised area) ----
$env:CALLRECORDINGADMIN_TEST_MODULE = $ModulePath
. (Join-Path $PSScriptRoot '../Module.Tests/BuiltModule.ps1')
$work = Join-Path ([IO.Path]::GetTempPath()) ('crs-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
New-Item -ItemType Directory $work | Out-Null
$TestDrive = $work

function Get-Sqlite3 {
    $cmd = Get-Command sqlite3 -ErrorAction SilentlyContinue
    if (-not $cmd -and $IsLinux) { & apt-get install -y sqlite3 *> $null; $cmd = Get-Command sqlite3 -ErrorAction SilentlyContinue }
    if (-not $cmd) { throw 'The sqlite3 shell is needed for the baselines and could not be installed.' }
    $cmd.Source
}

function New-BenchStore([string] $Name) {
    $store = New-RecordingStore -Path (Join-Path $work $Name) -Identity 'admin@uni.test' -SharedOsAccount
    Connect-RecordingStore -Path $store.Path -Identity 'admin@uni.test'
    New-AuthorisedArea $store | Out-Null
    Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
    New-TestWav (Join-Path $work "seed-$Name.wav") 0.1
    $seed = Import-Recording -Path (Join-Path $work "seed-$Name.wav") -CallId "seed-$Name" -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -RemoteNumber '07700 900000'
    [pscustomobject]@{ Store = $store; Seed = $seed }
}

# $Count recordings by SQL: the first $Expired past the area's retention, the rest current; numbers vary.
function Add-BulkRecordings([object] $Store, [string] $SeedId, [int] $Count, [int] $Expired) {
    Invoke-StoreSql $Store @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $Count)
INSERT INTO recording(id, call_id, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw, agent, format,
                      size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by)
SELECT 'rec-bk' || printf('%018d', i), 'bulk-' || i, service_area_id, request_id, extension,
       CASE WHEN i <= $Expired THEN '2026-01-01T00:00:00.0000000Z' ELSE start_time END, duration_seconds, direction,
       '+447700' || printf('%06d', i % 1000000), remote_number_raw, 'agent' || (i % 50), format, size_bytes, stored_bytes, sha256,
       'bk/rec-bk' || printf('%018d', i) || '.crec', 'Active',
       CASE WHEN i <= $Expired THEN '2026-04-01T00:00:00.0000000Z' ELSE expires_at END, imported_at, imported_by
FROM recording, n WHERE recording.id = '$SeedId'
"@
}

function Copy-BulkFiles([object] $Store, [object] $Seed, [int] $Count) {
    $from = (Get-ChildItem (Join-Path $Store.Path 'recordings') -Recurse -Filter "$($Seed.RecordingId).crec").FullName
    $folder = Join-Path $Store.Path 'recordings/bk'
    New-Item -ItemType Directory $folder -Force | Out-Null
    for ($i = 1; $i -le $Count; $i++) { [IO.File]::Copy($from, (Join-Path $folder ('rec-bk{0:D18}.crec' -f $i)), $true) }
}

if ('AccessLog' -in $Only) {
    $rows = [int](1000000 * $Scale)
    Write-Host "Access log: $rows rows"
    $b = New-BenchStore 'accesslog'
    Invoke-StoreSql $b.Store @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO access_log(occurred_at, principal, action, outcome, recording_id, service_area, purpose, reason, detail, audit_seq, audit_hash)
SELECT strftime('%Y-%m-%dT%H:%M:%S', '2026-01-01', '+' || (i / 10) || ' seconds') || '.0000000Z', 'user' || (i % 300) || '@uni.test',
       CASE i % 5 WHEN 0 THEN 'Download' ELSE 'Play' END, CASE WHEN i % 97 = 0 THEN 'Refused' ELSE 'Allowed' END,
       'rec-' || printf('%020d', i % 50000), 'IT Service Desk', 'Training',
       CASE WHEN i % 1000 = 0 THEN '=cmd|calc' ELSE 'Coaching, session "' || (i % 40) || '"' END, 'saved to /srv/out/' || i || '.wav', i, lower(hex(randomblob(32)))
FROM n
"@
    $sqlite3 = Get-Sqlite3
    $db = $b.Store.DatabasePath
    $ours = Join-Path $work 'ours.csv'; $shell = Join-Path $work 'shell.csv'; $psCsv = Join-Path $work 'export-csv.csv'
    $exportScript = Join-Path $work 'export.ps1'
    Set-Content $exportScript @"
Import-Module '$manifest'
Connect-RecordingStore '$($b.Store.Path)' -Identity 'auditor@uni.test'
`$sw = [Diagnostics.Stopwatch]::StartNew()
Export-AccessLog -Path '$ours' -Force | Out-Null
`$sw.Stop()
'{0};{1}' -f `$sw.Elapsed.TotalMilliseconds, [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
"@
    $idleScript = Join-Path $work 'idle.ps1'
    Set-Content $idleScript "Import-Module '$manifest'; Connect-RecordingStore '$($b.Store.Path)' -Identity 'auditor@uni.test'; Get-AccessLog -RecordingId none | Out-Null; [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64"
    $oursMs = @(); $peak = 0L
    foreach ($i in 1..3) {
        $out = (& $exe @prefix -NoProfile -File $exportScript | Select-Object -Last 1) -split ';'
        $oursMs += [double]$out[0]; $peak = [math]::Max($peak, [long]$out[1])
    }
    $idlePeak = [long](& $exe @prefix -NoProfile -File $idleScript | Select-Object -Last 1)
    $query = 'SELECT id AS Sequence, occurred_at AS OccurredAt, principal AS Principal, action AS Action, outcome AS Outcome, recording_id AS RecordingId, service_area AS ServiceArea, purpose AS Purpose, reason AS Reason, detail AS Detail, audit_seq AS AuditSequence, audit_hash AS AuditHash FROM access_log ORDER BY id;'
    $shellMs = @(foreach ($i in 1..3) { Measure-Ms { & $sqlite3 -header -csv $db $query > $shell } })
    Connect-RecordingStore $b.Store.Path -Identity 'auditor@uni.test'
    $psMs = Measure-Ms { Get-AccessLog | Export-Csv $psCsv -NoTypeInformation }
    $oursMedian = Get-Median $oursMs; $shellMedian = Get-Median $shellMs
    $ratio = $oursMedian / $shellMedian; $speedup = $psMs / $oursMedian
    Add-Result @{ Benchmark = "Export-AccessLog, $rows rows"; Measured = '{0:N0} ms (median of 3)' -f $oursMedian; Baseline = 'sqlite3 shell -csv {0:N0} ms: ours {1:N2}x' -f $shellMedian, $ratio; Target = '<= 1.5x'; Met = $ratio -le 1.5 }
    Add-Result @{ Benchmark = "Export-AccessLog vs Get-AccessLog | Export-Csv"; Measured = '{0:N0} ms' -f $oursMedian; Baseline = 'Export-Csv {0:N0} ms: ours {1:N1}x faster' -f $psMs, $speedup; Target = '>= 10x'; Met = $speedup -ge 10 }
    Add-Result @{ Benchmark = "Export-AccessLog peak memory"; Measured = '{0:N0} MB process peak' -f ($peak / 1MB); Baseline = 'the same pwsh with the module, exporting nothing: {0:N0} MB (export adds {1:N0} MB)' -f ($idlePeak / 1MB), (($peak - $idlePeak) / 1MB); Target = '< 150 MB'; Met = $peak -lt 150MB }
    Remove-Item $ours, $shell, $psCsv -ErrorAction SilentlyContinue
}

if ('Query' -in $Only) {
    $rows = [int](1000000 * $Scale)
    Write-Host "Query: $rows recordings"
    $b = New-BenchStore 'query'
    Add-BulkRecordings $b.Store $b.Seed.RecordingId $rows 0
    Get-Recording -RemoteNumber '07700 912345' | Out-Null
    $times = foreach ($i in 1..21) { Measure-Ms { Get-Recording -RemoteNumber ('07700 9{0:D5}' -f (1000 + $i * 37)) } }
    $median = Get-Median $times
    Add-Result @{ Benchmark = "Get-Recording -RemoteNumber over $rows"; Measured = '{0:N1} ms (median of 21)' -f $median; Baseline = 'one E.164 lookup on the remote_number index'; Target = '< 20 ms'; Met = $median -lt 20 }
}

if ('Purge' -in $Only) {
    $rows = [int](1000000 * $Scale); $expired = [int](100000 * $Scale)
    Write-Host "Purge: $expired expired of $rows"
    $b = New-BenchStore 'purge'
    Add-BulkRecordings $b.Store $b.Seed.RecordingId $rows $expired
    Copy-BulkFiles $b.Store $b.Seed $expired
    Invoke-StoreSql $b.Store 'PRAGMA wal_checkpoint(TRUNCATE)'
    $copy = Join-Path $work 'purge-baseline.db'
    Copy-Item $b.Store.DatabasePath $copy
    $sqlite3 = Get-Sqlite3
    $folder = Join-Path $b.Store.Path 'recordings/bk'
    $byHand = Measure-Ms {
        foreach ($f in [IO.Directory]::EnumerateFiles($folder)) { [IO.File]::Delete($f) }
        & $sqlite3 $copy "BEGIN; DELETE FROM recording WHERE state = 'Active' AND expires_at <= '2026-06-01'; COMMIT;"
    }
    Copy-BulkFiles $b.Store $b.Seed $expired
    $ours = Measure-Ms { Invoke-RetentionPurge }
    $left = Invoke-StoreSql $b.Store "SELECT count(*) FROM recording WHERE state = 'Active'" -Scalar
    $ratio = $ours / $byHand
    Add-Result @{ Benchmark = "Invoke-RetentionPurge, $expired of $rows"; Measured = '{0:N0} ms ({1} left active)' -f $ours, $left; Baseline = 'the same files and rows deleted by hand {0:N0} ms: ours {1:N2}x' -f $byHand, $ratio; Target = '<= 2x'; Met = $ratio -le 2 }
}

if ('Import' -in $Only) {
    $count = [int](100000 * $Scale)
    Write-Host "Import: $count recordings"
    $b = New-BenchStore 'import'
    $export = Join-Path $work 'import-export'
    $manifestPath = New-RecorderExport $export $count -DaysAgo 10
    $ours = Measure-Ms { Import-Recording -ManifestPath $manifestPath }
    $sqlite3 = Get-Sqlite3
    Invoke-StoreSql $b.Store 'PRAGMA wal_checkpoint(TRUNCATE)'
    $copy = Join-Path $work 'import-baseline.db'
    Copy-Item $b.Store.DatabasePath $copy
    & $sqlite3 $copy "DELETE FROM recording WHERE call_id LIKE 'call-%';"
    $target = Join-Path $work 'import-baseline'
    New-Item -ItemType Directory $target | Out-Null
    $byHand = Measure-Ms {
        foreach ($f in [IO.Directory]::EnumerateFiles((Join-Path $export 'audio'))) { [IO.File]::Copy($f, (Join-Path $target ([IO.Path]::GetFileName($f)))) }
        & $sqlite3 $copy '.mode csv' ".import $manifestPath staging" "BEGIN; INSERT INTO recording(id, call_id, service_area_id, extension, start_time, direction, remote_number, agent, size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by) SELECT 'x-' || CallId, CallId, (SELECT id FROM service_area LIMIT 1), Extension, StartTime, Direction, RemoteNumber, Agent, 0, 0, '', Path, 'Active', StartTime, StartTime, 'bench' FROM staging; COMMIT;"
    }
    $ratio = $ours / $byHand
    Add-Result @{ Benchmark = "Import-Recording of $count small recordings"; Measured = '{0:N0} ms ({1:N2} ms each)' -f $ours, ($ours / $count); Baseline = 'copy the files + one bulk insert {0:N0} ms: ours {1:N2}x' -f $byHand, $ratio; Target = '<= 3x'; Met = $ratio -le 3 }
}

Write-Host ''
$results | Format-Table -AutoSize -Wrap | Out-String -Width 240 | Write-Host
Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
