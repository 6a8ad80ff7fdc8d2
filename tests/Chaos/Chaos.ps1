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
        Start-Sleep -Milliseconds 5
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

# Asks the scenario's verifier to check iteration $i (it holds no connection while the operation runs).
function Request-Verify([string] $Root, [int] $I, [System.Diagnostics.Process] $Server) {
    $answer = Join-Path $Root "verify-$I.json"
    Set-Content (Join-Path $Root "verify-$I.request") 'verify'
    if (-not (Wait-File $answer $Server 600)) { return @([pscustomobject]@{ Name = 'verifier'; Ok = $false; Detail = "the verifier exited or did not answer (exit $(if ($Server.HasExited) { $Server.ExitCode }))"; Needs = '' }) }
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
            $a = @($jobs[0]) + @('-ModulePath', $ModulePath, '-Lanes', 1, '-PointEvery', $PointEvery, '-CorpusLimit', $CorpusLimit, '-WorkRoot', (Join-Path $WorkRoot "lane-$n"), '-ResultPath', $out)
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
        $root = Join-Path $WorkRoot "kill-$name"
        $setup = Invoke-Worker Setup $name $root 0
        if (@($setup | Where-Object { -not $_.Ok }).Count) { Add-Result "kill: $name" 'setup' 'Failed' (($setup | Where-Object { -not $_.Ok }).Detail -join '; '); continue }
        # one uninterrupted run measures how long the operation takes; kills then land uniformly within that time
        $ready = Join-Path $root 'ready-cal'; $done = Join-Path $root 'done-0.json'
        $p = Start-Child $worker @('-Mode', 'Operate', '-Scenario', $name, '-Root', $root, '-ModulePath', $ModulePath, '-Iteration', 0, '-Out', $done, '-Ready', $ready)
        $p.WaitForExit()
        $window = if (Test-Path $done) { [math]::Max(50, [int](Get-Content $done -Raw | ConvertFrom-Json).ElapsedMs) } else { 1000 }
        $server = Start-Child $worker @('-Mode', 'Serve', '-Scenario', $name, '-Root', $root, '-ModulePath', $ModulePath, '-Iteration', 0, '-Out', (Join-Path $root 'verify'), '-Ready', (Join-Path $root 'serving'))
        if (-not (Wait-File (Join-Path $root 'serving') $server 300)) { Add-Result "kill: $name" 'verifier' 'Failed' 'the verifier did not start'; continue }
        $verify = Request-Verify $root 0 $server
        Write-Host ("kill: {0,-14} operation takes {1} ms; {2} kills" -f $name, $window, $share)
        function Start-Operate([int] $i) {
            $point = if ($points[$name].Count -and $i % $PointEvery -eq 0) { $points[$name][($i / $PointEvery) % $points[$name].Count] } else { $null }
            $envs = if ($point) { @{ CALLRECORDINGADMIN_PAUSE_AT = $point; CALLRECORDINGADMIN_PAUSE_SIGNAL = (Join-Path $root "paused-$i") } } else { @{} }
            $p = Start-Child $worker @('-Mode', 'Operate', '-Scenario', $name, '-Root', $root, '-ModulePath', $ModulePath, '-Iteration', $i, '-Out', (Join-Path $root "done-$i.json"), '-Ready', (Join-Path $root "ready-$i"), '-Go', (Join-Path $root "go-$i")) $envs
            [pscustomobject]@{ Process = $p; Point = $point }
        }
        $next = Start-Operate 1
        for ($i = 1; $i -le $share; $i++) {
            $current = $next
            $p = $current.Process; $point = $current.Point
            $ready = Join-Path $root "ready-$i"; $signal = Join-Path $root "paused-$i"
            Set-Content (Join-Path $root "go-$i") 'go'
            $case = if ($point) { "at $point" } else { 'at a random moment' }
            $landed = $false
            if (Wait-File $ready $p 600) {
                if ($point) { $landed = Wait-File $signal $p 120 }
                else { Start-Sleep -Milliseconds ($random.Next(0, $window)); $landed = -not $p.HasExited }
            }
            if (-not $p.HasExited) { $p.Kill($true) }
            $p.WaitForExit()
            if ($point -and -not $landed) { Add-Result "kill: $name" $case 'Failed' "the fault point $point was never reached" }
            if ($i -lt $share) { $next = Start-Operate ($i + 1) }
            $checks = Request-Verify $root $i $server
            if ($point -and -not $landed) { continue }
            $failed = @($checks | Where-Object { -not $_.Ok })
            $label = if ($landed) { $case } else { "$case (finished before the kill)" }
            if ($failed.Count -eq 0) { Add-Result "kill: $name" $label 'Held' }
            else { Add-Result "kill: $name" $label 'Failed' (($failed | ForEach-Object { "$($_.Name): $($_.Detail)" }) -join '; ') (@($failed.Needs | Where-Object { $_ } | Sort-Object -Unique) -join ',') }
        }
        Set-Content (Join-Path $root 'stop') 'stop'
        if (-not $server.WaitForExit(60000)) { $server.Kill($true) }
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
if ($ResultPath) { ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content $ResultPath }
Remove-Item $WorkRoot -Recurse -Force -ErrorAction SilentlyContinue
if ($tried -ne $held) { exit 1 }
