# Clause 2.3 from Microsoft 365, as a runbook does it (issue 14): fill a roster from an Entra ID group, mail every
# overdue member through the outbox, then the compliance report has no notice findings for the area. The built module's
# real GraphServiceClient against the local Graph stand-in (tests/GraphMock, WireMock.Net on 127.0.0.1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    . (Join-Path $PSScriptRoot 'GraphMock.ps1')
    Start-GraphMock
    $script:Group = '5d1c0c4e-0000-4000-8000-0000000000bb'
    $script:Area = 'Student Enquiries'

    function Get-NoticeFinding { @(Get-ComplianceReport -ServiceArea $script:Area | Where-Object { $_.Clause -eq '2.3' -and $_.Rule -in 'StaffNoticeOverdue', 'FrequentCallerNotInformed' }) }

    $script:Store = New-TestStore
    New-AuthorisedArea $script:Store $script:Area | Out-Null
    Connect-RecordingGraph -AccessToken (ConvertTo-SecureString (New-GraphTestToken) -AsPlainText -Force) -Endpoint $script:GraphUrl | Out-Null
}

AfterAll {
    Disconnect-RecordingGraph
    Stop-GraphMock
}

Describe 'The runbook: sync the roster, mail the overdue, and the compliance report has no notice findings' {
    BeforeAll {
        Reset-Graph
        Set-GroupMembers @((New-User 'u-1' 'ada@uni.test'), (New-User 'u-2' 'bo@uni.test'), (New-User 'u-3' 'cy@uni.test'), (New-User 'u-4' 'di@uni.test' $false))
        Add-GraphAnswer -Method POST -Path '/v1.0/users/crs-runbook@uni.test/sendMail' -Status 202
        Add-ServiceAreaMember -ServiceArea $script:Area -Principal 'leaver@uni.test' -Email 'leaver@uni.test' | Out-Null
    }

    It 'Sync-ServiceAreaMember -WhatIf lists joiners and leavers and changes nothing' {
        $before = (Get-RecordingStore).AuditEvents
        $plan = Sync-ServiceAreaMember -GroupId $script:Group -ServiceArea $script:Area -WhatIf
        @($plan | Where-Object Action -eq Added).Principal | Should -Be @('ada@uni.test', 'bo@uni.test', 'cy@uni.test')
        ($plan | Where-Object Principal -eq 'leaver@uni.test').Action | Should -Be 'Removed'
        $plan.Applied | Should -Not -Contain $true
        (Get-RecordingStore).AuditEvents | Should -Be $before
        @(Get-ServiceAreaMember -ServiceArea $script:Area).Principal | Should -Be @('leaver@uni.test')
    }

    It 'Sync-ServiceAreaMember fills the roster from the group, one change object per principal' {
        $changes = Sync-ServiceAreaMember -GroupId $script:Group -ServiceArea $script:Area -Reason 'Left the Enquiries team'
        $changes.Principal | Sort-Object -Unique | Should -HaveCount $changes.Count
        @($changes | Where-Object { $_.Action -eq 'Added' -and $_.Applied }).Count | Should -Be 3
        @(Get-ServiceAreaMember -ServiceArea $script:Area).Principal | Should -Be @('ada@uni.test', 'bo@uni.test', 'cy@uni.test')
        (Get-ServiceAreaMember -ServiceArea $script:Area -Principal 'cy@uni.test').Email | Should -Be 'cy@uni.test'
        $leaver = Get-ServiceAreaMember -ServiceArea $script:Area -Principal 'leaver@uni.test' -IncludeRemoved
        $leaver.RemoveReason | Should -Match 'Left the Enquiries team'
        (Get-AuditEvent | Where-Object Action -eq 'AddServiceAreaMember').Count | Should -BeGreaterOrEqual 3
    }

    It 'the new members are overdue for their induction notice' {
        @(Get-StaffNotification -ServiceArea $script:Area -Overdue).Principal | Should -Be @('ada@uni.test', 'bo@uni.test', 'cy@uni.test')
        (Get-NoticeFinding).Subject | Sort-Object | Should -Be @('ada@uni.test', 'bo@uni.test', 'cy@uni.test')
    }

    It 'Send-StaffNotification -WhatIf lists the recipients and sends nothing' {
        $before = (Get-RecordingStore).AuditEvents
        $plan = Send-StaffNotification -ServiceArea $script:Area -Kind Induction -From 'crs-runbook@uni.test' -WhatIf
        $plan.Principal | Should -Be @('ada@uni.test', 'bo@uni.test', 'cy@uni.test')
        $plan.MailState | Sort-Object -Unique | Should -Be 'Planned'
        @(Get-GraphRequests | Where-Object Path -like '*sendMail').Count | Should -Be 0
        (Get-RecordingStore).AuditEvents | Should -Be $before
    }

    It 'Send-StaffNotification mails each overdue member and registers each accepted mail' {
        $sent = Send-StaffNotification -ServiceArea $script:Area -Kind Induction -From 'crs-runbook@uni.test' -Subject 'Recording in {ServiceArea}'
        $sent.MailState | Sort-Object -Unique | Should -Be 'Sent'
        $mails = @(Get-GraphRequests | Where-Object Path -eq '/v1.0/users/crs-runbook@uni.test/sendMail')
        $mails.Count | Should -Be 3
        ($mails.Body -join "`n") | Should -Match 'Recording in Student Enquiries'
        $history = Get-StaffNotification -ServiceArea $script:Area -History
        @($history | Where-Object Kind -eq Induction).Principal | Sort-Object | Should -Be @('ada@uni.test', 'bo@uni.test', 'cy@uni.test')
        ($history | Where-Object Principal -eq 'ada@uni.test').Evidence | Should -Match ([regex]::Escape(($sent | Where-Object Principal -eq 'ada@uni.test').MessageId))
    }

    It 'Get-ComplianceReport then shows no notice findings (2.3) for the area' {
        Get-NoticeFinding | Should -BeNullOrEmpty
        Get-StaffNotification -ServiceArea $script:Area -Overdue | Should -BeNullOrEmpty
    }
}

