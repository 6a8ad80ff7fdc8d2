<#
    Sessions of the fault campaign, each a real pwsh process:
      - the stale session of issue 9 §1: a session that has opened and closed policy.db through another handle must
        still see another process's revoke and role removal, be refused, and those events must survive its exit;
      - two sessions writing while a third backs up (Backup-RecordingStore, where the cmdlet exists).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $WorkRoot,
    [Parameter(Mandatory)] [string] $Out
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'ChaosCommon.ps1')
New-Item -ItemType Directory $WorkRoot -Force | Out-Null
$results = [System.Collections.Generic.List[object]]::new()
function Add-Result([string] $Case, [string[]] $Problems, [string] $Needs = '') {
    $results.Add([pscustomobject]@{ Scenario = 'sessions'; Case = $Case; Status = $(if ($Problems.Count) { 'Failed' } else { 'Held' }); Detail = ($Problems -join '; '); Needs = $(if ($Problems.Count) { $Needs } else { '' }) })
}
$PwshCommand = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
function Start-Script([string] $Name, [string] $Text) {
    $file = Join-Path $WorkRoot "$Name.ps1"
    Set-Content $file ("`$ErrorActionPreference = 'Stop'`n`$PSStyle.OutputRendering = 'PlainText'`n. '$(Join-Path $PSScriptRoot 'ChaosCommon.ps1')'`nImport-Module '$(Join-Path $ModulePath 'CallRecordingAdmin.psd1')'`n" + $Text)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($PwshCommand[0])
    foreach ($a in @($PwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($psi)
}
function Wait-Script([System.Diagnostics.Process] $P) { $o = $P.StandardOutput.ReadToEndAsync(); $e = $P.StandardError.ReadToEndAsync(); $P.WaitForExit(); [pscustomobject]@{ Exit = $P.ExitCode; Out = $o.Result; Err = $e.Result } }
function Wait-For([string] $Path, [int] $Seconds = 300) { $d = [datetime]::UtcNow.AddSeconds($Seconds); while (-not (Test-Path $Path) -and [datetime]::UtcNow -lt $d) { Start-Sleep -Milliseconds 50 }; Test-Path $Path }

$store = Join-Path $WorkRoot 'store'
$setup = Start-Script 'setup' @"
New-RecordingStore -Path '$store' -Identity 'admin@uni.test' -SharedOsAccount | Out-Null
`$script:Store = Connect-RecordingStore -Path '$store' -Identity 'admin@uni.test' -PassThru
New-ChaosArea 'IT Service Desk'
Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
Grant-RecordingAccess -Principal 'admin2@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play, Download -Reason 'Stale-session case' | Out-Null
`$r = Import-Recording -ManifestPath (New-ChaosExport '$(Join-Path $WorkRoot 'src')' 2 -DaysAgo 5 -Prefix 'st')
Set-Content '$(Join-Path $WorkRoot 'rec.txt')' `$r[0].RecordingId
"@
$r = Wait-Script $setup
if ($r.Exit -ne 0) { Add-Result 'stale session (issue 9 §1)' @("setup failed: $($r.Err)"); ConvertTo-Json -InputObject @($results) | Set-Content $Out; return }
$recId = (Get-Content (Join-Path $WorkRoot 'rec.txt')).Trim()

# ---- the stale session ----
$go = Join-Path $WorkRoot 'go'; $stale = Join-Path $WorkRoot 'stale-ready'
$a = Start-Script 'stale' @"
`$script:Store = Connect-RecordingStore -Path '$store' -Identity 'admin2@uni.test' -PassThru
Test-AuditChain -Quiet | Out-Null
[IO.File]::OpenRead('$(Join-Path $store 'policy.db')').Dispose()
Get-FileHash '$(Join-Path $store 'policy.db')' | Out-Null
Set-Content '$stale' 'ready'
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 50 }
`$e1 = `$null; `$e2 = `$null
Save-Recording -RecordingId '$recId' -Destination '$(Join-Path $WorkRoot 'stale-out')' -Purpose DisputeOrComplaint -Reason 'after revoke' -ErrorAction SilentlyContinue -ErrorVariable e1 | Out-Null
Add-RecordingRole -Principal 'mallory@uni.test' -Role Administrator -ErrorAction SilentlyContinue -ErrorVariable e2 | Out-Null
'save=' + ((@(`$e1) | ForEach-Object { (`$_.FullyQualifiedErrorId -split ',')[0] }) -join '+')
'role=' + ((@(`$e2) | ForEach-Object { (`$_.FullyQualifiedErrorId -split ',')[0] }) -join '+')
"@
$problems = @()
if (-not (Wait-For $stale)) { $problems += 'the stale session did not start' }
$b = Start-Script 'other' @"
Connect-RecordingStore -Path '$store' -Identity 'admin@uni.test'
Get-RecordingAccess -Principal 'admin2@uni.test' | Revoke-RecordingAccess -Reason 'Left the team' -Confirm:`$false | Out-Null
Remove-RecordingRole -Principal 'admin2@uni.test' -Role Administrator -Confirm:`$false | Out-Null
'done'
"@
$rb = Wait-Script $b
if ($rb.Exit -ne 0) { $problems += "the other admin's process failed: $($rb.Err)" }
Set-Content $go 'go'
$ra = Wait-Script $a
$saveIds = ([regex]::Match($ra.Out, 'save=(.*)').Groups[1].Value).Trim(); $roleIds = ([regex]::Match($ra.Out, 'role=(.*)').Groups[1].Value).Trim()
if (-not $saveIds) { $problems += 'the stale session saved a recording after its grant was revoked' }
if (-not $roleIds) { $problems += 'the stale session gave a role after its own Administrator role was removed' }
if (Test-Path (Join-Path $WorkRoot 'stale-out')) { if (@(Get-ChildItem (Join-Path $WorkRoot 'stale-out') -File).Count) { $problems += 'decrypted audio was written by the stale session' } }
$check = Start-Script 'check' @"
Connect-RecordingStore -Path '$store' -Identity 'admin@uni.test'
'chain=' + (Test-AuditChain -Quiet)
'revoke=' + @(Get-AuditEvent -Action RevokeRecordingAccess).Count
'roleremoved=' + @(Get-AuditEvent | Where-Object Action -like 'Remove*Role*').Count
'mallory=' + @(Get-RecordingRole -Principal 'mallory@uni.test').Count
'integrity=' + (Invoke-ChaosSql '$(Join-Path $store 'policy.db')' 'PRAGMA integrity_check')
"@
$rc = Wait-Script $check
$val = { param($k) ([regex]::Match($rc.Out, "$k=(.*)").Groups[1].Value).Trim() }
if ((& $val 'chain') -ne 'True') { $problems += "audit chain: $(& $val 'chain')" }
if ((& $val 'revoke') -ne '1') { $problems += "the other process's revoke is not in the audit log ($(& $val 'revoke') events)" }
if ((& $val 'roleremoved') -ne '1') { $problems += "the other process's role removal is not in the audit log ($(& $val 'roleremoved') events)" }
if ((& $val 'mallory') -ne '0') { $problems += 'mallory became an Administrator' }
if ((& $val 'integrity') -ne 'ok') { $problems += "integrity: $(& $val 'integrity')" }
if ($rc.Exit -ne 0) { $problems += "the check failed: $($rc.Err)" }
Add-Result 'stale session (issue 9 §1): sees the revoke, is refused, the events survive' $problems '§1'

