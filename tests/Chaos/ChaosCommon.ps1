# Shared by the fault campaign's scripts: inputs made by code, raw reads of the store, and the checks every kill ends with.
. (Join-Path $PSScriptRoot '../Module.Tests/TestWav.ps1')

# A small PCM WAV (8 kHz, 16-bit mono); -Salt makes each file's content differ.
function New-ChaosWav([string] $Path, [double] $Seconds = 0.1, [int] $Salt = 0) {
    # the salt is one more sample inside the data chunk: a byte after the RIFF chunk is refused as an appended payload (NotAudio)
    [IO.File]::WriteAllBytes($Path, (New-TestWavBytes -Samples ([int](8000 * $Seconds)) -Hz (300 + [math]::Abs($Salt % 500)) -LastSample ($Salt % 30000)))
}

# A recorder export folder with $Count calls on extension 4521 and its manifest.csv; returns the manifest path.
function New-ChaosExport([string] $Folder, [int] $Count, [int] $DaysAgo = 10, [string] $Prefix = 'call', [string] $RemoteNumber, [double] $Seconds = 0.1) {
    New-Item -ItemType Directory -Path (Join-Path $Folder 'audio') -Force | Out-Null
    $start = [datetime]::UtcNow.AddDays(-$DaysAgo)
    $rows = foreach ($i in 1..$Count) {
        New-ChaosWav (Join-Path $Folder "audio/$Prefix-$i.wav") -Seconds $Seconds -Salt ($i + 7 * $Prefix.GetHashCode() % 1000)
        [pscustomobject]@{
            CallId = "$Prefix-$i"; Extension = '4521'; StartTime = $start.AddMinutes($i).ToString('o'); DurationSeconds = ''; Direction = 'Inbound'
            RemoteNumber = if ($RemoteNumber) { $RemoteNumber } else { '07700 900' + ($i % 1000).ToString('000') }; Agent = 'UNI\agent' + ($i % 5); Path = "audio/$Prefix-$i.wav"
        }
    }
    $manifest = Join-Path $Folder 'manifest.csv'
    $rows | Export-Csv $manifest -NoTypeInformation
    $manifest
}

