# Staff and customer notices (clauses 2.3, 2.4) and the compliance report: each finding appears when, and only
# when, its condition holds; a clean store gives none.
BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')

    # A store that meets every check: an authorised area with a labelled extension, an automated notice that states
    # the authorised purpose, a roster whose member was told at induction, a reviewed grant to that member, one
    # recording within retention, a fresh audit checkpoint and a recorded store check (Test-RecordingStore). Built once;
    # each test works on a copy.
    $script:Template = Join-Path $TestDrive 'clean-template'
    # one operating-system account plays every person here, so separation of duties compares principals only
    $clean = New-RecordingStore -Path $script:Template -Identity 'admin@uni.test' -SharedOsAccount
    Connect-RecordingStore -Path $clean.Path -Identity 'admin@uni.test'
    New-ServiceArea -Name 'Clean Desk' -RetentionDays 90 -CustomerNotice 'Calls are recorded to protect our staff from abuse.' -AutomatedNotice | Out-Null
    Add-RecordedExtension -Number 4521 -ServiceArea 'Clean Desk' -Mode OnDemand -Labelled | Out-Null
    Add-RecordingRole -Principal 'nsm@uni.test' -Role NetworkServicesManager | Out-Null
    Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
    $request = New-RecordingRequest -ServiceArea 'Clean Desk' -BusinessReason 'Staff protection' -Purpose StaffProtection -AccessLevel 'Supervisor=Play+Download' -RetentionDays 90 -DpiaReference 'DPIA-T' -DpoAdvice 'OK' -WarningAction SilentlyContinue
    Approve-RecordingRequest -Store $clean.As('nsm@uni.test') -RequestId $request.RequestId -EffectiveFrom ([datetime]::UtcNow.AddYears(-1)) -Reference 'Paper approval TEST/1' | Out-Null
    Add-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'UNI\m1' -DisplayName 'Member One' -Extension 4521 | Out-Null
    Register-StaffNotification -Principal 'UNI\m1' -ServiceArea 'Clean Desk' -Kind Induction -Date ([datetime]::UtcNow.AddMonths(-2)) -Evidence 'Induction checklist' | Out-Null
    Grant-RecordingAccess -Principal 'UNI\m1' -ServiceArea 'Clean Desk' -Level Supervisor -Right Play, Download -Reason 'Area supervisor' | Out-Null
    New-TestWav (Join-Path $TestDrive 'call.wav') 0.1
    Import-Recording -Path (Join-Path $TestDrive 'call.wav') -CallId 'clean-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-10)) -Direction Inbound | Out-Null
    Export-AuditCheckpoint -Path (Join-Path $TestDrive 'template-checkpoint.json') | Out-Null
    Test-RecordingStore | Where-Object Severity -ne 'Ok' | Should -BeNullOrEmpty
    Disconnect-RecordingStore
    $script:Copies = 0

    # A fresh copy of the clean store, connected as its Administrator.
    function New-CleanCopy {
        $script:Copies++
        $path = Join-Path $TestDrive "copy-$script:Copies"
        Copy-Item $script:Template $path -Recurse
        # a copy loses the owner-only modes of the key, the database and the folders; Test-RecordingStore would rightly warn
        if (-not $IsWindows) {
            Get-ChildItem $path -Recurse -File | ForEach-Object { [IO.File]::SetUnixFileMode($_.FullName, [IO.UnixFileMode]'UserRead, UserWrite') }
            @(Get-Item $path) + @(Get-ChildItem $path -Recurse -Directory) | ForEach-Object { [IO.File]::SetUnixFileMode($_.FullName, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute') }
        }
        Connect-RecordingStore -Path $path -Identity 'admin@uni.test' -PassThru
    }

    function Get-Rules([object[]] $Findings) { @($Findings | ForEach-Object Rule | Sort-Object) }

    # Appends a correctly chained audit event, as a future version of the module would write it.
    function Add-ChainedAuditEvent([object] $Store, [string] $Principal, [string] $Action, [string] $TargetType, [string] $Target, [string] $Details) {
        $chain = $Store.GetType().Assembly.GetType('CallRecordingAdmin.Engine.Audit.AuditChain')
        $seq = [long](Invoke-StoreSql $Store 'SELECT max(seq) FROM audit_event' -Scalar) + 1
        $prev = Invoke-StoreSql $Store 'SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1' -Scalar
        $at = [datetime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ss.fffffff') + 'Z'
        $hash = $chain::Sha256Hex($chain::Canonical($seq, $at, $Principal, $Action, $TargetType, $Target, $Details, $prev))
        $q = { param($s) "'" + $s.Replace("'", "''") + "'" }
        Invoke-StoreSql $Store ("INSERT INTO audit_event(seq, occurred_at, principal, action, target_type, target, details, prev_hash, hash) VALUES ($seq, " +
            ((& $q $at), (& $q $Principal), (& $q $Action), (& $q $TargetType), (& $q $Target), (& $q $Details), (& $q $prev), (& $q $hash) -join ', ') + ')')
    }
}

Describe 'The compliance report' {
    BeforeEach { $store = New-CleanCopy }

    It 'gives no finding for a clean store, and the store is clean by every other check too' {
        Get-ComplianceReport | Should -BeNullOrEmpty
        Test-RecordingStore | Where-Object Severity -ne 'Ok' | Should -BeNullOrEmpty
        Test-AuditChain -Quiet | Should -BeTrue
    }

    Context '2.1 and 2.2: authorisation' {
        It 'RecordingOutsideAuthorisation: a recording that started before any authorisation' {
            Invoke-StoreSql $store "UPDATE recording SET start_time = '2020-01-01T09:00:00.0000000Z'"
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('RecordingOutsideAuthorisation')
            $f.Clause | Should -Be '2.1'
            $f.Severity | Should -Be 'High'
            $f.Count | Should -Be 1
            $f.Finding | Should -Match '2020-01-01'
        }

        It 'ExtensionsWithoutAuthorisation: extensions held once the request is stopped, and not when they are removed' {
            $request = Get-RecordingRequest -ServiceArea 'Clean Desk'
            Stop-RecordingRequest -Store $store.As('nsm@uni.test') -RequestId $request.RequestId -Reason 'Pilot over' -Confirm:$false | Out-Null
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('ExtensionsWithoutAuthorisation')  # the recording made while authorised is not a finding
            $f.Subject | Should -Be '4521'
            Remove-RecordedExtension -Number 4521 -Confirm:$false
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'AuthorisationEndingSoon: within 30 days with no later request, not at 40 days, not while an open-ended one continues' {
            $nsm = $store.As('nsm@uni.test')
            $soon = New-RecordingRequest -ServiceArea 'Clean Desk' -BusinessReason 'Renewal' -Purpose StaffProtection -AccessLevel 'Supervisor=Play' -RetentionDays 90 -DpiaReference D -DpoAdvice A -Until ([datetime]::UtcNow.AddDays(20)) -WarningAction SilentlyContinue
            Approve-RecordingRequest -Store $nsm -RequestId $soon.RequestId | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty -Because 'the open-ended request goes on after it'
            $open = Get-RecordingRequest -ServiceArea 'Clean Desk' | Where-Object { -not $_.Until }
            Stop-RecordingRequest -Store $nsm -RequestId $open.RequestId -Reason 'Replaced' -Confirm:$false | Out-Null
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('AuthorisationEndingSoon')
            $f.Subject | Should -Be $soon.RequestId
            Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(-15)) | Where-Object Rule -eq 'AuthorisationEndingSoon' | Should -BeNullOrEmpty -Because '35 days before its end it is not yet due'
        }

        It 'ConsultationMissing: an approved request whose data became sensitive after approval' {
            Invoke-StoreSql $store "UPDATE recording_request SET payment_card_data = 1"
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('ConsultationMissing')
            $f.Finding | Should -Match 'SecurityTeam and PciDssTeam'
        }
    }

    Context '2.3: staff notices and extensions' {
        It 'StaffNoticeOverdue: a member with no induction notice, until one is recorded' {
            Add-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'UNI\new' | Out-Null
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('StaffNoticeOverdue')
            $f.Subject | Should -Be 'UNI\new'
            $f.Remedy | Should -Match "Register-StaffNotification -Principal 'UNI\\new' -ServiceArea 'Clean Desk' -Kind Induction"
            Register-StaffNotification -Principal 'UNI\new' -ServiceArea 'Clean Desk' -Kind Induction | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'StaffNoticeOverdue: the last notice 13 months ago is overdue, 11 months ago is not' {
            Add-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'UNI\old' | Out-Null
            Register-StaffNotification -Principal 'UNI\old' -ServiceArea 'Clean Desk' -Kind Induction -Date ([datetime]::UtcNow.AddMonths(-13)) | Out-Null
            Get-Rules (Get-ComplianceReport) | Should -Be @('StaffNoticeOverdue')
            (Get-StaffNotification -Overdue).Principal | Should -Be 'UNI\old'
            Register-StaffNotification -Principal 'UNI\old' -ServiceArea 'Clean Desk' -Kind Annual -Date ([datetime]::UtcNow.AddMonths(-11)) | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
            Get-StaffNotification -Overdue | Should -BeNullOrEmpty
            (Get-StaffNotification -DueWithinDays 40).Principal | Should -Be 'UNI\old' -Because 'the annual reminder falls due in about a month'
            (Get-StaffNotification -DueWithinDays 40).Standing | Should -Be 'DueSoon'
        }

        It 'FrequentCallerNotInformed: a frequent caller never told, until a notice is recorded' {
            Add-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'UNI\finance1' -Relation FrequentCaller | Out-Null
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('FrequentCallerNotInformed')
            (Get-StaffNotification -Overdue).Standing | Should -Be 'NeverInformed'
            Register-StaffNotification -Principal 'UNI\finance1' -ServiceArea 'Clean Desk' -Kind FrequentCaller -Evidence 'E-mail 2026-11-01' | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'ExtensionNotLabelled: only while the extension is not labelled' {
            Set-RecordedExtension -Number 4521 -Labelled:$false
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('ExtensionNotLabelled')
            $f.Severity | Should -Be 'Low'
            Set-RecordedExtension -Number 4521 -Labelled
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'NonRecordedAlternativeMissing: a constant extension whose alternative is itself recorded' {
            Add-RecordedExtension -Number 4530 -ServiceArea 'Clean Desk' -Mode Constant -Labelled -NonRecordedAlternative 4599 | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
            Invoke-StoreSql $store "UPDATE recorded_extension SET non_recorded_alternative = '4521' WHERE number = '4530'"
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('NonRecordedAlternativeMissing')
            $f.Subject | Should -Be '4530'
            $f.Finding | Should -Match 'is itself recorded'
        }
    }

    Context '2.4: customer notice' {
        It 'CustomerNoticeMissing: no notice, while the area records' {
            Invoke-StoreSql $store "UPDATE service_area SET customer_notice = NULL"
            Get-Rules (Get-ComplianceReport) | Should -Be @('CustomerNoticeMissing')
        }

        It 'CustomerNoticePurposeMissing: the notice does not state the authorised purpose' {
            Set-ServiceArea -Name 'Clean Desk' -CustomerNotice 'Calls are recorded for training.'
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('CustomerNoticePurposeMissing')
            $f.Subject | Should -Be 'StaffProtection'
            $f.Finding | Should -Match 'it states Training'
            Set-ServiceArea -Name 'Clean Desk' -CustomerNotice 'Calls are recorded for training and to protect our staff.'
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'NotificationMeasureMissing: a manual notice with no measures on record, until one is registered' {
            Set-ServiceArea -Name 'Clean Desk' -AutomatedNotice:$false
            Get-Rules (Get-ComplianceReport) | Should -Be @('NotificationMeasureMissing')
            Register-NotificationMeasure -ServiceArea 'Clean Desk' -Description 'Notice on the booking web page' | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
            (Get-NotificationMeasure -ServiceArea 'Clean Desk').Description | Should -Be 'Notice on the booking web page'
        }
    }

    Context '2.5: retention and holds' {
        It 'RetentionOverdue: a recording past retention until the purge; a held one is not overdue' {
            New-TestWav (Join-Path $TestDrive 'old.wav') 0.1
            $old = Import-Recording -Path (Join-Path $TestDrive 'old.wav') -CallId 'old-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-10)) -Direction Inbound
            Test-RecordingStore | Out-Null
            # an old call past its retention (import refuses calls already past it, so it is aged in place)
            Invoke-StoreSql $store "UPDATE recording SET expires_at = '2026-01-01T00:00:00.0000000Z' WHERE id = '$($old.RecordingId)'"
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('RetentionOverdue')
            $f.Remedy | Should -Be "Invoke-RetentionPurge -ServiceArea 'Clean Desk'"
            $hold = New-LegalHold -CaseReference 'C-1' -Kind Legal -Reason 'Claim' -RetainUntil ([datetime]::UtcNow.AddYears(1))
            Add-LegalHoldRecording -HoldId $hold.HoldId -RecordingId $old.RecordingId | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty -Because 'a held recording is kept, as the purge keeps it'
            Invoke-StoreSql $store "UPDATE legal_hold SET released_at = '2026-01-01T00:00:00.0000000Z'"  # released: the purge and the report both stop keeping it
            Get-Rules (Get-ComplianceReport) | Should -Be @('RetentionOverdue')
            Invoke-RetentionPurge | Out-Null
            Get-Rules (Get-ComplianceReport) | Should -Be @('StoreCheckOutdated') -Because 'the purge deleted a recording after the last store check'
        }

        It 'HoldWithoutRetention: a hold with no retain-until date' {
            New-LegalHold -CaseReference 'C-2' -Kind Complaint -Reason 'Open complaint' | Out-Null
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('HoldWithoutRetention')
            $f.Clause | Should -Be '2.5'
            New-LegalHold -CaseReference 'C-3' -Kind Complaint -Reason 'Dated' -RetainUntil ([datetime]::UtcNow.AddYears(2)) | Out-Null
            Get-Rules (Get-ComplianceReport) | Should -Be @('HoldWithoutRetention')
        }

        It 'PendingDeletion: a deletion left half-way, until the purge finishes it' {
            Invoke-StoreSql $store "UPDATE recording SET state = 'PendingDelete'"
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('PendingDeletion')
            Invoke-RetentionPurge | Out-Null
            Get-Rules (Get-ComplianceReport) | Should -Be @('StoreCheckOutdated') -Because 'the purge deleted a recording after the last store check'
            Test-RecordingStore | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'HoldPastRetainUntil: only after the hold''s own date' {
            New-LegalHold -CaseReference 'C-4' -Kind Legal -Reason 'Claim' -RetainUntil ([datetime]::UtcNow.AddDays(10)) | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
            Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(5)) | Should -BeNullOrEmpty
            (Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(11))).Rule | Should -Contain 'HoldPastRetainUntil'
        }
    }

    Context '3.1: access' {
        It 'GrantReviewOverdue: past its review date until confirmed' {
            Invoke-StoreSql $store "UPDATE access_grant SET review_by = '2026-01-01T00:00:00.0000000Z'"
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('GrantReviewOverdue')
            (Get-RecordingAccess -Principal 'UNI\m1').Status | Should -Be 'ReviewOverdue' -Because 'the report and the access gate use one rule'
            Confirm-RecordingAccess -GrantId (Get-RecordingAccess -Principal 'UNI\m1').GrantId | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'GrantToNonMember: a grantee taken off the roster, until the grant is revoked' {
            Remove-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'UNI\m1' -Reason 'Left' -Confirm:$false
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('GrantToNonMember')
            $f.Subject | Should -Be 'UNI\m1'
            Revoke-RecordingAccess -Principal 'UNI\m1' -ServiceArea 'Clean Desk' -Reason 'Left the area' -Confirm:$false | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'GrantToNonMember: not for a grantee who was never on the roster (a supervisor, a coach)' {
            Grant-RecordingAccess -Principal 'UNI\coach' -ServiceArea 'Clean Desk' -Level Supervisor -Right Play -Reason 'Coaching' | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'AccessWithoutPurpose: an allowed access with no purpose; a purposeful one is not a finding' {
            $rec = Get-Recording -First 1
            Save-Recording -Store $store.As('UNI\m1') -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive "out-$script:Copies.wav") -Purpose StaffProtection -Reason 'Abusive call' | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
            Invoke-StoreSql $store "INSERT INTO access_log(occurred_at, principal, action, outcome, recording_id, service_area, purpose, reason, detail, audit_seq, audit_hash) VALUES ('2026-11-01T10:00:00.0000000Z', 'UNI\x', 'Play', 'Allowed', '$($rec.RecordingId)', 'Clean Desk', NULL, NULL, NULL, 0, '')"
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('AccessWithoutPurpose')
            $f.Count | Should -Be 1
        }
    }

    Context '3.2 and subject access' {
        It 'InvestigationAwaitingDecision: pending for more than 30 days, not at 29' {
            $i = New-InvestigationRequest -Subject 'UNI\y' -Basis PolicyBreach -Justification 'Specific allegation' -FormReference 'IAR-1'
            (Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(29))).Rule | Should -Not -Contain 'InvestigationAwaitingDecision'
            $f = Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(31)) | Where-Object Rule -eq 'InvestigationAwaitingDecision'
            $f.Subject | Should -Be $i.InvestigationId
            Add-RecordingRole -Principal 'dpo@uni.test' -Role DataProtectionOfficer | Out-Null
            Deny-InvestigationRequest -Store $store.As('dpo@uni.test') -InvestigationId $i.InvestigationId -Reason 'Not specific enough' | Out-Null
            (Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(31))).Rule | Should -Not -Contain 'InvestigationAwaitingDecision'
        }

        It 'SubjectAccessOverdue and SubjectAccessDueSoon follow the due date' {
            $late = New-SubjectAccessRequest -Reference 'SAR-LATE' -SubjectName 'A' -PhoneNumber '07700 900111' -ReceivedOn ([datetime]::UtcNow.Date.AddDays(-45))
            $fresh = New-SubjectAccessRequest -Reference 'SAR-NEW' -SubjectName 'B' -PhoneNumber '07700 900112' -ReceivedOn ([datetime]::UtcNow.Date)
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('SubjectAccessOverdue')
            $f.Subject | Should -Be 'SAR-LATE'
            $f.Severity | Should -Be 'High'
            $weekBefore = [datetimeoffset]::new($fresh.DueOn.AddDays(-5), [timespan]::Zero)
            ((Get-ComplianceReport -AsOf $weekBefore) | Where-Object Subject -eq 'SAR-NEW').Rule | Should -Be 'SubjectAccessDueSoon'
            ((Get-ComplianceReport -AsOf ([datetimeoffset]::new($fresh.DueOn.AddDays(-9), [timespan]::Zero))) | Where-Object Subject -eq 'SAR-NEW') | Should -BeNullOrEmpty
        }
    }

    Context 'integrity' {
        It 'CheckpointOverdue: more than 7 days after the last checkpoint, not at 6' {
            (Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(6))).Rule | Should -Not -Contain 'CheckpointOverdue'
            (Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(8))).Rule | Should -Contain 'CheckpointOverdue'
        }

        It 'ActingPrincipalDiffers: events made by another operating-system account than the principal named (not in a -SharedOsAccount store)' {
            # this process's one account made every event, under admin@uni.test, nsm@uni.test, ...
            $os = (Get-AuditEvent | Select-Object -First 1).OsAccount
            Get-ComplianceReport | Should -BeNullOrEmpty -Because 'the clean store was created with -SharedOsAccount: one account plays every principal by design'
            # the same log in a store where each person has their own account
            Invoke-StoreSql $store "UPDATE store_meta SET value = '0' WHERE key = 'shared_os_account'"
            $own = Connect-RecordingStore -Path $store.Path -Identity 'admin@uni.test' -PassThru
            $own.SharedOsAccount | Should -BeFalse
            $f = Get-ComplianceReport | Where-Object Rule -eq 'ActingPrincipalDiffers'
            ($f | Where-Object Subject -eq 'admin@uni.test').Finding | Should -Match ([regex]::Escape($os))
            Get-Rules (Get-ComplianceReport) | Where-Object { $_ -ne 'ActingPrincipalDiffers' } | Should -BeNullOrEmpty
        }

        It 'DeletionFailed: a failed deletion whose recording is still there, and not once it is gone' {
            $rec = Get-Recording -First 1
            Add-ChainedAuditEvent $store 'admin@uni.test' 'RecordingDeleteFailed' 'Recording' $rec.RecordingId '{"error":"file locked"}'
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('DeletionFailed')
            $f.Subject | Should -Be $rec.RecordingId
            Invoke-StoreSql $store "UPDATE recording SET state = 'Deleted'"
            Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Remove-Item
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'AuditChainBroken: an audit event altered behind the module''s back, once a chain check has seen it' {
            Invoke-StoreSql $store "DROP TRIGGER audit_event_no_update; UPDATE audit_event SET principal = 'someone@else' WHERE seq = 2"
            Get-ComplianceReport | Should -BeNullOrEmpty -Because 'the report reads recorded checks, and the last one found the chain whole'
            (Test-AuditChain).IsValid | Should -BeFalse
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('AuditChainBroken')
            $f.Finding | Should -Match 'Test-AuditChain checked it .*Event 2'
            # a later store check sees the same, and a live one too; it also sees the dropped trigger (issue 11's schema check)
            Test-RecordingStore | Out-Null
            (Get-ComplianceReport | Where-Object Rule -eq 'AuditChainBroken').Finding | Should -Match 'store check on .* found the audit chain does not hold: Event 2'
            Get-Rules (Get-ComplianceReport -IncludeStoreCheck) | Should -Be @('AuditChainBroken', 'StoreCheckStoreSchemaMismatch')
        }

        It 'StoreCheck: a recording whose file has gone, from the last recorded Test-RecordingStore' {
            Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Remove-Item
            Get-ComplianceReport | Should -BeNullOrEmpty -Because 'the last recorded store check found every file'
            Test-RecordingStore | Out-Null
            $f = Get-ComplianceReport
            $rules = Get-Rules $f
            $rules | Should -Contain 'StoreCheckRecordingFile'
            $rules | Where-Object { $_ -notlike 'StoreCheck*' } | Should -BeNullOrEmpty
            ($f | Where-Object Rule -eq 'StoreCheckRecordingFile').Finding | Should -Match "^Store check on $([datetime]::UtcNow.ToString('yyyy-MM-dd')) \d\d:\d\d UTC by admin@uni.test found \(RecordingFile\): Recording rec-"
        }

        It 'StoreCheck with -IncludeStoreCheck: runs Test-RecordingStore now, and records it' {
            Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Remove-Item
            $before = @(Get-AuditEvent -Action TestRecordingStore).Count
            $f = Get-ComplianceReport -IncludeStoreCheck
            Get-Rules $f | Should -Contain 'StoreCheckRecordingFile'
            ($f | Where-Object Rule -eq 'StoreCheckRecordingFile').Finding | Should -Match '^Store check now found'
            @(Get-AuditEvent -Action TestRecordingStore).Count | Should -Be ($before + 1)
            Get-Rules (Get-ComplianceReport) | Should -Contain 'StoreCheckRecordingFile' -Because 'the live run was recorded'
        }

        It 'StoreCheckOverdue: no store check ever recorded, or the last one more than 7 days old (not at 6)' {
            (Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(6))).Rule | Should -Not -Contain 'StoreCheckOverdue'
            $late = Get-ComplianceReport -AsOf ([datetimeoffset]::UtcNow.AddDays(8)) | Where-Object Rule -eq 'StoreCheckOverdue'
            $late.Finding | Should -Match "ran on $([datetime]::UtcNow.ToString('yyyy-MM-dd')), more than 7 days ago"

            $fresh = New-RecordingStore -Path (Join-Path $TestDrive "never-checked-$script:Copies") -Identity 'admin@uni.test' -SharedOsAccount
            Export-AuditCheckpoint -Store $fresh -Path (Join-Path $TestDrive "never-checked-$script:Copies.json") | Out-Null
            $f = Get-ComplianceReport -Store $fresh
            Get-Rules $f | Should -Be @('StoreCheckOverdue')
            $f.Finding | Should -Match 'No store check'
            Test-RecordingStore -Store $fresh | Out-Null
            Get-ComplianceReport -Store $fresh | Should -BeNullOrEmpty
        }

        It 'StoreCheckOutdated: the recordings changed after the last store check, until it runs again' {
            New-TestWav (Join-Path $TestDrive "later-$script:Copies.wav") 0.1
            Import-Recording -Path (Join-Path $TestDrive "later-$script:Copies.wav") -CallId "later-$script:Copies" -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound | Out-Null
            $f = Get-ComplianceReport
            Get-Rules $f | Should -Be @('StoreCheckOutdated')
            $f.Finding | Should -Match 'predates a change to the recordings \(ImportRecording'
            Test-RecordingStore | Out-Null
            Get-ComplianceReport | Should -BeNullOrEmpty
        }

        It 'Test-RecordingStore records its outcome (counts and problems, hashed in the chain) only for a principal with a role' {
            Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Remove-Item
            $out = @(Test-RecordingStore)
            $event = Get-AuditEvent -Action TestRecordingStore | Sort-Object Sequence | Select-Object -Last 1
            $details = $event.Details | ConvertFrom-Json
            $details.counts.'RecordingFile/Error' | Should -Be 1
            $details.counts.'AuditChain/Ok' | Should -Be 1
            $details.severities.Error | Should -Be @($out | Where-Object Severity -eq 'Error').Count
            $details.severities.Ok | Should -Be @($out | Where-Object Severity -eq 'Ok').Count
            $details.findings.check | Should -Contain 'RecordingFile'
            $details.problems | Should -Be @($out | Where-Object Severity -ne 'Ok').Count
            Test-AuditChain -Quiet | Should -BeTrue
            $count = @(Get-AuditEvent -Action TestRecordingStore).Count
            Test-RecordingStore -Store $store.As('nobody@uni.test') | Out-Null
            @(Get-AuditEvent -Action TestRecordingStore).Count | Should -Be $count
        }
    }

    Context 'scope, roles and output' {
        It '-ServiceArea limits the report to those areas and leaves out store-wide findings' {
            New-ServiceArea -Name 'Other Desk' -RetentionDays 30 -CustomerNotice 'Recorded.' | Out-Null
            Add-RecordedExtension -Number 4600 -ServiceArea 'Other Desk' -Mode OnDemand -Labelled | Out-Null
            New-LegalHold -CaseReference 'C-9' -Kind Legal -Reason 'r' | Out-Null
            (Get-ComplianceReport).ServiceArea | Should -Contain 'Other Desk'
            Get-ComplianceReport -ServiceArea 'Clean Desk' | Should -BeNullOrEmpty
            (Get-ComplianceReport -ServiceArea 'Oth*').ServiceArea | Sort-Object -Unique | Should -Be 'Other Desk'
            { Get-ComplianceReport -ServiceArea 'Nowhere' -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceAreaNotFound,*'
        }

        It 'is refused to a principal with no reading role, and the refusal is audited' {
            { Get-ComplianceReport -Store $store.As('UNI\m1') -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
            (Get-AuditEvent -Action AccessDenied).Target | Should -Contain 'run the compliance report'
            Get-ComplianceReport -Store $store.As('auditor@uni.test') | Should -BeNullOrEmpty
        }

        It 'exports CSV through the injection-safe writer, readable by Import-Csv' {
            # A principal can no longer be a formula (PrincipalInvalid); a row written before that rule, or into the file directly,
            # still reaches the report, so the writer must still neutralise it.
            Add-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'formula@uni.test' | Out-Null
            Invoke-StoreSql $store "UPDATE service_area_member SET principal = '=HYPERLINK(""http://x"")' WHERE principal = 'formula@uni.test'" | Out-Null
            $csv = Join-Path $TestDrive "findings-$script:Copies.csv"
            $out = Export-ComplianceReport -Path $csv -Format Csv
            $out.Findings | Should -Be 1
            $bytes = [IO.File]::ReadAllBytes($csv)
            $bytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
            $rows = Import-Csv $csv
            $rows.Rule | Should -Be 'StaffNoticeOverdue'
            $rows.Subject | Should -Be "'=HYPERLINK(""http://x"")"
            ($rows[0].PSObject.Properties.Name -join ',') | Should -Be 'Clause,Severity,ServiceArea,Subject,Finding,Remedy,Rule,Count,AsOf'
        }

        It 'refuses to write inside the store folder or over a file without -Force' {
            { Export-ComplianceReport -Path (Join-Path $store.Path 'report.html') -ErrorAction Stop } | Should -Throw -ErrorId 'DestinationInsideStore,*'
            $html = Join-Path $TestDrive "twice-$script:Copies.html"
            Export-ComplianceReport -Path $html | Out-Null
            { Export-ComplianceReport -Path $html -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,*'
            Export-ComplianceReport -Path $html -Force | Out-Null
        }

        It 'keeps the HTML small with many findings: the table caps at 500 and says so' {
            1..650 | ForEach-Object { [pscustomobject]@{ ServiceArea = 'Clean Desk'; Principal = "UNI\staff$_" } } | Add-ServiceAreaMember | Out-Null
            $html = Join-Path $TestDrive "big-$script:Copies.html"
            $out = Export-ComplianceReport -Path $html
            $out.Findings | Should -Be 650
            $out.SizeBytes | Should -BeLessThan 2MB
            $text = Get-Content $html -Raw
            ([regex]::Matches($text, '<tr data-rule=')).Count | Should -Be 500
            $text | Should -Match 'first 500 of 650 findings'
        }
    }
}

Describe 'Rosters and notices' {
    BeforeEach { $store = New-CleanCopy }

    It 'round-trips a roster through CSV, a bad row failing alone' {
        $csv = Join-Path $TestDrive "roster-$script:Copies.csv"
        @(
            [pscustomobject]@{ ServiceArea = 'Clean Desk'; Principal = 'UNI\a'; DisplayName = 'A'; Email = 'a@uni.test'; Extension = '45 22'; Relation = 'Member' }
            [pscustomobject]@{ ServiceArea = 'Clean Desk'; Principal = 'UNI\b'; DisplayName = 'B'; Email = 'not an address'; Extension = ''; Relation = 'Member' }
            [pscustomobject]@{ ServiceArea = 'Clean Desk'; Principal = 'UNI\c'; DisplayName = 'C'; Email = ''; Extension = ''; Relation = 'FrequentCaller' }
        ) | Export-Csv $csv -NoTypeInformation
        $added = Import-Csv $csv | Add-ServiceAreaMember -ErrorVariable errs -ErrorAction SilentlyContinue
        $added.Principal | Should -Be @('UNI\a', 'UNI\c')
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'EmailInvalid,*'
        (Get-ServiceAreaMember -Principal 'UNI\a').Extension | Should -Be '4522'
        $out = Join-Path $TestDrive "roster-out-$script:Copies.csv"
        Get-ServiceAreaMember -ServiceArea 'Clean Desk' | Export-Csv $out -NoTypeInformation
        Remove-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'UNI\c' -Confirm:$false
        Import-Csv $out | Where-Object Principal -eq 'UNI\c' | Add-ServiceAreaMember | Out-Null
        (Get-ServiceAreaMember -Principal 'UNI\c').Relation | Should -Be 'FrequentCaller'
        (Get-ServiceAreaMember -Principal 'UNI\c' -IncludeRemoved) | Should -HaveCount 2
    }

    It 'refuses a notice for someone not on the roster, of the wrong kind, or dated in the future' {
        { Register-StaffNotification -Principal 'UNI\nobody' -ServiceArea 'Clean Desk' -Kind Induction -ErrorAction Stop } | Should -Throw -ErrorId 'MemberNotFound,*'
        { Register-StaffNotification -Principal 'UNI\m1' -ServiceArea 'Clean Desk' -Kind FrequentCaller -ErrorAction Stop } | Should -Throw -ErrorId 'NoticeKindMismatch,*'
        { Register-StaffNotification -Principal 'UNI\m1' -ServiceArea 'Clean Desk' -Kind Annual -Date ([datetime]::UtcNow.AddDays(5)) -ErrorAction Stop } | Should -Throw -ErrorId 'DateInFuture,*'
        { Add-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'uni\M1' -ErrorAction Stop } | Should -Throw -ErrorId 'MemberExists,*'
    }

    It 'takes a sign-off sheet from CSV and keeps notices append-only' {
        Add-ServiceAreaMember -ServiceArea 'Clean Desk' -Principal 'UNI\b' | Out-Null
        $sheet = @(
            [pscustomobject]@{ Principal = 'UNI\m1'; ServiceArea = 'Clean Desk'; Kind = 'Annual'; Date = '2026-11-20'; Evidence = 'Team meeting sign-off' }
            [pscustomobject]@{ Principal = 'UNI\b'; ServiceArea = 'Clean Desk'; Kind = 'Induction'; Date = '2026-11-20'; Evidence = 'Team meeting sign-off' }
        )
        $sheet | Register-StaffNotification | Should -HaveCount 2
        (Get-StaffNotification -History -Principal 'UNI\m1').Kind | Should -Be @('Induction', 'Annual')
        { Invoke-StoreSql $store "DELETE FROM staff_notification" } | Should -Throw '*append-only*'
        (Get-AuditEvent -Action RegisterStaffNotification) | Should -HaveCount 3
    }

    It 'lets the area''s Supervisor keep its roster, and refuses an Auditor' {
        Add-RecordingRole -Principal 'lead@uni.test' -Role Supervisor -ServiceArea 'Clean Desk' | Out-Null
        Add-ServiceAreaMember -Store $store.As('lead@uni.test') -ServiceArea 'Clean Desk' -Principal 'UNI\viaLead' | Should -Not -BeNullOrEmpty
        { Add-ServiceAreaMember -Store $store.As('auditor@uni.test') -ServiceArea 'Clean Desk' -Principal 'UNI\x' -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
    }
}

Describe 'The nightly runbook example' {
    It 'keeps the report beside a checkpoint, verifies against the previous night''s, and exits by severity' {
        $store = New-CleanCopy
        $root = Join-Path $TestDrive "evidence-$script:Copies"
        $runbook = Join-Path $script:ModulePath 'Examples/Nightly-ComplianceReport.ps1'
        $run = Invoke-FreshPwsh "& '$runbook' -StorePath '$($store.Path)' -ReportRoot '$root' -Identity 'auditor@uni.test' -ModulePath '$($script:ModulePath)'"
        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $today = Join-Path $root ([datetime]::UtcNow.ToString('yyyy-MM-dd'))
        'checkpoint.json', 'compliance.html', 'findings.csv' | ForEach-Object { Test-Path (Join-Path $today $_) | Should -BeTrue -Because $_ }
        (Get-AuditEvent -Action ExportAuditCheckpoint).Principal | Should -Contain 'auditor@uni.test'

        # a high-severity finding makes it exit 1; a checkpoint from an earlier night is checked first
        Move-Item $today (Join-Path $root '2000-01-01')
        Invoke-StoreSql $store "UPDATE recording SET start_time = '2020-01-01T09:00:00.0000000Z'"
        $run = Invoke-FreshPwsh "& '$runbook' -StorePath '$($store.Path)' -ReportRoot '$root' -Identity 'auditor@uni.test' -ModulePath '$($script:ModulePath)'"
        $run.ExitCode | Should -Be 1 -Because ($run.Output -join "`n")
        (Import-Csv (Join-Path $today 'findings.csv')).Rule | Should -Be 'RecordingOutsideAuthorisation'
    }
}
