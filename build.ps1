<#
.SYNOPSIS
    Builds, tests, demonstrates, benchmarks and packages the CallRecordingAdmin module.

.DESCRIPTION
    Tasks (run one or more, in the order given):

      Build    Compiles the engine and cmdlet assemblies (Release) and assembles the shipped module in
               out/CallRecordingAdmin: manifest, format and type files, cmdlet assembly, generated MAML help,
               about_ help, and Dependencies/ with the engine, its libraries and the native SQLite library
               for linux-x64, linux-arm64, linux-musl-x64, linux-musl-arm64, win-x64, win-x86, win-arm64,
               osx-x64 and osx-arm64. That folder imports on its own: copy it anywhere on $env:PSModulePath.
      Test     Build, then the xunit engine and Graph adapter tests and the Pester tests (against the BUILT module, each file in
               a fresh pwsh). Ends with one line 'N passed, N failed' (the sum over both; ', N skipped' follows when
               tests were skipped) and exits non-zero on any failure. The server-store tests (tests/Server.Tests) run
               against a PostgreSQL 15 and an Azurite that this task starts on 127.0.0.1 and stops at the end
               (build/Servers.ps1); where one cannot start, one line says why and its tests count as skipped.
      Demo     Build, then runs module/Examples/Demo.ps1 against a new store (in a fresh folder, or -StorePath).
      Bench    Build, then tests/Bench/Bench.ps1: every benchmark beside its baseline, repeated (-BenchRuns, at
               least 5), with medians and min-max; -BenchScale shrinks the sizes, -BenchOnly picks benchmarks.
               Needs the sqlite3 shell and coreutils on PATH (installs nothing; a row without its tool is skipped).
      Chaos    Build, then tests/Chaos/Chaos.ps1, the fault campaign (issue 9 §8): kill -9 during import, purge,
               extraction, subject access export and grant batches, disk full, read-only store, missing or wrong key,
               the bad-input corpus and concurrent sessions; prints scenario | tried | held | failed and exits
               non-zero if any case failed. Run it as root for the tmpfs (disk full) and read-only mount cases.
               Then tests/Chaos/Mutations.ps1: -Mutations (default 10000) random single changes to the demo store's
               rows, ledger and append-only triggers with raw SQL; exits non-zero if the row ledger misses one.
      Package  Build, then a .nupkg of the module in out/feed that Install-PSResource / Save-PSResource take
               from a local folder repository.
      Clean    Removes out/ and every bin/ and obj/ folder.

    Run with 'dotnet tool restore' done first, as: dotnet pwsh ./build.ps1 Test

.PARAMETER Task
    One or more of Build, Test, Demo, Bench, Chaos, Package, Clean. Default: Build.

.PARAMETER Kills
    For Chaos: how many kill -9 runs in all (default 200).

.PARAMETER Mutations
    For Chaos: how many random single changes the row ledger's mutation campaign makes (default 10000).

.PARAMETER StorePath
    For Demo: where to create the demo store (default: a new folder under the system temp folder).

.PARAMETER Configuration
    Release (default) or Debug.

.PARAMETER BenchScale
    For Bench: multiplies every row count and file size (default 1, the targets' sizes; 0.01 for a quick look).

.PARAMETER BenchOnly
    For Bench: run only these benchmarks (ImportModule, AccessLog, AuditChain, Query, Paging, Purge, Import, Deep, Save).

.PARAMETER BenchRuns
    For Bench: repetitions of each benchmark (default 5, at least 5).

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test

.EXAMPLE
    dotnet pwsh ./build.ps1 Demo -StorePath ./demo-store

.EXAMPLE
    dotnet pwsh ./build.ps1 Bench -BenchScale 0.01 -BenchOnly Query, Purge
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Chaos', 'Package', 'Clean', 'Help')]
    [string[]] $Task = @('Build'),

    [string] $StorePath,

    [int] $Kills = 200,

    [int] $Mutations = 10000,

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [ValidateRange(0.0001, 1)] [double] $BenchScale = 1,
    [string[]] $BenchOnly,
    [ValidateRange(5, 1000)] [int] $BenchRuns = 5
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'CallRecordingAdmin'
# A fresh pwsh like this one: under 'dotnet pwsh' the process is dotnet running pwsh.dll.
$PwshCommand = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
function Invoke-Pwsh { $exe = $PwshCommand[0]; [string[]] $prefix = @($PwshCommand | Select-Object -Skip 1); & $exe @prefix @args }
$NativeRids = 'linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64', 'win-x64', 'win-x86', 'win-arm64', 'osx-x64', 'osx-arm64'
$PesterVersion = '5.7.1'

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

function Get-NuGetRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = @(& dotnet nuget locals global-packages --list) -match 'global-packages:' | Select-Object -First 1
    return ($line -replace '^.*global-packages:\s*', '').Trim()
}

