# Dot-sourced by every test file: where the built module is, how to start a fresh pwsh, and a new store.
. (Join-Path $PSScriptRoot 'TestWav.ps1')
$script:ModulePath = if ($env:CALLRECORDINGADMIN_TEST_MODULE) { $env:CALLRECORDINGADMIN_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/CallRecordingAdmin' }
$script:Manifest = Join-Path $script:ModulePath 'CallRecordingAdmin.psd1'
$script:NuGetRoot = if ($env:CALLRECORDINGADMIN_TEST_NUGET) { $env:CALLRECORDINGADMIN_TEST_NUGET } else { Join-Path $HOME '.nuget/packages' }
$script:PwshCommand = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }

Import-Module $script:Manifest -Force

# Runs a script in a new pwsh process, as a user or a runbook would start one; returns its output lines.
function Invoke-FreshPwsh {
    param([Parameter(Mandatory)] [string] $Script, [switch] $Wait = $true)
    $exe = $script:PwshCommand[0]
    [string[]] $prefix = @($script:PwshCommand | Select-Object -Skip 1)
    $output = & $exe @prefix -NoProfile -NonInteractive -Command $Script 2>&1
    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
}

# Starts a pwsh process running a script file without waiting; returns the Process.
function Start-FreshPwsh {
    param([Parameter(Mandatory)] [string] $ScriptFile, [string[]] $Arguments = @())
    $psi = [System.Diagnostics.ProcessStartInfo]::new($script:PwshCommand[0])
    foreach ($a in @($script:PwshCommand | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $ScriptFile) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    [System.Diagnostics.Process]::Start($psi)
}

# A new store in the test drive, connected as its Administrator; returns the store object.
function New-TestStore {
    param([string] $Name = ('store-' + [guid]::NewGuid().ToString('N').Substring(0, 8)), [string] $Identity = 'admin@uni.test')
    # one operating-system account plays every person in these tests, so separation of duties compares principals only here
    $store = New-RecordingStore -Path (Join-Path $TestDrive $Name) -Identity $Identity -SharedOsAccount
    Connect-RecordingStore -Path $store.Path -Identity $Identity
    $store
}

# The same store seen by another principal.
function Get-StoreAs([object] $Store, [string] $Identity) { $Store.As($Identity) }

# The same store and principal with a fixed clock (FixedClock is public engine API), so expiry needs no waiting;
# also how a test imports calls long ago, as the recorder delivered them then (Import-Recording -Store (Get-StoreAt ...)).
function Get-StoreAt([object] $Store, [datetimeoffset] $Now) {
    $clockType = $Store.GetType().Assembly.GetType('CallRecordingAdmin.Engine.Policy.FixedClock')
    $Store.WithClock([Activator]::CreateInstance($clockType, [object[]]@($Now)))
}

# Raw SQL on a store's database file, as someone with file access could run it (schema and tampering cases).
# Uses the module's own Microsoft.Data.Sqlite, reached through its load context.
# Runs SQL on a store's database file. Without -Raw a change is sealed into the row ledger as a module transaction would be
# (issue 11): it sets up a state the module itself could have left. -Raw is a change behind the module's back (the sqlite3
# shell), for tampering tests; -Scalar reads.
function Invoke-StoreSql([object] $Store, [string] $Sql, [switch] $Scalar, [switch] $Raw) {
    if (-not $Scalar -and -not $Raw) {
        $ledger = $Store.GetType().Assembly.GetType('CallRecordingAdmin.Engine.PolicyDatabase.Sqlite.SqliteLedger', $true)
        $method = $ledger.GetMethod('ExecuteAsModule', [System.Reflection.BindingFlags]'NonPublic, Static')
        try { $method.Invoke($null, [object[]]@($Store.DatabasePath, $Sql)) | Out-Null } catch [System.Reflection.TargetInvocationException] { throw $_.Exception.InnerException }
        return
    }
    $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($Store.GetType().Assembly)
    $sqlite = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
    $connection = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection'), [object[]]@("Data Source=$($Store.DatabasePath);Pooling=False;Default Timeout=60"))
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        if ($Scalar) { $command.ExecuteScalar() } else { $command.ExecuteNonQuery() | Out-Null }
    } finally { $connection.Dispose() }
}

# Adds $Count expired copies of one imported recording, rows and real files, as a quick way to a large store.
function Add-ExpiredCopies([object] $Store, [string] $SeedRecordingId, [int] $Count, [string] $Prefix = 'bulk') {
    Invoke-StoreSql $Store @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $Count)
