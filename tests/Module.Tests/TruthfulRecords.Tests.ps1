BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')

    # chattr +i makes a file undeletable even for root; without root (or chattr) the deletion cases are skipped.
    $script:CanLock = $IsLinux -and (Get-Command chattr -ErrorAction SilentlyContinue) -and ((id -u) -eq '0')
    function Lock-File([string] $Path) { chattr +i $Path; if ($LASTEXITCODE) { throw "chattr +i failed on $Path" } }
    function Unlock-File([string] $Path) { if (Test-Path $Path) { chattr -i $Path | Out-Null } }
    function Get-StoredFile([object] $Store, [string] $RecordingId) {
        Get-ChildItem (Join-Path $Store.Path 'recordings') -Recurse -Filter "$RecordingId.crec" | Select-Object -First 1 -ExpandProperty FullName
    }
    function ErrorIdOf($e) { ($e.FullyQualifiedErrorId -split ',')[0] }
}

Describe 'A recording is Deleted only when its file is gone (issue 9 §4)' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'old.wav')
        $old = Import-Recording -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddDays(-99))) -Path (Join-Path $TestDrive 'old.wav') -CallId "old-$([guid]::NewGuid().ToString('N'))" -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-100)) -Direction Inbound
        $file = Get-StoredFile $store $old.RecordingId
    }
    AfterEach { if ($script:CanLock -and $file) { Unlock-File $file } }

    It 'Invoke-RetentionPurge writes RecordingDeleteFailed, keeps the row PendingDelete, and the next run finishes it' {
        if (-not $script:CanLock) { Set-ItResult -Skipped -Because 'making a file undeletable needs chattr and root (Linux)'; return }
        Lock-File $file
        $summary = Invoke-RetentionPurge -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        ErrorIdOf $errs[0] | Should -Be 'RecordingDeleteFailed'
        $errs[0].TargetObject | Should -Be $old.RecordingId
        $errs[0].CategoryInfo.Category | Should -Be 'WriteError'
        $errs[0].Exception.Message | Should -Match '^Clause 2\.5: '
        $summary.Purged | Should -Be 0
        $summary.DeleteFailed | Should -Be 1
        $summary.BytesFreed | Should -Be 0
        (Get-Recording -RecordingId $old.RecordingId).State | Should -Be 'PendingDelete'
        Get-AuditEvent -Action DeleteRecording | Should -BeNullOrEmpty
        (Get-AuditEvent -Action DeleteRecordingFailed).Target | Should -Be $old.RecordingId
        $finding = Test-RecordingStore | Where-Object Check -eq 'RecordingDeleteFailed'
        $finding.Severity | Should -Be 'Error'
        $finding.Target | Should -Be $old.RecordingId

        Unlock-File $file
        (Invoke-RetentionPurge).Resumed | Should -Be 1
        (Get-Recording -RecordingId $old.RecordingId).State | Should -Be 'Deleted'
        Test-Path $file | Should -BeFalse
        Test-RecordingStore | Where-Object Severity -ne 'Ok' | Should -BeNullOrEmpty
        Test-AuditChain -Quiet | Should -BeTrue
    }

    It 'Remove-Recording writes a non-terminating RecordingDeleteFailed and goes on with the next recording' {
        if (-not $script:CanLock) { Set-ItResult -Skipped -Because 'making a file undeletable needs chattr and root (Linux)'; return }
        New-TestWav (Join-Path $TestDrive 'second.wav') 0.3
        $second = Import-Recording -Path (Join-Path $TestDrive 'second.wav') -CallId "second-$([guid]::NewGuid().ToString('N'))" -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound
        Grant-RecordingAccess -Principal 'steward@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Delete -Reason 'data steward' | Out-Null
        Lock-File $file
        $removed = $old, $second | Remove-Recording -Store (Get-StoreAs $store 'steward@uni.test') -Purpose DisputeOrComplaint -Reason 'recorded in error' -Confirm:$false -PassThru -ErrorVariable errs -ErrorAction SilentlyContinue
        ErrorIdOf $errs[0] | Should -Be 'RecordingDeleteFailed'
        $errs[0].TargetObject | Should -Be $old.RecordingId
        $removed.RecordingId | Should -Be $second.RecordingId
        (Get-Recording -RecordingId $old.RecordingId).State | Should -Be 'PendingDelete'
        (Get-Recording -RecordingId $second.RecordingId).State | Should -Be 'Deleted'
        (Get-AuditEvent -Action DeleteRecording).Target | Should -Be $second.RecordingId
    }

    It 'Export-LegalHold -RemoveFromStore marks Extracted only what it could delete' {
        if (-not $script:CanLock) { Set-ItResult -Skipped -Because 'making a file undeletable needs chattr and root (Linux)'; return }
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        Grant-RecordingAccess -Store (Get-StoreAs $store 'admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Copy -Reason 'case officer' | Out-Null
        $hold = New-LegalHold -CaseReference 'HR-1' -Kind Disciplinary -Reason 'r'
        $old | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        Lock-File $file
        $result = Export-LegalHold -HoldId $hold.HoldId -Destination (Join-Path $TestDrive 'case') -RemoveFromStore -ErrorVariable errs -ErrorAction SilentlyContinue
        ErrorIdOf $errs[0] | Should -Be 'RecordingDeleteFailed'
        $result.RemovedFromStore | Should -Be 0
        $result.NotRemoved | Should -Be 1
        (Get-Recording -RecordingId $old.RecordingId).State | Should -Be 'PendingDelete'
        Unlock-File $file
        Invoke-RetentionPurge | Out-Null
        (Get-Recording -RecordingId $old.RecordingId).State | Should -Be 'Extracted'
    }
}

