<#
    One step of a kill scenario of the fault campaign, in its own pwsh (the harness never holds the store open):
      Setup    creates the scenario's store and the first iteration's input
      Operate  the process that gets killed: writes a 'ready' file once connected, then runs the operation
      Verify   checks the store as the kill left it, reruns the operation, checks convergence, prepares the next input
    Writes its findings as JSON to -Out.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('Setup', 'Operate', 'Verify', 'Serve')] [string] $Mode,
    [Parameter(Mandatory)] [string] $Scenario,
    [Parameter(Mandatory)] [string] $Root,
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Iteration = 0,
    [string] $Out,
    [string] $Ready,
    [string] $Go
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'ChaosCommon.ps1')
Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1')

$storePath = Join-Path $Root 'store'
$admin = 'admin@uni.test'
$dpo = 'dpo@uni.test'
$area = 'IT Service Desk'
$script:checks = [System.Collections.Generic.List[object]]::new()
function Check([string] $Name, [bool] $Ok, [string] $Detail = '', [string] $Needs = '') { $script:checks.Add([pscustomobject]@{ Name = $Name; Ok = $Ok; Detail = $Detail; Needs = $Needs }) }
trap {
    if ($Out -and $Mode -ne 'Operate') {
        Check "$Mode step" $false ("$_ " + $_.InvocationInfo.PositionMessage)
        ConvertTo-Json -InputObject @($script:checks) -Depth 3 | Set-Content $Out
    }
    exit 1
}

function Get-Input([int] $i) { Join-Path $Root "input-$i" }

# The input of iteration $i, made before the operation runs (so the killed process only does the operation).
function New-IterationInput([int] $i) {
    $folder = Get-Input $i
    switch ($Scenario) {
        'Import' { New-ChaosExport $folder 20 -DaysAgo 60 -Prefix "imp$i" | Out-Null }
        'Purge' {
            # imported within retention (90 days), then the area's retention is shortened so that they expire
            $manifest = New-ChaosExport $folder 20 -DaysAgo 60 -Prefix "pur$i"
            Set-ServiceArea -Name $area -RetentionDays 90 | Out-Null
            Import-Recording -ManifestPath $manifest | Out-Null
            Set-ServiceArea -Name $area -RetentionDays 30 | Out-Null
        }
        'Extract' {
            $manifest = New-ChaosExport $folder 8 -DaysAgo 20 -Prefix "ext$i"
            $recs = Import-Recording -ManifestPath $manifest
            $hold = New-LegalHold -CaseReference "CASE-$i" -Kind Legal -Reason "Claim $i"
            $recs | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
            Set-Content (Join-Path $folder 'hold.txt') $hold.HoldId
        }
        'SubjectAccess' {
            $number = '+4477009{0:D5}' -f (10000 + $i)
            $manifest = New-ChaosExport $folder 6 -DaysAgo 20 -Prefix "sar$i" -RemoteNumber $number
            Import-Recording -ManifestPath $manifest | Out-Null
            $sar = New-SubjectAccessRequest -Store ($script:Store.As($dpo)) -Reference "SAR-$i" -SubjectName "Subject $i" -PhoneNumber $number -ReceivedOn ([datetime]::UtcNow.Date)
            Set-Content (Join-Path $folder 'sar.txt') $sar.RequestId
        }
        'Grants' {
            New-Item -ItemType Directory $folder -Force | Out-Null
            1..30 | ForEach-Object { [pscustomobject]@{ Principal = "batch$i-user$_@uni.test"; ServiceArea = $area; Level = 'Supervisor'; Right = 'Play'; Reason = "Batch $i nomination" } } |
                Export-Csv (Join-Path $folder 'grants.csv') -NoTypeInformation
        }
        'Backup' { New-Item -ItemType Directory $folder -Force | Out-Null }
    }
}