Describe 'Refusals are per person' {
    It 'a refused mail is a non-terminating error for that person, and nothing is registered for them' {
        Reset-Graph
        Add-GraphAnswer -Method POST -Path '/v1.0/users/crs-runbook@uni.test/sendMail' -Status 202
        Add-GraphAnswer -Method POST -Path '/v1.0/users/crs-runbook@uni.test/sendMail' -Status 400 -BodyContains 'ed@uni.test' -Priority 1 `
            -Body @{ error = @{ code = 'ErrorInvalidRecipients'; message = 'The recipient is not valid.' } }
        Add-ServiceAreaMember -ServiceArea $script:Area -Principal 'ed@uni.test' -Email 'ed@uni.test' | Out-Null
        Add-ServiceAreaMember -ServiceArea $script:Area -Principal 'fi@uni.test' -Email 'fi@uni.test' | Out-Null
        Add-ServiceAreaMember -ServiceArea $script:Area -Principal 'UNI\nomail' | Out-Null
        $sent = Send-StaffNotification -ServiceArea $script:Area -Kind Induction -From 'crs-runbook@uni.test' -ErrorVariable failed -ErrorAction SilentlyContinue
        ($sent | Where-Object Principal -eq 'fi@uni.test').MailState | Should -Be 'Sent'
        ($sent | Where-Object Principal -eq 'ed@uni.test').MailState | Should -Be 'Refused'
        ($sent | Where-Object Principal -eq 'UNI\nomail').MailState | Should -Be 'NotSent'
        $failed.Count | Should -Be 2
        ($failed | Where-Object TargetObject -eq 'ed@uni.test').FullyQualifiedErrorId | Should -BeLike 'StaffNotificationMailRefused,*'
        ($failed | Where-Object TargetObject -eq 'ed@uni.test').Exception.Message | Should -Match 'ErrorInvalidRecipients'
        ($failed | Where-Object TargetObject -eq 'UNI\nomail').FullyQualifiedErrorId | Should -BeLike 'StaffNotificationNotSent,*'
        @(Get-StaffNotification -ServiceArea $script:Area -Overdue).Principal | Sort-Object | Should -Be @('ed@uni.test', 'UNI\nomail')
        (Get-NoticeFinding).Subject | Sort-Object | Should -Be @('ed@uni.test', 'UNI\nomail')
        Get-AuditEvent | Where-Object { $_.Action -eq 'MailRefused' -and $_.Target -eq ($sent | Where-Object Principal -eq 'ed@uni.test').MessageId } | Should -Not -BeNullOrEmpty
    }

    It 'a roster sync by someone who keeps no roster is refused before the directory is read' {
        Reset-Graph
        Set-GroupMembers @((New-User 'u-1' 'ada@uni.test'))
        Sync-ServiceAreaMember -Store (Get-StoreAs $script:Store 'stranger@uni.test') -GroupId $script:Group -ServiceArea $script:Area -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
        @(Get-GraphRequests).Count | Should -Be 0
    }
}