# An area authorised since a year ago, retention 90 days, extension 4521, approved by its Network Services Manager.
function New-ChaosArea([string] $Name, [string] $Extension = '4521') {
    New-ServiceArea -Name $Name -RetentionDays 90 -CustomerNotice 'Calls are recorded.' | Out-Null
    Add-RecordedExtension -Number $Extension -ServiceArea $Name -Mode OnDemand | Out-Null
    if (-not (Get-RecordingRole -Principal 'nsm@uni.test')) { Add-RecordingRole -Principal 'nsm@uni.test' -Role NetworkServicesManager | Out-Null }
    $request = New-RecordingRequest -ServiceArea $Name -BusinessReason 'Staff protection' -Purpose StaffProtection, DisputeOrComplaint -AccessLevel 'Supervisor=Play+Download+Copy+Delete' `
        -RetentionDays 90 -DpiaReference 'DPIA-C' -DpoAdvice 'OK' -WarningAction SilentlyContinue
    Approve-RecordingRequest -Store ($script:Store.As('nsm@uni.test')) -RequestId $request.RequestId -EffectiveFrom ([datetime]::UtcNow.AddYears(-1)) -Reference 'Paper approval TEST/1' | Out-Null
}

# Microsoft.Data.Sqlite as the module loaded it, from the module's own load context (no sqlite3 program needed).
function Get-ChaosSqliteAssembly {
    $asm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' } | Select-Object -First 1
    if ($asm) { return $asm }
    $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { @($_.Assemblies | ForEach-Object { $_.GetName().Name }) -contains 'CallRecordingAdmin.Engine' } | Select-Object -First 1
    if (-not $context) { throw 'The module has not loaded its engine yet: connect to a store first.' }
    $context.LoadFromAssemblyName([Reflection.AssemblyName]::new('Microsoft.Data.Sqlite'))
}

# Runs one SQL statement on a database file, outside the module (no pooling); returns the first column of every row.
function Invoke-ChaosSql([string] $Database, [string] $Sql) {
    $asm = Get-ChaosSqliteAssembly
    $connection = [Activator]::CreateInstance($asm.GetType('Microsoft.Data.Sqlite.SqliteConnection'), [object[]]@("Data Source=$Database;Mode=ReadOnly;Pooling=False;Default Timeout=120"))
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        $reader = $command.ExecuteReader()
        try { while ($reader.Read()) { if ($reader.IsDBNull(0)) { $null } else { $reader.GetValue(0) } } } finally { $reader.Dispose() }
    } finally { $connection.Dispose() }
}

# Row counts of every table and the store's files with their sizes: compared before and after a refused input.
function Get-ChaosSnapshot([string] $StorePath, [string[]] $IgnoreTables = @()) {
    $db = Join-Path $StorePath 'policy.db'
    $tables = @(Invoke-ChaosSql $db "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    $counts = [ordered]@{}
    foreach ($t in $tables) { if ($t -notin $IgnoreTables) { $counts[$t] = [long](Invoke-ChaosSql $db "SELECT count(*) FROM ""$t""") } }
    $files = @(Get-ChildItem (Join-Path $StorePath 'recordings') -Recurse -File -ErrorAction SilentlyContinue | ForEach-Object { "$($_.FullName.Substring($StorePath.Length)):$($_.Length)" } | Sort-Object)
    [pscustomobject]@{ Counts = $counts; Files = $files }
}

function Compare-ChaosSnapshot($Before, $After) {
    $diff = @()
    foreach ($k in $Before.Counts.Keys) { if ($Before.Counts[$k] -ne $After.Counts[$k]) { $diff += "$k $($Before.Counts[$k])->$($After.Counts[$k])" } }
    $added = @($After.Files | Where-Object { $_ -notin $Before.Files }); $gone = @($Before.Files | Where-Object { $_ -notin $After.Files })
    if ($added) { $diff += "files added: $($added.Count)" }
    if ($gone) { $diff += "files gone: $($gone.Count)" }
    $diff
}

# No held recording was deleted or lost its file.
function Test-ChaosHeld([string] $StorePath) {
    $db = Join-Path $StorePath 'policy.db'
    $rows = @(Invoke-ChaosSql $db "SELECT r.state || '|' || r.file FROM recording r WHERE r.call_id LIKE 'held-%'")
    $bad = @($rows | Where-Object { $state, $file = $_ -split '\|', 2; $state -ne 'Active' -or -not (Test-Path (Join-Path $StorePath "recordings/$file")) })
    Check 'no held recording deleted' ($rows.Count -eq 3 -and $bad.Count -eq 0) "$($rows.Count) held rows, $($bad.Count) not Active with their file"
}

# A row never says something untrue: Deleted only when the file is gone; Active always with its file (or the .partial a rerun finishes).
function Test-ChaosTruthful([string] $StorePath, [string] $When) {
    $db = Join-Path $StorePath 'policy.db'
    $rows = @(Invoke-ChaosSql $db "SELECT state || '|' || file FROM recording")
    $lies = 0; $missing = 0; $lingering = 0
    foreach ($row in $rows) {
        $state, $file = $row -split '\|', 2
        $full = Join-Path $StorePath "recordings/$file"
        $exists = Test-Path $full
        if ($state -eq 'Deleted' -and $exists) { $lies++ }
        if ($state -eq 'Active' -and -not $exists -and -not ($When -eq 'after kill' -and (Test-Path "$full.partial"))) { $missing++ }
        if ($state -eq 'Extracted' -and $exists -and $When -ne 'after kill') { $lingering++ }
    }
    Check "rows and files agree $When" ($lies + $missing + $lingering -eq 0) "$lies Deleted rows with a file, $missing Active rows without one, $lingering Extracted rows whose stored file remains"
}
