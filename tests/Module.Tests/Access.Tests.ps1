BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'Who may do what with recordings (clause 3.1): role x cmdlet' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId 'm-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -RemoteNumber '07700 900123'
        $hold = New-LegalHold -CaseReference 'M-1' -Kind Legal -Reason 'matrix'
        $rec | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        $sar = New-SubjectAccessRequest -Reference 'SAR-M' -SubjectName 'Alex' -PhoneNumber '07700 900123' -ReceivedOn ([datetime]::Today)
        $principals = [ordered]@{
            Administrator          = 'admin@uni.test'
            NetworkServicesManager = 'nsm@uni.test'
            DataProtectionOfficer  = 'dpo@uni.test'
            SecurityTeam           = 'sec@uni.test'
            PciDssTeam             = 'pci@uni.test'
            Supervisor             = 'sup@uni.test'
            Auditor                = 'auditor@uni.test'
            Unknown                = 'stranger@uni.test'
        }
        foreach ($role in 'DataProtectionOfficer', 'SecurityTeam', 'PciDssTeam', 'Auditor') { Add-RecordingRole -Principal $principals[$role] -Role $role | Out-Null }
        Add-RecordingRole -Principal $principals.Supervisor -Role Supervisor -ServiceArea 'IT Service Desk' | Out-Null
        Grant-RecordingAccess -Principal 'player@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play -Reason 'agent' | Out-Null
        $grant = Grant-RecordingAccess -Principal 'reviewed@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play -Reason 'agent'
        $n = 0
        $attempts = [ordered]@{
            'Save-Recording'             = { param($s) Save-Recording -Store $s -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive "m$(++$script:n).wav") -Purpose Training -Reason 'matrix' -ErrorAction Stop }
            'Copy-Recording'             = { param($s) Copy-Recording -Store $s -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'copies') -Purpose Training -Reason 'matrix' -ErrorAction Stop }
            'Remove-Recording'           = { param($s) Remove-Recording -Store $s -RecordingId $rec.RecordingId -Purpose Training -Reason 'matrix' -Confirm:$false -ErrorAction Stop }
            'Grant-RecordingAccess'      = { param($s) Grant-RecordingAccess -Store $s -Principal "new$(++$script:n)@uni.test" -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play -Reason 'matrix' -ErrorAction Stop }
            'Grant-RecordingAccess (share)' = { param($s) Grant-RecordingAccess -Store $s -RecordingId $rec.RecordingId -Principal 'hr@uni.test' -Right Play -Purpose DisputeOrComplaint -Reason 'matrix' -ExpiresOn ([datetime]::UtcNow.AddDays(7)) -ErrorAction Stop }
            'Confirm-RecordingAccess'    = { param($s) Confirm-RecordingAccess -Store $s -GrantId $grant.GrantId -ErrorAction Stop }
            'Revoke-RecordingAccess'     = { param($s) Revoke-RecordingAccess -Store $s -GrantId $grant.GrantId -ErrorAction Stop }
            'Register-RecordingPlayback' = { param($s) Register-RecordingPlayback -Store $s -RecordingId $rec.RecordingId -Principal 'player@uni.test' -Purpose Training -Reason 'matrix' -ErrorAction Stop }
            'Get-AccessLog'              = { param($s) Get-AccessLog -Store $s -ErrorAction Stop }
            'Export-AccessLog'           = { param($s) Export-AccessLog -Store $s -Path (Join-Path $TestDrive "log-$([guid]::NewGuid()).csv") -ErrorAction Stop }
            'Import-Recording'           = { param($s) Import-Recording -Store $s -Path (Join-Path $TestDrive 'a.wav') -CallId 'm-1' -Extension 4521 -StartTime $rec.StartTime -Direction Inbound -WarningAction SilentlyContinue -ErrorAction Stop }
            'Invoke-RetentionPurge'      = { param($s) Invoke-RetentionPurge -Store $s -ErrorAction Stop }
            # Nobody nominates themselves or gives themselves a role; roles alone never reach content.
            'Grant-RecordingAccess (self)' = { param($s) Grant-RecordingAccess -Store $s -Principal $s.Identity -ServiceArea 'IT Service Desk' -Level Supervisor -Reason 'matrix' -ErrorAction Stop }
            'Add-RecordingRole (self)'   = { param($s) Add-RecordingRole -Store $s -Principal $s.Identity -Role DataProtectionOfficer -ErrorAction Stop }
            'Export-LegalHold'           = { param($s) Export-LegalHold -Store $s -HoldId $hold.HoldId -Destination (Join-Path $TestDrive "hold$(++$script:n)") -ErrorAction Stop }
            'Export-SubjectAccessRequest' = { param($s) Export-SubjectAccessRequest -Store $s -RequestId $sar.RequestId -Destination (Join-Path $TestDrive "sar$(++$script:n)") -ErrorAction Stop }
        }
        # What clause 3.1 and the roles allow. No role by itself reaches content: only a grant does.
        $allowed = @{
            'Save-Recording' = @(); 'Copy-Recording' = @(); 'Remove-Recording' = @(); 'Grant-RecordingAccess (share)' = @()
            'Grant-RecordingAccess' = @('Administrator'); 'Confirm-RecordingAccess' = @('Administrator'); 'Revoke-RecordingAccess' = @('Administrator')
            'Register-RecordingPlayback' = @('Supervisor')
            'Get-AccessLog' = @('Administrator', 'DataProtectionOfficer', 'Auditor'); 'Export-AccessLog' = @('Administrator', 'DataProtectionOfficer', 'Auditor')
            'Import-Recording' = @('Administrator'); 'Invoke-RetentionPurge' = @('Administrator')
            'Grant-RecordingAccess (self)' = @(); 'Add-RecordingRole (self)' = @(); 'Export-LegalHold' = @(); 'Export-SubjectAccessRequest' = @()
        }
        $results = foreach ($cmdlet in $attempts.Keys) {
            foreach ($role in $principals.Keys) {
                $outcome = try { & $attempts[$cmdlet] (Get-StoreAs $store $principals[$role]) | Out-Null; 'Allowed' } catch { ($_.FullyQualifiedErrorId -split ',')[0] }
                [pscustomobject]@{ Cmdlet = $cmdlet; Role = $role; Outcome = $outcome; Expected = if ($role -in $allowed[$cmdlet]) { 'Allowed' } else { 'Refused' } }
            }
        }
    }

    It '<_> matches what the policy allows for every role' -ForEach @('Save-Recording', 'Copy-Recording', 'Remove-Recording', 'Grant-RecordingAccess', 'Grant-RecordingAccess (share)', 'Confirm-RecordingAccess', 'Revoke-RecordingAccess', 'Register-RecordingPlayback', 'Get-AccessLog', 'Export-AccessLog', 'Import-Recording', 'Invoke-RetentionPurge',
        'Grant-RecordingAccess (self)', 'Add-RecordingRole (self)', 'Export-LegalHold', 'Export-SubjectAccessRequest') {
        foreach ($r in $results | Where-Object Cmdlet -eq $_) {
            if ($r.Expected -eq 'Allowed') { $r.Outcome | Should -Be 'Allowed' -Because "$($r.Role) may use $($r.Cmdlet)" }
            else { $r.Outcome | Should -BeIn @('AccessDenied', 'AccessNotGranted', 'SelfNominationRefused', 'SelfRoleGrantRefused') -Because "$($r.Role) may not use $($r.Cmdlet)" }
        }
    }

    It 'refuses an Administrator for want of a nomination, not of a role, where only a nomination reaches content' {
        $admin = $results | Where-Object Role -eq 'Administrator'
        ($admin | Where-Object Cmdlet -eq 'Grant-RecordingAccess (self)').Outcome | Should -Be 'SelfNominationRefused'
        ($admin | Where-Object Cmdlet -eq 'Add-RecordingRole (self)').Outcome | Should -Be 'SelfRoleGrantRefused'
        ($admin | Where-Object Cmdlet -eq 'Export-LegalHold').Outcome | Should -Be 'AccessNotGranted'
        ($admin | Where-Object Cmdlet -eq 'Export-SubjectAccessRequest').Outcome | Should -Be 'AccessNotGranted'
        ($results | Where-Object { $_.Role -eq 'DataProtectionOfficer' -and $_.Cmdlet -like 'Export-*Request' }).Outcome | Should -Be 'AccessNotGranted'
        Get-ChildItem $TestDrive -Recurse -Filter *.wav | Where-Object { $_.DirectoryName -match '(hold|sar)\d+$' } | Should -BeNullOrEmpty
    }

    It 'logs every denial of a cmdlet that touches recordings or grants in the access log' {
        $touching = $results | Where-Object { $_.Cmdlet -notin 'Get-AccessLog', 'Export-AccessLog', 'Add-RecordingRole (self)' -and $_.Outcome -ne 'Allowed' }
        $logged = @(Get-AccessLog -Outcome Refused)
        $logged.Count | Should -Be @($touching).Count
        foreach ($r in $touching) {
            $logged | Where-Object Principal -eq $principals[$r.Role] | Should -Not -BeNullOrEmpty -Because "$($r.Role)'s refused $($r.Cmdlet) is logged"
        }
        # Refused reads of the logs themselves, and refused role changes, are in the audit log.
        @(Get-AuditEvent -Action AccessDenied).Count | Should -Be @($results | Where-Object { $_.Cmdlet -in 'Get-AccessLog', 'Export-AccessLog', 'Add-RecordingRole (self)' -and $_.Outcome -ne 'Allowed' }).Count
    }

    It 'lets a nominated member of staff reach content, and logs it with purpose and reason' {
        Grant-RecordingAccess -Principal 'nominated@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'investigator' | Out-Null
        Save-Recording -Store (Get-StoreAs $store 'nominated@uni.test') -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'nominated.wav') -Purpose DisputeOrComplaint -Reason 'C-9' | Out-Null
        $entry = Get-AccessLog -Principal 'nominated@uni.test'
        $entry.Outcome | Should -Be 'Allowed'
        $entry.Purpose | Should -Be 'DisputeOrComplaint'
        $entry.Reason | Should -Be 'C-9'
    }
}