function Invoke-Build {
    $src = Join-Path $Root 'src'
    # The engine first, for both its targets (the cmdlet project's reference builds only its netstandard2.0 one).
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $src 'CallRecordingAdmin.Engine/CallRecordingAdmin.Engine.csproj') -c $Configuration --nologo -v quiet -clp:ErrorsOnly | Out-Host }
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $src 'CallRecordingAdmin/CallRecordingAdmin.csproj') -c $Configuration --nologo -v quiet -clp:ErrorsOnly | Out-Host }
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    $deps = Join-Path $ModuleOut 'Dependencies'
    New-Item -ItemType Directory -Path $deps, (Join-Path $ModuleOut 'en-US'), (Join-Path $ModuleOut 'Examples') -Force | Out-Null

    $cmdletBin = Join-Path $src "CallRecordingAdmin/bin/$Configuration/netstandard2.0"
    $engineBin = Join-Path $src "CallRecordingAdmin.Engine/bin/$Configuration/netstandard2.0"
    Copy-Item (Join-Path $cmdletBin 'CallRecordingAdmin.dll'), (Join-Path $cmdletBin 'CallRecordingAdmin.pdb') $ModuleOut
    Copy-Item (Join-Path $engineBin '*.dll'), (Join-Path $engineBin 'CallRecordingAdmin.Engine.pdb') $deps
    # The engine is also built for net8.0 (the platform's AES-GCM): PowerShell 7.4+ loads it from Dependencies/net8.0,
    # Windows PowerShell 5.1 (and PowerShell on an older .NET) the netstandard2.0 build above. Same files on disk.
    $engineNet8 = Join-Path $src "CallRecordingAdmin.Engine/bin/$Configuration/net8.0"
    $depsNet8 = Join-Path $deps 'net8.0'
    New-Item -ItemType Directory -Path $depsNet8 -Force | Out-Null
    Copy-Item (Join-Path $engineNet8 '*.dll'), (Join-Path $engineNet8 'CallRecordingAdmin.Engine.pdb') $depsNet8
    # The Microsoft Graph adapter and its libraries (Graph SDK, Kiota, Azure.Identity, MSAL) load in the same private context.
    $graphBin = Join-Path $src "CallRecordingAdmin.Graph/bin/$Configuration/netstandard2.0"
    Copy-Item (Join-Path $graphBin '*.dll'), (Join-Path $graphBin 'CallRecordingAdmin.Graph.pdb') $deps -Force

    # Every assembly the engine and the adapter need must be in Dependencies (the engine's net8.0 build: Dependencies/net8.0):
    # a missing one fails the build, not the user.
    foreach ($project in 'CallRecordingAdmin.Graph', 'CallRecordingAdmin.Engine') {
        $assets = Get-Content (Join-Path $src "$project/obj/project.assets.json") -Raw | ConvertFrom-Json
        $nuget = $assets.project.restore.packagesPath
        foreach ($framework in $assets.targets.PSObject.Properties) {
        $folder = if ($framework.Name -like 'net8.0*') { $depsNet8 } else { $deps }
        foreach ($package in $framework.Value.PSObject.Properties) {
            $runtime = $package.Value.PSObject.Properties['runtime']
            if (-not $runtime) { continue }
            foreach ($file in $runtime.Value.PSObject.Properties.Name) {
                if ($file -notlike '*.dll') { continue }
                $name = Split-Path $file -Leaf
                if (Test-Path (Join-Path $folder $name)) { continue }
                # On net8.0 the SDK keeps the runtime's own copy of an assembly the runtime ships (System.Text.Json, System.Security.AccessControl, ...).
                if ($folder -eq $depsNet8 -and (Test-Path (Join-Path ([System.Runtime.InteropServices.RuntimeEnvironment]::GetRuntimeDirectory()) $name))) { continue }
                throw "Dependency $name of package $($package.Name) ($project, $($framework.Name)) is missing from $folder."
            }
        }
        }
    }
    $target = ($assets.targets.PSObject.Properties | Select-Object -First 1).Value
    # The native SQLite library for each supported OS and processor.
    $lib = $target.PSObject.Properties | Where-Object Name -like 'SQLitePCLRaw.lib.e_sqlite3/*' | Select-Object -First 1
    $libFolder = Join-Path $nuget ($lib.Name.ToLowerInvariant())
    foreach ($rid in $NativeRids) {
        $from = Join-Path $libFolder "runtimes/$rid/native"
        if (-not (Test-Path $from)) { throw "The SQLite package has no native library for $rid." }
        $to = Join-Path $deps "runtimes/$rid/native"
        New-Item -ItemType Directory -Path $to -Force | Out-Null
        Copy-Item (Join-Path $from '*') $to
    }

    $module = Join-Path $Root 'module'
    Copy-Item (Join-Path $module '*.psd1'), (Join-Path $module '*.ps1xml') $ModuleOut
    Copy-Item (Join-Path $module 'en-US/*') (Join-Path $ModuleOut 'en-US')
    Copy-Item (Join-Path $module 'Examples/*') (Join-Path $ModuleOut 'Examples')
    $version = ([xml](Get-Content (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version
    $manifest = Join-Path $ModuleOut 'CallRecordingAdmin.psd1'
    (Get-Content $manifest -Raw) -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'" | Set-Content $manifest -Encoding utf8NoBOM

    # MAML help (from the cmdlets' XML documentation) and about_CallRecordingAdmin_Errors (from the ErrorId
    # catalogue), in a fresh pwsh that imports the built module: build/Help.ps1.
    Invoke-Native 'help generation' { Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'build/Help.ps1') -ModuleOut $ModuleOut -Configuration $Configuration }
    Write-Host "Built $ModuleOut (version $version)."
}

function Invoke-Test {
    Invoke-Build
    . (Join-Path $Root 'build/Servers.ps1')
    $servers = $null
    try {
    $servers = Start-TestServers -Out $Out
    $results = Join-Path $Out 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory $results -Force | Out-Null

    $xPassed = 0; $xFailed = 0; $skipped = 0
    foreach ($suite in @(@{ Name = 'engine'; Project = 'tests/Engine.Tests/Engine.Tests.csproj' }, @{ Name = 'graph'; Project = 'tests/Graph.Tests/Graph.Tests.csproj' },
            @{ Name = 'server'; Project = 'tests/Server.Tests/Server.Tests.csproj' })) {
        Write-Host "== xunit: $($suite.Name) tests"
        & dotnet test (Join-Path $Root $suite.Project) -c $Configuration --nologo -v quiet --logger "trx;LogFileName=$($suite.Name).trx" --results-directory $results
        $xunitExit = $LASTEXITCODE
        $trx = Get-ChildItem $results -Filter "$($suite.Name).trx" -Recurse | Select-Object -First 1
        $sPassed = 0; $sFailed = 0
        if ($trx) {
            $counters = ([xml](Get-Content $trx.FullName -Raw)).TestRun.ResultSummary.Counters
            $sPassed = [int]$counters.passed
            $sFailed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
            $skipped += [int]$counters.notExecuted
        }
        if ($xunitExit -ne 0 -and $sFailed -eq 0) { $sFailed = 1; Write-Host "xunit ($($suite.Name)) did not complete." }
        Write-Host "xunit ($($suite.Name)): $sPassed passed, $sFailed failed$(if ($trx -and [int]$counters.notExecuted -gt 0) { ", $([int]$counters.notExecuted) skipped" })"
        $xPassed += $sPassed; $xFailed += $sFailed
    }
    Write-Host "xunit: $xPassed passed, $xFailed failed"

    # The local Microsoft Graph stand-in (WireMock.Net on 127.0.0.1) that the Pester suite starts.
    Invoke-Native 'build of the Graph mock server' { dotnet build (Join-Path $Root 'tests/GraphMock/GraphMock.csproj') -c $Configuration --nologo -v quiet -clp:ErrorsOnly | Out-Host }
    $graphMock = Join-Path $Root "tests/GraphMock/bin/$Configuration/net10.0/GraphMock.dll"

    Write-Host '== Pester: module tests against the built module'
    Invoke-Native 'restore of Pester' { dotnet restore (Join-Path $Root 'tests/Module.Tests/Module.Tests.csproj') --nologo -v quiet }
    $pester = Join-Path (Get-NuGetRoot) "pester/$PesterVersion/tools/Pester.psd1"
    $summary = Join-Path $results 'pester.json'
    $runner = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester' -Force
`$env:CALLRECORDINGADMIN_TEST_MODULE = '$ModuleOut'
`$env:CALLRECORDINGADMIN_TEST_NUGET = '$(Get-NuGetRoot)'
`$env:CALLRECORDINGADMIN_TEST_GRAPHMOCK = '$graphMock'
`$config = New-PesterConfiguration
`$config.Run.Path = '$(Join-Path $Root 'tests/Module.Tests')'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Normal'
`$config.TestResult.Enabled = `$true
`$config.TestResult.OutputPath = '$(Join-Path $results 'pester.xml')'
`$r = Invoke-Pester -Configuration `$config
@{ Passed = `$r.PassedCount; Failed = `$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount; Skipped = `$r.SkippedCount } | ConvertTo-Json | Set-Content '$summary'
"@
    Invoke-Pwsh -NoProfile -NonInteractive -Command $runner
    $pPassed = 0; $pFailed = 1
    if (Test-Path $summary) {
        $s = Get-Content $summary -Raw | ConvertFrom-Json
        $pPassed = [int]$s.Passed; $pFailed = [int]$s.Failed; $skipped += [int]$s.Skipped
    } else { Write-Host 'Pester did not complete.' }
    Write-Host "Pester: $pPassed passed, $pFailed failed"

    } finally {
        Stop-TestServers -State $servers
    }

    $passed = $xPassed + $pPassed
    $failed = $xFailed + $pFailed
    Write-Host ("$passed passed, $failed failed" + $(if ($skipped -gt 0) { ", $skipped skipped" } else { '' }))
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $path = if ($StorePath) { $StorePath } else { Join-Path ([System.IO.Path]::GetTempPath()) ("CallRecordingAdmin-demo-" + [DateTime]::UtcNow.ToString('yyyyMMdd-HHmmss')) }
    Invoke-Native 'demo' { Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $ModuleOut 'Examples/Demo.ps1') -ModulePath $ModuleOut -StorePath $path }
}

function Invoke-Bench {
    Invoke-Build
    $benchArgs = @('-ModulePath', $ModuleOut, '-Scale', $BenchScale.ToString([cultureinfo]::InvariantCulture), '-Runs', $BenchRuns)
    if ($BenchOnly) { $benchArgs += @('-Only', ($BenchOnly -join ',')) }
    Invoke-Native 'benchmarks' { Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Bench/Bench.ps1') @benchArgs }
}

function Invoke-Chaos {
    Invoke-Build
    Invoke-Native 'fault campaign' { Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Chaos/Chaos.ps1') -ModulePath $ModuleOut -Kills $Kills }
    Invoke-Native 'row ledger mutation campaign' { Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/Chaos/Mutations.ps1') -ModulePath $ModuleOut -Count $Mutations }
}

function Invoke-Package {
    Invoke-Build
    $feed = Join-Path $Out 'feed'
    if (Test-Path $feed) { Remove-Item $feed -Recurse -Force }
    New-Item -ItemType Directory $feed | Out-Null
    $repo = 'CallRecordingAdminBuild'
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
if (Get-PSResourceRepository -Name $repo -ErrorAction SilentlyContinue) { Unregister-PSResourceRepository -Name $repo }
Register-PSResourceRepository -Name $repo -Uri '$feed' -Trusted
try { Publish-PSResource -Path '$ModuleOut' -Repository $repo } finally { Unregister-PSResourceRepository -Name $repo }
"@
    Invoke-Native 'packaging' { Invoke-Pwsh -NoProfile -NonInteractive -Command $script }
    Get-ChildItem $feed -Filter *.nupkg | ForEach-Object { Write-Host "Package: $($_.FullName)" }
}

function Invoke-Clean {
    if (Test-Path $Out) { Remove-Item $Out -Recurse -Force }
    Get-ChildItem $Root -Directory -Recurse -Include bin, obj | Where-Object FullName -notlike '*node_modules*' | Remove-Item -Recurse -Force
    Write-Host 'Cleaned.'
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Help' { & (Join-Path $Root 'build/Help.ps1') -ModuleOut $ModuleOut -Configuration $Configuration }
        'Test' { Invoke-Test }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Chaos' { Invoke-Chaos }
        'Package' { Invoke-Package }
        'Clean' { Invoke-Clean }
    }
}
