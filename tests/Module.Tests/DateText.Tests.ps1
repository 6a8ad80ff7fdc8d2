BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

# A date cell that is not a date was silently taken as "no date" when piped by property name (the fault campaign's
# case c154: ReviewBy = soon gave the default review date). Every date parameter now refuses such text, row by row.
Describe 'Date cells from CSV that are not dates' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        $other = Get-StoreAs $store 'admin2@uni.test'
    }

    It 'Grant-RecordingAccess refuses ReviewBy = soon with an error naming DateInvalid, and grants the other rows' {
        $in = Join-Path $TestDrive 'grants.csv'
        $review = [datetime]::UtcNow.Date.AddMonths(3)
        @(
            [pscustomobject]@{ Principal = 'soon@uni.test'; ServiceArea = 'IT Service Desk'; Level = 'Supervisor'; Right = 'Play'; Reason = 'r'; ReviewBy = 'soon' }
            [pscustomobject]@{ Principal = 'dated@uni.test'; ServiceArea = 'IT Service Desk'; Level = 'Supervisor'; Right = 'Play'; Reason = 'r'; ReviewBy = $review.ToString('yyyy-MM-dd') }
            [pscustomobject]@{ Principal = 'blank@uni.test'; ServiceArea = 'IT Service Desk'; Level = 'Supervisor'; Right = 'Play'; Reason = 'r'; ReviewBy = '' }
        ) | Export-Csv $in -NoTypeInformation
        $granted = @(Import-Csv $in | Grant-RecordingAccess -Store $other -ErrorVariable bad -ErrorAction SilentlyContinue)

        @($bad).Count | Should -Be 1
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $bad[0].Exception.Message | Should -BeLike "*DateInvalid: 'soon' is not a date*"
        Get-RecordingAccess -Principal 'soon@uni.test' | Should -BeNullOrEmpty
        $granted.Principal | Should -Be @('dated@uni.test', 'blank@uni.test')
        ($granted | Where-Object Principal -eq 'dated@uni.test').ReviewBy.UtcDateTime.Date | Should -Be $review
        # an empty cell is no date: the default review, 12 months ahead
        ($granted | Where-Object Principal -eq 'blank@uni.test').ReviewBy.UtcDateTime | Should -BeGreaterThan ([datetime]::UtcNow.AddMonths(11))
    }

    It 'New-RecordingRequest refuses Until = never (it would otherwise be a request with no end)' {
        $in = Join-Path $TestDrive 'requests.csv'
        [pscustomobject]@{ ServiceArea = 'IT Service Desk'; BusinessReason = 'Pilot'; Purpose = 'Training'; AccessLevel = 'Supervisor=Play'; RetentionDays = 30; Until = 'never' } |
            Export-Csv $in -NoTypeInformation
        $before = @(Get-RecordingRequest).Count
        $made = @(Import-Csv $in | New-RecordingRequest -ErrorVariable bad -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $made | Should -BeNullOrEmpty
        @($bad).Count | Should -Be 1
        $bad[0].Exception.Message | Should -BeLike "*DateInvalid: 'never'*"
        @(Get-RecordingRequest).Count | Should -Be $before
    }

    It 'takes dates as PowerShell does from text and from DateTime values' {
        $g = Grant-RecordingAccess -Store $other -Principal 'text@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Reason 'r' -ReviewBy ([datetime]::UtcNow.Date.AddMonths(2).ToString('yyyy-MM-ddT00:00:00Z'))
        $g.ReviewBy.UtcDateTime.Date | Should -Be ([datetime]::UtcNow.Date.AddMonths(2))
        $g2 = Grant-RecordingAccess -Store $other -Principal 'value@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Reason 'r' -ReviewBy ([datetime]::UtcNow.AddMonths(1))
        $g2.ReviewBy | Should -Not -BeNullOrEmpty
        { Grant-RecordingAccess -Store $other -Principal 'never@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Reason 'r' -ReviewBy 'never' -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*DateInvalid*"
    }
}
