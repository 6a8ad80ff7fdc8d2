# Dot-sourced by every test file: where the built module is, how to start a fresh pwsh, and a new store.
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
    $store = New-RecordingStore -Path (Join-Path $TestDrive $Name) -Identity $Identity
    Connect-RecordingStore -Path $store.Path -Identity $Identity
    $store
}

# The same store seen by another principal.
function Get-StoreAs([object] $Store, [string] $Identity) { $Store.As($Identity) }

# The same store and principal with a fixed clock (FixedClock is public engine API), so expiry needs no waiting.
function Get-StoreAt([object] $Store, [datetimeoffset] $Now) {
    $clockType = $Store.GetType().Assembly.GetType('CallRecordingAdmin.Engine.Policy.FixedClock')
    $Store.WithClock([Activator]::CreateInstance($clockType, [object[]]@($Now)))
}

# Raw SQL on a store's database file, as someone with file access could run it (schema and tampering cases).
# Uses the module's own Microsoft.Data.Sqlite, reached through its load context.
function Invoke-StoreSql([object] $Store, [string] $Sql) {
    $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($Store.GetType().Assembly)
    $sqlite = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
    $connection = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection'), [object[]]@("Data Source=$($Store.DatabasePath);Pooling=False"))
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        $command.ExecuteNonQuery() | Out-Null
    } finally { $connection.Dispose() }
}