INSERT INTO recording(id, call_id, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw, agent, format,
                      size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by)
SELECT 'rec-$Prefix' || printf('%016d', i), '$Prefix-' || i, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw, agent, format,
       size_bytes, stored_bytes, sha256, substr('$Prefix', 1, 2) || '/rec-$Prefix' || printf('%016d', i) || '.crec', 'Active', expires_at, imported_at, imported_by
FROM recording, n WHERE recording.id = '$SeedRecordingId'
"@
    $seed = Get-ChildItem (Join-Path $Store.Path 'recordings') -Recurse -Filter "$SeedRecordingId.crec" | Select-Object -First 1
    $folder = Join-Path $Store.Path "recordings/$($Prefix.Substring(0, 2))"
    New-Item -ItemType Directory $folder -Force | Out-Null
    foreach ($i in 1..$Count) { [IO.File]::Copy($seed.FullName, (Join-Path $folder ("rec-$Prefix{0:D16}.crec" -f $i))) }
}


# A small PCM WAV (8 kHz, 16-bit mono), made by code.
function New-TestWav([string] $Path, [double] $Seconds = 0.2, [int] $Hz = 440) {
    [IO.File]::WriteAllBytes($Path, (New-TestWavBytes -Samples ([int](8000 * $Seconds)) -Hz $Hz))
}

# An area authorised since a year ago, with extension 4521, and its Network Services Manager; returns the area name.
# Its request outlines two levels of access: Supervisor (every right) and Adviser (Play).
function New-AuthorisedArea([object] $Store, [string] $Name = 'IT Service Desk', [int] $RetentionDays = 90, [string] $Extension = '4521') {
    New-ServiceArea -Store $Store -Name $Name -RetentionDays $RetentionDays -CustomerNotice 'Calls are recorded.' | Out-Null
    Add-RecordedExtension -Store $Store -Number $Extension -ServiceArea $Name -Mode OnDemand | Out-Null
    if (-not (Get-RecordingRole -Store $Store -Principal 'nsm@uni.test')) { Add-RecordingRole -Store $Store -Principal 'nsm@uni.test' -Role NetworkServicesManager | Out-Null }
    $request = New-RecordingRequest -Store $Store -ServiceArea $Name -BusinessReason 'Staff protection' -Purpose StaffProtection -AccessLevel 'Supervisor=Play+Download+Copy+Share+Delete; Adviser=Play' `
        -RetentionDays $RetentionDays -DpiaReference 'DPIA-T' -DpoAdvice 'OK' -WarningAction SilentlyContinue
    Approve-RecordingRequest -Store $Store.As('nsm@uni.test') -RequestId $request.RequestId -EffectiveFrom ([datetime]::UtcNow.AddYears(-1)) -Reference 'Paper approval TEST/1' | Out-Null
    $Name
}

# A recorder export folder: $Count calls on $Extension, $DaysAgo old, with manifest.csv; returns the manifest path.
# (A call older than its area's retention is refused on import, AlreadyExpired: import old calls with -Store (Get-StoreAt ...).)
function New-RecorderExport([string] $Folder, [int] $Count, [int] $DaysAgo = 2, [string] $Extension = '4521', [string] $Prefix = 'call') {
    New-Item -ItemType Directory -Path (Join-Path $Folder 'audio') -Force | Out-Null
    New-TestWav (Join-Path $Folder 'template.wav') 0.1
    $start = [datetime]::UtcNow.AddDays(-$DaysAgo)
    $rows = foreach ($i in 1..$Count) {
        Copy-Item (Join-Path $Folder 'template.wav') (Join-Path $Folder "audio/$Prefix-$i.wav")
        # each file differs by its last byte so that no two calls share content
        $f = [IO.File]::Open((Join-Path $Folder "audio/$Prefix-$i.wav"), 'Open', 'ReadWrite'); $f.Seek(-1, 'End') | Out-Null; $f.WriteByte([byte]($i % 251)); $f.Close()
        [pscustomobject]@{ CallId = "$Prefix-$i"; Extension = $Extension; StartTime = $start.AddMinutes($i).ToString('o'); DurationSeconds = ''; Direction = 'Inbound'; RemoteNumber = '07700 900' + ($i % 1000).ToString('000'); Agent = 'UNI\agent' + ($i % 5); Path = "audio/$Prefix-$i.wav" }
    }
    $manifest = Join-Path $Folder 'manifest.csv'
    $rows | Export-Csv $manifest -NoTypeInformation
    $manifest
}