# The operation that is killed, and rerun to converge.
function Invoke-Operation([int] $i, [string] $Suffix = '') {
    $folder = Get-Input $i
    switch ($Scenario) {
        'Import' { Import-Recording -ManifestPath (Join-Path $folder 'manifest.csv') -ErrorAction Continue | Out-Null }
        'Purge' { Invoke-RetentionPurge | Out-Null }
        'Extract' { Export-LegalHold -HoldId (Get-Content (Join-Path $folder 'hold.txt')) -Destination (Join-Path $folder 'case') -RemoveFromStore -Confirm:$false | Out-Null }
        'SubjectAccess' { Export-SubjectAccessRequest -Store ($script:Store.As($dpo)) -RequestId (Get-Content (Join-Path $folder 'sar.txt')) -Destination (Join-Path $folder 'sar') | Out-Null }
        'Grants' {
            Import-Csv (Join-Path $folder 'grants.csv') | Grant-RecordingAccess -Store ($script:Store.As('admin2@uni.test')) -ErrorAction SilentlyContinue | Out-Null
            Get-RecordingAccess -Principal "batch$i-*" | Revoke-RecordingAccess -Store ($script:Store.As('admin2@uni.test')) -Reason "End of batch $i" -Confirm:$false | Out-Null
        }
        'Backup' { Backup-RecordingStore -Destination (Join-Path $folder "backup$Suffix") -IncludeRecordings | Out-Null }
    }
}

