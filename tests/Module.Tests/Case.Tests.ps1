BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'Legal holds, extraction and investigations' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        Add-RecordingRole -Principal 'dpo@uni.test' -Role DataProtectionOfficer | Out-Null
        $dpo = Get-StoreAs $store 'dpo@uni.test'
        $export = Join-Path $TestDrive ('export-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $recs = Import-Recording -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddDays(-99))) -ManifestPath (New-RecorderExport $export 4 -DaysAgo 100)
    }

    It 'holds an agent''s calls from the pipeline so the purge keeps them' {
        $hold = New-LegalHold -CaseReference 'HR-77' -Kind Disciplinary -Reason 'abusive calls' -RetainUntil ([datetime]::UtcNow.AddYears(6))
        Get-Recording -Agent 'UNI\agent1' | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        (Get-LegalHold -HoldId $hold.HoldId).RecordingCount | Should -Be 1
        (Invoke-RetentionPurge).SkippedOnHold | Should -Be 1
        (Get-Recording).Agent | Should -Be 'UNI\agent1'
    }

    It 'exports a hold verified, then Test-LegalHoldExport catches a flipped byte, a missing and an extra file' {
        $hold = New-LegalHold -CaseReference 'LEGAL-9' -Kind Legal -Reason 'claim'
        $recs | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        $folder = Join-Path $TestDrive 'evidence'
        # Roles do not reach content: the exporting Administrator needs a Copy nomination, from another Administrator.
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        Grant-RecordingAccess -Store (Get-StoreAs $store 'admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Copy -Reason 'case officer' | Out-Null
        $result = Export-LegalHold -HoldId $hold.HoldId -Destination $folder -RemoveFromStore
        $result.Exported | Should -Be 4
        $result.RemovedFromStore | Should -Be 4
        Test-LegalHoldExport -Path $folder -Quiet | Should -BeTrue
        (Get-Recording -IncludeDeleted).State | Select-Object -Unique | Should -Be 'Extracted'
        Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Should -BeNullOrEmpty
        $manifest = Get-Content (Join-Path $folder 'manifest.json') -Raw | ConvertFrom-Json
        $manifest.caseReference | Should -Be 'LEGAL-9'
        $manifest.recordings | ForEach-Object { $_.exportedSha256 | Should -Be $_.originalSha256 }
        (Import-Csv (Join-Path $folder 'manifest.csv')).Count | Should -Be 4

        $wavs = Get-ChildItem $folder -Filter *.wav | Sort-Object Name
        $bytes = [IO.File]::ReadAllBytes($wavs[0].FullName); $bytes[60] = $bytes[60] -bxor 0x10; [IO.File]::WriteAllBytes($wavs[0].FullName, $bytes)
        Remove-Item $wavs[1].FullName
        Set-Content (Join-Path $folder 'planted.txt') 'x'
        $problems = Test-LegalHoldExport -Path $folder | Where-Object Severity -ne 'Ok'
        ($problems.Check | Sort-Object) | Should -Be @('Altered', 'Extra', 'Missing')
        Test-LegalHoldExport -Path $folder -Quiet | Should -BeFalse
    }

    It 'needs two people to release a hold' {
        $hold = New-LegalHold -CaseReference 'C-2' -Kind Complaint -Reason 'r'
        Remove-LegalHold -HoldId $hold.HoldId -Reason 'closed' -Confirm:$false -WarningVariable warned 3>$null | Select-Object -ExpandProperty Status | Should -Be 'ReleaseRequested'
        $warned | Should -Match 'different'
        { Remove-LegalHold -HoldId $hold.HoldId -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'SecondPrincipalRequired,*'
        (Remove-LegalHold -Store $dpo -HoldId $hold.HoldId -Confirm:$false).Status | Should -Be 'Released'
        Get-LegalHold | Should -BeNullOrEmpty
        (Get-LegalHold -IncludeReleased).HoldId | Should -Be $hold.HoldId
    }

    It 'refuses facility monitoring as an investigation, and lets only an approved one open a hold' {
        { New-InvestigationRequest -Subject 'UNI\x' -Basis FacilityMonitoring -Justification 'is it recording?' -FormReference F-1 -ErrorAction Stop } | Should -Throw -ErrorId 'NotAnInvestigation,*'
        $err = $null
        New-InvestigationRequest -Subject 'UNI\x' -Basis FacilityMonitoring -Justification 'j' -FormReference F-1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match '^Clause 3\.2: monitoring the effective function'
        $inv = New-InvestigationRequest -Subject 'UNI\agent1' -Basis MisuseAllegation -Justification 'Premium-rate calls on 4521' -FormReference 'IAR-31'
        { New-LegalHold -CaseReference 'INV-1' -Kind Investigation -Reason 'r' -InvestigationId $inv.InvestigationId -ErrorAction Stop } | Should -Throw -ErrorId 'InvestigationNotApproved,*'
        { Approve-InvestigationRequest -InvestigationId $inv.InvestigationId -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'
        Get-InvestigationRequest -Status Pending | Approve-InvestigationRequest -Store $dpo | Out-Null
        (New-LegalHold -CaseReference 'INV-1' -Kind Investigation -Reason 'r' -InvestigationId $inv.InvestigationId).InvestigationId | Should -Be $inv.InvestigationId
        $own = New-InvestigationRequest -Store $dpo -Subject 'UNI\y' -Basis PolicyBreach -Justification 'j' -FormReference 'IAR-32'
        { Deny-InvestigationRequest -Store $dpo -InvestigationId $own.InvestigationId -Reason 'x' -ErrorAction Stop } | Should -Throw -ErrorId 'SeparationOfDuties,*'
    }
}

Describe 'Subject access requests' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
    }

    It 'computes the due date across month ends and bank holidays' -ForEach @(
        @{ Received = '2025-01-31'; Extended = $false; Due = '2025-02-28' }
        @{ Received = '2024-01-31'; Extended = $false; Due = '2024-02-29' }
        @{ Received = '2026-01-31'; Extended = $false; Due = '2026-03-02' }
        @{ Received = '2026-03-03'; Extended = $false; Due = '2026-04-07' }
        @{ Received = '2026-08-31'; Extended = $true; Due = '2026-11-30' }
    ) {
        $sar = New-SubjectAccessRequest -Reference "SAR-$Received" -SubjectName 'Alex Example' -PhoneNumber '07700 900123' -ReceivedOn $Received -Extended:$Extended
        $sar.DueOn.ToString('yyyy-MM-dd') | Should -Be $Due
    }

    It 'lists overdue requests and those due soon' {
        New-SubjectAccessRequest -Reference 'OLD' -SubjectName 'A' -PhoneNumber '07700 900123' -ReceivedOn ([datetime]::Today.AddMonths(-2)) | Out-Null
        New-SubjectAccessRequest -Reference 'NEW' -SubjectName 'B' -PhoneNumber '07700 900124' -ReceivedOn ([datetime]::Today) | Out-Null
        (Get-SubjectAccessRequest -Overdue).Reference | Should -Be 'OLD'
        (Get-SubjectAccessRequest -DueWithinDays 40).Reference | Should -Be @('OLD', 'NEW')
    }

    It 'exports every matching recording whatever form the numbers were written in, listing what is gone' {
        $export = Join-Path $TestDrive 'rec-export'
        Import-Recording -ManifestPath (New-RecorderExport $export 3 -DaysAgo 5) | Out-Null
        New-TestWav (Join-Path $TestDrive 'old.wav')
        Import-Recording -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddDays(-99))) -Path (Join-Path $TestDrive 'old.wav') -CallId old -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-100)) -Direction Inbound -RemoteNumber '+44 7700 900001' | Out-Null
        Invoke-RetentionPurge | Out-Null
        $sar = New-SubjectAccessRequest -Reference 'SAR-7' -SubjectName 'Alex' -PhoneNumber '447700900001', '07700 900 002' -ReceivedOn ([datetime]::Today)
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        Grant-RecordingAccess -Store (Get-StoreAs $store 'admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'answers SARs' | Out-Null
        $done = Export-SubjectAccessRequest -RequestId $sar.RequestId -Destination (Join-Path $TestDrive 'sar')
        $done.Status | Should -Be 'Fulfilled'
        $index = Import-Csv (Join-Path $TestDrive 'sar/index.csv')
        ($index | Sort-Object CallId).CallId | Should -Be @('call-1', 'call-2', 'old')
        ($index | Where-Object CallId -eq 'old').Status | Should -Be 'Purged'
        ($index | Where-Object Status -eq 'Exported').Count | Should -Be 2
        (Get-ChildItem (Join-Path $TestDrive 'sar') -Filter *.wav).Count | Should -Be 2
        (Get-AccessLog -Purpose SubjectAccess).Count | Should -Be 2
    }
}