Describe 'Import recovery, refusals in the access log, and read errors (issue 9 §4)' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId "a-$([guid]::NewGuid().ToString('N'))" -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound
        $file = Get-StoredFile $store $rec.RecordingId
    }

    It 'does no recovery under -WhatIf or for a non-Administrator, and an Administrator''s recovery is audited' {
        Move-Item $file "$file.partial"
        New-TestWav (Join-Path $TestDrive 'b.wav') 0.3
        Import-Recording -Path (Join-Path $TestDrive 'b.wav') -CallId 'b' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -WhatIf | Out-Null
        Test-Path "$file.partial" | Should -BeTrue
        Import-Recording -Store (Get-StoreAs $store 'stranger@uni.test') -Path (Join-Path $TestDrive 'b.wav') -CallId 'b' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -ErrorAction SilentlyContinue | Out-Null
        Test-Path "$file.partial" | Should -BeTrue
        Get-AuditEvent -Action RecoverImport | Should -BeNullOrEmpty
        Import-Recording -Path (Join-Path $TestDrive 'b.wav') -CallId 'b' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound | Out-Null
        Test-Path $file | Should -BeTrue
        (Get-AuditEvent -Action RecoverImport).Target | Should -Be $rec.RecordingId
    }

    It 'logs import rows refused by policy' {
        New-ServiceArea -Name 'Unapproved' -RetentionDays 30 -CustomerNotice 'n' | Out-Null
        Add-RecordedExtension -Number 4600 -ServiceArea 'Unapproved' -Mode OnDemand | Out-Null
        New-TestWav (Join-Path $TestDrive 'u.wav') 0.4
        Import-Recording -Path (Join-Path $TestDrive 'u.wav') -CallId 'u-1' -Extension 4600 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        ErrorIdOf $errs[0] | Should -Be 'RecordingNotAuthorised'
        $entry = Get-AccessLog -Outcome Refused -Action Import
        $entry.Principal | Should -Be 'admin@uni.test'
        $entry.Detail | Should -Match "call 'u-1' .*RecordingNotAuthorised"
    }

    It 'says RecordingNotAvailable for a deleted recording and RecordingFileMissing for a missing file, and logs both' {
        Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Reason 'supervisor' | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
        Remove-Item $file
        Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'out.wav') -Purpose Training -Reason 'r' -ErrorVariable errs -ErrorAction SilentlyContinue
        ErrorIdOf $errs[0] | Should -Be 'RecordingFileMissing'
        $errs[0].CategoryInfo.Category | Should -Be 'ReadError'
        $errs[0].TargetObject | Should -Be $rec.RecordingId
        Test-Path (Join-Path $TestDrive 'out.wav') | Should -BeFalse
        Remove-Recording -Store $sup -RecordingId $rec.RecordingId -Purpose Training -Reason 'gone anyway' -Confirm:$false
        Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'out.wav') -Purpose Training -Reason 'r' -ErrorVariable errs2 -ErrorAction SilentlyContinue
        ErrorIdOf $errs2[0] | Should -Be 'RecordingNotAvailable'
        (Get-AccessLog -Outcome Refused -Action Download).Detail | Should -Match '^(RecordingFileMissing|RecordingNotAvailable):'
        @(Get-AccessLog -Outcome Refused -Action Download).Count | Should -Be 2
    }
}

