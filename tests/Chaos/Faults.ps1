<#
    Machine faults of the fault campaign: the disk filling up (the store, or an extraction's destination, on a small
    tmpfs; needs root to mount, skipped with the reason otherwise), a read-only store (a read-only bind mount of it),
    a missing key and the key of another store. Each must give a clear error, leave nothing half-written, change
    nothing it should not, and leave a store that still verifies.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $WorkRoot,
    [Parameter(Mandatory)] [string] $Out
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'ChaosCommon.ps1')
Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1')
New-Item -ItemType Directory $WorkRoot -Force | Out-Null
$results = [System.Collections.Generic.List[object]]::new()
$mounts = [System.Collections.Generic.List[string]]::new()
function Add-Result([string] $Scenario, [string] $Case, [string] $Status, [string] $Detail = '', [string] $Needs = '') { $results.Add([pscustomobject]@{ Scenario = $Scenario; Case = $Case; Status = $Status; Detail = $Detail; Needs = $Needs }) }
function Check([string] $Name, [bool] $Ok, [string] $Detail = '') { if (-not $Ok) { $script:problems.Add("${Name}: $Detail") } }
$area = 'IT Service Desk'

function New-FaultStore([string] $Path) {
    New-RecordingStore -Path $Path -Identity 'admin@uni.test' -SharedOsAccount | Out-Null
    $script:Store = Connect-RecordingStore -Path $Path -Identity 'admin@uni.test' -PassThru
    New-ChaosArea $area
    Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
    Grant-RecordingAccess -Store $script:Store.As('admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea $area -Level Supervisor -Right Play, Download, Copy -Reason 'Faults' | Out-Null
    $script:Store
}

# The checks after every fault: integrity, chain, no half-written file, rows and files agree, Deep has no error.
# -StillFull: while the disk is still full, only what reads without writing (Test-AuditChain and Test-RecordingStore
# record each run in the audit log, so on a full disk they refuse with the database's 'disk is full' error); the
# module's own verifiers run once space is back, before anything else touches the store.
function Test-AfterFault([string] $StorePath, [switch] $StillFull) {
    $script:Store = Connect-RecordingStore -Path $StorePath -Identity 'admin@uni.test' -PassThru
    $integrity = Invoke-ChaosSql (Join-Path $StorePath 'policy.db') 'PRAGMA integrity_check'
    Check 'integrity' ($integrity -eq 'ok') "$integrity"
    $partials = @(Get-ChildItem (Join-Path $StorePath 'recordings') -Recurse -Filter *.partial -ErrorAction SilentlyContinue)
    Check 'nothing half-written' ($partials.Count -eq 0) "$($partials.Count) .partial files left"
    if ($StillFull) { return }
    Check 'audit chain' (Test-AuditChain -Quiet)
    $bad = @(Test-RecordingStore -Deep | Where-Object Severity -ne 'Ok')
    Check 'Test-RecordingStore -Deep' ($bad.Count -eq 0) (($bad | ForEach-Object { "$($_.Severity) $($_.Check): $($_.Message)" }) -join ' | ')
}

function Invoke-Mount([string[]] $Arguments) {
    $output = & mount @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "mount $($Arguments -join ' ') failed: $output" }
}
function Remove-Mount([string] $Path) { & umount $Path 2>&1 | Out-Null; if ($LASTEXITCODE -ne 0) { & umount -l $Path 2>&1 | Out-Null } }

$canMount = $false; $why = ''
if (-not $IsLinux) { $why = 'tmpfs and bind mounts are Linux-only here' }
elseif ((& id -u) -ne '0') { $why = 'mounting a tmpfs needs root (run build.ps1 Chaos as root)' }
else {
    $probe = Join-Path $WorkRoot 'probe'; New-Item -ItemType Directory $probe -Force | Out-Null
    try { Invoke-Mount @('-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', $probe); Remove-Mount $probe; $canMount = $true } catch { $why = "this machine refuses mount: $_" }
}