# ---- two writers and a backup ----
$stop = Join-Path $WorkRoot 'stop-writers'
$writers = foreach ($w in 1, 2) {
    Start-Script "writer$w" @"
Connect-RecordingStore -Path '$store' -Identity 'admin@uni.test'
Set-Content '$(Join-Path $WorkRoot "ready-writer$w")' 'ready'
while (-not (Test-Path '$(Join-Path $WorkRoot 'go-writers')')) { Start-Sleep -Milliseconds 100 }
`$n = 0; `$end = [datetime]::UtcNow.AddSeconds(25)
while ([datetime]::UtcNow -lt `$end) {
    `$n++
    Import-Recording -ManifestPath (New-ChaosExport "$(Join-Path $WorkRoot "w$w")-`$n" 5 -DaysAgo 5 -Prefix "w$w-`$n") | Out-Null
    Add-RecordingRole -Principal "w$w-`$n@uni.test" -Role Auditor | Out-Null
}
'batches=' + `$n
"@
}
$problems = @()
$backupPresent = $false
$third = Start-Script 'backup' @"
Connect-RecordingStore -Path '$store' -Identity 'admin@uni.test'
if (-not (Get-Command Backup-RecordingStore -ErrorAction SilentlyContinue)) { 'backup=absent'; return }
Set-Content '$(Join-Path $WorkRoot 'ready-backup')' 'ready'
while (-not (Test-Path '$(Join-Path $WorkRoot 'go-writers')')) { Start-Sleep -Milliseconds 100 }
`$i = 0; `$end = [datetime]::UtcNow.AddSeconds(25)
while ([datetime]::UtcNow -lt `$end) {
    `$i++
    Backup-RecordingStore -Destination "$(Join-Path $WorkRoot 'backup')-`$i" -IncludeRecordings | Out-Null
    `$bad = @(Test-RecordingStore -Path "$(Join-Path $WorkRoot 'backup')-`$i" | Where-Object Severity -eq 'Error')
    if (`$bad) { 'badbackup=' + `$i + ': ' + ((`$bad | ForEach-Object Message) -join ' | ') }
}
'backups=' + `$i
"@
# the three 25-second windows start together, once every session has loaded the module and connected
$null = Wait-For (Join-Path $WorkRoot 'ready-writer1') 1800; $null = Wait-For (Join-Path $WorkRoot 'ready-writer2') 1800; $null = Wait-For (Join-Path $WorkRoot 'ready-backup') 1800
Set-Content (Join-Path $WorkRoot 'go-writers') 'go'
$results2 = @($writers | ForEach-Object { Wait-Script $_ })
$rt = Wait-Script $third
foreach ($x in $results2) { if ($x.Exit -ne 0) { $problems += "a writer failed: $($x.Err)" } }
$batches = ($results2 | ForEach-Object { [int]([regex]::Match($_.Out, 'batches=(\d+)').Groups[1].Value) } | Measure-Object -Sum).Sum
$rc = Wait-Script (Start-Script 'check2' @"
Connect-RecordingStore -Path '$store' -Identity 'admin@uni.test'
'chain=' + (Test-AuditChain -Quiet)
'recordings=' + @(Get-Recording | Where-Object CallId -like 'w*-*').Count
'roles=' + @(Get-RecordingRole | Where-Object Principal -like 'w*-*').Count
'deep=' + @(Test-RecordingStore -Deep | Where-Object Severity -ne 'Ok').Count
"@)
$val = { param($k) ([regex]::Match($rc.Out, "$k=(.*)").Groups[1].Value).Trim() }
if ((& $val 'chain') -ne 'True') { $problems += 'audit chain broken' }
if ((& $val 'recordings') -ne [string]($batches * 5)) { $problems += "recordings $(& $val 'recordings'), expected $($batches * 5)" }
if ((& $val 'roles') -ne [string]$batches) { $problems += "roles $(& $val 'roles'), expected $batches" }
if ((& $val 'deep') -ne '0') { $problems += "Test-RecordingStore -Deep: $(& $val 'deep') findings" }
if ($rt.Out -match 'badbackup=(.*)') { $problems += "a backup does not verify: $($Matches[1])" }
if ($rt.Exit -ne 0) { $problems += "the backup session failed: $($rt.Err)" }
Add-Result "two sessions writing ($batches batches)" $problems
if ($rt.Out -match 'backup=absent') { $results.Add([pscustomobject]@{ Scenario = 'sessions'; Case = 'a third session backing up meanwhile'; Status = 'NotPresent'; Detail = 'Backup-RecordingStore is not present in this build (issue 9 §1)'; Needs = '§1' }) }
else { Add-Result "a third session backing up meanwhile ($(([regex]::Match($rt.Out, 'backups=(\d+)').Groups[1].Value)) backups)" @($problems | Where-Object { $_ -like '*backup*' }) '§1' }
ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content $Out
