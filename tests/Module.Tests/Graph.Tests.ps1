# Microsoft 365 through Microsoft Graph, as a runbook uses it: the built module's real GraphServiceClient against a
# local Graph stand-in (WireMock.Net on 127.0.0.1, tests/GraphMock), programmed here through WireMock's admin API.
BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    . (Join-Path $PSScriptRoot 'GraphMock.ps1')
    Start-GraphMock
    $script:Token = New-GraphTestToken
    $script:Group = '5d1c0c4e-0000-4000-8000-0000000000aa'

    $script:Store = New-TestStore
    New-AuthorisedArea $script:Store 'Student Enquiries' | Out-Null
    $script:Connection = Connect-RecordingGraph -AccessToken (ConvertTo-SecureString $script:Token -AsPlainText -Force) -Endpoint $script:GraphUrl
}

AfterAll {
    Disconnect-RecordingGraph
    Stop-GraphMock
}

Describe 'The nightly runbook: sync nominated staff from a group, then mail the checkpoint' {
    BeforeAll {
        Reset-Graph
        Set-GroupMembers @((New-User 'u-1' 'ada@uni.test'), (New-User 'u-2' 'bo@uni.test'), (New-User 'u-3' 'cy@uni.test'), (New-User 'u-4' 'di@uni.test' $false))
        Grant-RecordingAccess -Principal 'zed@uni.test' -ServiceArea 'Student Enquiries' -Level Adviser -Right Play -Reason 'Cover, by hand' | Out-Null
    }

    It 'connects without showing the token' {
        $script:Connection.SignIn | Should -Be 'AccessToken'
        $script:Connection.Endpoint | Should -Be "$script:GraphUrl/v1.0"
        ($script:Connection | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($script:Token))
    }

    It '-WhatIf lists who would be added and changes nothing' {
        $before = (Get-RecordingStore).AuditEvents
        $plan = Sync-RecordingAccess -GroupId $script:Group -ServiceArea 'Student Enquiries' -Level Adviser -Right Play -Reason 'Enquiries team' -WhatIf
        @($plan | Where-Object Action -eq Added).Principal | Should -Be @('ada@uni.test', 'bo@uni.test', 'cy@uni.test')
        ($plan | Where-Object Principal -eq 'zed@uni.test').Action | Should -Be 'KeptManual'
        $plan.Applied | Should -Not -Contain $true
        (Get-RecordingStore).AuditEvents | Should -Be $before
        @(Get-RecordingAccess -ServiceArea 'Student Enquiries').Principal | Should -Be @('zed@uni.test')
    }

    It 'adds grants for the enabled members, one change object per principal' {
        $changes = Sync-RecordingAccess -GroupId $script:Group -ServiceArea 'Student Enquiries' -Level Adviser -Right Play -Reason 'Enquiries team'
        $changes.Principal | Sort-Object -Unique | Should -HaveCount $changes.Count
        @($changes | Where-Object { $_.Action -eq 'Added' -and $_.Applied }).Count | Should -Be 3
        $cy = Get-RecordingAccess -Principal 'cy@uni.test'
        $cy.SourceGroup | Should -Be $script:Group
        $cy.DirectoryObjectId | Should -Be 'u-3'
        Get-RecordingAccess -Principal 'di@uni.test' | Should -BeNullOrEmpty
        $auth = (Get-GraphRequests | Where-Object Path -like '*graph.user').Headers.Authorization
        $auth | Sort-Object -Unique | Should -Be "Bearer $script:Token"
    }

    It 'revokes a leaver''s synced grant and leaves the grant made by hand' {
        Reset-Graph
        Set-GroupMembers @((New-User 'u-1' 'ada@uni.test'), (New-User 'u-2' 'bo@uni.test'))
        $changes = Sync-RecordingAccess -GroupId $script:Group -ServiceArea 'Student Enquiries' -Level Adviser -Right Play -Reason 'Enquiries team'
        ($changes | Where-Object Principal -eq 'cy@uni.test').Action | Should -Be 'Revoked'
        ($changes | Where-Object Principal -eq 'zed@uni.test').Action | Should -Be 'KeptManual'
        (Get-RecordingAccess -Principal 'cy@uni.test' -IncludeRevoked).Status | Should -Be 'Revoked'
        (Get-RecordingAccess -Principal 'zed@uni.test').Status | Should -Be 'Active'
    }

    It 'mails the audit checkpoint to a witness after the export commits' {
        Add-GraphAnswer -Method POST -Path '/v1.0/users/crs-runbook@uni.test/sendMail' -Status 202
        $sent = Export-AuditCheckpoint -MailTo 'dpo@uni.test' -From 'crs-runbook@uni.test'
        $sent.MailState | Should -Be 'Sent'
        $mail = Get-GraphRequests | Where-Object Path -eq '/v1.0/users/crs-runbook@uni.test/sendMail'
        $mail.Body | Should -Match ([regex]::Escape($sent.Hash))
        $mail.Body | Should -Match 'dpo@uni.test'
        (Get-AuditEvent | Where-Object Sequence -eq $sent.Sequence).Action | Should -Be 'ExportAuditCheckpoint'
        Get-AuditEvent | Where-Object { $_.Action -eq 'MailSent' -and $_.Target -eq $sent.MessageId } | Should -Not -BeNullOrEmpty
        Test-AuditChain -Quiet | Should -BeTrue
    }

    It 'reports a refused mail as an error and keeps the refusal on record' {
        Add-GraphAnswer -Method POST -Path '/v1.0/users/blocked@uni.test/sendMail' -Status 403 -Body @{ error = @{ code = 'ErrorAccessDenied'; message = 'Access is denied.' } }
        $sent = Export-AuditCheckpoint -MailTo 'dpo@uni.test' -From 'blocked@uni.test' -ErrorVariable failed -ErrorAction SilentlyContinue
        $sent.MailState | Should -Be 'Refused'
        $sent.MailResult | Should -Match 'GraphPermissionMissing.*Mail\.Send'
        $failed[0].FullyQualifiedErrorId | Should -Match '^CheckpointMailRefused'
        Get-AuditEvent | Where-Object { $_.Action -eq 'MailRefused' -and $_.Target -eq $sent.MessageId } | Should -Not -BeNullOrEmpty
    }

    It 'refuses to use an Administrator as the witness' {
        Export-AuditCheckpoint -MailTo 'admin@uni.test' -From 'crs-runbook@uni.test' -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Match '^CheckpointWitnessNotIndependent'
    }
}

