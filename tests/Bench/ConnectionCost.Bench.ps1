<#
.SYNOPSIS
Per-call cost of cmdlets that open the policy database: Get-Recording -RemoteNumber on a 1,000,000- and a
1,000-recording store, and an Add-/Remove-RecordingRole pair (issue 9 section 1 made every connection close with
its cmdlet; this measures what that costs per call).
.DESCRIPTION
-Seed creates the two stores under -Work (once). Without -Seed, measures -Calls calls of each against the stores
already in -Work with the module in -ModulePath and prints one line per measurement: name, median ms, min ms.
Run it alternately with two builds (before/after) to compare them on a noisy machine.
#>
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/CallRecordingAdmin'),
    [string] $Work = (Join-Path ([IO.Path]::GetTempPath()) 'crs-connection-cost'),
    [int] $Calls = 21,
    [int] $Rows = 1000000,
    [switch] $Seed
)
$ErrorActionPreference = 'Stop'
$env:CALLRECORDINGADMIN_TEST_MODULE = (Resolve-Path $ModulePath).Path
. (Join-Path $PSScriptRoot '../Module.Tests/BuiltModule.ps1')
$TestDrive = $Work

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}
function Measure-Ms([scriptblock] $Block) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Block | Out-Null; $sw.Stop(); $sw.Elapsed.TotalMilliseconds }

if ($Seed) {
    New-Item -ItemType Directory $Work -Force | Out-Null
    foreach ($s in @(@{ Name = 'big'; Rows = $Rows }, @{ Name = 'small'; Rows = 1000 })) {
        $path = Join-Path $Work $s.Name
        if (Test-Path $path) { continue }
        $store = New-RecordingStore -Path $path -Identity 'admin@uni.test' -SharedOsAccount
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $Work "seed-$($s.Name).wav") 0.1
        $seedRec = Import-Recording -Store $store -Path (Join-Path $Work "seed-$($s.Name).wav") -CallId "seed-$($s.Name)" -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -RemoteNumber '07700 900000'
        Invoke-StoreSql $store @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $($s.Rows))
INSERT INTO recording(id, call_id, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw, agent, format,
                      size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by)
SELECT 'rec-bk' || printf('%018d', i), 'bulk-' || i, service_area_id, request_id, extension, start_time, duration_seconds, direction,
       '+447700' || printf('%06d', i % 1000000), remote_number_raw, 'agent' || (i % 50), format, size_bytes, stored_bytes, sha256,
       'bk/rec-bk' || printf('%018d', i) || '.crec', 'Active', expires_at, imported_at, imported_by
FROM recording, n WHERE recording.id = '$($seedRec.RecordingId)'
"@
        Write-Host "seeded $path"
    }
    return
}

foreach ($name in 'big', 'small') {
    Connect-RecordingStore -Path (Join-Path $Work $name) -Identity 'admin@uni.test'
    Get-Recording -RemoteNumber '07700 912345' | Out-Null
    $times = foreach ($i in 1..$Calls) { Measure-Ms { Get-Recording -RemoteNumber ('07700 9{0:D5}' -f (1000 + $i * 37)) } }
    $found = @(Get-Recording -RemoteNumber '07700 901037').Count
    '{0,-28} median {1,7:N2} ms  min {2,7:N2} ms  (found {3})' -f "Get-Recording $name", (Get-Median $times), ($times | Measure-Object -Minimum).Minimum, $found
}
$times = foreach ($i in 1..$Calls) {
    Measure-Ms { Add-RecordingRole -Principal 'bench@uni.test' -Role Auditor; Remove-RecordingRole -Principal 'bench@uni.test' -Role Auditor -Confirm:$false }
}
'{0,-28} median {1,7:N2} ms  min {2,7:N2} ms' -f 'Add+Remove-RecordingRole', (Get-Median $times), ($times | Measure-Object -Minimum).Minimum
Disconnect-RecordingStore
