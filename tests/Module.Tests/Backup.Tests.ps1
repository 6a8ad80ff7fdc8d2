BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'Backup-RecordingStore and Test-RecordingStore -Path' {
    BeforeAll {
        $store = New-TestStore
        $area = New-AuthorisedArea $store
        $manifest = New-RecorderExport (Join-Path $TestDrive 'export') 3
        $imported = @(Import-Recording -ManifestPath $manifest)
    }
    AfterAll { Disconnect-RecordingStore }

    It 'writes a verifiable backup with the key fingerprint, never the key, and restores with Connect-RecordingStore' {
        $destination = Join-Path $TestDrive 'backups/full'
        $result = Backup-RecordingStore -Destination $destination -IncludeRecordings
        $result.Recordings | Should -Be 3
        $result.KeyFingerprint | Should -Be ((Get-AuditEvent -Action NewRecordingStore).Details | ConvertFrom-Json).keyFingerprint
        Test-Path (Join-Path $destination 'master.key') | Should -BeFalse
        (Get-Content (Join-Path $destination 'manifest.json') -Raw) | Should -Not -Match ([regex]::Escape((Get-Content $store.KeyPath -Raw).Trim()))
        Test-RecordingStore -Path $destination -Quiet | Should -BeTrue
        (Test-RecordingStore -Path $destination).Check | Should -Contain 'AuditChain'
        @(Get-AuditEvent -Action BackupRecordingStore).Count | Should -Be 1

        # Restore: a copy of the backup folder, the key given through the environment, then Connect-RecordingStore.
        $restored = Join-Path $TestDrive 'restored'
        Copy-Item $destination $restored -Recurse
        $env:CALLRECORDINGADMIN_KEY_PATH = $store.KeyPath
        try {
            $back = Connect-RecordingStore -Path $restored -Identity 'admin@uni.test' -PassThru
            $back.StoreId | Should -Be $store.StoreId
            Test-AuditChain -Quiet | Should -BeTrue
            @(Get-Recording).Count | Should -Be 3
            # Copy-Item does not keep the owner-only permissions: Test-RecordingStore says so, and nothing else is wrong.
            $findings = Test-RecordingStore -Deep
            @($findings | Where-Object Severity -eq Error) | Should -BeNullOrEmpty -Because ($findings | Out-String)
            ($findings | Where-Object Check -eq RecordingIntegrity).Severity | Should -Be 'Ok'
            if (-not $IsWindows) { ($findings | Where-Object Check -eq StorePermissions).Severity | Should -Be 'Warning' }
            if (-not (Get-RecordingRole -Principal 'admin2@uni.test')) { Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null }
            Grant-RecordingAccess -Store (Get-StoreAs $back 'admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea $area -Level Supervisor -Right Download -Reason 'restore check' | Out-Null
            $saved = Join-Path $TestDrive 'restored-call.wav'
            Save-Recording -RecordingId $imported[0].RecordingId -Destination $saved -Purpose StaffProtection -Reason 'restore check'
            (Get-FileHash $saved -Algorithm SHA256).Hash | Should -Be $imported[0].Sha256
        } finally {
            $env:CALLRECORDINGADMIN_KEY_PATH = $null
            Connect-RecordingStore -Path $store.Path -Identity 'admin@uni.test'
        }
    }

    It 'catches a changed file and refuses a destination inside the store' {
        $destination = Join-Path $TestDrive 'backups/db-only'
        Backup-RecordingStore -Destination $destination | Out-Null
        $db = Join-Path $destination 'policy.db'
        $bytes = [IO.File]::ReadAllBytes($db); $bytes[200] = $bytes[200] -bxor 1; [IO.File]::WriteAllBytes($db, $bytes)
        Test-RecordingStore -Path $destination -Quiet | Should -BeFalse
        (Test-RecordingStore -Path $destination | Where-Object Severity -eq Error).Check | Should -Contain 'BackupFile'

        $inside = Join-Path $store.Path 'backup'
        Backup-RecordingStore -Destination $inside -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'DestinationInsideStore,*'
        Test-Path $inside | Should -BeFalse
    }

    It 'changes nothing under -WhatIf and is for Administrators only' {
        $destination = Join-Path $TestDrive 'backups/whatif'
        Backup-RecordingStore -Destination $destination -WhatIf
        Test-Path $destination | Should -BeFalse
        Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
        Backup-RecordingStore -Store (Get-StoreAs $store 'auditor@uni.test') -Destination $destination -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
        Test-Path $destination | Should -BeFalse
    }
}

Describe 'Who did it: the operating-system account on every audit event' {
    It 'shows the account beside the principal, flags -Identity that names someone else, and Test-AuditChain counts them' {
        $osAccount = if ($IsWindows) { "$([Environment]::UserDomainName)\$([Environment]::UserName)" } else { "$([Environment]::UserName)@$([Environment]::MachineName)" }
        $store = New-TestStore -Identity 'admin@uni.test'
        New-ServiceArea -Name 'As someone else' -RetentionDays 5 -CustomerNotice 'n' | Out-Null
        $event = Get-AuditEvent -Action NewServiceArea
        $event.OsAccount | Should -Be $osAccount
        $event.PrincipalDiffersFromOsAccount | Should -BeTrue
        ($event | Format-Table | Out-String) | Should -Match ([regex]::Escape('*admin@uni.test'))
        $report = Test-AuditChain
        $report.IsValid | Should -BeTrue
        $report.EventsWithOtherPrincipal | Should -Be $report.EventCount

        # Acting as the operating-system account itself: the event is not flagged.
        Add-RecordingRole -Principal $osAccount -Role Auditor | Out-Null
        Connect-RecordingStore -Path $store.Path -Identity $osAccount
        Export-AuditCheckpoint -Path (Join-Path $TestDrive 'who-checkpoint.json') | Out-Null
        $own = Get-AuditEvent -Action ExportAuditCheckpoint
        $own.Principal | Should -Be $osAccount
        $own.PrincipalDiffersFromOsAccount | Should -BeFalse
        $after = Test-AuditChain
        # + the first Test-AuditChain's own record (TestAuditChain, by the admin principal), the role, the checkpoint
        $after.EventCount | Should -Be ($report.EventCount + 3)
        $after.EventsWithOtherPrincipal | Should -Be ($report.EventCount + 2)
        Disconnect-RecordingStore
    }
}

Describe 'Permissions and the key path' {
    It 'makes the store owner-only and decrypted output 0600, and Test-RecordingStore reads the key from $env:CALLRECORDINGADMIN_KEY_PATH' -Skip:$IsWindows {
        $store = New-TestStore
        $area = New-AuthorisedArea $store
        $rec = @(Import-Recording -ManifestPath (New-RecorderExport (Join-Path $TestDrive 'perm-export') 1))[0]
        [int](Get-Item $store.Path).UnixFileMode | Should -Be 448 # 0700
        [int](Get-Item (Join-Path $store.Path 'policy.db')).UnixFileMode | Should -Be 384 # 0600
        [int](Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Select-Object -First 1).UnixFileMode | Should -Be 384
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        Grant-RecordingAccess -Store (Get-StoreAs $store 'admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea $area -Level Supervisor -Right Download -Reason 'perm' | Out-Null
        $saved = Join-Path $TestDrive 'perm-out/call.wav'
        Save-Recording -RecordingId $rec.RecordingId -Destination $saved -Purpose StaffProtection -Reason 'perm'
        [int](Get-Item $saved).UnixFileMode | Should -Be 384

        $vault = Join-Path $TestDrive 'vault'
        New-Item -ItemType Directory $vault | Out-Null
        Move-Item $store.KeyPath (Join-Path $vault 'master.key')
        (Test-RecordingStore | Where-Object Check -eq MasterKey).Severity | Should -Be 'Error'
        $env:CALLRECORDINGADMIN_KEY_PATH = Join-Path $vault 'master.key'
        try {
            (Test-RecordingStore | Where-Object Check -eq MasterKey).Severity | Should -Be 'Ok'
        } finally { $env:CALLRECORDINGADMIN_KEY_PATH = $null }
        Disconnect-RecordingStore
    }

    It 'runs Test-RecordingStore -Deep only for an Administrator or Auditor, and logs it' {
        $store = New-TestStore
        Test-RecordingStore -Store (Get-StoreAs $store 'nobody@uni.test') -Deep -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
        Test-RecordingStore -Deep -Quiet | Should -BeTrue
        @(Get-AuditEvent -Action TestRecordingStoreDeep).Count | Should -Be 1
        @(Get-AuditEvent -Action AccessDenied -Principal 'nobody@uni.test').Count | Should -Be 1
        Disconnect-RecordingStore
    }
}