switch ($Mode) {
    'Setup' {
        New-Item -ItemType Directory $Root -Force | Out-Null
        # the campaign plays several people in one OS account (separation of duties compares OS accounts)
        New-RecordingStore -Path $storePath -Identity $admin -SharedOsAccount | Out-Null
        $script:Store = Connect-RecordingStore -Path $storePath -Identity $admin -PassThru
        New-ChaosArea $area
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        Add-RecordingRole -Principal $dpo -Role DataProtectionOfficer | Out-Null
        $other = $script:Store.As('admin2@uni.test')
        # nominations made by another Administrator (nobody nominates themselves, issue 9 §5)
        Grant-RecordingAccess -Store $other -Principal $admin -ServiceArea $area -Level Supervisor -Right Play, Download, Copy, Delete -Reason 'Case extraction' | Out-Null
        Grant-RecordingAccess -Store $other -Principal $dpo -ServiceArea $area -Level Supervisor -Right Play, Download -Reason 'Subject access requests' | Out-Null
        # recordings on a hold that every scenario must leave alone, expired so that a purge would take them
        $held = New-ChaosExport (Join-Path $Root 'held') 3 -DaysAgo 60 -Prefix 'held'
        $recs = Import-Recording -ManifestPath $held
        $hold = New-LegalHold -CaseReference 'KEEP-1' -Kind Legal -Reason 'Never to be deleted in the campaign'
        $recs | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        New-IterationInput 0
        Check 'setup' $true
    }
    'Operate' {
        # started ahead (the module loads while the previous kill is verified), it connects only when told to go
        if ($Go) { while (-not (Test-Path $Go)) { Start-Sleep -Milliseconds 25 } }
        $script:Store = Connect-RecordingStore -Path $storePath -Identity $admin -PassThru
        Set-Content $Ready 'ready'
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Invoke-Operation $Iteration
        Set-Content $Out ([pscustomobject]@{ ElapsedMs = $watch.ElapsedMilliseconds } | ConvertTo-Json)
        return
    }
    { $_ -in 'Verify', 'Serve' } {
      function Invoke-Verify([switch] $Fresh) {
        # 1. As the kill left it, before anything of the module touches the store.
        $watch = [Diagnostics.Stopwatch]::StartNew(); $phases = [System.Collections.Generic.List[string]]::new()
        $script:Store = Connect-RecordingStore -Path $storePath -Identity $admin -PassThru
        $integrity = Invoke-ChaosSql (Join-Path $storePath 'policy.db') 'PRAGMA integrity_check'
        Check 'integrity after kill' ($integrity -eq 'ok') "$integrity"
        $chain = Test-AuditChain
        Check 'audit chain after kill' $chain.IsValid "$($chain.Problem)"
        Test-ChaosHeld $storePath
        Test-ChaosTruthful $storePath 'after kill'
        $folder = Get-Input $Iteration
        if ($Scenario -eq 'SubjectAccess') {
            # decrypted audio never exists without its access-log row (issue 9 §4)
            $out = Join-Path $folder 'sar'
            $files = @(if (Test-Path $out) { Get-ChildItem $out -Filter *.wav -File })
            $logged = @(Get-AccessLog -Action SubjectAccessExport | ForEach-Object RecordingId)
            $unlogged = @($files | Where-Object { ($_.BaseName -split '_')[-1] -notin $logged })
            Check 'no decrypted audio without its access-log row' ($unlogged.Count -eq 0) "$($unlogged.Count) of $($files.Count) files have no access-log row" '§4'
        }
        if ($Scenario -eq 'Grants') {
            $granted = @(Invoke-ChaosSql (Join-Path $storePath 'policy.db') "SELECT g.id FROM access_grant g WHERE g.principal LIKE 'batch$Iteration-%' AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.action = 'GrantRecordingAccess' AND e.target = g.id)")
            Check 'every grant has its audit event' ($granted.Count -eq 0) "$($granted.Count) grants without an event"
        }
        $phases.Add("after-kill $($watch.ElapsedMilliseconds)"); $watch.Restart()
        # 2. Rerun: it must finish what the killed run left.
        $rerunError = $null
        # a backup goes into a new or empty folder only (BackupDestinationNotEmpty): its rerun makes a new backup
        try { Invoke-Operation $Iteration $(if ($Scenario -eq 'Backup') { '-rerun' } else { '' }) } catch { $rerunError = $_ }
        Check 'rerun completes' ($null -eq $rerunError) "$rerunError"
        $phases.Add("rerun $($watch.ElapsedMilliseconds)"); $watch.Restart()
        # 3. Converged.
        $integrity = Invoke-ChaosSql (Join-Path $storePath 'policy.db') 'PRAGMA integrity_check'
        Check 'integrity after rerun' ($integrity -eq 'ok') "$integrity"
        $findings = @(Test-RecordingStore -Deep | Where-Object Severity -ne 'Ok')
        Check 'Test-RecordingStore -Deep clean after rerun' ($findings.Count -eq 0) (($findings | ForEach-Object { "$($_.Severity) $($_.Check): $($_.Message)" }) -join ' | ')
        Check 'audit chain after rerun' (Test-AuditChain -Quiet)
        Test-ChaosHeld $storePath
        Test-ChaosTruthful $storePath 'after rerun'
        switch ($Scenario) {
            'Import' {
                $ids = @(Import-Csv (Join-Path $folder 'manifest.csv')).CallId
                $rows = @(Get-Recording | Where-Object CallId -in $ids)
                Check 'every manifest row imported exactly once' ($rows.Count -eq $ids.Count -and @($rows.CallId | Sort-Object -Unique).Count -eq $ids.Count) "$($rows.Count) rows for $($ids.Count) calls"
            }
            'Purge' {
                $left = [int](Invoke-ChaosSql (Join-Path $storePath 'policy.db') "SELECT count(*) FROM recording WHERE state IN ('Active','PendingDelete') AND call_id LIKE 'pur%'")
                Check 'every expired recording purged' ($left -eq 0) "$left left"
            }
            'Extract' {
                $holdId = Get-Content (Join-Path $folder 'hold.txt')
                $states = @(Invoke-ChaosSql (Join-Path $storePath 'policy.db') "SELECT r.state FROM recording r JOIN legal_hold_recording h ON h.recording_id = r.id WHERE h.hold_id = '$holdId'")
                Check 'every held recording extracted' (@($states | Where-Object { $_ -ne 'Extracted' }).Count -eq 0 -and $states.Count -eq 8) ($states -join ',')
                $verified = @(Test-LegalHoldExport -Path (Join-Path $folder 'case'))
                Check 'the extraction verifies' (@($verified | Where-Object { $_.PSObject.Properties['Ok'] -and -not $_.Ok }).Count -eq 0) ''
            }
            'SubjectAccess' {
                $sar = Get-SubjectAccessRequest -Store ($script:Store.As($dpo)) -RequestId (Get-Content (Join-Path $folder 'sar.txt'))
                Check 'request fulfilled' ("$($sar.Status)" -eq 'Fulfilled') "$($sar.Status)"
            }
            'Grants' {
                $active = [int](Invoke-ChaosSql (Join-Path $storePath 'policy.db') "SELECT count(*) FROM access_grant WHERE principal LIKE 'batch$Iteration-%' AND revoked_at IS NULL")
                Check 'every batch grant revoked' ($active -eq 0) "$active still active"
            }
            'Backup' {
                $bad = @(Test-RecordingStore -Path (Join-Path $folder 'backup-rerun') | Where-Object Severity -eq 'Error')
                Check 'the rerun backup verifies' ($bad.Count -eq 0) (($bad | ForEach-Object Message) -join ' | ')
                # the killed backup either finished (and verifies) or never passes for a complete one
                $killed = Join-Path $folder 'backup'
                if (Test-Path $killed) {
                    $complete = Test-Path (Join-Path $killed 'manifest.sha256')
                    $bad = @(Test-RecordingStore -Path $killed -ErrorAction SilentlyContinue 2>$null | Where-Object Severity -eq 'Error')
                    if ($complete) { Check 'the killed backup, finished, verifies' ($bad.Count -eq 0) (($bad | ForEach-Object Message) -join ' | ') }
                    else { Check 'the killed backup, unfinished, does not verify as complete' ($bad.Count -gt 0) 'Test-RecordingStore -Path reports no error for an interrupted backup' }
                }
            }
        }
        $phases.Add("converged $($watch.ElapsedMilliseconds)"); $watch.Restart()
        # not a finding: where the verifier's time goes (the campaign reports it)
        Check 'timing' $true ($phases -join ', ')
        # a fresh copy of the template store per kill: nothing to clean and no next input to prepare
        if ($Fresh) { return }
        # the store stays small: what an iteration imported and left is removed (by a nominated user, logged)
        if ($Scenario -in 'Import', 'SubjectAccess') {
            $prefix = if ($Scenario -eq 'Import') { "imp$Iteration-" } else { "sar$Iteration-" }
            Get-Recording | Where-Object CallId -like "$prefix*" | Remove-Recording -Purpose DisputeOrComplaint -Reason 'Campaign clean-up' -Confirm:$false | Out-Null
        }
        New-IterationInput ($Iteration + 1)
      }
      if ($Mode -eq 'Verify') { Invoke-Verify }
      else {
        # a long-lived verifier: one request file per kill, naming the folder of that kill's own copy of the template
        # store (the data of iteration 0); between requests it holds no connection to any store
        Set-Content $Ready 'serving'
        $laneRoot = $Root; $n = $Iteration
        while ($true) {
            $request = Join-Path $laneRoot "verify-$n.request"
            while (-not (Test-Path $request)) { if (Test-Path (Join-Path $laneRoot 'stop')) { return }; Start-Sleep -Milliseconds 50 }
            $script:Root = (Get-Content $request -Raw).Trim()
            $script:storePath = Join-Path $script:Root 'store'
            $script:Iteration = 0
            $script:checks.Clear()
            try { Invoke-Verify -Fresh } catch { Check 'Verify step' $false ("$_ " + $_.InvocationInfo.PositionMessage) }
            Disconnect-RecordingStore -ErrorAction SilentlyContinue
            (Get-ChaosSqliteAssembly).GetType('Microsoft.Data.Sqlite.SqliteConnection')::ClearAllPools()
            ConvertTo-Json -InputObject @($script:checks) -Depth 3 | Set-Content "$Out.tmp"
            Move-Item "$Out.tmp" (Join-Path $laneRoot "verify-$n.json") -Force
            $n++
        }
      }
    }
}
if ($Out -and $Mode -ne 'Serve') { ConvertTo-Json -InputObject @($script:checks) -Depth 3 | Set-Content $Out }
