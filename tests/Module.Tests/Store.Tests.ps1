BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'New-RecordingStore and Connect-RecordingStore' {
    It 'creates a store whose creator is its first Administrator, and connects to it' {
        $store = New-TestStore -Identity 'UNI\creator'
        $summary = Get-RecordingStore
        $summary.Identity | Should -Be 'UNI\creator'
        $summary.Roles | Should -Be 'Administrator'
        $summary.SchemaVersion | Should -BeGreaterThan 0
        $summary.Path | Should -Be $store.Path
        (Get-RecordingRole -Role Administrator).Principal | Should -Be 'UNI\creator'
    }

    It 'refuses a non-empty folder that is not a store' {
        $folder = Join-Path $TestDrive 'busy'
        New-Item -ItemType Directory $folder | Out-Null
        Set-Content (Join-Path $folder 'notes.txt') 'keep me'
        { New-RecordingStore -Path $folder -ErrorAction Stop } | Should -Throw -ErrorId 'StoreFolderNotEmpty,*'
        Get-ChildItem $folder | Should -HaveCount 1
    }

    It 'opens an existing store with a warning when asked to create it again' {
        $store = New-TestStore
        New-ServiceArea -Name 'Kept' -RetentionDays 30 -CustomerNotice 'n' | Out-Null
        $again = New-RecordingStore -Path $store.Path -WarningVariable warned 3>$null
        $again.StoreId | Should -Be $store.StoreId
        $warned | Should -Not -BeNullOrEmpty
    }

    It 'puts the master key where -KeyPath says, readable by its owner only' {
        $key = Join-Path $TestDrive 'keys/crs.key'
        $store = New-RecordingStore -Path (Join-Path $TestDrive 'keyed') -KeyPath $key -Identity 'a@b'
        $store.KeyPath | Should -Be $key
        Test-Path (Join-Path $store.Path 'master.key') | Should -BeFalse
        if (-not $IsWindows) { (Get-Item $key).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
        (Test-RecordingStore -Store $store | Where-Object Check -eq MasterKey).Severity | Should -Be 'Ok'
    }

    It 'connects with no path to $env:CALLRECORDINGADMIN_STORE' {
        $store = New-RecordingStore -Path (Join-Path $TestDrive 'from-env') -Identity 'a@b'
        $result = Invoke-FreshPwsh @"
`$env:CALLRECORDINGADMIN_STORE = '$($store.Path)'
Import-Module '$Manifest'
Connect-RecordingStore -Identity 'a@b'
(Get-RecordingStore).StoreId
"@
        $result.Output | Should -Contain $store.StoreId
    }

    It 'refuses a store written by a newer module version' {
        $store = New-TestStore
        Invoke-StoreSql $store "INSERT INTO schema_migration(version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00.0000000Z')"
        { Connect-RecordingStore -Path $store.Path -Identity 'admin@uni.test' } | Should -Throw -ErrorId 'StoreSchemaTooNew,*'
    }

    It 'gives a clear error for a corrupt database' {
        $folder = Join-Path $TestDrive 'corrupt'
        New-Item -ItemType Directory $folder | Out-Null
        [System.IO.File]::WriteAllBytes((Join-Path $folder 'policy.db'), [byte[]]::new(4096))
        [System.IO.File]::WriteAllText((Join-Path $folder 'policy.db'), ('garbage' * 600))
        { Connect-RecordingStore -Path $folder } | Should -Throw -ErrorId 'StoreDatabaseInvalid,*'
    }

    It 'says what to do when no store is connected' {
        $result = Invoke-FreshPwsh "Import-Module '$Manifest'; try { Get-ServiceArea -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }"
        $result.Output | Should -Match '^NotConnected'
    }

    It 'warns a principal who holds no role, and refuses their changes as AccessDenied' {
        $store = New-TestStore
        Connect-RecordingStore -Path $store.Path -Identity 'stranger@uni.test' -WarningVariable warned 3>$null
        $warned | Should -Not -BeNullOrEmpty
        { New-ServiceArea -Name 'Nope' -RetentionDays 5 -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
        $err = $null
        New-ServiceArea -Name 'Nope' -RetentionDays 5 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].TargetObject | Should -Be 'stranger@uni.test'
        (Get-AuditEvent -Store $store -Action AccessDenied | Select-Object -First 1).Principal | Should -Be 'stranger@uni.test'
    }
}

Describe 'Two runbooks writing the same store at once' {
    It 'both finish, nothing is lost and the audit chain holds' {
        $store = New-TestStore
        $script = Join-Path $TestDrive 'writer.ps1'
        Set-Content $script @"
param(`$Prefix)
`$ErrorActionPreference = 'Stop'
Import-Module '$Manifest'
Connect-RecordingStore -Path '$($store.Path)' -Identity 'admin@uni.test'
foreach (`$i in 1..25) { New-ServiceArea -Name "`$Prefix `$i" -RetentionDays (10 + `$i) -CustomerNotice 'n' | Out-Null; Set-ServiceArea -Name "`$Prefix `$i" -Description 'written concurrently' }
'done'
"@
        $a = Start-FreshPwsh -ScriptFile $script -Arguments 'Alpha'
        $b = Start-FreshPwsh -ScriptFile $script -Arguments 'Beta'
        $outA = $a.StandardOutput.ReadToEnd(); $errA = $a.StandardError.ReadToEnd(); $a.WaitForExit()
        $outB = $b.StandardOutput.ReadToEnd(); $errB = $b.StandardError.ReadToEnd(); $b.WaitForExit()
        $a.ExitCode | Should -Be 0 -Because $errA
        $b.ExitCode | Should -Be 0 -Because $errB
        $outA + $outB | Should -Match 'done'
        @(Get-ServiceArea -Name 'Alpha *', 'Beta *').Count | Should -Be 50
        $report = Test-AuditChain
        $report.IsValid | Should -BeTrue
        $report.EventCount | Should -Be (2 + 100)
    }
}

Describe 'Test-RecordingStore' {
    It 'reports every check and fails -Quiet when the audit chain is broken, without repairing anything' {
        $store = New-TestStore
        New-ServiceArea -Name 'A' -RetentionDays 5 -CustomerNotice 'n' | Out-Null
        (Test-RecordingStore).Check | Should -Be @('DatabaseIntegrity', 'ForeignKeys', 'AuditChain', 'MasterKey', 'StorePermissions', 'SeparationOfDuties', 'StoreSchemaMismatch', 'StrayStoreEntry', 'RecordingFiles', 'OrphanFiles')
        Test-RecordingStore -Quiet | Should -BeTrue
        Invoke-StoreSql $store "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET principal = 'mallory' WHERE seq = 3"
        Test-RecordingStore -Quiet | Should -BeFalse
        (Test-RecordingStore | Where-Object Check -eq AuditChain).Severity | Should -Be 'Error'
        (Get-AuditEvent | Where-Object Sequence -eq 3).Principal | Should -Be 'mallory'
    }
}
