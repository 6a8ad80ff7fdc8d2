<#
.SYNOPSIS
    Benchmarks of CallRecordingAdmin, each beside a baseline measured in the same run, repeated, with assertions
    that the work was done.
.DESCRIPTION
    Every figure is the median of -Runs repetitions (at least 5) with the min-max range; ours and the baseline run
    alternately (ours first on odd runs, the baseline first on even runs), so drift on a busy machine hits both.

    How each side is run:
    - Ours: the cmdlet in a fresh pwsh child process (module imported, store connected, then a stopwatch around the
      cmdlet alone; the child also reports its peak working set), except the lookups, the paging, the chain and the
      -Deep test, which run in this pwsh (their cost is the cmdlet call, measured the same way).
    - Baselines: a direct process, as a user would run it from a shell: System.Diagnostics.Process starting
      '/bin/sh -c "<command line>"' whose own redirection sends the tool's stdout to a file (nothing passes through
      PowerShell); the stopwatch covers the process from start to exit. Lookups and paging use the sqlite3 shell's own
      '.timer on' (the query alone, no process start). The exact command lines are printed with -Verbose.

    Needs: the sqlite3 shell and coreutils (sha256sum, cp, xargs, find) on PATH. It installs nothing: a row whose
    baseline tool is missing is reported as skipped with the reason (on Debian/Ubuntu: apt-get install sqlite3).

    Benchmarks (sizes at -Scale 1; -Scale multiplies every count and size, never the number of runs):
      ImportModule  Import-Module added to a bare 'pwsh -NoProfile' start (3 x Runs interleaved starts). < 150 ms.
      AccessLog     Export-AccessLog of 1,000,000 rows vs 'sqlite3 -header -csv db query > file' (<= 1.0x), vs
                    Get-AccessLog | Export-Csv (for information), and the exporting process's peak memory (< 200 MB).
      AuditChain    Test-AuditChain over the same store's 1,000,000+ events vs 'sqlite3 db "<each event's canonical
                    text>" | sha256sum' (reading the same rows and hashing the same bytes). <= 2x.
      Query         Get-Recording -RemoteNumber over 1,000,000 recordings vs the sqlite3 shell running the same SELECT. < 5 ms.
      Paging        Get-Recording -ServiceArea -First 100 (first page, and -Skip 90%) over 1,000,000 vs the same SELECT.
      Purge         Invoke-RetentionPurge of 100,000 expired (store of 100,000) and of 100,000 on the 1,000,000 store,
                    each vs the same files and rows deleted by hand (xargs rm + one UPDATE). <= 1.5x; peak memory < 200 MB.
      Import        Import-Recording of 100,000 small recordings into a new store and into the 1,000,000 store, each
                    vs 'cp' of the files + one sqlite3 '.import' and INSERT of the manifest's rows. <= 2x; peak memory < 200 MB.
      Deep          Test-RecordingStore -Deep over 10,000 imported recordings of 1 MB, in MB/s, vs sha256sum of the same
                    encrypted files (one warm-up pass first: both read from the page cache). <= 2x.
      Save          Save-Recording of one 50 MB recording (decrypt + verify + write) vs cp of its stored file.
    The idle module's peak working set (import, connect, one query) is measured whenever AccessLog, Purge or Import runs.

    Bulk rows are seeded by tests/Bench/Seed.ps1 (the one place for bulk-seeding SQL), each with the audit event the
    module would have written, chained onto the store's real audit chain (Test-AuditChain holds; the bench asserts it).
    The 1,000,000 store grows by 100,000 with each purge and import run (purged rows stay, as Deleted; imported ones
    are added); the table says the size at the first and last run.
.PARAMETER ModulePath
    The built module folder (out/CallRecordingAdmin).
.PARAMETER Runs
    Repetitions of every benchmark (at least 5).
.PARAMETER Only
    Run only these benchmarks: ImportModule, AccessLog, AuditChain, Query, Paging, Purge, Import, Deep, Save.
