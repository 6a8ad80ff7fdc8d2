BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'The audit chain' {
    BeforeEach {
        $store = New-TestStore
        New-ServiceArea -Name 'Student Enquiries' -RetentionMonths 6 -CustomerNotice 'n' | Out-Null
        Add-RecordedExtension -Number 4521 -ServiceArea 'Student Enquiries' -Mode OnDemand | Out-Null
        Set-ServiceArea -Name 'Student Enquiries' -RetentionDays 100
    }

    It 'records every change with who, what and when' {
        $events = Get-AuditEvent
        $events.Action | Should -Be @('NewRecordingStore', 'AddRecordingRole', 'NewServiceArea', 'AddRecordedExtension', 'SetServiceArea')
        $events.Principal | Select-Object -Unique | Should -Be 'admin@uni.test'
        $events[-1].Details | ConvertFrom-Json | Select-Object -ExpandProperty retention | Should -Be '6 months -> 100 days'
        $events | ForEach-Object { $_.OccurredAt.Offset } | Select-Object -Unique | Should -Be ([timespan]::Zero)
    }

    It 'filters by action, target and principal with wildcards' {
        (Get-AuditEvent -Action '*ServiceArea').Count | Should -Be 2
        (Get-AuditEvent -Target 4521).Action | Should -Be 'AddRecordedExtension'
        Get-AuditEvent -Principal 'nobody*' | Should -BeNullOrEmpty
        (Get-AuditEvent -First 2).Sequence | Should -Be @(1, 2)
        Get-AuditEvent -After (Get-Date).AddMinutes(5) | Should -BeNullOrEmpty
    }

    It 'is read by Administrators and Auditors only' {
        Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
        (Get-AuditEvent -Store (Get-StoreAs $store 'auditor@uni.test')).Count | Should -BeGreaterThan 0
        { Get-AuditEvent -Store (Get-StoreAs $store 'someone@uni.test') -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
        { New-ServiceArea -Store (Get-StoreAs $store 'auditor@uni.test') -Name 'X' -RetentionDays 3 -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
    }

    It 'verifies, and with a checkpoint outside the database detects a truncated log' {
        $checkpoint = Join-Path $TestDrive 'checkpoint.json'
        $written = Export-AuditCheckpoint -Path $checkpoint
        $written.Sequence | Should -Be 6
        (Get-Content $checkpoint -Raw | ConvertFrom-Json).hash | Should -Be $written.Hash
        Test-AuditChain -Checkpoint $checkpoint -Quiet | Should -BeTrue

        Invoke-StoreSql $store 'DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event WHERE seq >= 5'
        Test-AuditChain -Quiet | Should -BeTrue
        $report = Test-AuditChain -Checkpoint $checkpoint
        $report.IsValid | Should -BeFalse
        $report.CheckpointVerified | Should -BeFalse
        $report.Problem | Should -Match 'truncated'
    }

    It 'names the first edited row' {
        Invoke-StoreSql $store "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET details = '{}' WHERE seq = 4"
        $report = Test-AuditChain
        $report.IsValid | Should -BeFalse
        $report.FirstBrokenSequence | Should -Be 4
    }

    It 'refuses a file that is not a checkpoint' {
        Set-Content (Join-Path $TestDrive 'x.json') '[1,2,3]'
        { Test-AuditChain -Checkpoint (Join-Path $TestDrive 'x.json') -ErrorAction Stop } | Should -Throw -ErrorId 'CheckpointInvalid,*'
    }
}
