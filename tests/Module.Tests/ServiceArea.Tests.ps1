BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'Service areas' {
    BeforeEach { $store = New-TestStore }

    It 'refuses retention beyond 12 months naming clause 2.5' -ForEach @(
        @{ Splat = @{ RetentionMonths = 13 } }, @{ Splat = @{ RetentionDays = 400 } }
    ) {
        { New-ServiceArea -Name 'Too Long' @Splat -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionExceedsPolicyMaximum,*'
        $err = $null
        New-ServiceArea -Name 'Too Long' @Splat -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match '^Clause 2\.5: retention cannot exceed 12 months'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-ServiceArea | Should -BeNullOrEmpty
    }

    It 'refuses zero and negative retention' {
        { New-ServiceArea -Name 'Zero' -RetentionDays 0 -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionNotPositive,*'
        { New-ServiceArea -Name 'Negative' -RetentionMonths -1 -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionNotPositive,*'
    }

    It 'keeps names unique without regard to case' {
        New-ServiceArea -Name 'IT Service Desk' -RetentionMonths 3 -CustomerNotice 'n' | Out-Null
        { New-ServiceArea -Name 'it service desk' -RetentionMonths 3 -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceAreaExists,*'
    }

    It 'composes in a pipeline: Get-ServiceArea Fin* | Set-ServiceArea -RetentionMonths 6' {
        'Finance Office', 'Finance Helpline', 'Fundraising' | ForEach-Object { New-ServiceArea -Name $_ -RetentionMonths 12 -CustomerNotice 'n' } | Out-Null
        Get-ServiceArea Fin* | Set-ServiceArea -RetentionMonths 6
        (Get-ServiceArea 'Finance Office', 'Finance Helpline').Retention | Should -Be @('6 months', '6 months')
        (Get-ServiceArea Fundraising).Retention | Should -Be '12 months'
    }

    It 'creates areas from a CSV, reporting a bad row and going on' {
        $csv = Join-Path $TestDrive 'areas.csv'
        @(
            [pscustomobject]@{ Name = 'Library Desk'; RetentionMonths = 3; CustomerNotice = 'Recorded for training.'; AutomatedNotice = 'True' }
            [pscustomobject]@{ Name = 'Bad Area'; RetentionMonths = 14; CustomerNotice = 'x'; AutomatedNotice = 'False' }
            [pscustomobject]@{ Name = 'Accommodation'; RetentionMonths = 6; CustomerNotice = 'Recorded.'; AutomatedNotice = 'False' }
        ) | Export-Csv $csv -NoTypeInformation
        $created = Import-Csv $csv | New-ServiceArea -ErrorVariable errs -ErrorAction SilentlyContinue
        $created.Name | Should -Be @('Library Desk', 'Accommodation')
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'RetentionExceedsPolicyMaximum,*'
        (Get-ServiceArea 'Library Desk').AutomatedNotice | Should -BeTrue
        (Get-ServiceArea 'Accommodation').AutomatedNotice | Should -BeFalse
    }

    It 'reports an unknown name with ServiceAreaNotFound, and a wildcard with no match quietly' {
        { Get-ServiceArea 'Nowhere' -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceAreaNotFound,*'
        Get-ServiceArea 'Nowhere*' | Should -BeNullOrEmpty
    }

    It 'exports flat, fixed columns to CSV' {
        New-ServiceArea -Name 'A' -RetentionDays 10 -CustomerNotice 'n' | Out-Null
        New-ServiceArea -Name 'B' -RetentionMonths 2 -CustomerNotice 'n' | Out-Null
        $rows = Get-ServiceArea | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $rows | Should -HaveCount 2
        ($rows[0].PSObject.Properties.Name -join ',') | Should -Be ($rows[1].PSObject.Properties.Name -join ',')
        $rows[0].RetentionDays | Should -Be '10'
        $rows[1].RetentionMonths | Should -Be '2'
        ($rows | Get-Member -MemberType NoteProperty).Name | Should -Contain 'Authorised'
    }

    It 'refuses to remove an area that still has extensions' {
        New-ServiceArea -Name 'Busy' -RetentionDays 10 -CustomerNotice 'n' | Out-Null
        Add-RecordedExtension -Number 4000 -ServiceArea Busy -Mode OnDemand | Out-Null
        { Remove-ServiceArea -Name Busy -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceAreaInUse,*'
        Get-RecordedExtension -ServiceArea Busy | Remove-RecordedExtension -Confirm:$false
        Remove-ServiceArea -Name Busy -Confirm:$false -PassThru | Select-Object -ExpandProperty Name | Should -Be 'Busy'
        Get-ServiceArea | Should -BeNullOrEmpty
    }

    It 'offers area names to tab completion' {
        New-ServiceArea -Name 'Student Enquiries' -RetentionMonths 6 -CustomerNotice 'n' | Out-Null
        New-ServiceArea -Name 'Sports Centre' -RetentionMonths 6 -CustomerNotice 'n' | Out-Null
        $line = 'Get-RecordedExtension -ServiceArea Stu'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @("'Student Enquiries'")
    }
}

Describe 'Recorded extensions' {
    BeforeEach {
        $store = New-TestStore
        New-ServiceArea -Name 'IT Service Desk' -RetentionMonths 6 -CustomerNotice 'Calls are recorded.' | Out-Null
    }

    It 'requires a non-recorded alternative for a constantly recorded extension (clause 2.3)' {
        { Add-RecordedExtension -Number 4521 -ServiceArea 'IT Service Desk' -Mode Constant -ErrorAction Stop } | Should -Throw -ErrorId 'NonRecordedAlternativeRequired,*'
        Add-RecordedExtension -Number 4530 -ServiceArea 'IT Service Desk' -Mode OnDemand | Out-Null
        { Add-RecordedExtension -Number 4521 -ServiceArea 'IT Service Desk' -Mode Constant -NonRecordedAlternative 4530 -ErrorAction Stop } | Should -Throw -ErrorId 'NonRecordedAlternativeRequired,*'
        $ext = Add-RecordedExtension -Number 4521 -ServiceArea 'IT Service Desk' -Mode Constant -NonRecordedAlternative 4599 -Labelled
        $ext.NonRecordedAlternative | Should -Be '4599'
        { Add-RecordedExtension -Number 4599 -ServiceArea 'IT Service Desk' -Mode OnDemand -ErrorAction Stop } | Should -Throw -ErrorId 'NonRecordedAlternativeConflict,*'
    }

    It 'adds extensions from a CSV, with yes/no columns read as the file means them' {
        $csv = Join-Path $TestDrive 'extensions.csv'
        @'
Number,ServiceArea,Mode,Labelled,NonRecordedAlternative
4521,IT Service Desk,Constant,True,4599
4522,IT Service Desk,OnDemand,False,
4523,Nowhere,OnDemand,False,
4524,IT Service Desk,Constant,False,
'@ | Set-Content $csv
        $added = Import-Csv $csv | Add-RecordedExtension -ErrorVariable errs -ErrorAction SilentlyContinue
        $added.Number | Should -Be @('4521', '4522')
        ($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('ServiceAreaNotFound', 'NonRecordedAlternativeRequired')
        $errs[0].TargetObject | Should -Be 'Nowhere'
        (Get-RecordedExtension 4521).Labelled | Should -BeTrue
        (Get-RecordedExtension 4522).Labelled | Should -BeFalse
    }

    It 'changes and removes through the pipeline' {
        Add-RecordedExtension -Number 4521 -ServiceArea 'IT Service Desk' -Mode OnDemand | Out-Null
        Add-RecordedExtension -Number 4522 -ServiceArea 'IT Service Desk' -Mode OnDemand | Out-Null
        Get-RecordedExtension -ServiceArea 'IT Service Desk' | Set-RecordedExtension -Labelled
        (Get-RecordedExtension).Labelled | Should -Be @($true, $true)
        Get-RecordedExtension 452* | Remove-RecordedExtension -Confirm:$false
        Get-RecordedExtension | Should -BeNullOrEmpty
        (Get-AuditEvent -Action RemoveRecordedExtension).Target | Should -Be @('4521', '4522')
    }
}

Describe 'Roles' {
    BeforeEach {
        $store = New-TestStore
        New-ServiceArea -Name 'IT Service Desk' -RetentionMonths 6 -CustomerNotice 'n' | Out-Null
    }

    It 'lets only Administrators manage roles, and audits the refusal' {
        $other = Get-StoreAs $store 'sup@uni.test'
        { Add-RecordingRole -Store $other -Principal 'me@uni.test' -Role Administrator -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
        Get-RecordingRole -Principal 'me@uni.test' | Should -BeNullOrEmpty
        (Get-AuditEvent -Action AccessDenied).Principal | Should -Be 'sup@uni.test'
    }

    It 'refuses to remove the last Administrator' {
        { Remove-RecordingRole -Principal 'admin@uni.test' -Role Administrator -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'LastAdministrator,*'
    }

    It 'adds supervisors from a CSV and removes a leaver''s roles in one pipeline' {
        $csv = Join-Path $TestDrive 'supervisors.csv'
        "Principal,Role,ServiceArea`nUNI\sup1,Supervisor,IT Service Desk`nUNI\leaver,Auditor,`nUNI\leaver,Supervisor,IT Service Desk" | Set-Content $csv
        Import-Csv $csv | Add-RecordingRole | Should -HaveCount 3
        Get-RecordingRole -Principal 'UNI\leaver' | Remove-RecordingRole -Confirm:$false
        Get-RecordingRole -Principal 'UNI\leaver' | Should -BeNullOrEmpty
        (Get-RecordingRole -Role Supervisor).Principal | Should -Be 'UNI\sup1'
    }
}