Describe 'Leavers and permissions' {
    It 'Test-RecordingAccess -Directory finds disabled and departed holders' {
        Reset-Graph
        Set-GroupMembers @((New-User 'u-1' 'ada@uni.test'))
        Add-GraphAnswer -Path '/v1.0/users/u-1' -Body (New-User 'u-1' 'ada@uni.test')
        Add-GraphAnswer -Path '/v1.0/users/u-2' -Body (New-User 'u-2' 'bo@uni.test' $false)
        Add-GraphAnswer -Path '/v1.0/users/zed@uni.test' -Status 404 -Body @{ error = @{ code = 'Request_ResourceNotFound'; message = 'Resource does not exist.' } }
        Add-GraphAnswer -Path '/v1.0/users/*' -Body (New-User 'u-9' 'someone@uni.test') -Priority 50
        $findings = Test-RecordingAccess -Directory
        ($findings | Where-Object Principal -eq 'ada@uni.test').IsLeaver | Should -BeFalse
        ($findings | Where-Object Principal -eq 'bo@uni.test').Standing | Should -Be 'Disabled'
        ($findings | Where-Object Principal -eq 'zed@uni.test').Standing | Should -Be 'NotFound'
        (Get-RecordingAccess -Principal 'zed@uni.test').DirectoryObjectId | Should -Be ''
    }

    It 'a 403 is GraphPermissionMissing naming the permission' {
        Reset-Graph
        Add-GraphAnswer -Path "/v1.0/groups/$script:Group/transitiveMembers/graph.user" -Status 403 -Body @{ error = @{ code = 'Authorization_RequestDenied'; message = 'Insufficient privileges.' } }
        Sync-RecordingAccess -GroupId $script:Group -ServiceArea 'Student Enquiries' -Level Adviser -Right Play -Reason 'r' -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Match '^GraphPermissionMissing'
        $failed[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failed[0].Exception.Message | Should -Match 'GroupMember\.Read\.All'
    }

    It 'without Connect-RecordingGraph a Graph cmdlet says so' {
        $r = Invoke-FreshPwsh "Import-Module '$script:Manifest'; Test-RecordingAccess -Directory -Store (Connect-RecordingStore -Path '$($script:Store.Path)' -Identity admin@uni.test -PassThru) -ErrorAction SilentlyContinue -ErrorVariable e; `$e[0].FullyQualifiedErrorId"
        ($r.Output -join "`n") | Should -Match 'GraphNotConnected'
    }
}

Describe 'Call records name the parties of recordings' {
    It 'links by call id and by number and time, and -Verbose explains the windows' {
        Reset-Graph
        $wav = Join-Path $TestDrive 'c.wav'; New-TestWav $wav
        $now = [datetime]::UtcNow
        $teams = Import-Recording -Path $wav -CallId 'teams-42' -Extension 4521 -StartTime $now.AddHours(-4) -Direction Inbound -RemoteNumber '07700 900111'
        New-TestWav (Join-Path $TestDrive 'd.wav') -Hz 300
        $pstn = Import-Recording -Path (Join-Path $TestDrive 'd.wav') -CallId 'recorder-7' -Extension 4521 -StartTime $now.AddHours(-2) -Direction Inbound -RemoteNumber '07700 900222'
        Add-GraphAnswer -Path '/v1.0/communications/callRecords' -Body @{ value = @(@{ id = 'teams-42'; startDateTime = $now.AddHours(-4).ToString('o'); organizer = @{ user = @{ id = 'u-1'; displayName = 'Ada' } }; participants = @(@{ user = @{ id = 'u-1'; displayName = 'Ada' } }) }) }
        Add-GraphAnswer -Path '/v1.0/communications/callRecords/*getPstnCalls*' -Body @{ value = @(@{ id = 'p1'; callId = 'pstn-1'; userPrincipalName = 'bo@uni.test'; userDisplayName = 'Bo'; startDateTime = $now.AddHours(-2).AddSeconds(30).ToString('o'); callerNumber = '+447700900222'; calleeNumber = '+441615550100' }) }
        Add-GraphAnswer -Path '/v1.0/communications/callRecords/*getDirectRoutingCalls*' -Body @{ value = @() }
        $verbose = Import-GraphCallRecord -After $now.AddDays(-100) -Before $now -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        ($verbose -join "`n") | Should -Match 'call records are kept 30 days'
        ($verbose -join "`n") | Should -Match 'at most 90 days a query: part 2 of 2'
        (Get-Recording -RecordingId $teams.RecordingId).Participants | Should -Match 'Ada'
        (Get-Recording -RecordingId $pstn.RecordingId).Participants | Should -Match 'Bo <bo@uni.test>'
        @(Get-GraphRequests | Where-Object Path -like '*getPstnCalls*').Count | Should -Be 2
    }
}

Describe 'Loading' {
    It 'loads the Graph SDK only when a Graph cmdlet runs, and then into the module''s private load context' {
        $r = Invoke-FreshPwsh @"
Import-Module '$script:Manifest'
Get-Command -Module CallRecordingAdmin | Out-Null
'before=' + [bool]([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Graph' })
Connect-RecordingGraph -AccessToken (ConvertTo-SecureString 'x' -AsPlainText -Force) -Endpoint '$script:GraphUrl' | Out-Null
`$graph = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Graph' }
'context=' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$graph).GetType().Name
"@
        $r.Output | Should -Contain 'before=False'
        $r.Output | Should -Contain 'context=EngineLoadContext'
    }
}

Describe 'Secrets and tokens never reach a stream or the audit log' {
    It 'runs connect, sync, mail and leaver checks with -Verbose and -Debug and finds the token and secret nowhere' {
        Reset-Graph
        Set-GroupMembers @((New-User 'u-1' 'ada@uni.test'), (New-User 'u-5' 'ed@uni.test'))
        Add-GraphAnswer -Method POST -Path '/v1.0/users/crs-runbook@uni.test/sendMail' -Status 202
        Add-GraphAnswer -Path '/v1.0/users/*' -Status 403 -Body @{ error = @{ code = 'Authorization_RequestDenied'; message = 'Insufficient privileges.' } }
        $secret = 'client-secret-' + [guid]::NewGuid().ToString('N')
        $out = Join-Path $TestDrive 'streams.txt'
        $script = @"
`$ErrorActionPreference = 'Continue'; `$VerbosePreference = 'Continue'; `$DebugPreference = 'Continue'; `$InformationPreference = 'Continue'
Import-Module '$script:Manifest'
Connect-RecordingStore -Path '$($script:Store.Path)' -Identity admin@uni.test
Connect-RecordingGraph -TenantId contoso.example -ClientId 11111111-2222-3333-4444-555555555555 -ClientSecret (ConvertTo-SecureString `$env:CRA_TEST_SECRET -AsPlainText -Force) -Verbose -Debug | Format-List *
Connect-RecordingGraph -AccessToken (ConvertTo-SecureString `$env:CRA_TEST_TOKEN -AsPlainText -Force) -Endpoint '$script:GraphUrl' -Verbose -Debug | Format-List *
Sync-RecordingAccess -GroupId '$script:Group' -ServiceArea 'Student Enquiries' -Level Adviser -Right Play -Reason 'Enquiries team' -Verbose -Debug -Confirm:`$false | Format-List *
Export-AuditCheckpoint -MailTo dpo@uni.test -From crs-runbook@uni.test -Verbose -Debug | Format-List *
Test-RecordingAccess -Directory -Verbose -Debug | Format-List *
Get-AuditEvent | Format-List *
Get-AccessLog | Format-List *
"@
        # The secrets reach the child through its environment, so the script text itself (shown in error positions) holds neither.
        $env:CRA_TEST_SECRET = $secret; $env:CRA_TEST_TOKEN = $script:Token
        try { $r = Invoke-FreshPwsh "& { $script } *>&1 | Out-File -Width 400 '$out'" } finally { Remove-Item Env:CRA_TEST_SECRET, Env:CRA_TEST_TOKEN }
        $text = Get-Content $out -Raw
        $text | Should -Match 'Sync|Added|Unchanged'         # the run did happen
        $text | Should -Match 'GraphPermissionMissing'        # and its errors are in the capture
        $text | Should -Not -Match ([regex]::Escape($script:Token))
        $text | Should -Not -Match ([regex]::Escape($secret))
        $db = (Get-ChildItem $script:Store.Path -Filter 'policy.db*' | ForEach-Object { [IO.File]::ReadAllText($_.FullName, [Text.Encoding]::Latin1) }) -join ''
        $db | Should -Not -Match ([regex]::Escape($script:Token))
        $db | Should -Not -Match ([regex]::Escape($secret))
    }
}
