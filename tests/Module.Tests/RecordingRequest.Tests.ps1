BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')

    function New-Request {
        [CmdletBinding()]
        param([hashtable] $Extra = @{})
        $base = @{
            ServiceArea     = 'Fundraising'
            BusinessReason  = 'Verify donors agreements to regular gifts.'
            Purpose         = 'CustomerAgreement', 'DisputeOrComplaint'
            AccessLevel     = @{ Supervisor = 'Play', 'Download'; Caller = 'Play' }
            RetentionMonths = 3
            DpiaReference   = 'DPIA-2026-014'
            DpoAdvice       = 'Proportionate; three months suffices.'
        }
        foreach ($k in $Extra.Keys) { $base[$k] = $Extra[$k] }
        New-RecordingRequest @base -Store $requester -WarningAction SilentlyContinue
    }
}

Describe 'Recording requests (clause 2.2)' {
    BeforeEach {
        $store = New-TestStore
        New-ServiceArea -Name 'Fundraising' -RetentionMonths 12 -CustomerNotice 'This call is recorded.' | Out-Null
        Add-RecordingRole -Principal 'nsm@uni.test' -Role NetworkServicesManager | Out-Null
        Add-RecordingRole -Principal 'sec@uni.test' -Role SecurityTeam | Out-Null
        Add-RecordingRole -Principal 'pci@uni.test' -Role PciDssTeam | Out-Null
        $requester = Get-StoreAs $store 'head.fundraising@uni.test'
        $nsm = Get-StoreAs $store 'nsm@uni.test'
        $security = Get-StoreAs $store 'sec@uni.test'
        $pci = Get-StoreAs $store 'pci@uni.test'
    }

    It 'stores the levels of access structured, from a hashtable or from text' {
        (New-Request).AccessLevels | Should -Be 'Caller=Play; Supervisor=Play+Download'
        (New-Request @{ AccessLevel = 'Supervisor=Play+Download; Caller=Play' }).AccessLevels | Should -Be 'Caller=Play; Supervisor=Play+Download'
        { New-Request @{ AccessLevel = 'Supervisor=Fly' } } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,*'
    }

    It 'refuses retention over 12 months and an end date in the past' {
        { New-Request @{ RetentionMonths = 13 } -ErrorAction Stop } | Should -Throw -ErrorId 'RetentionExceedsPolicyMaximum,*'
        { New-RecordingRequest -Store $requester -ServiceArea Fundraising -BusinessReason r -Purpose Training -AccessLevel 'A=Play' -RetentionMonths 1 -Until (Get-Date).AddDays(-1) -ErrorAction Stop } |
            Should -Throw -ErrorId 'RequestUntilInPast,*'
    }

    It 'refuses approval without a DPIA or DPO advice, then approves once completed' {
        $r = New-Request @{ DpiaReference = $null; DpoAdvice = $null }
        { Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -ErrorAction Stop } | Should -Throw -ErrorId 'DpiaRequired,*'
        Set-RecordingRequest -Store $requester -RequestId $r.RequestId -DpiaReference 'DPIA-9'
        { Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -ErrorAction Stop } | Should -Throw -ErrorId 'DpoAdviceRequired,*'
        Set-RecordingRequest -Store $requester -RequestId $r.RequestId -DpoAdvice 'Supported.'
        (Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId).Status | Should -Be 'Approved'
    }

    It 'refuses a payment-card request until Security and PCI DSS support it' {
        $r = New-Request @{ PaymentCardData = $true }
        $err = $null
        Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SecurityConsultationRequired,*'
        $err[0].Exception.Message | Should -Match '^Clause 2\.2:'
        $err[0].TargetObject | Should -Be $r.RequestId
        Add-RequestConsultation -Store $security -RequestId $r.RequestId -Team SecurityTeam -Outcome Supported | Out-Null
        { Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -ErrorAction Stop } | Should -Throw -ErrorId 'SecurityConsultationRequired,*'
        Add-RequestConsultation -Store $pci -RequestId $r.RequestId -Team PciDssTeam -Outcome SupportedWithMitigations -Mitigation 'Pause recording during card capture' | Out-Null
        (Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId).Status | Should -Be 'Approved'
        (Get-ServiceArea Fundraising).Authorised | Should -BeTrue
    }

    It 'refuses approval when a consultation does not support the request' {
        $r = New-Request @{ IdentityValidation = $true }
        Add-RequestConsultation -Store $security -RequestId $r.RequestId -Team SecurityTeam -Outcome NotSupported -Notes 'No masking' | Out-Null
        Add-RequestConsultation -Store $pci -RequestId $r.RequestId -Team PciDssTeam -Outcome Supported | Out-Null
        { Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -ErrorAction Stop } | Should -Throw -ErrorId 'ConsultationNotSupported,*'
    }

    It 'requires mitigations with SupportedWithMitigations, and the team''s own role' {
        $r = New-Request @{ SpecialCategoryData = $true }
        { Add-RequestConsultation -Store $pci -RequestId $r.RequestId -Team PciDssTeam -Outcome SupportedWithMitigations -ErrorAction Stop } | Should -Throw -ErrorId 'MitigationRequired,*'
        { Add-RequestConsultation -Store $security -RequestId $r.RequestId -Team PciDssTeam -Outcome Supported -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
    }

    It 'refuses a requester approving their own request, and anyone but a Network Services Manager' {
        Add-RecordingRole -Principal 'head.fundraising@uni.test' -Role NetworkServicesManager | Out-Null
        $r = New-Request
        { Approve-RecordingRequest -Store $requester -RequestId $r.RequestId -ErrorAction Stop } | Should -Throw -ErrorId 'SeparationOfDuties,*'
        { Approve-RecordingRequest -Store $security -RequestId $r.RequestId -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
    }

    It 'refuses a decision on a request that is not pending' {
        $r = New-Request
        Deny-RecordingRequest -Store $nsm -RequestId $r.RequestId -Reason 'Not proportionate' | Out-Null
        { Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -ErrorAction Stop } | Should -Throw -ErrorId 'RequestNotPending,*'
        (Get-RecordingRequest -RequestId $r.RequestId).DecisionComment | Should -Be 'Not proportionate'
    }

    It 'approves pending requests from the pipeline, and -WhatIf approves none' {
        1..3 | ForEach-Object { New-Request } | Out-Null
        Get-RecordingRequest -Status Pending | Approve-RecordingRequest -Store $nsm -WhatIf
        @(Get-RecordingRequest -Status Pending).Count | Should -Be 3
        Get-RecordingRequest -Status Pending | Approve-RecordingRequest -Store $nsm | Out-Null
        @(Get-RecordingRequest -Status Approved).Count | Should -Be 3
    }

    It 'brings in a paper approval with its past effective date, keeping both dates in the audit event' {
        $r = New-Request
        $approved = Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -EffectiveFrom '2024-02-06' -Reference 'NS/2024/03' -Comment 'Paper approval NS/2024/03'
        $approved.EffectiveFrom.Date | Should -Be ([datetime]'2024-02-06').Date
        $details = (Get-AuditEvent -Action ApproveRecordingRequest).Details | ConvertFrom-Json
        $details.effectiveFrom | Should -Not -BeNullOrEmpty
        $details.decidedAt | Should -Not -Be $details.effectiveFrom
    }

    It 'lets a time-limited authorisation expire by itself' {
        $now = [datetimeoffset]::UtcNow
        $r = New-Request @{ Until = $now.AddDays(20).UtcDateTime }
        Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId | Out-Null
        (Get-RecordingRequest -ExpiringWithinDays 30).RequestId | Should -Be $r.RequestId
        Get-RecordingRequest -ExpiringWithinDays 10 | Should -BeNullOrEmpty

        $later = Get-StoreAt $store $now.AddDays(21)
        (Get-RecordingRequest -Store $later -RequestId $r.RequestId).Status | Should -Be 'Expired'
        (Get-ServiceArea -Store $later Fundraising).Authorised | Should -BeFalse
        (Get-ServiceArea Fundraising).Authorised | Should -BeTrue
    }

    It 'stops an approved authorisation early' {
        $r = New-Request
        Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId | Out-Null
        (Stop-RecordingRequest -Store $nsm -RequestId $r.RequestId -Reason 'Campaign over' -Confirm:$false).Status | Should -Be 'Stopped'
        (Get-ServiceArea Fundraising).Authorised | Should -BeFalse
    }

    It 'exports flat columns and shows the history of each step' {
        $r = New-Request @{ PaymentCardData = $true }
        Add-RequestConsultation -Store $security -RequestId $r.RequestId -Team SecurityTeam -Outcome Supported | Out-Null
        $row = Get-RecordingRequest -RequestId $r.RequestId | ConvertTo-Csv -NoTypeInformation | ConvertFrom-Csv
        $row.Purposes | Should -Be 'CustomerAgreement, DisputeOrComplaint'
        $row.Consultations | Should -Be 'SecurityTeam: Supported'
        $row.PSObject.Properties.Value | Where-Object { $_ -like 'System.*[[]]' } | Should -BeNullOrEmpty
        (Get-RecordingRequest -RequestId $r.RequestId).History -split "`n" | Should -HaveCount 2
    }

    It 'takes requests from a CSV whose cells carry lists' {
        $csv = Join-Path $TestDrive 'requests.csv'
        @'
ServiceArea,BusinessReason,Purpose,AccessLevel,RetentionMonths,DpiaReference,DpoAdvice,PaymentCardData
Fundraising,Regular giving,"CustomerAgreement, Training",Supervisor=Play+Download; Caller=Play,6,DPIA-1,OK,True
Fundraising,Complaints,DisputeOrComplaint,Supervisor=Play,14,DPIA-2,OK,False
'@ | Set-Content $csv
        $made = Import-Csv $csv | New-RecordingRequest -Store $requester -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $made | Should -HaveCount 1
        $made.Purposes | Should -Be 'Training, CustomerAgreement' -Because 'purposes are listed in the order of clause 3.1 a-e'
        $made.PaymentCardData | Should -BeTrue
        ($errs[0].FullyQualifiedErrorId -split ',')[0] | Should -Be 'RetentionExceedsPolicyMaximum'
    }
}
