<#
.SYNOPSIS
    The fault campaign (issue 9 §8): kill -9 at random moments and at named fault points, disk full, a read-only
    store, a missing or wrong key, the bad-input corpus, a stale session and concurrent writers; prints
    scenario | tried | held | failed and exits non-zero if any case failed.
.PARAMETER ModulePath
    The built module folder (out/CallRecordingAdmin).
.PARAMETER Kills
    Kill -9 runs in all, shared among the kill scenarios present (default 200).
.PARAMETER CorpusLimit
    Run only the first N corpus cases (0: all).
.PARAMETER CorpusIds
    Run only these corpus cases (ids of corpus/cases.csv).
.PARAMETER PointEvery
    Every Nth kill of a scenario with fault points stops at a named point instead of a random moment (default 4).
.PARAMETER Lanes
    How many scenarios run at once, each in its own processes (default 3).
.PARAMETER Prestart
    How many of a kill scenario's processes start ahead of their kill, each loading the module and waiting (default 2).
.PARAMETER Part
    Which parts to run: Kills, Faults, Corpus, Sessions (default all).
.PARAMETER ResultPath
    Where to write every case's result as JSON (for the Pester slice).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Kills = 200,
    [int] $CorpusLimit = 0,
    [string[]] $CorpusIds = @(),
    [int] $PointEvery = 4,
    [int] $Lanes = 3,
    [int] $Prestart = 2,
    [string[]] $Part = @('Kills', 'Faults', 'Corpus', 'Sessions'),
    [string[]] $Scenario = @('Import', 'Purge', 'Extract', 'SubjectAccess', 'Grants', 'Backup'),
    [string] $WorkRoot = (Join-Path ([IO.Path]::GetTempPath()) ('crs-chaos-' + [guid]::NewGuid().ToString('N').Substring(0, 8))),
    [string] $ResultPath,
    [int] $Seed = 0
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ModulePath = (Resolve-Path $ModulePath).Path
# from 'pwsh -File' a list arrives as one comma-separated string
$Part = @($Part | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$Scenario = @($Scenario | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$PwshCommand = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
$random = if ($Seed) { [Random]::new($Seed) } else { [Random]::new() }
New-Item -ItemType Directory $WorkRoot -Force | Out-Null
$results = [System.Collections.Generic.List[object]]::new()
$started = [Diagnostics.Stopwatch]::StartNew()

function Add-Result([string] $Scenario, [string] $Case, [string] $Status, [string] $Detail = '', [string] $Needs = '') {
    $results.Add([pscustomobject]@{ Scenario = $Scenario; Case = $Case; Status = $Status; Detail = $Detail; Needs = $Needs })
    # each result as it comes, so that a stopped campaign still has its figures
    if ($ResultPath) { Add-Content "$ResultPath.progress" ([pscustomobject]@{ At = [datetime]::UtcNow.ToString('HH:mm:ss'); Scenario = $Scenario; Case = $Case; Status = $Status; Detail = $Detail } | ConvertTo-Json -Compress) }
    if ($Status -eq 'Failed' -and -not ($Lanes -eq 1 -and $ResultPath)) { Write-Host ("  FAILED  {0} / {1}: {2}{3}" -f $Scenario, $Case, $Detail, $(if ($Needs) { " (needs the fix of issue 9 $Needs)" })) }
}

# Starts pwsh on a script file without waiting; extra environment variables for that process only.
function Start-Child([string] $File, [string[]] $Arguments, [hashtable] $Environment = @{}) {
    $psi = [System.Diagnostics.ProcessStartInfo]::new($PwshCommand[0])
    foreach ($a in @($PwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $File) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = $Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    # drain the pipes so that a chatty child never blocks on a full pipe
    $p.BeginOutputReadLine(); $p.BeginErrorReadLine()
    $p
}

function Wait-File([string] $Path, [System.Diagnostics.Process] $Process, [int] $Seconds = 120) {
    $deadline = [datetime]::UtcNow.AddSeconds($Seconds)
    while (-not (Test-Path $Path)) {
        if ($Process.HasExited -or [datetime]::UtcNow -gt $deadline) { return $false }
        Start-Sleep -Milliseconds 50
    }
    $true
}

$worker = Join-Path $PSScriptRoot 'Worker.ps1'
function Invoke-Worker([string] $Mode, [string] $Name, [string] $Root, [int] $Iteration) {
    $out = Join-Path $Root "$Mode-$Iteration.json"
    $p = Start-Child $worker @('-Mode', $Mode, '-Scenario', $Name, '-Root', $Root, '-ModulePath', $ModulePath, '-Iteration', $Iteration, '-Out', $out)
    $p.WaitForExit()
    if (-not (Test-Path $out)) { return @([pscustomobject]@{ Name = "$Mode ran"; Ok = $false; Detail = "the $Mode step exited $($p.ExitCode) without a result"; Needs = '' }) }
    @(Get-Content $out -Raw | ConvertFrom-Json)
}

# Asks the scenario's verifier to check kill $I, whose store copy is in $Dir (it holds no connection while an
# operation runs); without -Wait after the request is made (a second call with -Wait collects the answer).
function Request-Verify([string] $Root, [int] $I, [System.Diagnostics.Process] $Server, [string] $Dir, [switch] $Wait) {
    $answer = Join-Path $Root "verify-$I.json"
    $request = Join-Path $Root "verify-$I.request"
    if (-not (Test-Path $request)) { Set-Content "$request.tmp" $Dir; Move-Item "$request.tmp" $request -Force; if ($I -gt 0 -and -not $Wait) { return } }
    if (-not (Wait-File $answer $Server 7200)) { return @([pscustomobject]@{ Name = 'verifier'; Ok = $false; Detail = "the verifier exited or did not answer (exit $(if ($Server.HasExited) { $Server.ExitCode }))"; Needs = '' }) }
    @(Get-Content $answer -Raw | ConvertFrom-Json)
}

# ---- kill -9 ---------------------------------------------------------------------------------------------------
$points = @{
    Import = @('import.after-commit'); Purge = @('purge.after-pending', 'purge.after-delete'); Extract = @('extract.after-verify', 'extract.after-mark')
    SubjectAccess = @('sar.mid-export'); Grants = @(); Backup = @()
}
# With more than one lane, every kill scenario and every other part runs as its own Chaos.ps1 (its own store and
# processes), at most $Lanes at once; their results are gathered here.
$jobs = [System.Collections.Generic.List[object]]::new()
if ($Lanes -gt 1) {
    if ('Kills' -in $Part) {
        Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1')
        $present = @($Scenario | Where-Object { $_ -ne 'Backup' -or (Get-Command Backup-RecordingStore -ErrorAction SilentlyContinue) })
        if ('Backup' -in $Scenario -and 'Backup' -notin $present) { Add-Result 'kill: Backup' 'Backup-RecordingStore' 'NotPresent' 'Backup-RecordingStore is not present in this build (issue 9 §1)' '§1' }
        Remove-Module CallRecordingAdmin
        $share = [math]::Max(1, [math]::Ceiling($Kills / [math]::Max(1, $present.Count)))
        foreach ($name in $present) { $jobs.Add(@('-Part', 'Kills', '-Scenario', $name, '-Kills', $share)) }
    }
    foreach ($other in 'Corpus', 'Faults', 'Sessions') { if ($other -in $Part) { $jobs.Add(@('-Part', $other)) } }
    $running = [System.Collections.Generic.List[object]]::new()
    $n = 0
    while ($jobs.Count -or $running.Count) {
        while ($jobs.Count -and $running.Count -lt $Lanes) {
            $n++; $out = Join-Path $WorkRoot "lane-$n.json"
            $a = @($jobs[0]) + @('-ModulePath', $ModulePath, '-Lanes', 1, '-Prestart', $Prestart, '-PointEvery', $PointEvery, '-CorpusLimit', $CorpusLimit, '-WorkRoot', (Join-Path $WorkRoot "lane-$n"), '-ResultPath', $out)
            if ($CorpusIds) { $a += @('-CorpusIds', ($CorpusIds -join ',')) }
            if ($Seed) { $a += @('-Seed', ($Seed + $n)) }
            $jobs.RemoveAt(0)
            $running.Add([pscustomobject]@{ Process = (Start-Child $PSCommandPath $a); Out = $out; What = ($a[1] + ' ' + $a[3]) })
        }
        Start-Sleep -Milliseconds 500
        foreach ($r in @($running | Where-Object { $_.Process.HasExited })) {
            $running.Remove($r) | Out-Null
            if (Test-Path $r.Out) { foreach ($x in @(Get-Content $r.Out -Raw | ConvertFrom-Json)) { Add-Result $x.Scenario $x.Case $x.Status $x.Detail $x.Needs } }
            else { Add-Result $r.What 'run' 'Failed' "the lane exited $($r.Process.ExitCode) without results" }
        }
    }
    $Part = @()
}
if ('Kills' -in $Part) {
    Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1')
    $present = @($Scenario | Where-Object { $_ -ne 'Backup' -or (Get-Command Backup-RecordingStore -ErrorAction SilentlyContinue) })
    if ('Backup' -in $Scenario -and 'Backup' -notin $present) { Add-Result 'kill: Backup' 'Backup-RecordingStore' 'NotPresent' 'Backup-RecordingStore is not present in this build (issue 9 §1)' '§1' }
    Remove-Module CallRecordingAdmin
    $share = [math]::Max(1, [math]::Ceiling($Kills / [math]::Max(1, $present.Count)))
    foreach ($name in $present) {
        # The scenario's store and its input are made once (the template); every kill runs on its own copy of it, so
        # each kill meets the same small store and its verification costs the same at the 200th kill as at the first.
        $root = Join-Path $WorkRoot "kill-$name"
        $template = Join-Path $root 'template'
        New-Item -ItemType Directory $root -Force | Out-Null
        $setup = Invoke-Worker Setup $name $template 0
        if (@($setup | Where-Object { -not $_.Ok }).Count) { Add-Result "kill: $name" 'setup' 'Failed' (($setup | Where-Object { -not $_.Ok }).Detail -join '; '); continue }
        function Copy-Template([int] $i) {
            $to = Join-Path $root "k$i"
            if ($IsLinux -or $IsMacOS) { & cp -a $template $to; if ($LASTEXITCODE) { throw "cp -a $template $to failed" } }
            else { Copy-Item $template $to -Recurse }
            $to
        }
        # one uninterrupted run measures how long the operation takes; kills then land uniformly within that time
        $k0 = Copy-Template 0
        $done = Join-Path $k0 'done-0.json'
        $p = Start-Child $worker @('-Mode', 'Operate', '-Scenario', $name, '-Root', $k0, '-ModulePath', $ModulePath, '-Iteration', 0, '-Out', $done, '-Ready', (Join-Path $k0 'ready-cal'))
        $p.WaitForExit()
        $window = if (Test-Path $done) { [math]::Max(50, [int](Get-Content $done -Raw | ConvertFrom-Json).ElapsedMs) } else { 1000 }
        $server = Start-Child $worker @('-Mode', 'Serve', '-Scenario', $name, '-Root', $root, '-ModulePath', $ModulePath, '-Iteration', 0, '-Out', (Join-Path $root 'verify'), '-Ready', (Join-Path $root 'serving'))
        if (-not (Wait-File (Join-Path $root 'serving') $server 7200)) { Add-Result "kill: $name" 'verifier' 'Failed' 'the verifier did not start'; if (-not $server.HasExited) { $server.Kill($true) }; continue }
        # the uninterrupted run is verified too (it warms the verifier); a failure there is a finding like any other
        $calibration = @(Request-Verify $root 0 $server $k0)
        $calFailed = @($calibration | Where-Object { -not $_.Ok })
        if ($calFailed.Count) { Add-Result "kill: $name" 'uninterrupted run' 'Failed' (($calFailed | ForEach-Object { "$($_.Name): $($_.Detail)" }) -join '; ') }
        else { Remove-Item $k0 -Recurse -Force -ErrorAction SilentlyContinue }
        Write-Host ("kill: {0,-14} operation takes {1} ms; {2} kills; verifier: {3}" -f $name, $window, $share, (@($calibration | Where-Object Name -eq 'timing').Detail))
        function Start-Operate([int] $i) {
            $point = if ($points[$name].Count -and $i % $PointEvery -eq 0) { $points[$name][($i / $PointEvery) % $points[$name].Count] } else { $null }
            $dir = Copy-Template $i
            $envs = if ($point) { @{ CALLRECORDINGADMIN_PAUSE_AT = $point; CALLRECORDINGADMIN_PAUSE_SIGNAL = (Join-Path $dir 'paused') } } else { @{} }
            $p = Start-Child $worker @('-Mode', 'Operate', '-Scenario', $name, '-Root', $dir, '-ModulePath', $ModulePath, '-Iteration', 0, '-Out', (Join-Path $dir 'done.json'), '-Ready', (Join-Path $dir 'ready'), '-Go', (Join-Path $dir 'go')) $envs
            [pscustomobject]@{ Process = $p; Point = $point; Dir = $dir; I = $i; Case = $null; Landed = $false }
        }
        # the kill of one copy and the verification of the previous copy overlap: the verifier checks kill i while kill i+1 runs
        function Complete-Kill($k) {
            $checks = Request-Verify $root $k.I $server $k.Dir -Wait
            $failed = @($checks | Where-Object { -not $_.Ok })
            $label = if ($k.Landed) { $k.Case } else { "$($k.Case) (finished before the kill)" }
            if ($failed.Count -eq 0) { Add-Result "kill: $name" $label 'Held'; Remove-Item $k.Dir -Recurse -Force -ErrorAction SilentlyContinue }
            else { Add-Result "kill: $name" $label 'Failed' ((@($failed | ForEach-Object { "$($_.Name): $($_.Detail)" }) + "store kept in $($k.Dir)") -join '; ') (@($failed.Needs | Where-Object { $_ } | Sort-Object -Unique) -join ',') }
            $timing = @($checks | Where-Object Name -eq 'timing').Detail
            if ($timing) { Add-Content (Join-Path $WorkRoot 'timings.log') ("{0} k{1} {2}" -f $name, $k.I, $timing) }
        }
        # the processes to be killed start ahead ($Prestart of them, each waiting for its go file with the module loaded):
        # a pwsh start is the dearest step of a kill on a loaded machine
        $pending = $null
        $ahead = [System.Collections.Generic.Queue[object]]::new()
        $startedOps = 1
        while ($ahead.Count -lt $Prestart -and $startedOps -le $share) { $ahead.Enqueue((Start-Operate $startedOps)); $startedOps++ }
        for ($i = 1; $i -le $share; $i++) {
            $current = $ahead.Dequeue()
            $p = $current.Process; $point = $current.Point
            $ready = Join-Path $current.Dir 'ready'; $signal = Join-Path $current.Dir 'paused'
            $killWatch = [Diagnostics.Stopwatch]::StartNew()
            Set-Content (Join-Path $current.Dir 'go') 'go'
            $current.Case = if ($point) { "at $point" } else { 'at a random moment' }
            $landed = $false
            if (Wait-File $ready $p 7200) {
                if ($point) { $landed = Wait-File $signal $p 3600 }
                else { Start-Sleep -Milliseconds ($random.Next(0, $window)); $landed = -not $p.HasExited }
            }
            if (-not $p.HasExited) { $p.Kill($true) }
            $p.WaitForExit()
            $current.Landed = $landed
            Add-Content (Join-Path $WorkRoot 'timings.log') ("{0} k{1} operate+kill {2} ms" -f $name, $i, $killWatch.ElapsedMilliseconds)
            while ($ahead.Count -lt $Prestart -and $startedOps -le $share) { $ahead.Enqueue((Start-Operate $startedOps)); $startedOps++ }
            if ($pending) { Complete-Kill $pending; $pending = $null }
            if ($point -and -not $landed) {
                Add-Result "kill: $name" $current.Case 'Failed' "the fault point $point was never reached; store kept in $($current.Dir)"
                continue
            }
            Request-Verify $root $i $server $current.Dir | Out-Null
            $pending = $current
        }
        if ($pending) { Complete-Kill $pending }
        Set-Content (Join-Path $root 'stop') 'stop'
        if (-not $server.WaitForExit(60000)) { $server.Kill($true) }
        Remove-Item $template -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# ---- disk full, read-only store, missing and wrong key, sessions, corpus: in their own scripts -----------------
foreach ($entry in @(@{ Part = 'Faults'; File = 'Faults.ps1' }, @{ Part = 'Sessions'; File = 'Sessions.ps1' }, @{ Part = 'Corpus'; File = 'Corpus.ps1' })) {
    if ($entry.Part -notin $Part) { continue }
    $out = Join-Path $WorkRoot "$($entry.Part).json"
    $args2 = @('-ModulePath', $ModulePath, '-WorkRoot', (Join-Path $WorkRoot $entry.Part.ToLowerInvariant()), '-Out', $out)
    if ($entry.Part -eq 'Corpus') { $args2 += @('-Limit', $CorpusLimit); if ($CorpusIds) { $args2 += @('-Only', ($CorpusIds -join ',')) } }
    $p = Start-Child (Join-Path $PSScriptRoot $entry.File) $args2
    $p.WaitForExit()
    if (Test-Path $out) { foreach ($r in @(Get-Content $out -Raw | ConvertFrom-Json)) { Add-Result $r.Scenario $r.Case $r.Status $r.Detail $r.Needs } }
    else { Add-Result $entry.Part 'run' 'Failed' "$($entry.File) exited $($p.ExitCode) without results" }
}

# ---- the table ---------------------------------------------------------------------------------------------------
$table = $results | Group-Object Scenario | ForEach-Object {
    $g = $_.Group
    [pscustomobject]@{
        scenario = $_.Name
        tried    = @($g | Where-Object Status -in 'Held', 'Failed').Count
        held     = @($g | Where-Object Status -eq 'Held').Count
        failed   = @($g | Where-Object Status -eq 'Failed').Count
        skipped  = @($g | Where-Object Status -in 'Skipped', 'NotPresent').Count
        'awaiting fix' = (@($g | Where-Object { $_.Status -eq 'Failed' -and $_.Needs } | ForEach-Object { $_.Needs -split ',' } | Sort-Object -Unique) -join ' ')
    }
}
Write-Host ''
Write-Host '| scenario | tried | held | failed | skipped | failures awaiting a fix of issue 9 |'
Write-Host '| --- | --- | --- | --- | --- | --- |'
foreach ($row in $table) { Write-Host ("| {0} | {1} | {2} | {3} | {4} | {5} |" -f $row.scenario, $row.tried, $row.held, $row.failed, $row.skipped, $row.'awaiting fix') }
$tried = @($results | Where-Object Status -in 'Held', 'Failed').Count
$held = @($results | Where-Object Status -eq 'Held').Count
$kills = @($results | Where-Object { $_.Scenario -like 'kill:*' -and $_.Status -in 'Held', 'Failed' }).Count
Write-Host ("| **all** | {0} | {1} | {2} | {3} | |" -f $tried, $held, ($tried - $held), @($results | Where-Object Status -in 'Skipped', 'NotPresent').Count)
Write-Host ''
foreach ($s in $results | Where-Object Status -in 'Skipped', 'NotPresent') { Write-Host "  $($s.Status.ToUpperInvariant())  $($s.Scenario) / $($s.Case): $($s.Detail)" }
Write-Host ("{0} kill -9 runs; {1} cases tried, {2} held, {3} failed; {4:N0} s." -f $kills, $tried, $held, ($tried - $held), $started.Elapsed.TotalSeconds)
if ($ResultPath) {
    ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content $ResultPath
    # where each kill's time went (operate+kill, and the verifier's phases), kept beside the results
    $timings = @(Get-ChildItem $WorkRoot -Recurse -Filter timings.log -File -ErrorAction SilentlyContinue | Get-Content)
    if ($timings) { Set-Content "$ResultPath.timings.log" $timings }
}
Remove-Item $WorkRoot -Recurse -Force -ErrorAction SilentlyContinue
if ($tried -ne $held) { exit 1 }
