<#
.SYNOPSIS
    Benchmarks of CallRecordingAdmin, each beside its baseline measured in the same run.
.DESCRIPTION
    Import cost: median wall time of 'pwsh -NoProfile -c "Import-Module <built>"' against a bare
    'pwsh -NoProfile -c ""' (at least 10 runs each, interleaved so that machine noise hits both alike).
    Target: under 250 ms added.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [ValidateRange(10, 1000)] [int] $Runs = 15
)
$ErrorActionPreference = 'Stop'
$pwshCommand = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }

function Measure-Pwsh([string] $Command) {
    $exe = $pwshCommand[0]
    [string[]] $prefix = @($pwshCommand | Select-Object -Skip 1)
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    & $exe @prefix -NoProfile -NonInteractive -Command $Command | Out-Null
    $sw.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh -c '$Command' failed." }
    $sw.Elapsed.TotalMilliseconds
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

$manifest = Join-Path $ModulePath 'CallRecordingAdmin.psd1'
$import = "Import-Module '$manifest'"
Measure-Pwsh '' | Out-Null          # warm the file cache for both
Measure-Pwsh $import | Out-Null
$bare = [System.Collections.Generic.List[double]]::new()
$withModule = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -lt $Runs; $i++) {
    $bare.Add((Measure-Pwsh ''))
    $withModule.Add((Measure-Pwsh $import))
}
$bareMedian = Get-Median $bare
$moduleMedian = Get-Median $withModule
$added = $moduleMedian - $bareMedian
Write-Host ''
Write-Host "Import cost ($Runs runs each, median wall time)"
Write-Host ('  bare pwsh -NoProfile -c ""           {0,8:N0} ms' -f $bareMedian)
Write-Host ('  pwsh -NoProfile -c "Import-Module"   {0,8:N0} ms' -f $moduleMedian)
Write-Host ('  added by Import-Module               {0,8:N0} ms   target < 250 ms: {1}' -f $added, $(if ($added -lt 250) { 'met' } else { 'NOT met' }))
[pscustomobject]@{ Benchmark = 'ImportModule'; BaselineMs = [math]::Round($bareMedian, 1); MeasuredMs = [math]::Round($moduleMedian, 1); AddedMs = [math]::Round($added, 1); TargetMet = $added -lt 250 }
