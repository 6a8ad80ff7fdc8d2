BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

# Issue 9, section 1. On Linux and macOS SQLite's locks are POSIX fcntl locks, owned by the process: closing ANY
# descriptor of policy.db drops them. A connection kept open between cmdlets (the old connection pool) then goes on
# reading a stale WAL after another process's writer has checkpointed and unlinked it; the stale session's view ignores
# the other process's changes, and when it exits its stale WAL is checkpointed over them. Two real pwsh processes.
Describe 'A session that opens and closes policy.db through another handle' {
    It 'sees another process''s revoke and role removal, is refused, and the other process''s events survive' {
        $store = Join-Path $TestDrive 'stale-store'
        $flags = Join-Path $TestDrive 'stale-flags'
        New-Item -ItemType Directory $flags | Out-Null

        # Session A sets the store up (this test process holds no connection to it until the end), connects as a@uni.test,
        # verifies the chain, then touches policy.db through other handles, and waits for B.
        $scriptA = Join-Path $TestDrive 'session-a.ps1'
        Set-Content $scriptA @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:Manifest'
New-RecordingStore -Path '$store' -Identity 'creator@uni.test' -SharedOsAccount | Out-Null
Connect-RecordingStore -Path '$store' -Identity 'creator@uni.test'
Add-RecordingRole -Principal 'a@uni.test' -Role Administrator | Out-Null
Add-RecordingRole -Principal 'b@uni.test' -Role Administrator | Out-Null
New-ServiceArea -Name 'IT Service Desk' -RetentionDays 30 -CustomerNotice 'Calls are recorded.' | Out-Null
Add-RecordingRole -Principal 'nsm@uni.test' -Role NetworkServicesManager | Out-Null
`$request = New-RecordingRequest -ServiceArea 'IT Service Desk' -BusinessReason 'Staff protection' -Purpose StaffProtection -AccessLevel 'Adviser=Play' -RetentionDays 30 -DpiaReference 'DPIA-S' -DpoAdvice 'OK' -WarningAction SilentlyContinue
Connect-RecordingStore -Path '$store' -Identity 'nsm@uni.test'
Approve-RecordingRequest -RequestId `$request.RequestId | Out-Null
Connect-RecordingStore -Path '$store' -Identity 'creator@uni.test'
`$grantId = (Grant-RecordingAccess -Principal 'agent@uni.test' -ServiceArea 'IT Service Desk' -Level Adviser -Right Play -Reason 'agent').GrantId
Set-Content (Join-Path '$flags' 'grant-id') `$grantId
Connect-RecordingStore -Path '$store' -Identity 'a@uni.test'
if (-not (Test-AuditChain -Quiet)) { throw 'chain invalid at start' }
`$db = Join-Path '$store' 'policy.db'
[IO.File]::OpenRead(`$db).Dispose()
Copy-Item `$db (Join-Path '$flags' 'copy-of-policy.db')
`$null = Get-FileHash `$db
Set-Content (Join-Path '$flags' 'a-ready') 'ready'
`$deadline = [DateTime]::UtcNow.AddSeconds(90)
while (-not (Test-Path (Join-Path '$flags' 'b-done'))) { if ([DateTime]::UtcNow -gt `$deadline) { throw 'B never finished' }; Start-Sleep -Milliseconds 100 }
`$grant = Get-RecordingAccess -GrantId `$grantId -IncludeRevoked
`$roles = @(Get-RecordingRole -Principal 'a@uni.test' | Where-Object Role -eq Administrator).Count
`$refused = ''
try { New-ServiceArea -Name 'Made by A after removal' -RetentionDays 5 -CustomerNotice 'n' -ErrorAction Stop | Out-Null; `$refused = 'not refused' }
catch { `$refused = `$_.FullyQualifiedErrorId }
[pscustomobject]@{ GrantStatus = "`$(`$grant.Status)"; AdministratorRoles = `$roles; Refused = `$refused } | ConvertTo-Json -Compress
"@
        $a = Start-FreshPwsh -ScriptFile $scriptA
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while (-not (Test-Path (Join-Path $flags 'a-ready')) -and -not $a.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            Test-Path (Join-Path $flags 'a-ready') | Should -BeTrue -Because ($a.HasExited ? $a.StandardError.ReadToEnd() : 'session A did not get ready')
            $grantId = (Get-Content (Join-Path $flags 'grant-id') -Raw).Trim()
            $grantId | Should -Match '^grant-'

            # Another SQLite client reads the store and closes its connection, as any well-behaved client does (the sqlite3
            # shell, a database browser, this module since the fix). With A's locks gone it believes it is the last one,
            # checkpoints and removes policy.db-wal, which a connection still open in A would go on using.
            $null = New-TestStore -Name 'loads-sqlite'; Disconnect-RecordingStore # another store: loads the module's SQLite into this process
            $sqlite = [System.Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' } | Select-Object -First 1
            $reader = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection'), [object[]]@("Data Source=$(Join-Path $store 'policy.db');Pooling=False;Default Timeout=60"))
            try {
                $reader.Open()
                $query = $reader.CreateCommand(); $query.CommandText = 'SELECT count(*) FROM audit_event'
                $query.ExecuteScalar() | Should -BeGreaterThan 0
            } finally { $reader.Dispose() }

            # Session B: another Administrator revokes the grant and removes A's role.
            $b = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$script:Manifest'
Connect-RecordingStore -Path '$store' -Identity 'b@uni.test'
Revoke-RecordingAccess -GrantId '$grantId' -Reason 'left the team' | Out-Null
Remove-RecordingRole -Principal 'a@uni.test' -Role Administrator -Confirm:`$false
'b done'
"@
            $b.ExitCode | Should -Be 0 -Because ($b.Output -join "`n")
            Set-Content (Join-Path $flags 'b-done') 'done'

            $out = $a.StandardOutput.ReadToEnd()
            $err = $a.StandardError.ReadToEnd()
            $a.WaitForExit(90000) | Should -BeTrue
        } finally {
            if (-not $a.HasExited) { $a.Kill() }
        }
        $a.ExitCode | Should -Be 0 -Because $err
        $seen = ($out -split "`n" | Where-Object { $_ -match '^\{' } | Select-Object -Last 1) | ConvertFrom-Json
        $seen.GrantStatus | Should -Be 'Revoked' -Because 'session A must see the revoke made by B'
        $seen.AdministratorRoles | Should -Be 0 -Because 'session A must see its role removed by B'
        $seen.Refused | Should -BeLike 'AccessDenied,*' -Because 'session A no longer holds the Administrator role'

        # After A exits, B's events are still there and the chain holds.
        Connect-RecordingStore -Path $store -Identity 'creator@uni.test'
        try {
            $events = Get-AuditEvent
            @($events | Where-Object { $_.Action -eq 'RevokeRecordingAccess' -and $_.Principal -eq 'b@uni.test' }).Count | Should -Be 1
            @($events | Where-Object { $_.Action -eq 'RemoveRecordingRole' -and $_.Principal -eq 'b@uni.test' }).Count | Should -Be 1
            @($events | Where-Object { $_.Action -eq 'AccessDenied' -and $_.Principal -eq 'a@uni.test' }).Count | Should -Be 1
            @(Get-ServiceArea -Name 'Made by A after removal' -ErrorAction SilentlyContinue).Count | Should -Be 0
            Test-AuditChain -Quiet | Should -BeTrue
            (Test-RecordingStore | Where-Object Check -eq DatabaseIntegrity).Severity | Should -Be 'Ok'
        } finally {
            Disconnect-RecordingStore
        }
    }
}

Describe 'Disconnect-RecordingStore' {
    It 'leaves no open descriptor of policy.db in this process' -Skip:(-not (Test-Path "/proc/$PID/fd")) {
        $store = New-TestStore
        New-ServiceArea -Name 'Descriptors' -RetentionDays 5 -CustomerNotice 'n' | Out-Null
        Get-AuditEvent | Out-Null
        Test-AuditChain | Out-Null
        Disconnect-RecordingStore
        $open = Get-ChildItem "/proc/$PID/fd" -ErrorAction SilentlyContinue |
            ForEach-Object { $_.LinkTarget } |
            Where-Object { $_ -like "$($store.Path)*" }
        @($open) | Should -BeNullOrEmpty
    }

    It 'closes the connection of a pipeline stopped part-way (Select-Object -First)' -Skip:(-not (Test-Path "/proc/$PID/fd")) {
        $store = New-TestStore
        1..5 | ForEach-Object { New-ServiceArea -Name "Area $_" -RetentionDays 5 -CustomerNotice 'n' | Out-Null }
        Get-AuditEvent | Select-Object -First 1 | Out-Null
        $open = Get-ChildItem "/proc/$PID/fd" -ErrorAction SilentlyContinue |
            ForEach-Object { $_.LinkTarget } |
            Where-Object { $_ -like "$($store.Path)*" }
        @($open) | Should -BeNullOrEmpty -Because 'the reader streamed by Get-AuditEvent must close when the pipeline stops'
        Disconnect-RecordingStore
    }
}