Describe 'Levels of access and nominations (issue 9 §5)' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
    }

    It 'takes Level by property name from a CSV, refuses rights beyond it, and logs the refusal' {
        $csv = Join-Path $TestDrive 'nominated.csv'
        @'
Principal,ServiceArea,Level,Right,Reason
UNI\ann,IT Service Desk,Supervisor,Play+Download,Supervisor
UNI\bob,IT Service Desk,Adviser,,Adviser
UNI\cat,IT Service Desk,Adviser,Play+Download,Adviser who wants more
UNI\dan,IT Service Desk,Janitor,Play,Not in the request
'@ | Set-Content $csv
        $granted = Import-Csv $csv | Grant-RecordingAccess -ErrorVariable errs -ErrorAction SilentlyContinue
        $granted.Principal | Should -Be @('UNI\ann', 'UNI\bob')
        ($granted | Where-Object Principal -eq 'UNI\bob').Rights | Should -Be 'Play'
        $granted.Level | Should -Be @('Supervisor', 'Adviser')
        $errs | ForEach-Object { ErrorIdOf $_ } | Should -Be @('RightNotInApprovedAccessLevel', 'AccessLevelNotApproved')
        $errs[0].Exception.Message | Should -Match '^Clause 2\.2: '
        @(Get-AccessLog -Outcome Refused -Action Grant).Count | Should -Be 2
    }

    It 'reports a grant outside the approved levels until a review puts it into one' {
        $grant = Grant-RecordingAccess -Principal 'UNI\old' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play, Download -Reason 'before levels'
        Invoke-StoreSql $store "UPDATE access_grant SET access_level = NULL WHERE id = '$($grant.GrantId)'"
        (Get-RecordingAccess -Principal 'UNI\old').WithinApprovedLevel | Should -BeFalse
        Get-RecordingAccess | Where-Object WithinApprovedLevel -eq $false | Select-Object -ExpandProperty GrantId | Should -Be $grant.GrantId
        { Confirm-RecordingAccess -GrantId $grant.GrantId -Level Adviser -ErrorAction Stop } | Should -Throw -ErrorId 'RightNotInApprovedAccessLevel,*'
        (Confirm-RecordingAccess -GrantId $grant.GrantId -Level Supervisor).WithinApprovedLevel | Should -BeTrue
    }

    It 'refuses self-nomination and a self-granted role, and lets another Administrator do both' {
        { Grant-RecordingAccess -Principal 'ADMIN@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Reason 'me' -ErrorAction Stop } | Should -Throw -ErrorId 'SelfNominationRefused,*'
        { Add-RecordingRole -Principal 'admin@uni.test' -Role DataProtectionOfficer -ErrorAction Stop } | Should -Throw -ErrorId 'SelfRoleGrantRefused,*'
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        $other = Get-StoreAs $store 'admin2@uni.test'
        (Add-RecordingRole -Store $other -Principal 'admin@uni.test' -Role DataProtectionOfficer).Role | Should -Be 'DataProtectionOfficer'
        (Grant-RecordingAccess -Store $other -Principal 'admin@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'SARs').Rights | Should -Be 'Download'
    }
}

Describe 'Decrypted audio never exists without its record (issue 9 §4)' {
    It 'Export-SubjectAccessRequest logs before it decrypts and removes what it wrote when it fails part-way' {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        Add-RecordingRole -Principal 'dpo@uni.test' -Role DataProtectionOfficer | Out-Null
        Grant-RecordingAccess -Principal 'dpo@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'SARs' | Out-Null
        $recs = Import-Recording -ManifestPath (New-RecorderExport (Join-Path $TestDrive 'x') 3 -DaysAgo 5)
        $sar = New-SubjectAccessRequest -Reference 'SAR-1' -SubjectName 'Alex' -PhoneNumber ($recs.RemoteNumber) -ReceivedOn ([datetime]::Today)
        $last = Get-StoredFile $store $recs[2].RecordingId
        $bytes = [IO.File]::ReadAllBytes($last); $bytes[$bytes.Length - 20] = $bytes[$bytes.Length - 20] -bxor 1; [IO.File]::WriteAllBytes($last, $bytes)
        $out = Join-Path $TestDrive 'sar'
        { Export-SubjectAccessRequest -Store (Get-StoreAs $store 'dpo@uni.test') -RequestId $sar.RequestId -Destination $out -ErrorAction Stop } | Should -Throw -ErrorId 'RecordingIntegrityFailed,*'
        Get-ChildItem $out -Recurse -File | Should -BeNullOrEmpty
        @(Get-AccessLog -Action SubjectAccessExport -Outcome Allowed).Count | Should -Be 3
        (Get-AuditEvent -Action ExportSubjectAccessRequestFailed).Target | Should -Be $sar.RequestId
        (Get-SubjectAccessRequest -RequestId $sar.RequestId).Status | Should -Be 'Open'
    }
}
