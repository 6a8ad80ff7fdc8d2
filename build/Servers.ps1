# The real servers that 'build.ps1 Test' runs the server-store tests against (issue 13), dot-sourced by build.ps1:
# PostgreSQL 15 from /usr/lib/postgresql/15/bin (initdb into a new temp folder, pg_ctl start on a free loopback port)
# and Azurite's blob service (from npm, a pinned version, installed into out/tools/azurite). Each is started on
# 127.0.0.1 only, its connection string handed to the tests in an environment variable, and stopped by
# Stop-TestServers: only the processes started here are stopped, and their folders removed. Where one cannot start,
# one line says why, and CALLRECORDINGADMIN_TEST_PG_SKIP / _BLOB_SKIP carry the reason to the tests, which are Skipped.

$AzuriteVersion = '3.35.0'
$PostgresBin = if ($env:CALLRECORDINGADMIN_PG_BIN) { $env:CALLRECORDINGADMIN_PG_BIN } else { '/usr/lib/postgresql/15/bin' }
# Azurite's well-known development account (documented by Azurite; not a secret).
$AzuriteAccountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function Get-FreeLoopbackPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Wait-TcpPort {
    param([int] $Port, [int] $Seconds, [System.Diagnostics.Process] $Process)
    $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($Process -and $Process.HasExited) { return $false }
        $client = [System.Net.Sockets.TcpClient]::new()
        try { $client.Connect([System.Net.IPAddress]::Loopback, $Port); return $true } catch { Start-Sleep -Milliseconds 200 } finally { $client.Dispose() }
    }
    return $false
}

function Invoke-Logged {
    # Runs a native command, its output into a log; throws with the log's tail when it fails.
    param([string] $What, [string] $Log, [string] $File, [string[]] $Arguments)
    & $File @Arguments *> $Log
    if ($LASTEXITCODE -ne 0) {
        $tail = (Get-Content $Log -Tail 5 -ErrorAction SilentlyContinue) -join ' | '
        throw "$What failed (exit code $LASTEXITCODE): $tail"
    }
}

function Start-TestPostgres {
    param($State)
    if (-not (Test-Path (Join-Path $PostgresBin 'pg_ctl'))) { throw "PostgreSQL 15 is not installed ($PostgresBin/pg_ctl is missing; .ci/run installs the postgresql-15 package)" }
    $folder = [System.IO.Directory]::CreateTempSubdirectory('callrecordingadmin-pg-').FullName
    $State.PgFolder = $folder
    # initdb and postgres refuse to run as root: as root they run as the postgres account, in a folder it owns.
    $asRoot = (& id -u) -eq '0'
    $prefix = @()
    if ($asRoot) {
        if (-not (Get-Command runuser -ErrorAction SilentlyContinue)) { throw 'running as root, and runuser (util-linux) is missing to run PostgreSQL as the postgres account' }
        & getent passwd postgres *> $null
        if ($LASTEXITCODE -ne 0) { throw 'running as root, and there is no postgres account to run PostgreSQL as' }
        & chown postgres $folder
        $prefix = @('-u', 'postgres', '--')
    }
    $State.PgPrefix = $prefix
    $password = [Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(16)).ToLowerInvariant()
    $pwFile = Join-Path $folder 'pw'
    Set-Content -Path $pwFile -Value $password -NoNewline
    if ($asRoot) { & chown postgres $pwFile }
    $data = Join-Path $folder 'data'
    $run = if ($asRoot) { 'runuser' } else { Join-Path $PostgresBin 'initdb' }
    $initdb = @('-D', $data, '-U', 'crec_admin', '-A', 'scram-sha-256', "--pwfile=$pwFile", '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions')
    $initArgs = if ($asRoot) { $prefix + @((Join-Path $PostgresBin 'initdb')) + $initdb } else { $initdb }
    Invoke-Logged 'initdb' (Join-Path $folder 'initdb.log') $run $initArgs
    Remove-Item $pwFile -Force
    $port = Get-FreeLoopbackPort
    $options = "-p $port -k $folder -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    $ctl = @('start', '-D', $data, '-l', (Join-Path $folder 'postgres.log'), '-w', '-t', '60', '-o', $options)
    $ctlArgs = if ($asRoot) { $prefix + @((Join-Path $PostgresBin 'pg_ctl')) + $ctl } else { $ctl }
    $ctlRun = if ($asRoot) { 'runuser' } else { Join-Path $PostgresBin 'pg_ctl' }
    $State.PgData = $data
    try {
        Invoke-Logged 'pg_ctl start' (Join-Path $folder 'pg_ctl.log') $ctlRun $ctlArgs
    } catch {
        $log = (Get-Content (Join-Path $folder 'postgres.log') -Tail 3 -ErrorAction SilentlyContinue) -join ' | '
        throw "$($_.Exception.Message) $log"
    } finally {
        # The postmaster's PID, to stop it even if pg_ctl stop cannot.
        $pidFile = Join-Path $data 'postmaster.pid'
        if (Test-Path $pidFile) { $State.PgPid = [int](Get-Content $pidFile -TotalCount 1) }
    }
    return "Host=127.0.0.1;Port=$port;Username=crec_admin;Password=$password;Database=postgres"
}

