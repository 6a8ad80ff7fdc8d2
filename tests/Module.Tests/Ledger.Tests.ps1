BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

# Issue 11: the row ledger, through the built module. Tampering is done with -Raw SQL on the real store file, as the
# sqlite3 shell would; every change the cmdlets make must pass the state check.
Describe 'The row ledger' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        $manifest = New-RecorderExport (Join-Path $TestDrive ('export-' + [guid]::NewGuid().ToString('N').Substring(0, 6))) 4
        $recs = @(Import-Recording -ManifestPath $manifest)
    }

    It 'finds nothing after the module''s own changes, and Test-AuditChain -State says so' {
        Add-RecordingRole -Principal 'sup@uni.test' -Role Supervisor -ServiceArea 'IT Service Desk' | Out-Null
        $hold = New-LegalHold -CaseReference 'CASE-1' -Kind Complaint -Reason 'complaint'
        Add-LegalHoldRecording -HoldId $hold.HoldId -RecordingId $recs[0].RecordingId | Out-Null
        $report = Test-AuditChain -State
        $report.IsValid | Should -BeTrue
        $report.State.Rows | Should -BeGreaterThan 10
        $report.StateFindings | Should -BeNullOrEmpty
        Test-AuditChain -State -Quiet | Should -BeTrue
        @(Test-RecordingStore -Deep | Where-Object Check -eq 'RowLedger').Severity | Should -Be 'Ok'
    }

    It 'never purges a recording whose expiry was moved earlier outside the module, and reports it' {
        $id = $recs[1].RecordingId
        Invoke-StoreSql $store "UPDATE recording SET expires_at = '2020-01-01T00:00:00.0000000Z' WHERE id = '$id'" -Raw
        $summary = Invoke-RetentionPurge -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue | Where-Object ServiceArea -eq 'IT Service Desk'
        $summary.Purged | Should -Be 0
        $summary.IntegrityFailed | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RowIntegrityFailed,*'
        (Get-Recording -RecordingId $id).State | Should -Be 'Active'

        $report = Test-AuditChain -State
        $report.IsValid | Should -BeFalse
        $finding = $report.StateFindings | Where-Object RowKey -eq $id
        $finding.Kind | Should -Be 'RowChangedOutside'
        $finding.Table | Should -Be 'recording'
        (Get-AuditEvent | Where-Object Sequence -eq $finding.AuditSequence).Action | Should -Be 'ImportRecording'
        $deep = Test-RecordingStore -Deep | Where-Object Check -eq 'RowLedger'
        $deep.Severity | Should -Be 'Error'
        $deep.Target | Should -Be "recording:$id"
    }

    It 'puts the state digest in the checkpoint and detects a rewritten ledger with it' {
        $path = Join-Path $TestDrive 'checkpoint.json'
        $cp = Export-AuditCheckpoint -Path $path
        $json = Get-Content $path -Raw | ConvertFrom-Json
        $json.ledgerBlock | Should -Be $cp.LedgerBlock
        $json.ledgerHash | Should -Match '^[0-9a-f]{64}$'
        (Test-AuditChain -Checkpoint $path).CheckpointStateVerified | Should -BeTrue
        Invoke-StoreSql $store "DROP TRIGGER ledger_block_no_delete; DELETE FROM ledger_block WHERE block >= $($cp.LedgerBlock)" -Raw
        $report = Test-AuditChain -Checkpoint $path
        $report.IsValid | Should -BeFalse
        $report.Problem | Should -Match 'Ledger block'
    }

    It 'refuses an Administrator role inserted outside the module' {
        Invoke-StoreSql $store "INSERT INTO role_assignment(id, principal, role, service_area_id, assigned_at, assigned_by) VALUES ('role-x', 'mallory@uni.test', 'Administrator', NULL, '2026-01-01T00:00:00.0000000Z', 'admin@uni.test')" -Raw
        { New-ServiceArea -Store (Get-StoreAs $store 'mallory@uni.test') -Name 'Evil' -RetentionDays 3 -ErrorAction Stop } | Should -Throw -ErrorId 'RowIntegrityFailed,*'
        (Get-AuditEvent -Action AccessDenied | Select-Object -Last 1).Principal | Should -Be 'mallory@uni.test'
        (Test-AuditChain -State).StateFindings.Kind | Should -Contain 'RowInsertedOutside'
    }
}