Describe 'The annual review as a CSV round trip' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-AuthorisedArea $store -Name 'Fundraising' -Extension 5200 | Out-Null
    }

    It 'nominates from a CSV, exports what is due, and applies Keep and Revoke decisions' {
        $nominated = Join-Path $TestDrive 'nominated.csv'
        @'
Principal,ServiceArea,Level,Right,Reason,ReviewBy
UNI\ann,IT Service Desk,Supervisor,Play+Download,Supervisor,
UNI\bob,IT Service Desk,Adviser,Play,Adviser,
UNI\cat,Fundraising,Supervisor,"Play, Download, Delete",Data steward,
UNI\dan,Fundraising,Adviser,Play,Adviser,2099-01-01
'@ | Set-Content $nominated
        $granted = Import-Csv $nominated | Grant-RecordingAccess -ErrorVariable errs -ErrorAction SilentlyContinue
        $granted | Should -HaveCount 3
        ($errs[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'ReviewPeriodExceedsPolicy'
        (Get-RecordingAccess -Principal 'UNI\cat').Rights | Should -Be 'Play+Download+Delete'

        $later = Get-StoreAt $store ([datetimeoffset]::UtcNow.AddMonths(12).AddDays(1))
        $review = Join-Path $TestDrive 'review.csv'
        Get-RecordingAccess -Store $later -ReviewDue | Select-Object *, @{ n = 'Decision'; e = { if ($_.Principal -eq 'UNI\bob') { 'Revoke' } else { 'Keep' } } } |
            Export-Csv $review -NoTypeInformation
        (Import-Csv $review).Status | Select-Object -Unique | Should -Be 'ReviewOverdue'
        Import-Csv $review | Where-Object Decision -eq Keep | Confirm-RecordingAccess -Store $later -Comment 'Annual review' | Should -HaveCount 2
        Import-Csv $review | Where-Object Decision -eq Revoke | Revoke-RecordingAccess -Store $later -Reason 'Annual review' | Should -HaveCount 1
        (Get-RecordingAccess -Store $later).Principal | Sort-Object | Should -Be @('UNI\ann', 'UNI\cat')
        (Get-RecordingAccess -Store $later).Status | Select-Object -Unique | Should -Be 'Active'
        (Get-RecordingAccess -Store $later -Principal 'UNI\bob' -IncludeRevoked).RevokeReason | Should -Be 'Annual review'
        Get-RecordingAccess -Store $later -ReviewDue | Should -BeNullOrEmpty
    }

    It 'records playbacks from a supervisor''s sheet' {
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound
        Add-RecordingRole -Principal 'UNI\sup' -Role Supervisor -ServiceArea 'IT Service Desk' | Out-Null
        # nominated four hours ago: a playback is judged by the nomination in force when it happened
        Grant-RecordingAccess -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddHours(-4))) -Principal 'UNI\coach' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play -Reason 'coach' | Out-Null
        $sheet = Join-Path $TestDrive 'playbacks.csv'
        @(
            [pscustomobject]@{ RecordingId = $rec.RecordingId; Principal = 'UNI\coach'; Purpose = 'Training'; Reason = 'Coaching session 1'; PlayedAt = [datetime]::UtcNow.AddHours(-3).ToString('o') }
            [pscustomobject]@{ RecordingId = $rec.RecordingId; Principal = 'UNI\visitor'; Purpose = 'Training'; Reason = 'Shadowing'; PlayedAt = [datetime]::UtcNow.AddHours(-2).ToString('o') }
        ) | Export-Csv $sheet -NoTypeInformation
        Import-Csv $sheet | Register-RecordingPlayback -Store (Get-StoreAs $store 'UNI\sup') -ErrorVariable errs -ErrorAction SilentlyContinue | Should -HaveCount 1
        ($errs[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'AccessNotGranted'
        (Get-AccessLog -Action Play).Outcome | Should -Be @('Allowed', 'Refused')
    }
}

Describe 'Export-AccessLog' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound
        Grant-RecordingAccess -Principal 'Zoë.Ångström@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'r' | Out-Null
        $reasons = '=HYPERLINK("http://evil","x")', '+SUM(1,2)', '-2+3', '@cmd', 'comma, and "quotes"', 'two, "lines" ;', "'already quoted", 'Grüße — ünïcödé'
        foreach ($reason in $reasons) {
            Save-Recording -Store (Get-StoreAs $store 'Zoë.Ångström@uni.test') -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'x.wav') -Purpose Training -Reason $reason -Force | Out-Null
        }
        $csv = Join-Path $TestDrive 'log.csv'
        Export-AccessLog -Path $csv | Out-Null
    }

    It 'writes the fixed columns, UTF-8 with a byte-order mark and ISO 8601 UTC times' {
        [IO.File]::ReadAllBytes($csv)[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
        (Get-Content $csv -TotalCount 1) | Should -Be 'Sequence,OccurredAt,Principal,Action,Outcome,RecordingId,ServiceArea,Purpose,Reason,Detail,AuditSequence,AuditHash'
        (Import-Csv $csv).OccurredAt | ForEach-Object { $_ | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$' }
    }

    It 'neutralises formulas so that no cell starts with = + - @, and keeps every value recoverable' {
        $rows = Import-Csv $csv
        $rows | Should -HaveCount $reasons.Count
        foreach ($i in 0..($reasons.Count - 1)) {
            $cell = $rows[$i].Reason
            $cell | Should -Not -Match '^[=+\-@\t\r]'
            ($cell -replace "^'", '') | Should -BeExactly $reasons[$i]
        }
        $rows[0].Principal | Should -Be 'Zoë.Ångström@uni.test'
    }

    It 'ties every row to its audit event' {
        $events = Get-AuditEvent -Action RecordingAccess
        foreach ($row in Import-Csv $csv) {
            ($events | Where-Object Sequence -eq ([long]$row.AuditSequence)).Hash | Should -Be $row.AuditHash
        }
    }

    It 'refuses to overwrite without -Force' {
        { Export-AccessLog -Path $csv -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,*'
        Export-AccessLog -Path $csv -Force -Outcome Refused | Out-Null
        Import-Csv $csv | Should -BeNullOrEmpty
    }
}