function Start-TestAzurite {
    param($State, [string] $Out)
    if (-not (Get-Command node -ErrorAction SilentlyContinue)) { throw 'Node.js is not installed (node is not on PATH)' }
    $tools = [System.IO.Path]::GetFullPath((Join-Path $Out 'tools/azurite'))
    $package = Join-Path $tools 'node_modules/azurite/package.json'
    $installed = if (Test-Path $package) { (Get-Content $package -Raw | ConvertFrom-Json).version } else { $null }
    if ($installed -ne $AzuriteVersion) {
        if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { throw "Azurite $AzuriteVersion is not in $tools and npm is not on PATH to install it" }
        Write-Host "Installing Azurite $AzuriteVersion into $tools (npm)."
        New-Item -ItemType Directory -Path $tools -Force | Out-Null
        Invoke-Logged "npm install azurite@$AzuriteVersion" (Join-Path $tools 'npm.log') 'npm' @('install', '--prefix', $tools, '--no-audit', '--no-fund', '--loglevel=error', '--fetch-retries=1', "azurite@$AzuriteVersion")
    }
    $main = Join-Path $tools 'node_modules/azurite/dist/src/blob/main.js'
    if (-not (Test-Path $main)) { throw "the Azurite package in $tools has no $main" }
    $folder = [System.IO.Directory]::CreateTempSubdirectory('callrecordingadmin-azurite-').FullName
    $State.AzuriteFolder = $folder
    $port = Get-FreeLoopbackPort
    $State.AzuriteProcess = Start-Process -FilePath (Get-Command node).Source -PassThru `
        -ArgumentList @($main, '--blobHost', '127.0.0.1', '--blobPort', $port, '--skipApiVersionCheck', '--inMemoryPersistence', '--silent') -WorkingDirectory $folder `
        -RedirectStandardOutput (Join-Path $folder 'azurite.out') -RedirectStandardError (Join-Path $folder 'azurite.err')
    if (-not (Wait-TcpPort -Port $port -Seconds 60 -Process $State.AzuriteProcess)) {
        $err = (Get-Content (Join-Path $folder 'azurite.err') -Tail 3 -ErrorAction SilentlyContinue) -join ' | '
        $what = if ($State.AzuriteProcess.HasExited) { "Azurite exited (code $($State.AzuriteProcess.ExitCode))" } else { "Azurite did not listen on 127.0.0.1:$port within 60 s" }
        throw "$what $err"
    }
    return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AzuriteAccountKey;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
}

function Start-TestServers {
    param([string] $Out)
    $state = @{ PgFolder = $null; PgData = $null; PgPid = $null; PgPrefix = @(); AzuriteFolder = $null; AzuriteProcess = $null }
    foreach ($server in @(
            @{ Name = 'PostgreSQL'; Variable = 'CALLRECORDINGADMIN_TEST_PG'; Start = { Start-TestPostgres -State $state } },
            @{ Name = 'Azurite'; Variable = 'CALLRECORDINGADMIN_TEST_BLOB'; Start = { Start-TestAzurite -State $state -Out $Out } })) {
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        try {
            $connection = & $server.Start
            Set-Item "env:$($server.Variable)" $connection
            Remove-Item "env:$($server.Variable)_SKIP" -ErrorAction SilentlyContinue
            Write-Host ("{0} started on 127.0.0.1 in {1:0.0} s." -f $server.Name, $watch.Elapsed.TotalSeconds)
        } catch {
            $why = $_.Exception.Message -replace '\s+', ' '
            Remove-Item "env:$($server.Variable)" -ErrorAction SilentlyContinue
            Set-Item "env:$($server.Variable)_SKIP" $why
            Write-Host "$($server.Name) not started, its tests are skipped: $why"
        }
    }
    return $state
}

function Stop-TestServers {
    param($State)
    if (-not $State) { return }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    if ($State.AzuriteProcess) {
        try { if (-not $State.AzuriteProcess.HasExited) { $State.AzuriteProcess.Kill(); [void]$State.AzuriteProcess.WaitForExit(10000) } } catch { Write-Host "Azurite (PID $($State.AzuriteProcess.Id)) could not be stopped: $($_.Exception.Message)" }
    }
    if ($State.PgData -or $State.PgPid) {
        $ctl = @('stop', '-D', $State.PgData, '-m', 'immediate', '-w', '-t', '30')
        if ($State.PgPrefix.Count -gt 0) { & runuser @($State.PgPrefix + @((Join-Path $PostgresBin 'pg_ctl')) + $ctl) *> $null } else { & (Join-Path $PostgresBin 'pg_ctl') @ctl *> $null }
        if ($LASTEXITCODE -ne 0 -and $State.PgPid) {
            # Only the postmaster this build started (its PID from its own postmaster.pid).
            try { $p = Get-Process -Id $State.PgPid -ErrorAction Stop; $p.Kill(); [void]$p.WaitForExit(10000) } catch { }
        }
    }
    foreach ($folder in $State.PgFolder, $State.AzuriteFolder) {
        if ($folder -and (Test-Path $folder)) { Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue }
    }
    foreach ($variable in 'CALLRECORDINGADMIN_TEST_PG', 'CALLRECORDINGADMIN_TEST_BLOB', 'CALLRECORDINGADMIN_TEST_PG_SKIP', 'CALLRECORDINGADMIN_TEST_BLOB_SKIP') {
        Remove-Item "env:$variable" -ErrorAction SilentlyContinue
    }
    Write-Host ("Test servers stopped in {0:0.0} s." -f $watch.Elapsed.TotalSeconds)
}