try {
    # ---- disk full: the store on a small tmpfs, filled to several levels, during import ----------------------
    foreach ($free in 40KB, 150KB, 400KB, 900KB, 1600KB) {
        $case = "import with $([int]($free / 1KB)) KiB free"
        if (-not $canMount) { Add-Result 'fault: disk full' $case 'Skipped' $why; continue }
        $script:problems = [System.Collections.Generic.List[string]]::new()
        $mnt = Join-Path $WorkRoot "full-import-$([int]($free / 1KB))"; New-Item -ItemType Directory $mnt -Force | Out-Null
        Invoke-Mount @('-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', $mnt); $mounts.Add($mnt)
        $storePath = Join-Path $mnt 'store'
        New-FaultStore $storePath | Out-Null
        $manifest = New-ChaosExport (Join-Path $WorkRoot "src-$([int]($free / 1KB))") 150 -DaysAgo 5 -Prefix "full$([int]($free / 1KB))" -Seconds 1
        # leave $free bytes
        $avail = (Get-PSDrive -PSProvider FileSystem | Out-Null); $df = [IO.DriveInfo]::new($mnt).AvailableFreeSpace
        if ($df -gt $free) { $fs = [IO.File]::Create((Join-Path $mnt 'filler')); $fs.SetLength($df - $free); $b = [byte[]]::new(1MB); $fs.Position = 0; while ($fs.Position -lt $fs.Length) { $fs.Write($b, 0, [int][math]::Min($b.Length, $fs.Length - $fs.Position)) }; $fs.Dispose() }
        $before = @(Get-Recording).Count
        $errs = @()
        try { Import-Recording -ManifestPath $manifest -ErrorAction SilentlyContinue -ErrorVariable +errs | Out-Null } catch { $errs += $_ }
        $after = @(Get-Recording).Count
        $ids = @($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] } | Sort-Object -Unique)
        $messages = ($errs | ForEach-Object { $_.Exception.Message } | Select-Object -First 2) -join ' | '
        Check 'a clear error' ($errs.Count -gt 0 -and $messages -match 'space|full') "errors: $($ids -join ', '): $messages"
        Check 'the error does not blame the audio file' (-not ($ids -contains 'RecordingFileUnreadable')) "RecordingFileUnreadable says the source could not be read when the store's disk was full: $messages"
        Test-AfterFault $storePath -StillFull
        # with space again: the store verifies as the failure left it, and a rerun imports the rest
        Remove-Item (Join-Path $mnt 'filler') -Force
        Test-AfterFault $storePath
        Import-Recording -ManifestPath $manifest -ErrorAction SilentlyContinue -ErrorVariable +rerun | Out-Null
        Check 'rerun imports everything once space is back' (@(Get-Recording).Count -eq 150) "$(@(Get-Recording).Count) of 150 after the rerun ($before before, $after after the full disk)"
        Test-AfterFault $storePath
        Disconnect-RecordingStore
        Add-Result 'fault: disk full' $case $(if ($script:problems.Count) { 'Failed' } else { 'Held' }) ($script:problems -join '; ')
    }

    # ---- disk full: extraction into a destination that fills up, and with the store itself full -------------
    foreach ($where in 'destination', 'store') {
        $case = "extraction -RemoveFromStore, $where full"
        if (-not $canMount) { Add-Result 'fault: disk full' $case 'Skipped' $why; continue }
        $script:problems = [System.Collections.Generic.List[string]]::new()
        $mnt = Join-Path $WorkRoot "full-extract-$where"; New-Item -ItemType Directory $mnt -Force | Out-Null
        Invoke-Mount @('-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', $mnt); $mounts.Add($mnt)
        $storePath = if ($where -eq 'store') { Join-Path $mnt 'store' } else { Join-Path $WorkRoot 'extract-store' }
        New-FaultStore $storePath | Out-Null
        $recs = Import-Recording -ManifestPath (New-ChaosExport (Join-Path $WorkRoot "src-ext-$where") 60 -DaysAgo 5 -Prefix "fx$where")
        $hold = New-LegalHold -CaseReference "FULL-$where" -Kind Legal -Reason 'Claim'
        $recs | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        $df = [IO.DriveInfo]::new($mnt).AvailableFreeSpace; $leave = if ($where -eq 'store') { 20KB } else { 200KB }
        $fs = [IO.File]::Create((Join-Path $mnt 'filler')); $fs.SetLength($df - $leave); $b = [byte[]]::new(1MB); while ($fs.Position -lt $fs.Length) { $fs.Write($b, 0, [int][math]::Min($b.Length, $fs.Length - $fs.Position)) }; $fs.Dispose()
        $destination = if ($where -eq 'destination') { Join-Path $mnt 'case' } else { Join-Path $WorkRoot "case-$where" }
        $errs = @()
        try { Export-LegalHold -HoldId $hold.HoldId -Destination $destination -RemoveFromStore -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable +errs | Out-Null } catch { $errs += $_ }
        $messages = ($errs | ForEach-Object { $_.Exception.Message } | Select-Object -First 2) -join ' | '
        # read once space is back (with the store's own disk full, even reading the database can fail: SQLite 'disk I/O error')
        Remove-Item (Join-Path $mnt 'filler') -Force
        $states = @(Get-Recording -IncludeDeleted | Where-Object CallId -like "fx$where-*" | ForEach-Object { "$($_.State)" })
        if ($where -eq 'destination') {
            Check 'a clear error' ($errs.Count -gt 0 -and $messages -match 'space|full') $messages
            Check 'nothing removed from the store when a copy failed' (@($states | Where-Object { $_ -ne 'Active' }).Count -eq 0) ($states -join ',')
        } else {
            # the copies fit elsewhere; marking may fail for want of space in the store: each recording is then either Active with its file or Extracted with its copy
            if ($errs.Count) { Check 'a clear error' ($messages -match 'space|full') $messages }
        }
        Test-AfterFault $storePath
        Disconnect-RecordingStore
        Add-Result 'fault: disk full' $case $(if ($script:problems.Count) { 'Failed' } else { 'Held' }) ($script:problems -join '; ')
    }

    # ---- backup onto a full disk: too little room for the database copy, and room for it but not the recordings --
    $backupCases = [ordered]@{ 'backup, the database does not fit' = 'db'; 'backup, the recordings do not fit' = 'recordings' }
    if (-not (Get-Command Backup-RecordingStore -ErrorAction SilentlyContinue)) { foreach ($c in $backupCases.Keys) { Add-Result 'fault: disk full' $c 'NotPresent' 'Backup-RecordingStore is not present in this build (issue 9 §1)' '§1' } }
    elseif (-not $canMount) { foreach ($c in $backupCases.Keys) { Add-Result 'fault: disk full' $c 'Skipped' $why } }
    else {
        $storePath = Join-Path $WorkRoot 'backup-store'
        New-FaultStore $storePath | Out-Null
        Import-Recording -ManifestPath (New-ChaosExport (Join-Path $WorkRoot 'src-bk') 120 -DaysAgo 5 -Prefix 'bk') | Out-Null
        Disconnect-RecordingStore
        $dbBytes = (Get-Item (Join-Path $storePath 'policy.db')).Length
        $recBytes = (Get-ChildItem (Join-Path $storePath 'recordings') -Recurse -File | Measure-Object Length -Sum).Sum
        $n = 0
        foreach ($c in $backupCases.Keys) {
            $n++
            $script:problems = [System.Collections.Generic.List[string]]::new()
            $mnt = Join-Path $WorkRoot "full-backup-$n"; New-Item -ItemType Directory $mnt -Force | Out-Null
            Invoke-Mount @('-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', $mnt); $mounts.Add($mnt)
            # leave half the database's size, or the database and half the recordings
            $leave = if ($backupCases[$c] -eq 'db') { [long]($dbBytes / 2) } else { [long]($dbBytes + 64KB + $recBytes / 2) }
            $df = [IO.DriveInfo]::new($mnt).AvailableFreeSpace
            $fs = [IO.File]::Create((Join-Path $mnt 'filler')); $fs.SetLength($df - $leave); $b = [byte[]]::new(1MB); while ($fs.Position -lt $fs.Length) { $fs.Write($b, 0, [int][math]::Min($b.Length, $fs.Length - $fs.Position)) }; $fs.Dispose()
            $script:Store = Connect-RecordingStore -Path $storePath -Identity 'admin@uni.test' -PassThru
            $errs = @()
            try { Backup-RecordingStore -Destination (Join-Path $mnt 'backup') -IncludeRecordings -ErrorAction SilentlyContinue -ErrorVariable +errs | Out-Null } catch { $errs += $_ }
            $messages = ($errs | ForEach-Object { $_.Exception.Message } | Select-Object -First 2) -join ' | '
            Check 'a clear error' ($errs.Count -gt 0 -and $messages -match 'space|full') "$(@($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) -join ', '): $messages"
            $complete = Test-Path (Join-Path $mnt 'backup/manifest.json')
            Check 'no half-written backup that looks complete' (-not $complete) "a manifest was written for a backup that did not fit ($dbBytes bytes of database, $recBytes of recordings, $leave free)"
            if (Test-Path (Join-Path $mnt 'backup')) {
                $bad = @(Test-RecordingStore -Path (Join-Path $mnt 'backup') -ErrorAction SilentlyContinue 2>$null | Where-Object Severity -eq 'Error')
                Check 'the incomplete backup does not verify' ($bad.Count -gt 0) 'Test-RecordingStore -Path reports no error'
            }
            Disconnect-RecordingStore
            Test-AfterFault $storePath
            Disconnect-RecordingStore
            Add-Result 'fault: disk full' $c $(if ($script:problems.Count) { 'Failed' } else { 'Held' }) ($script:problems -join '; ')
        }
    }

    # ---- a read-only store: a read-only bind mount of a real store -----------------------------------------
    $roSource = Join-Path $WorkRoot 'ro-store'
    New-FaultStore $roSource | Out-Null
    $roRecs = @(Import-Recording -ManifestPath (New-ChaosExport (Join-Path $WorkRoot 'src-ro') 3 -DaysAgo 5 -Prefix 'ro'))
    Disconnect-RecordingStore
    $roView = Join-Path $WorkRoot 'ro-view'
    $roReady = $false; $roWhy = $why
    if ($canMount) {
        New-Item -ItemType Directory $roView -Force | Out-Null
        try { Invoke-Mount @('--bind', $roSource, $roView); $mounts.Add($roView); Invoke-Mount @('-o', 'remount,bind,ro', $roView); $roReady = $true } catch { $roWhy = "$_" }
    }
    $roSource2 = Join-Path $WorkRoot 'src-ro2'; New-ChaosExport $roSource2 2 -DaysAgo 5 -Prefix 'ro2' | Out-Null
    $roActions = [ordered]@{
        'Import-Recording' = { Import-Recording -ManifestPath (Join-Path $roSource2 'manifest.csv') }
        'New-ServiceArea' = { New-ServiceArea -Name 'Read Only Area' -RetentionDays 30 -CustomerNotice 'Calls are recorded.' }
        'Grant-RecordingAccess' = { Grant-RecordingAccess -Store $script:Store.As('admin2@uni.test') -Principal 'ro@uni.test' -ServiceArea $area -Level Supervisor -Right Play -Reason 'x' }
        'Add-RecordedExtension' = { Add-RecordedExtension -Number 4999 -ServiceArea $area -Mode OnDemand }
        'Save-Recording' = { Save-Recording -RecordingId $roRecs[0].RecordingId -Destination (Join-Path $WorkRoot 'ro-out') -Purpose DisputeOrComplaint -Reason 'Complaint 9' }
    }
    foreach ($name in $roActions.Keys) {
        $case = "read-only store: $name"
        if (-not $roReady) { Add-Result 'fault: read-only store' $case 'Skipped' $roWhy; continue }
        $script:problems = [System.Collections.Generic.List[string]]::new()
        $before = Get-ChaosSnapshot $roSource
        $errs = @()
        try {
            $script:Store = Connect-RecordingStore -Path $roView -Identity 'admin@uni.test' -PassThru -ErrorAction Stop
            & $roActions[$name] -ErrorAction SilentlyContinue -ErrorVariable +errs | Out-Null
        } catch { $errs += $_ }
        $ids = @($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] } | Sort-Object -Unique)
        $messages = ($errs | ForEach-Object { $_.Exception.Message } | Select-Object -First 1) -join ' | '
        Check 'a clear error' ($errs.Count -gt 0 -and $ids.Count -gt 0 -and $messages -match 'read-only|readonly|read only') "$($ids -join ', '): $messages"
        Check 'an ErrorId of the module' (@($errs | Where-Object { $_.Exception.GetType().FullName -like '*PolicyException*' }).Count -gt 0) "$($ids -join ', ')"
        Disconnect-RecordingStore -ErrorAction SilentlyContinue
        $diff = @(Compare-ChaosSnapshot $before (Get-ChaosSnapshot $roSource))
        Check 'nothing changed' ($diff.Count -eq 0) ($diff -join '; ')
        Add-Result 'fault: read-only store' $case $(if ($script:problems.Count) { 'Failed' } else { 'Held' }) ($script:problems -join '; ')
    }
    if ($roReady) { Remove-Mount $roView; $mounts.Remove($roView) | Out-Null }

    # ---- a missing key and the key of another store ----------------------------------------------------------
    $keyStore = Join-Path $WorkRoot 'key-store'
    New-FaultStore $keyStore | Out-Null
    $keyRecs = @(Import-Recording -ManifestPath (New-ChaosExport (Join-Path $WorkRoot 'src-key') 3 -DaysAgo 5 -Prefix 'key'))
    $otherStore = Join-Path $WorkRoot 'other-store'
    New-RecordingStore -Path $otherStore -Identity 'admin@uni.test' -SharedOsAccount | Out-Null
    Disconnect-RecordingStore -ErrorAction SilentlyContinue
    $key = Join-Path $keyStore 'master.key'; $aside = Join-Path $WorkRoot 'master.key.aside'
    Move-Item $key $aside
    $keySource = Join-Path $WorkRoot 'src-key2'; New-ChaosExport $keySource 2 -DaysAgo 5 -Prefix 'key2' | Out-Null
    foreach ($variant in 'missing key', 'key of another store (file)', 'key of another store ($env:CALLRECORDINGADMIN_KEY_PATH)') {
        switch ($variant) {
            'missing key' { }
            'key of another store (file)' { Copy-Item (Join-Path $otherStore 'master.key') $key }
            default { Remove-Item $key -Force; $env:CALLRECORDINGADMIN_KEY_PATH = Join-Path $otherStore 'master.key' }
        }
        $keyActions = [ordered]@{
            'Import-Recording' = { Import-Recording -ManifestPath (Join-Path $keySource 'manifest.csv') }
            'Save-Recording' = { Save-Recording -RecordingId $keyRecs[0].RecordingId -Destination (Join-Path $WorkRoot "key-out-$([guid]::NewGuid().ToString('N'))") -Purpose DisputeOrComplaint -Reason 'Complaint 7' }
            'Export-LegalHold' = {
                $h = New-LegalHold -CaseReference "KEY-$([guid]::NewGuid().ToString('N').Substring(0, 6))" -Kind Legal -Reason 'Claim'
                $keyRecs | Add-LegalHoldRecording -HoldId $h.HoldId | Out-Null
                Export-LegalHold -HoldId $h.HoldId -Destination (Join-Path $WorkRoot "key-case-$($h.HoldId)") -RemoveFromStore -Confirm:$false
            }
        }
        foreach ($name in $keyActions.Keys) {
            $script:problems = [System.Collections.Generic.List[string]]::new()
            $script:Store = Connect-RecordingStore -Path $keyStore -Identity 'admin@uni.test' -PassThru
            $snapshotBefore = Get-ChaosSnapshot $keyStore @('audit_event', 'access_log', 'legal_hold', 'legal_hold_recording', 'ledger_block', 'ledger_entry')
            $errs = @()
            try { & $keyActions[$name] -ErrorAction SilentlyContinue -ErrorVariable +errs | Out-Null } catch { $errs += $_ }
            $ids = @($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] } | Sort-Object -Unique)
            Check 'EncryptionKeyUnavailable' ($ids -contains 'EncryptionKeyUnavailable') "got $($ids -join ', ')"
            $diff = @(Compare-ChaosSnapshot $snapshotBefore (Get-ChaosSnapshot $keyStore @('audit_event', 'access_log', 'legal_hold', 'legal_hold_recording', 'ledger_block', 'ledger_entry')))
            Check 'nothing changed' ($diff.Count -eq 0) ($diff -join '; ')
            $plain = @(Get-ChildItem $WorkRoot -Directory -Filter 'key-*' | Get-ChildItem -Recurse -Filter *.wav -File)
            Check 'no audio written' ($plain.Count -eq 0) "$($plain.Count) files"
            Add-Result 'fault: key' "$variant`: $name" $(if ($script:problems.Count) { 'Failed' } else { 'Held' }) ($script:problems -join '; ')
        }
    }
    Remove-Item Env:\CALLRECORDINGADMIN_KEY_PATH -ErrorAction SilentlyContinue
    Remove-Item $key -Force -ErrorAction SilentlyContinue
    Move-Item $aside $key
    $script:problems = [System.Collections.Generic.List[string]]::new()
    Test-AfterFault $keyStore
    Add-Result 'fault: key' 'the key restored: the store verifies' $(if ($script:problems.Count) { 'Failed' } else { 'Held' }) ($script:problems -join '; ')
} catch {
    # a harness or module exception ends the part: it is reported as a failure, never as an empty table
    Add-Result 'fault: run' 'Faults.ps1' 'Failed' ("$_ " + $_.InvocationInfo.PositionMessage)
} finally {
    Disconnect-RecordingStore -ErrorAction SilentlyContinue
    foreach ($m in $mounts) { Remove-Mount $m }
    ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content $Out
}
