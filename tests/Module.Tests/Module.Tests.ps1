BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    $script:Cmdlets = @(Get-Command -Module CallRecordingAdmin -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'The built module' {
    It 'exports exactly the cmdlets its manifest lists, and nothing by wildcard' {
        $manifest = Import-PowerShellDataFile $Manifest
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        $manifest.FunctionsToExport | Should -HaveCount 0
        $exported = (Get-Module CallRecordingAdmin).ExportedCmdlets.Keys | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        $manifest.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $manifest.ModuleVersion | Should -Match '^\d+\.\d+\.\d+$'
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        (Get-Command -Module CallRecordingAdmin).Verb | Where-Object { $_ -notin $approved } | Should -BeNullOrEmpty
    }

    It 'imports in a fresh pwsh from a copy of its folder, with no build output beside it' {
        $copy = Join-Path $TestDrive 'elsewhere/CallRecordingAdmin'
        Copy-Item $ModulePath $copy -Recurse
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$copy/CallRecordingAdmin.psd1'
`$s = New-RecordingStore '$TestDrive/copied-store' -Identity 'a@b'
Connect-RecordingStore `$s.Path -Identity 'a@b'
(New-ServiceArea -Name 'Copied' -RetentionDays 30 -CustomerNotice 'n').Name
(Get-Module CallRecordingAdmin).ModuleBase
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'Copied'
        $result.Output | Should -Contain $copy
        Get-ChildItem $copy -Recurse -Filter *.deps.json | Should -BeNullOrEmpty
    }

    It 'packs into a .nupkg that Save-PSResource installs from a local folder repository, as build.ps1 Package does' {
        $feed = Join-Path $TestDrive 'feed'
        New-Item -ItemType Directory $feed, (Join-Path $TestDrive 'saved') | Out-Null
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.PSResourceGet
`$repo = 'crs-test-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
Register-PSResourceRepository -Name `$repo -Uri '$feed' -Trusted
try {
    Publish-PSResource -Path '$ModulePath' -Repository `$repo
    Save-PSResource -Name CallRecordingAdmin -Repository `$repo -Path '$TestDrive/saved' -TrustRepository
} finally { Unregister-PSResourceRepository -Name `$repo }
`$saved = Get-ChildItem '$TestDrive/saved/CallRecordingAdmin' -Directory | Select-Object -First 1
(Import-Module (Join-Path `$saved.FullName CallRecordingAdmin.psd1) -PassThru).ExportedCmdlets.Count
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        Get-ChildItem $feed -Filter 'CallRecordingAdmin.*.nupkg' | Should -HaveCount 1
        [int]$result.Output[-1] | Should -Be (Get-Module CallRecordingAdmin).ExportedCmdlets.Count
    }

    It 'carries the native SQLite library for every supported OS and processor' {
        foreach ($rid in 'linux-x64', 'linux-arm64', 'win-x64', 'win-arm64', 'osx-x64', 'osx-arm64') {
            Get-ChildItem (Join-Path $ModulePath "Dependencies/runtimes/$rid/native") -File | Should -Not -BeNullOrEmpty -Because $rid
        }
    }

    It 'keeps SQLite in a private load context when another version was loaded first' {
        $olderSqlite = Join-Path $NuGetRoot 'microsoft.data.sqlite.core/8.0.30/lib/netstandard2.0/Microsoft.Data.Sqlite.dll'
        $olderRaw = Join-Path $NuGetRoot 'sqlitepclraw.core/2.0.6/lib/netstandard2.0/SQLitePCLRaw.core.dll'
        Test-Path $olderSqlite | Should -BeTrue
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$olderRaw'
Add-Type -Path '$olderSqlite'
'default:' + [Microsoft.Data.Sqlite.SqliteConnection].Assembly.GetName().Version.Major
Import-Module '$Manifest'
`$s = New-RecordingStore '$TestDrive/alc-first' -Identity 'a@b'
Connect-RecordingStore `$s.Path -Identity 'a@b'
(New-ServiceArea -Name 'Isolated' -RetentionMonths 2 -CustomerNotice 'n').Name
'default-after:' + [Microsoft.Data.Sqlite.SqliteConnection].Assembly.GetName().Version.Major
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'default:8'
        $result.Output | Should -Contain 'Isolated'
        $result.Output | Should -Contain 'default-after:8'
    }

    It 'leaves the default load context free for another version loaded after it' {
        $olderSqlite = Join-Path $NuGetRoot 'microsoft.data.sqlite.core/8.0.30/lib/netstandard2.0/Microsoft.Data.Sqlite.dll'
        $olderRaw = Join-Path $NuGetRoot 'sqlitepclraw.core/2.0.6/lib/netstandard2.0/SQLitePCLRaw.core.dll'
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Manifest'
`$s = New-RecordingStore '$TestDrive/alc-second' -Identity 'a@b'
Connect-RecordingStore `$s.Path -Identity 'a@b'
Add-Type -Path '$olderRaw'
Add-Type -Path '$olderSqlite'
'default:' + [Microsoft.Data.Sqlite.SqliteConnection].Assembly.GetName().Version.Major
(New-ServiceArea -Name 'StillWorks' -RetentionMonths 2 -CustomerNotice 'n').Name
[System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext((Get-ServiceArea StillWorks).GetType().Assembly).GetType().Name
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'default:8'
        $result.Output | Should -Contain 'StillWorks'
        $result.Output | Should -Contain 'EngineLoadContext'
    }
}

Describe 'Help for <Name>' -ForEach $Cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
        $common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name + [System.Management.Automation.Internal.ShouldProcessParameters].GetProperties().Name
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name"
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code and an explanation' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        foreach ($example in $help.Examples.Example) {
            $example.Code | Should -Not -BeNullOrEmpty
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'describes every parameter' {
        foreach ($p in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $ph = $help.Parameters.Parameter | Where-Object Name -eq $p
            ($ph.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs a description"
        }
    }

    It 'supports -WhatIf and -Confirm if it changes anything' {
        $readsOnly = $command.Verb -in 'Get', 'Test', 'Connect', 'Disconnect'
        if (-not $readsOnly) {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
        }
        if ($command.Verb -eq 'Remove') {
            $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        }
    }

    It 'declares typed output' {
        if ($Name -notin 'Disconnect-RecordingStore', 'Disconnect-RecordingGraph') { $command.OutputType | Should -Not -BeNullOrEmpty }
    }
}

Describe 'WhatIf changes nothing' {
    BeforeAll {
        $store = New-TestStore
        New-ServiceArea -Name 'Student Enquiries' -RetentionMonths 6 -CustomerNotice 'Recorded.' | Out-Null
        Add-RecordedExtension -Number 4521 -ServiceArea 'Student Enquiries' -Mode OnDemand | Out-Null
        Add-RecordingRole -Principal 'nsm@uni.test' -Role NetworkServicesManager | Out-Null
        Add-RecordingRole -Principal 'sec@uni.test' -Role SecurityTeam | Out-Null
        $request = New-RecordingRequest -ServiceArea 'Student Enquiries' -BusinessReason 'r' -Purpose Training -AccessLevel 'Supervisor=Play' -RetentionMonths 3 -DpiaReference D -DpoAdvice A
        $nsm = Get-StoreAs $store 'nsm@uni.test'
        $security = Get-StoreAs $store 'sec@uni.test'
        New-AuthorisedArea $store -Name 'Recorded Area' -Extension 4700 | Out-Null
        New-TestWav (Join-Path $TestDrive 'w.wav')
        $rec = Import-Recording -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddDays(-199))) -Path (Join-Path $TestDrive 'w.wav') -Extension 4700 -StartTime ([datetime]::UtcNow.AddDays(-200)) -Direction Inbound
        $grant = Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'Recorded Area' -Level Supervisor -Right Play, Download, Copy, Share, Delete -Reason 'r'
        Add-RecordingRole -Principal 'lead@uni.test' -Role Supervisor -ServiceArea 'Recorded Area' | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
        $hold = New-LegalHold -CaseReference 'W-1' -Kind Legal -Reason 'r'
        $investigation = New-InvestigationRequest -Subject 'UNI\y' -Basis PolicyBreach -Justification 'j' -FormReference 'F-0'
        $sar = New-SubjectAccessRequest -Reference 'S-0' -SubjectName 'n' -PhoneNumber '07700 900123' -ReceivedOn ([datetime]::Today)
        Add-ServiceAreaMember -ServiceArea 'Recorded Area' -Principal 'member@uni.test' | Out-Null
        $changes = [ordered]@{
            'Add-RecordingRole'        = { Add-RecordingRole -Principal 'x@uni.test' -Role Auditor -WhatIf }
            'Remove-RecordingRole'     = { Remove-RecordingRole -Principal 'nsm@uni.test' -Role NetworkServicesManager -WhatIf }
            'New-ServiceArea'          = { New-ServiceArea -Name 'Ghost' -RetentionDays 10 -WhatIf }
            'Set-ServiceArea'          = { Set-ServiceArea -Name 'Student Enquiries' -RetentionMonths 1 -WhatIf }
            'Remove-ServiceArea'       = { Remove-ServiceArea -Name 'Student Enquiries' -WhatIf }
            'Add-RecordedExtension'    = { Add-RecordedExtension -Number 4600 -ServiceArea 'Student Enquiries' -Mode OnDemand -WhatIf }
            'Set-RecordedExtension'    = { Set-RecordedExtension -Number 4521 -Labelled -WhatIf }
            'Remove-RecordedExtension' = { Remove-RecordedExtension -Number 4521 -WhatIf }
            'New-RecordingRequest'     = { New-RecordingRequest -ServiceArea 'Student Enquiries' -BusinessReason 'r' -Purpose Training -AccessLevel 'A=Play' -RetentionMonths 1 -WhatIf }
            'Set-RecordingRequest'     = { Set-RecordingRequest -RequestId $request.RequestId -Notes 'n' -WhatIf }
            'Add-RequestConsultation'  = { Add-RequestConsultation -Store $security -RequestId $request.RequestId -Team SecurityTeam -Outcome Supported -WhatIf }
            'Approve-RecordingRequest' = { Approve-RecordingRequest -Store $nsm -RequestId $request.RequestId -WhatIf }
            'Deny-RecordingRequest'    = { Deny-RecordingRequest -Store $nsm -RequestId $request.RequestId -Reason 'no' -WhatIf }
            'Export-AuditCheckpoint'   = { Export-AuditCheckpoint -Path (Join-Path $TestDrive 'whatif.json') -WhatIf }
            'Import-Recording'         = { Import-Recording -Path (Join-Path $TestDrive 'w.wav') -CallId 'other' -Extension 4700 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -WhatIf }
            'Save-Recording'           = { Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'whatif.wav') -Purpose Training -Reason 'r' -WhatIf }
            'Copy-Recording'           = { Copy-Recording -Store $sup -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'whatif-copy') -Purpose Training -Reason 'r' -WhatIf }
            'Remove-Recording'         = { Remove-Recording -Store $sup -RecordingId $rec.RecordingId -Purpose Training -Reason 'r' -WhatIf }
            'Invoke-RetentionPurge'    = { Invoke-RetentionPurge -WhatIf | Where-Object Purged -gt 0 | ForEach-Object { if (-not $_.Forecast) { $_ } } }
            'Grant-RecordingAccess'    = { Grant-RecordingAccess -Principal 'x@uni.test' -ServiceArea 'Recorded Area' -Level Supervisor -Right Play -Reason 'r' -WhatIf }
            'Revoke-RecordingAccess'   = { Revoke-RecordingAccess -GrantId $grant.GrantId -WhatIf }
            'Confirm-RecordingAccess'  = { Confirm-RecordingAccess -GrantId $grant.GrantId -WhatIf }
            'Register-RecordingPlayback' = { Register-RecordingPlayback -Store (Get-StoreAs $store 'lead@uni.test') -RecordingId $rec.RecordingId -Principal 'sup@uni.test' -Purpose Training -Reason 'r' -WhatIf }
            'Export-AccessLog'         = { Export-AccessLog -Path (Join-Path $TestDrive 'whatif.csv') -WhatIf }
            'New-LegalHold'            = { New-LegalHold -CaseReference 'W-2' -Kind Legal -Reason 'r' -WhatIf }
            'Add-LegalHoldRecording'   = { Add-LegalHoldRecording -HoldId $hold.HoldId -RecordingId $rec.RecordingId -WhatIf }
            'Remove-LegalHold'         = { Remove-LegalHold -HoldId $hold.HoldId -Reason 'r' -WhatIf }
            'Export-LegalHold'         = { Export-LegalHold -HoldId $hold.HoldId -Destination (Join-Path $TestDrive 'whatif-hold') -RemoveFromStore -WhatIf }
            'New-InvestigationRequest' = { New-InvestigationRequest -Subject 'UNI\x' -Basis PolicyBreach -Justification 'j' -FormReference 'F' -WhatIf }
            'Approve-InvestigationRequest' = { Approve-InvestigationRequest -InvestigationId $investigation.InvestigationId -WhatIf }
            'Deny-InvestigationRequest' = { Deny-InvestigationRequest -InvestigationId $investigation.InvestigationId -Reason 'r' -WhatIf }
            'New-SubjectAccessRequest' = { New-SubjectAccessRequest -Reference 'S' -SubjectName 'n' -PhoneNumber '07700 900123' -ReceivedOn ([datetime]::Today) -WhatIf }
            'Export-SubjectAccessRequest' = { Export-SubjectAccessRequest -RequestId $sar.RequestId -Destination (Join-Path $TestDrive 'whatif-sar') -WhatIf }
            'Backup-RecordingStore'    = { Backup-RecordingStore -Destination (Join-Path $TestDrive 'whatif-backup') -IncludeRecordings -WhatIf }
            'Add-ServiceAreaMember'    = { Add-ServiceAreaMember -ServiceArea 'Recorded Area' -Principal 'new@uni.test' -WhatIf }
            'Remove-ServiceAreaMember' = { Remove-ServiceAreaMember -ServiceArea 'Recorded Area' -Principal 'member@uni.test' -WhatIf }
            'Register-StaffNotification' = { Register-StaffNotification -Principal 'member@uni.test' -ServiceArea 'Recorded Area' -Kind Induction -WhatIf }
            'Register-NotificationMeasure' = { Register-NotificationMeasure -ServiceArea 'Recorded Area' -Description 'd' -WhatIf }
            'Export-ComplianceReport'  = { Export-ComplianceReport -Path (Join-Path $TestDrive 'whatif.html') -WhatIf }
            'Import-GraphCallRecord'   = { Import-GraphCallRecord -After ([datetime]::UtcNow.AddDays(-1)) -Before ([datetime]::UtcNow) -WhatIf }
            'Update-RecordingFormat'   = { Update-RecordingFormat -WhatIf }
        }
    }

    It 'for every changing cmdlet of the module' {
        $changing = Get-Command -Module CallRecordingAdmin | Where-Object { $_.Parameters.ContainsKey('WhatIf') } | ForEach-Object Name
        # Sync-RecordingAccess, Sync-ServiceAreaMember and Send-StaffNotification -WhatIf read the directory or need a mailer first:
        # their cases run against the local Graph in Graph.Tests.ps1 and StaffMail.Tests.ps1.
        $missing = $changing | Where-Object { $_ -notin $changes.Keys -and $_ -notin 'New-RecordingStore', 'Stop-RecordingRequest', 'Sync-RecordingAccess', 'Sync-ServiceAreaMember', 'Send-StaffNotification' }
        $missing | Should -BeNullOrEmpty -Because 'every changing cmdlet needs a -WhatIf case here'
        $before = Get-RecordingStore
        foreach ($name in $changes.Keys) {
            & $changes[$name] | Should -BeNullOrEmpty -Because "$name -WhatIf writes nothing"
        }
        $after = Get-RecordingStore
        $after.AuditEvents | Should -Be $before.AuditEvents
        $after.ServiceAreas | Should -Be $before.ServiceAreas
        $after.RoleAssignments | Should -Be $before.RoleAssignments
        (Get-RecordingRequest -RequestId $request.RequestId).Status | Should -Be 'Pending'
        Test-Path (Join-Path $TestDrive 'whatif.json') | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'whatif.wav') | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'whatif-copy') | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'whatif.csv') | Should -BeFalse
        (Get-Recording -RecordingId $rec.RecordingId).State | Should -Be 'Active'
        (Get-Recording -RecordingId $rec.RecordingId).OnHold | Should -BeFalse
        (Get-LegalHold -HoldId $hold.HoldId).Status | Should -Be 'Active'
        Get-AccessLog | Should -BeNullOrEmpty
        Test-Path (Join-Path $TestDrive 'whatif-hold') | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'whatif-sar') | Should -BeFalse
        Test-Path (Join-Path $TestDrive 'whatif-backup') | Should -BeFalse
        (Get-InvestigationRequest -InvestigationId $investigation.InvestigationId).Status | Should -Be 'Pending'
        (Get-SubjectAccessRequest -RequestId $sar.RequestId).Status | Should -Be 'Open'
        (Get-ServiceAreaMember -ServiceArea 'Recorded Area').Principal | Should -Be 'member@uni.test'
        Get-StaffNotification -History | Should -BeNullOrEmpty
        Get-NotificationMeasure | Should -BeNullOrEmpty
        Test-Path (Join-Path $TestDrive 'whatif.html') | Should -BeFalse
    }

    It 'for New-RecordingStore and Stop-RecordingRequest' {
        New-RecordingStore -Path (Join-Path $TestDrive 'never') -WhatIf
        Test-Path (Join-Path $TestDrive 'never') | Should -BeFalse
        $approved = Approve-RecordingRequest -Store $nsm -RequestId $request.RequestId
        Stop-RecordingRequest -Store $nsm -RequestId $approved.RequestId -Reason 'x' -WhatIf
        (Get-RecordingRequest -RequestId $request.RequestId).Status | Should -Be 'Approved'
    }
}