.PARAMETER Scale
    Multiplies every row count and file size (1 = the targets' sizes). A quick look: -Scale 0.01.
.PARAMETER WorkFolder
    Where stores and files go (default: a new folder under the system temp folder); removed at the end.
.EXAMPLE
    dotnet pwsh ./tests/Bench/Bench.ps1 -ModulePath ./out/CallRecordingAdmin -Scale 0.01
.EXAMPLE
    dotnet pwsh ./build.ps1 Bench -BenchScale 0.01 -BenchOnly Query, Purge
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(5, 1000)] [int] $Runs = 5,
    [string[]] $Only = @('ImportModule', 'AccessLog', 'AuditChain', 'Query', 'Paging', 'Purge', 'Import', 'Deep', 'Save'),
    [ValidateRange(0.0001, 1)] [double] $Scale = 1,
    [string] $WorkFolder
)
$ErrorActionPreference = 'Stop'
# -Only takes names or one comma-separated string (as 'pwsh -File' passes it)
$known = 'ImportModule', 'AccessLog', 'AuditChain', 'Query', 'Paging', 'Purge', 'Import', 'Deep', 'Save'
$Only = @($Only | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
foreach ($o in $Only) { if ($o -notin $known) { throw "Unknown benchmark '$o': use one or more of $($known -join ', ')." } }
$benchClock = [Diagnostics.Stopwatch]::StartNew()
$ModulePath = (Resolve-Path $ModulePath).Path
$pwshCommand = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
$exe = $pwshCommand[0]
[string[]] $prefix = @($pwshCommand | Select-Object -Skip 1)
$manifest = Join-Path $ModulePath 'CallRecordingAdmin.psd1'
$results = [System.Collections.Generic.List[object]]::new()
$MB = 1000000.0

# ---------------------------------------------------------------- measuring and reporting
function Get-Stat([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    $median = if ($n % 2) { $sorted[[int][math]::Floor($n / 2)] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
    [pscustomobject]@{ Median = $median; Min = $sorted[0]; Max = $sorted[-1]; Count = $n }
}
function Format-Ms([double] $Ms) { if ($Ms -ge 10000) { '{0:N1} s' -f ($Ms / 1000) } elseif ($Ms -ge 1000) { '{0:N2} s' -f ($Ms / 1000) } elseif ($Ms -ge 10) { '{0:N0} ms' -f $Ms } else { '{0:N2} ms' -f $Ms } }
function Format-Stat([object] $Stat, [string] $Unit = 'ms') {
    switch ($Unit) {
        'ms' { '{0} ({1}-{2}, n={3})' -f (Format-Ms $Stat.Median), (Format-Ms $Stat.Min), (Format-Ms $Stat.Max), $Stat.Count }
        'MB' { '{0:N0} MB ({1:N0}-{2:N0}, n={3})' -f ($Stat.Median / 1MB), ($Stat.Min / 1MB), ($Stat.Max / 1MB), $Stat.Count }
        'MB/s' { '{0:N0} MB/s ({1:N0}-{2:N0}, n={3})' -f $Stat.Median, $Stat.Min, $Stat.Max, $Stat.Count }
    }
}
function Add-Result([string] $Benchmark, [string] $Ours, [string] $Baseline, [string] $Ratio, [string] $Target, [object] $Met) {
    $verdict = if ($Met -is [string]) { $Met } elseif ($null -eq $Met) { 'n/a' } elseif ($Met) { 'met' } else { 'NOT met' }
    $row = [pscustomobject]@{ Benchmark = $Benchmark; Ours = $Ours; Baseline = $Baseline; Ratio = $Ratio; Target = $Target; Result = $verdict }
    $results.Add($row)
    Write-Host ("  => {0}: ours {1} | baseline {2} | {3} | target {4}: {5}" -f $Benchmark, $Ours, $Baseline, $Ratio, $Target, $verdict)
}
function Get-LineCount([string] $Path) { [Linq.Enumerable]::Count([IO.File]::ReadLines($Path)) }
function Assert-Bench([bool] $Condition, [string] $Message) { if (-not $Condition) { throw "Benchmark check failed: $Message" } }
function Write-Run([string] $What, [int] $Run, [hashtable] $Times) {
    Write-Host ("    {0} run {1}/{2}: {3}" -f $What, $Run, $Runs, (($Times.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name) $(Format-Ms $_.Value)" }) -join ', '))
}

# A baseline as a user runs it: /bin/sh -c with the command's own redirection; returns wall milliseconds.
function Invoke-Sh([string] $CommandLine) {
    Write-Verbose "sh -c $CommandLine"
    $psi = [Diagnostics.ProcessStartInfo]::new('/bin/sh')
    $psi.ArgumentList.Add('-c'); $psi.ArgumentList.Add($CommandLine)
    $psi.UseShellExecute = $false
    $psi.RedirectStandardError = $true
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $p = [Diagnostics.Process]::Start($psi)
    $err = $p.StandardError.ReadToEnd()
    $p.WaitForExit()
    $sw.Stop()
    if ($p.ExitCode -ne 0) { throw "Baseline failed (exit $($p.ExitCode)): $CommandLine`n$err" }
    $sw.Elapsed.TotalMilliseconds
}
function Quote([string] $Text) { "'" + $Text.Replace("'", "'\''") + "'" }

# Our side in a fresh pwsh: $Body runs after Import-Module and Connect-RecordingStore, between the stopwatch's
# start and stop, and may set $n; returns Ms (the body alone), Peak (working set of the process) and N.
function Invoke-Ours([string] $StorePath, [string] $Identity, [string] $Body) {
    $file = Join-Path $work ('ours-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.ps1')
    Set-Content $file @"
`$ErrorActionPreference = 'Stop'
Import-Module '$manifest'
Connect-RecordingStore '$StorePath' -Identity '$Identity'
`$n = `$null
`$sw = [Diagnostics.Stopwatch]::StartNew()
$Body
`$sw.Stop()
@{ Ms = `$sw.Elapsed.TotalMilliseconds; Peak = [Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64; N = `$n } | ConvertTo-Json -Compress
"@
    $out = & $exe @prefix -NoProfile -NonInteractive -File $file 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Our side failed: $Body`n$($out -join "`n")" }
    Remove-Item $file
    ($out | Select-Object -Last 1) | ConvertFrom-Json
}
function Measure-Ms([scriptblock] $Block) { $sw = [Diagnostics.Stopwatch]::StartNew(); $null = & $Block; $sw.Stop(); $sw.Elapsed.TotalMilliseconds }

# Runs $Ours and $Baseline alternately $Runs times (ours first on odd runs); each returns milliseconds.
function Invoke-Interleaved([string] $What, [scriptblock] $Ours, [scriptblock] $Baseline, [scriptblock] $BeforeRun) {
    $o = [Collections.Generic.List[double]]::new(); $b = [Collections.Generic.List[double]]::new()
    for ($r = 1; $r -le $Runs; $r++) {
        if ($BeforeRun) { & $BeforeRun $r }
        if ($r % 2) { $o.Add((& $Ours $r)); if ($Baseline) { $b.Add((& $Baseline $r)) } }
        else { if ($Baseline) { $b.Add((& $Baseline $r)) }; $o.Add((& $Ours $r)) }
        $times = @{ ours = $o[-1] }; if ($Baseline) { $times.baseline = $b[-1] }
        Write-Run $What $r $times
    }
    [pscustomobject]@{ Ours = (Get-Stat $o); Baseline = $(if ($Baseline) { Get-Stat $b }) }
}

function Get-Tool([string] $Name) { (Get-Command $Name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source }
$sqlite3 = Get-Tool sqlite3
$missing = @('sha256sum', 'cp', 'xargs', 'find', 'rm') | Where-Object { -not (Get-Tool $_) }
$noSqlite = 'skipped: the sqlite3 shell is not on PATH (apt-get install sqlite3)'
# The shell's '.timer' reports wall time in 1 ms steps: below 1 ms there is no ratio to give.
function Format-QueryRatio([object] $Ours, [object] $Base) { if ($Base.Median -lt 1) { 'shell under 1 ms (its timer has 1 ms steps)' } else { '{0:N1}x' -f ($Ours.Median / $Base.Median) } }
function Get-Ratio([object] $Ours, [object] $Base) { $Ours.Median / $Base.Median }

# ---------------------------------------------------------------- Import-Module
if ('ImportModule' -in $Only) {
    Write-Host 'Import-Module cost'
    function Measure-Pwsh([string] $Command) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & $exe @prefix -NoProfile -NonInteractive -Command $Command | Out-Null
        $sw.Stop()
        if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$Command' failed." }
        $sw.Elapsed.TotalMilliseconds
    }
    $import = "Import-Module '$manifest'"
    Measure-Pwsh '' | Out-Null; Measure-Pwsh $import | Out-Null
    $bare = @(); $withModule = @()
    for ($i = 0; $i -lt 3 * $Runs; $i++) {
        if ($i % 2) { $bare += Measure-Pwsh ''; $withModule += Measure-Pwsh $import } else { $withModule += Measure-Pwsh $import; $bare += Measure-Pwsh '' }
    }
    $sb = Get-Stat $bare; $sm = Get-Stat $withModule; $added = $sm.Median - $sb.Median
    Add-Result 'Import-Module added to a bare pwsh -NoProfile start' ('{0:N0} ms (with module {1})' -f $added, (Format-Stat $sm)) ('bare pwsh {0}' -f (Format-Stat $sb)) ('+{0:N0} ms' -f $added) '< 150 ms' ($added -lt 150)
}

# ---------------------------------------------------------------- stores
$env:CALLRECORDINGADMIN_TEST_MODULE = $ModulePath
. (Join-Path $PSScriptRoot '../Module.Tests/BuiltModule.ps1')
. (Join-Path $PSScriptRoot 'Seed.ps1')
$work = if ($WorkFolder) { $WorkFolder } else { Join-Path ([IO.Path]::GetTempPath()) ('crs-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) }
New-Item -ItemType Directory $work -Force | Out-Null
$work = (Resolve-Path $work).Path
$TestDrive = $work
Write-Host "Work folder: $work (scale $Scale, $Runs runs)"

function Get-Count([object] $Seeded, [string] $Where) { [long](Invoke-SeedSql $Seeded.Store "SELECT count(*) FROM recording WHERE $Where" -Scalar) }
function Copy-Database([object] $Seeded, [string] $To) {
    Invoke-SeedSql $Seeded.Store 'PRAGMA wal_checkpoint(TRUNCATE)'
    Copy-Item $Seeded.Store.DatabasePath $To -Force
    Remove-Item "$To-wal", "$To-shm" -ErrorAction SilentlyContinue
}
$idlePeak = $null
function Measure-IdlePeak([object] $Seeded) {
    if ($null -ne $script:idlePeak) { return }
    $peaks = foreach ($r in 1..$Runs) { (Invoke-Ours $Seeded.Store.Path 'admin@uni.test' 'Get-Recording -First 1 | Out-Null').Peak }
    $script:idlePeak = Get-Stat $peaks
    Add-Result 'Peak working set of the idle module (import, connect, one query)' (Format-Stat $script:idlePeak 'MB') 'the reference for the memory rows' '' '< 200 MB' ($script:idlePeak.Max -lt 200MB)
}

# ---------------------------------------------------------------- access log: export and the audit chain
if ('AccessLog' -in $Only -or 'AuditChain' -in $Only) {
    $rows = [math]::Max(1000, [int](1000000 * $Scale))
    Write-Host "Access log: seeding $rows rows with their audit events"
    $log = New-SeedStore (Join-Path $work 'accesslog')
    $seedMs = Measure-Ms { Add-SeedAccessLog $log $rows }
    Write-Host ("  seeded in {0}" -f (Format-Ms $seedMs))
    Assert-Bench ((Invoke-SeedSql $log.Store 'SELECT count(*) FROM access_log' -Scalar) -ge $rows) "the access log has $rows rows"
    Invoke-SeedSql $log.Store 'PRAGMA wal_checkpoint(TRUNCATE)'
    $db = $log.Store.DatabasePath
}

if ('AccessLog' -in $Only) {
    Measure-IdlePeak $log
    $oursCsv = Join-Path $work 'ours.csv'; $shellCsv = Join-Path $work 'shell.csv'; $psCsv = Join-Path $work 'export-csv.csv'
    $query = 'SELECT id AS Sequence, occurred_at AS OccurredAt, principal AS Principal, action AS Action, outcome AS Outcome, recording_id AS RecordingId, service_area AS ServiceArea, purpose AS Purpose, reason AS Reason, detail AS Detail, audit_seq AS AuditSequence, audit_hash AS AuditHash FROM access_log ORDER BY id;'
    $peaks = [Collections.Generic.List[double]]::new()
    $exportOurs = { param($r)
        $o = Invoke-Ours $log.Store.Path 'auditor@uni.test' "Export-AccessLog -Path '$oursCsv' -Force | Out-Null"
        $peaks.Add($o.Peak)
        if ($r -eq 1) { Assert-Bench ((Get-LineCount $oursCsv) - 1 -ge $rows) "Export-AccessLog wrote $rows rows" }
        $o.Ms }
    $exportShell = if ($sqlite3) { { param($r)
        $ms = Invoke-Sh ("{0} -header -csv {1} {2} > {3}" -f (Quote $sqlite3), (Quote $db), (Quote $query), (Quote $shellCsv))
        if ($r -eq 1) { Assert-Bench ((Get-LineCount $shellCsv) - 1 -ge $rows) "the sqlite3 shell wrote $rows rows" }
        $ms } }
    Write-Host 'Export-AccessLog vs the sqlite3 shell'
    $m = Invoke-Interleaved 'export' $exportOurs $exportShell
    if ($sqlite3) {
        $ratio = Get-Ratio $m.Ours $m.Baseline
        Add-Result "Export-AccessLog, $rows rows" (Format-Stat $m.Ours) ("sqlite3 -header -csv > file {0}" -f (Format-Stat $m.Baseline)) ('{0:N2}x' -f $ratio) '<= 1.0x' ($ratio -le 1.0)
    } else { Add-Result "Export-AccessLog, $rows rows" (Format-Stat $m.Ours) '' '' '<= 1.0x' $noSqlite }
    Add-Result "Export-AccessLog peak working set" (Format-Stat (Get-Stat $peaks) 'MB') ('idle module {0:N0} MB' -f ($idlePeak.Median / 1MB)) ('+{0:N0} MB' -f (((Get-Stat $peaks).Median - $idlePeak.Median) / 1MB)) '< 200 MB' ((Get-Stat $peaks).Max -lt 200MB)

    Write-Host 'Get-AccessLog | Export-Csv vs Export-AccessLog'
    $viaCsv = { param($r)
        $o = Invoke-Ours $log.Store.Path 'auditor@uni.test' "Get-AccessLog | Export-Csv '$psCsv' -NoTypeInformation"
        if ($r -eq 1) { Assert-Bench ((Get-LineCount $psCsv) - 1 -ge $rows) "Export-Csv wrote $rows rows" }
        $o.Ms }
    $m2 = Invoke-Interleaved 'Export-Csv' $viaCsv { param($r) & $exportOurs $r }
    Add-Result "Get-AccessLog | Export-Csv, $rows rows" (Format-Stat $m2.Ours) ("Export-AccessLog {0}" -f (Format-Stat $m2.Baseline)) ('Export-AccessLog {0:N1}x faster' -f (Get-Ratio $m2.Ours $m2.Baseline)) 'none (for information)' $null
    Remove-Item $oursCsv, $shellCsv, $psCsv -ErrorAction SilentlyContinue
}

if ('AuditChain' -in $Only) {
    $events = [long](Invoke-SeedSql $log.Store 'SELECT count(*) FROM audit_event' -Scalar)
    Write-Host "Test-AuditChain over $events events vs sqlite3 | sha256sum"
    Connect-RecordingStore $log.Store.Path -Identity 'auditor@uni.test'
    # The same bytes the chain hashes: each event's canonical text (every field length-prefixed, previous hash last).
    # SQLite's length() counts characters and .NET's counts UTF-16 units: the same for these ASCII rows.
    $fields = 'seq', 'occurred_at', 'principal', 'os_account', 'action', 'target_type', 'target', 'details', 'prev_hash'
    $canonical = "SELECT '2:v2' || char(10) || " + (($fields | ForEach-Object { "length($_) || ':' || $_ || char(10)" }) -join ' || ') + ', hash FROM audit_event ORDER BY seq;'
    $hashOut = Join-Path $work 'chain.sha256'
    $chainOurs = { param($r)
        $ms = Measure-Ms { $script:report = Test-AuditChain }
        Assert-Bench ($script:report.IsValid -and $script:report.EventCount -eq $events) "Test-AuditChain found the chain valid over $events events ($($script:report.Problem))"
        $ms }
    $chainShell = if ($sqlite3 -and -not $missing) { { param($r)
        $ms = Invoke-Sh ("{0} -readonly {1} {2} | sha256sum > {3}" -f (Quote $sqlite3), (Quote $db), (Quote $canonical), (Quote $hashOut))
        Assert-Bench ((Get-Content $hashOut -Raw) -match '^[0-9a-f]{64}') 'sha256sum hashed the rows'
        $ms } }
    $m = Invoke-Interleaved 'chain' $chainOurs $chainShell
    if ($chainShell) {
        $ratio = Get-Ratio $m.Ours $m.Baseline
        Add-Result "Test-AuditChain, $events events" (Format-Stat $m.Ours) ("sqlite3 canonical rows | sha256sum {0}" -f (Format-Stat $m.Baseline)) ('{0:N2}x' -f $ratio) '<= 2x' ($ratio -le 2)
    } else { Add-Result "Test-AuditChain, $events events" (Format-Stat $m.Ours) '' '' '<= 2x' $noSqlite }
}

# ---------------------------------------------------------------- the 1,000,000 store
$needBig = @('Query', 'Paging', 'Purge', 'Import' | Where-Object { $_ -in $Only }).Count -gt 0
if ($needBig) {
    $bigCount = [math]::Max(1000, [int](1000000 * $Scale))
    Write-Host "The large store: seeding $bigCount recordings with their audit events and files"
    $big = New-SeedStore (Join-Path $work 'large')
    $seedMs = Measure-Ms { Add-SeedRecordings $big $bigCount 0 'large' | Out-Null }
    Write-Host ("  seeded in {0}" -f (Format-Ms $seedMs))
    Assert-Bench ((Get-Count $big "state = 'Active'") -eq $bigCount + 1) "the large store holds $bigCount recordings"
    $bigDb = $big.Store.DatabasePath
    $areaSql = "SELECT r.*, sa.name AS area_name, EXISTS (SELECT 1 FROM legal_hold_recording hr JOIN legal_hold h ON h.id = hr.hold_id WHERE hr.recording_id = r.id AND h.released_at IS NULL) AS on_hold FROM recording r JOIN service_area sa ON sa.id = r.service_area_id"
    # The sqlite3 shell's own timing of each statement ('.timer on'), in milliseconds.
    function Measure-ShellQueries([string[]] $Statements, [int] $ExpectRows) {
        $script = Join-Path $work 'queries.sql'; $out = Join-Path $work 'queries.out'
        Set-Content $script (@('.timer on') + $Statements)
        Invoke-Sh ("{0} -readonly {1} < {2} > {3}" -f (Quote $sqlite3), (Quote $bigDb), (Quote $script), (Quote $out)) | Out-Null
        $lines = Get-Content $out
        $times = @($lines | Where-Object { $_ -match '^Run Time: real ([0-9.]+)' } | ForEach-Object { [double]([regex]::Match($_, 'real ([0-9.]+)').Groups[1].Value) * 1000 })
        Assert-Bench ($times.Count -eq $Statements.Count) 'the sqlite3 shell timed every statement'
        Assert-Bench (@($lines | Where-Object { $_ -notmatch '^Run Time' }).Count -ge $ExpectRows * $Statements.Count) 'the sqlite3 shell returned the rows'
        , $times
    }
}

if ('Query' -in $Only) {
    Write-Host "Get-Recording -RemoteNumber over $bigCount"
    Connect-RecordingStore $big.Store.Path -Identity 'admin@uni.test'
    $numbers = 1..(4 * $Runs + 1) | ForEach-Object { '{0:D6}' -f ((($_ * 7919) % $bigCount) + 1) }
    Get-Recording -RemoteNumber "07700 $($numbers[0])" | Out-Null
    $times = foreach ($n in $numbers) {
        $found = $null
        $ms = Measure-Ms { $script:found = @(Get-Recording -RemoteNumber "07700 $n") }
        Assert-Bench ($script:found.Count -ge 1) "Get-Recording -RemoteNumber found 07700 $n"
        $ms
    }
    $s = Get-Stat $times
    if ($sqlite3) {
        $base = Get-Stat (Measure-ShellQueries @($numbers | ForEach-Object { "$areaSql WHERE r.remote_number = '+447700$_' AND r.state IN ('Active', 'PendingDelete') ORDER BY r.start_time, r.id;" }) 1)
        Add-Result "Get-Recording -RemoteNumber over $bigCount" (Format-Stat $s) ("the same SELECT in sqlite3 (.timer) {0}" -f (Format-Stat $base)) (Format-QueryRatio $s $base) '< 5 ms' ($s.Median -lt 5)
    } else { Add-Result "Get-Recording -RemoteNumber over $bigCount" (Format-Stat $s) '' '' '< 5 ms' ($s.Median -lt 5) }
}

if ('Paging' -in $Only) {
    Connect-RecordingStore $big.Store.Path -Identity 'admin@uni.test'
    foreach ($skip in 0, [int]($bigCount * 0.9)) {
        Write-Host "Get-Recording -ServiceArea -First 100 -Skip $skip over $bigCount"
        $times = foreach ($r in 1..$Runs) {
            $page = $null
            $ms = Measure-Ms { $script:page = @(Get-Recording -ServiceArea 'IT Service Desk' -First 100 -Skip $skip) }
            Assert-Bench ($script:page.Count -eq 100) "a page of 100 at $skip"
            $ms
        }
        $s = Get-Stat $times
        $name = "Get-Recording -ServiceArea -First 100 -Skip $skip over $bigCount"
        if ($sqlite3) {
            $base = Get-Stat (Measure-ShellQueries @(1..$Runs | ForEach-Object { "$areaSql WHERE sa.name = 'IT Service Desk' COLLATE NOCASE AND r.state IN ('Active', 'PendingDelete') ORDER BY r.start_time, r.id LIMIT 100 OFFSET $skip;" }) 100)
            Add-Result $name (Format-Stat $s) ("the same SELECT in sqlite3 (.timer) {0}" -f (Format-Stat $base)) (Format-QueryRatio $s $base) 'none (for information)' $null
        } else { Add-Result $name (Format-Stat $s) '' '' 'none (for information)' $noSqlite }
    }
}

# ---------------------------------------------------------------- purge
# One run: $Count expired recordings are added to the store (rows, audit events, real files); the database is
# copied for the hand floor; then ours and the floor run in turn (the files put back in between).
function Measure-Purge([string] $Name, [scriptblock] $GetStore, [int] $Count) {
    $peaks = [Collections.Generic.List[double]]::new()
    $state = @{}
    $sizes = [Collections.Generic.List[long]]::new()
    $before = { param($r)
        $s = & $GetStore $r
        $state.S = $s
        $state.Ids = Add-SeedRecordings $s $Count $Count "purge$r"
        $state.Copy = Join-Path $work 'purge-floor.db'
        Copy-Database $s $state.Copy
        $state.FilesBack = $true
        $sizes.Add((Get-Count $s "1 = 1"))
    }
    $ours = { param($r)
        $s = $state.S
        if (-not $state.FilesBack) { Restore-SeedFiles $s $state.Ids; $state.FilesBack = $true }
        $o = Invoke-Ours $s.Store.Path 'admin@uni.test' 'Invoke-RetentionPurge -Confirm:$false | Out-Null'
        $peaks.Add($o.Peak)
        $state.FilesBack = $false
        Assert-Bench ((Get-Count $s "call_id LIKE 'bulk-purge$r-%' AND state = 'Deleted'") -eq $Count) "Invoke-RetentionPurge marked $Count recordings Deleted"
        Assert-Bench ((Get-Count $s "state IN ('Active', 'PendingDelete') AND expires_at <= '$([CraBenchSeed]::Time([datetimeoffset]::UtcNow))'") -eq 0) 'no expired recording is left'
        Assert-Bench ([CraBenchSeed]::FilesPresent((Join-Path $s.Store.Path 'recordings'), [string[]]$state.Ids) -eq 0) "Invoke-RetentionPurge deleted $Count files"
        $o.Ms }
    $floor = if ($sqlite3 -and -not $missing) { { param($r)
        $s = $state.S
        if (-not $state.FilesBack) { Restore-SeedFiles $s $state.Ids; $state.FilesBack = $true }
        $now = [CraBenchSeed]::Time([datetimeoffset]::UtcNow)
        $where = "state = 'Active' AND expires_at <= '$now'"
        $ms = Invoke-Sh ("cd {0} && {1} {2} {3} | xargs -d '\n' rm -f -- && {1} {2} {4}" -f (Quote (Join-Path $s.Store.Path 'recordings')), (Quote $sqlite3), (Quote $state.Copy),
                (Quote "SELECT file FROM recording WHERE $where;"), (Quote "UPDATE recording SET state = 'Deleted', deleted_at = '$now', deleted_by = 'admin@uni.test', deletion_reason = 'by hand' WHERE $where;"))
        $state.FilesBack = $false
        Assert-Bench ([CraBenchSeed]::FilesPresent((Join-Path $s.Store.Path 'recordings'), [string[]]$state.Ids) -eq 0) "the hand floor deleted $Count files"
        $left = & $sqlite3 -readonly $state.Copy "SELECT count(*) FROM recording WHERE call_id LIKE 'bulk-purge$r-%' AND state = 'Deleted';"
        Assert-Bench ([long]$left -eq $Count) "the hand floor marked $Count rows Deleted"
        $ms } }
    Write-Host $Name
    $m = Invoke-Interleaved 'purge' $ours $floor $before
    Remove-Item $state.Copy -ErrorAction SilentlyContinue
    $sizeText = if ($sizes[0] -ne $sizes[-1]) { " (store of {0:N0} to {1:N0} rows)" -f $sizes[0], $sizes[-1] } else { '' }
    if ($floor) {
        $ratio = Get-Ratio $m.Ours $m.Baseline
        Add-Result "$Name$sizeText" (Format-Stat $m.Ours) ("the same files and rows deleted by hand {0}" -f (Format-Stat $m.Baseline)) ('{0:N2}x' -f $ratio) '<= 1.5x' ($ratio -le 1.5)
    } else { Add-Result "$Name$sizeText" (Format-Stat $m.Ours) '' '' '<= 1.5x' $noSqlite }
    $p = Get-Stat $peaks
    Add-Result "$Name, peak working set" (Format-Stat $p 'MB') ('idle module {0:N0} MB' -f ($idlePeak.Median / 1MB)) ('+{0:N0} MB' -f (($p.Median - $idlePeak.Median) / 1MB)) '< 200 MB' ($p.Max -lt 200MB)
    $m.Ours
}

if ('Purge' -in $Only) {
    $expired = [math]::Max(100, [int](100000 * $Scale))
    $small = @{}
    $alone = Measure-Purge "Invoke-RetentionPurge of $expired (a store of $expired)" { param($r)
        # a new store each run, so that every run purges the same store size
        $s = New-SeedStore (Join-Path $work "purge-$r"); if ($r -eq 1) { Measure-IdlePeak $s }
        if ($small.Last) { Remove-Item $small.Last -Recurse -Force }
        $small.Last = $s.Store.Path
        $s } $expired
    $onBig = Measure-Purge "Invoke-RetentionPurge of $expired on the large store" { param($r) $big } $expired
    Add-Result "Purge cost growth: $expired on the large store / on a store of $expired" ('{0} / {1}' -f (Format-Ms $onBig.Median), (Format-Ms $alone.Median)) '' ('{0:N2}x' -f ($onBig.Median / $alone.Median)) 'none (for information)' $null
}

# ---------------------------------------------------------------- import
function Measure-Import([string] $Name, [scriptblock] $GetStore, [int] $Count, [string] $Export) {
    $peaks = [Collections.Generic.List[double]]::new()
    $state = @{}
    $sizes = [Collections.Generic.List[long]]::new()
    $before = { param($r)
        $s = & $GetStore $r
        $state.S = $s
        $state.Manifest = New-SeedRecorderExport $Export -FilePrefix 'call' -CallPrefix "imp$r-$([guid]::NewGuid().ToString('N').Substring(0, 6))" -Count $Count -AudioBytes 1600 -ManifestOnly
        $state.Prefix = [IO.Path]::GetFileNameWithoutExtension($state.Manifest).Substring('manifest-'.Length)
        $state.Copy = Join-Path $work 'import-floor.db'
        Copy-Database $s $state.Copy
        $state.Target = Join-Path $work 'import-floor-files'
        if (Test-Path $state.Target) { Remove-Item $state.Target -Recurse -Force }
        New-Item -ItemType Directory $state.Target | Out-Null
        $state.FilesBefore = @([IO.Directory]::EnumerateFiles((Join-Path $s.Store.Path 'recordings'), '*.crec', 'AllDirectories')).Count
        $sizes.Add((Get-Count $s "1 = 1"))
    }
    $ours = { param($r)
        $s = $state.S
        $o = Invoke-Ours $s.Store.Path 'admin@uni.test' "Import-Recording -ManifestPath '$($state.Manifest)' | Out-Null"
        $peaks.Add($o.Peak)
        Assert-Bench ((Get-Count $s "call_id LIKE '$($state.Prefix)-%' AND state = 'Active'") -eq $Count) "Import-Recording added $Count recordings"
        $after = @([IO.Directory]::EnumerateFiles((Join-Path $s.Store.Path 'recordings'), '*.crec', 'AllDirectories')).Count
        Assert-Bench ($after - $state.FilesBefore -eq $Count) "Import-Recording wrote $Count files ($($after - $state.FilesBefore))"
        $o.Ms }
    $floor = if ($sqlite3 -and -not $missing) { { param($r)
        $insert = "INSERT INTO recording(id, call_id, service_area_id, extension, start_time, direction, remote_number, agent, size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by) " +
                  "SELECT 'x-' || CallId, CallId, (SELECT id FROM service_area LIMIT 1), Extension, StartTime, Direction, RemoteNumber, Agent, 0, 0, '', Path, 'Active', StartTime, StartTime, 'bench' FROM staging; DROP TABLE staging;"
        $ms = Invoke-Sh ("cp {0}/. {1}/ -r && {2} {3} '.mode csv' {4} {5}" -f (Quote (Join-Path $Export 'audio')), (Quote $state.Target), (Quote $sqlite3), (Quote $state.Copy),
                (Quote ".import $($state.Manifest) staging"), (Quote "BEGIN; $insert COMMIT;"))
        Assert-Bench (@([IO.Directory]::EnumerateFiles($state.Target)).Count -eq $Count) "the floor copied $Count files"
        Assert-Bench ([long](& $sqlite3 -readonly $state.Copy "SELECT count(*) FROM recording WHERE call_id LIKE '$($state.Prefix)-%';") -eq $Count) "the floor inserted $Count rows"
        $ms } }
    Write-Host $Name
    $m = Invoke-Interleaved 'import' $ours $floor $before
    Remove-Item $state.Copy, $state.Target -Recurse -ErrorAction SilentlyContinue
    $sizeText = if ($sizes[0] -ne $sizes[-1]) { " (store of {0:N0} to {1:N0} rows)" -f $sizes[0], $sizes[-1] } else { '' }
    if ($floor) {
        $ratio = Get-Ratio $m.Ours $m.Baseline
        Add-Result "$Name$sizeText" ('{0}, {1:N2} ms each' -f (Format-Stat $m.Ours), ($m.Ours.Median / $Count)) ("cp of the files + one sqlite3 .import and INSERT {0}" -f (Format-Stat $m.Baseline)) ('{0:N2}x' -f $ratio) '<= 2x' ($ratio -le 2)
    } else { Add-Result "$Name$sizeText" (Format-Stat $m.Ours) '' '' '<= 2x' $noSqlite }
    $p = Get-Stat $peaks
    Add-Result "$Name, peak working set" (Format-Stat $p 'MB') ('idle module {0:N0} MB' -f ($idlePeak.Median / 1MB)) ('+{0:N0} MB' -f (($p.Median - $idlePeak.Median) / 1MB)) '< 200 MB' ($p.Max -lt 200MB)
    $m.Ours
}

if ('Import' -in $Only) {
    $count = [math]::Max(100, [int](100000 * $Scale))
    $export = Join-Path $work 'recorder-export'
    Write-Host "Writing a recorder export of $count calls"
    New-SeedRecorderExport $export -FilePrefix 'call' -Count $count -AudioBytes 1600 | Out-Null
    $fresh = @{}
    $alone = Measure-Import "Import-Recording of $count small recordings into a new store" { param($r)
        $s = New-SeedStore (Join-Path $work "import-$r"); if ($r -eq 1) { Measure-IdlePeak $s }
        if ($fresh.Last) { Remove-Item $fresh.Last -Recurse -Force }
        $fresh.Last = $s.Store.Path
        $s } $count $export
    $onBig = Measure-Import "Import-Recording of $count into the large store" { param($r) $big } $count $export
    Add-Result "Import cost growth: $count into the large store / into a new store" ('{0} / {1}' -f (Format-Ms $onBig.Median), (Format-Ms $alone.Median)) '' ('{0:N2}x' -f ($onBig.Median / $alone.Median)) 'none (for information)' $null
    Remove-Item $export -Recurse -Force
}
if ($needBig) { Remove-Item $big.Store.Path -Recurse -Force -ErrorAction SilentlyContinue }
if ($log) { Remove-Item $log.Store.Path -Recurse -Force -ErrorAction SilentlyContinue }

# ---------------------------------------------------------------- Test-RecordingStore -Deep and Save-Recording
if ('Deep' -in $Only -or 'Save' -in $Only) {
    $deep = New-SeedStore (Join-Path $work 'deep')
    Grant-RecordingAccess -Principal 'investigator@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'benchmark' | Out-Null
}
if ('Deep' -in $Only) {
    $files = [math]::Max(20, [int](10000 * $Scale))
    $deepExport = Join-Path $work 'deep-export'
    Write-Host "Test-RecordingStore -Deep: importing $files recordings of 1 MB"
    $mf = New-SeedRecorderExport $deepExport -FilePrefix 'deep' -Count $files -AudioBytes 1000000
    $importMs = Measure-Ms { Connect-RecordingStore $deep.Store.Path -Identity 'admin@uni.test'; Import-Recording -ManifestPath $mf | Out-Null }
    Write-Host ("  imported in {0}" -f (Format-Ms $importMs))
    Remove-Item $deepExport -Recurse -Force
    $recordings = Join-Path $deep.Store.Path 'recordings'
    $crec = @(Get-ChildItem $recordings -Recurse -Filter *.crec)
    Assert-Bench ($crec.Count -eq $files + 1) "the deep store holds $($files + 1) recording files"
    $bytes = ($crec | Measure-Object Length -Sum).Sum
    $sumOut = Join-Path $work 'deep.sha256'
    $sumLine = "cd {0} && find . -name '*.crec' -print0 | xargs -0 sha256sum > {1}" -f (Quote $recordings), (Quote $sumOut)
    if (-not $missing) { Invoke-Sh $sumLine | Out-Null }   # warm-up: both sides then read from the page cache
    $deepOurs = { param($r)
        $findings = $null
        $ms = Measure-Ms { $script:findings = @(Test-RecordingStore -Deep) }
        $bad = @($script:findings | Where-Object { "$($_.Severity)" -ne 'Ok' })
        Assert-Bench ($bad.Count -eq 0) "Test-RecordingStore -Deep found the store sound ($($bad | ForEach-Object Message))"
        Assert-Bench (@($script:findings | Where-Object { $_.Message -like "All $($files + 1) recordings decrypted*" }).Count -eq 1) "Test-RecordingStore -Deep decrypted all $($files + 1) recordings"
        $ms }
    $deepShell = if (-not $missing) { { param($r)
        $ms = Invoke-Sh $sumLine
        Assert-Bench (@(Get-Content $sumOut).Count -eq $files + 1) "sha256sum hashed $($files + 1) files"
        $ms } }
    Write-Host "Test-RecordingStore -Deep over $($files + 1) files, $([math]::Round($bytes / $MB)) MB"
    Connect-RecordingStore $deep.Store.Path -Identity 'admin@uni.test'
    $m = Invoke-Interleaved 'deep' $deepOurs $deepShell
    $oursRate = Get-Stat @($m.Ours.Median, $m.Ours.Min, $m.Ours.Max | ForEach-Object { $bytes / $MB / ($_ / 1000) })
    $name = "Test-RecordingStore -Deep, $($files + 1) recordings of 1 MB"
    if ($deepShell) {
        $baseRate = Get-Stat @($m.Baseline.Median, $m.Baseline.Min, $m.Baseline.Max | ForEach-Object { $bytes / $MB / ($_ / 1000) })
        $ratio = Get-Ratio $m.Ours $m.Baseline
        Add-Result $name ('{0:N0} MB/s ({1:N0}-{2:N0}); {3}' -f ($bytes / $MB / ($m.Ours.Median / 1000)), $oursRate.Min, $oursRate.Max, (Format-Stat $m.Ours)) ('sha256sum of the same files {0:N0} MB/s ({1:N0}-{2:N0}); {3}' -f ($bytes / $MB / ($m.Baseline.Median / 1000)), $baseRate.Min, $baseRate.Max, (Format-Stat $m.Baseline)) ('{0:N2}x the time' -f $ratio) '<= 2x' ($ratio -le 2)
    } else { Add-Result $name (Format-Stat $m.Ours) '' '' '<= 2x' "skipped: $($missing -join ', ') not on PATH" }
    Remove-Item $sumOut -ErrorAction SilentlyContinue
}

if ('Save' -in $Only) {
    $audio = [math]::Max(100000, [int](50000000 * $Scale))
    $saveExport = Join-Path $work 'save-export'
    Connect-RecordingStore $deep.Store.Path -Identity 'admin@uni.test'
    $mf = New-SeedRecorderExport $saveExport -FilePrefix 'long' -Count 1 -AudioBytes $audio -DaysAgo 2
    $rec = Import-Recording -ManifestPath $mf
    Remove-Item $saveExport -Recurse -Force
    $stored = (Get-ChildItem (Join-Path $deep.Store.Path "recordings") -Recurse -File -Filter "$($rec.RecordingId).crec").FullName
    $investigator = $deep.Store.As('investigator@uni.test')
    $saved = Join-Path $work 'saved.wav'; $copied = Join-Path $work 'copied.crec'
    Write-Host ("Save-Recording of {0:N1} MB vs cp" -f ($audio / $MB))
    $saveOurs = { param($r)
        Remove-Item $saved -ErrorAction SilentlyContinue
        $ms = Measure-Ms { Save-Recording -Store $investigator -RecordingId $rec.RecordingId -Destination $saved -Purpose Training -Reason 'benchmark' }
        Assert-Bench ((Get-Item $saved).Length -eq $audio + 44) "Save-Recording wrote $($audio + 44) bytes"
        $ms }
    $saveCp = if (-not $missing) { { param($r)
        Remove-Item $copied -ErrorAction SilentlyContinue
        $ms = Invoke-Sh ("cp {0} {1}" -f (Quote $stored), (Quote $copied))
        Assert-Bench ((Get-Item $copied).Length -eq (Get-Item $stored).Length) 'cp copied the file'
        $ms } }
    $m = Invoke-Interleaved 'save' $saveOurs $saveCp
    $name = "Save-Recording of one {0:N1} MB recording" -f ($audio / $MB)
    if ($saveCp) {
        Add-Result $name (Format-Stat $m.Ours) ("cp of its stored file {0}" -f (Format-Stat $m.Baseline)) ('{0:N1}x' -f (Get-Ratio $m.Ours $m.Baseline)) 'none (for information)' $null
    } else { Add-Result $name (Format-Stat $m.Ours) '' '' 'none (for information)' "skipped: $($missing -join ', ') not on PATH" }
    Remove-Item $saved, $copied -ErrorAction SilentlyContinue
}

# ---------------------------------------------------------------- report
Write-Host ''
Write-Host ("Benchmarks at scale {0}, {1} runs each, medians (min-max); took {2:N1} min." -f $Scale, $Runs, $benchClock.Elapsed.TotalMinutes)
$results | Format-Table -AutoSize -Wrap | Out-String -Width 250 | Write-Host
Write-Host '| benchmark | ours | baseline | ratio | target | result |'
Write-Host '| --- | --- | --- | --- | --- | --- |'
foreach ($r in $results) { Write-Host ('| {0} | {1} | {2} | {3} | {4} | {5} |' -f @($r.Benchmark, $r.Ours, $r.Baseline, $r.Ratio, $r.Target, $r.Result | ForEach-Object { "$_".Replace('|', '\|') })) }
if (-not $WorkFolder) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
