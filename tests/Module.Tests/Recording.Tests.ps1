BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'Import-Recording' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        $export = Join-Path $TestDrive ('export-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
    }

    It 'imports a recorder manifest encrypted, with E.164 numbers and WAV durations, showing progress' {
        $manifest = New-RecorderExport $export 5
        $imported = Import-Recording -ManifestPath $manifest
        $imported | Should -HaveCount 5
        $imported[0].ServiceArea | Should -Be 'IT Service Desk'
        $imported[0].RemoteNumber | Should -Match '^\+447700900\d{3}$'
        $imported[0].DurationSeconds | Should -Be 0.1
        $imported[0].Sha256 | Should -Be (Get-FileHash (Join-Path $export 'audio/call-1.wav')).Hash.ToLower()
        $stored = Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File
        $stored | Should -HaveCount 5
        [IO.File]::ReadAllBytes($stored[0].FullName)[0..3] | Should -Not -Be ([Text.Encoding]::ASCII.GetBytes('RIFF'))
    }

    It 'takes Import-Csv rows from the pipeline, and -WhatIf imports nothing' {
        $manifest = New-RecorderExport $export 3
        Push-Location $export
        try {
            Import-Csv $manifest | Import-Recording -WhatIf
            Get-Recording | Should -BeNullOrEmpty
            (Import-Csv $manifest | Import-Recording).CallId | Should -Be @('call-1', 'call-2', 'call-3')
        } finally { Pop-Location }
    }

    It 'refuses a manifest path that leaves the export folder or goes through a link, and imports the rest' {
        $manifest = New-RecorderExport $export 2
        New-TestWav (Join-Path $TestDrive 'outside.wav')
        New-Item -ItemType Directory (Join-Path $export 'linked') | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $export 'linked/escape.wav') -Target (Join-Path $TestDrive 'outside.wav') | Out-Null
        $rows = @(Import-Csv $manifest)
        $rows += [pscustomobject]@{ CallId = 'evil-1'; Extension = '4521'; StartTime = [datetime]::UtcNow.AddDays(-1).ToString('o'); DurationSeconds = ''; Direction = 'Inbound'; RemoteNumber = ''; Agent = ''; Path = '../outside.wav' }
        $rows += [pscustomobject]@{ CallId = 'evil-2'; Extension = '4521'; StartTime = [datetime]::UtcNow.AddDays(-1).ToString('o'); DurationSeconds = ''; Direction = 'Inbound'; RemoteNumber = ''; Agent = ''; Path = 'linked/escape.wav' }
        $rows | Export-Csv $manifest -NoTypeInformation
        $imported = Import-Recording -ManifestPath $manifest -ErrorVariable errs -ErrorAction SilentlyContinue
        $imported.CallId | Should -Be @('call-1', 'call-2')
        ($errs | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] }) | Should -Be @('PathOutsideSource', 'PathOutsideSource')
        $errs[0].CategoryInfo.Category | Should -Be 'SecurityError'
    }

    It 'refuses calls on unrecorded extensions or outside an authorisation, per call' {
        New-ServiceArea -Name 'Not Approved' -RetentionDays 30 -CustomerNotice 'n' | Out-Null
        Add-RecordedExtension -Number 4600 -ServiceArea 'Not Approved' -Mode OnDemand | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $common = @{ Path = (Join-Path $TestDrive 'a.wav'); StartTime = [datetime]::UtcNow.AddDays(-1); Direction = 'Inbound' }
        { Import-Recording @common -CallId x1 -Extension 9999 -ErrorAction Stop } | Should -Throw -ErrorId 'ExtensionNotRecorded,*'
        { Import-Recording @common -CallId x2 -Extension 4600 -ErrorAction Stop } | Should -Throw -ErrorId 'RecordingNotAuthorised,*'
        $err = $null
        Import-Recording @common -CallId x2 -Extension 4600 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -Match '^Clause 2\.1:'
        Get-Recording | Should -BeNullOrEmpty
    }

    It 'skips the same call with a warning and refuses the same CallId with other content' {
        New-TestWav (Join-Path $TestDrive 'a.wav') 0.2 440
        New-TestWav (Join-Path $TestDrive 'b.wav') 0.2 300
        $common = @{ CallId = 'c-1'; Extension = '4521'; StartTime = [datetime]::UtcNow.AddDays(-1); Direction = 'Inbound' }
        Import-Recording @common -Path (Join-Path $TestDrive 'a.wav') | Should -HaveCount 1
        Import-Recording @common -Path (Join-Path $TestDrive 'a.wav') -WarningVariable warned 3>$null | Should -BeNullOrEmpty
        $warned | Should -Match 'already in the store'
        { Import-Recording @common -Path (Join-Path $TestDrive 'b.wav') -ErrorAction Stop } | Should -Throw -ErrorId 'DuplicateCallId,*'
        Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Should -HaveCount 1
    }

    It 'fails closed without the master key' {
        New-TestWav (Join-Path $TestDrive 'a.wav')
        Move-Item $store.KeyPath "$($store.KeyPath).away"
        $result = Invoke-FreshPwsh @"
Import-Module '$Manifest'
Connect-RecordingStore '$($store.Path)' -Identity 'admin@uni.test'
try { Import-Recording -Path '$TestDrive/a.wav' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }
(Get-RecordingStore).Recordings
"@
        $result.Output[0] | Should -BeLike 'EncryptionKeyUnavailable,*'
        $result.Output[1] | Should -Be '0'
    }
}

Describe 'Get-Recording' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $i = 0
        foreach ($number in '07700 900123', '+44 7700 900123', '447700900123', '0151 794 2000') {
            $i++
            Copy-Item (Join-Path $TestDrive 'a.wav') (Join-Path $TestDrive "n$i.wav")
            Add-Content (Join-Path $TestDrive "n$i.wav") -Value $i -NoNewline
            Import-Recording -Path (Join-Path $TestDrive "n$i.wav") -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-$i)) -Direction Inbound -RemoteNumber $number -Agent "UNI\agent$($i % 2)" | Out-Null
        }
    }

    It 'finds the same calls whatever form the number is written in' {
        foreach ($form in '07700 900123', '+447700900123', '44 7700 900 123') {
            (Get-Recording -RemoteNumber $form).CallId | Sort-Object | Should -Be @('n1', 'n2', 'n3') -Because $form
        }
    }

    It 'pages with -First and -Skip and filters by agent and time' {
        (Get-Recording -First 2).Count | Should -Be 2
        (Get-Recording -Skip 3).CallId | Should -Be 'n1'
        $total = Get-Recording -First 1 -IncludeTotalCount | Select-Object -Last 1
        [long]$total.psobject.BaseObject | Should -Be 4
        (Get-Recording -Agent 'UNI\agent0').CallId | Sort-Object | Should -Be @('n2', 'n4')
        (Get-Recording -After ([datetime]::UtcNow.AddDays(-2.5))).CallId | Sort-Object | Should -Be @('n1', 'n2')
    }

    It 'shows a member of staff only the areas they are nominated for' {
        Get-Recording -Store (Get-StoreAs $store 'nobody@uni.test') | Should -BeNullOrEmpty
        Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play -Reason 'r' | Out-Null
        (Get-Recording -Store (Get-StoreAs $store 'sup@uni.test')).Count | Should -Be 4
    }
}

Describe 'Reaching and removing content' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav') 1
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId 'c-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound
        Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play, Download, Copy, Delete -Reason 'supervisor' | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
    }

    It 'saves the original audio for a purpose, and refuses a tampered file' {
        $out = Join-Path $TestDrive 'out'
        New-Item -ItemType Directory $out | Out-Null
        $file = Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination $out -Purpose Training -Reason 'coaching'
        $file.Name | Should -Be "c-1_$($rec.RecordingId).wav"
        (Get-FileHash $file.FullName).Hash | Should -Be (Get-FileHash (Join-Path $TestDrive 'a.wav')).Hash
        $stored = Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -Filter '*.crec' | Select-Object -First 1
        $bytes = [IO.File]::ReadAllBytes($stored.FullName); $bytes[200] = $bytes[200] -bxor 1; [IO.File]::WriteAllBytes($stored.FullName, $bytes)
        { Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'tampered.wav') -Purpose Training -Reason 'again' -ErrorAction Stop } |
            Should -Throw -ErrorId 'RecordingIntegrityFailed,*'
        Test-Path (Join-Path $TestDrive 'tampered.wav') | Should -BeFalse
        (Test-RecordingStore -Deep | Where-Object Check -eq RecordingIntegrity | Select-Object -First 1).Severity | Should -Be 'Error'
    }

    It 'copies the encrypted file with a manifest' {
        Copy-Recording -Store $sup -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'case') -Purpose StaffProtection -Reason 'HR-77' | Out-Null
        $manifest = Get-Content (Join-Path $TestDrive "case/$($rec.RecordingId).crec.json") -Raw | ConvertFrom-Json
        $manifest.originalSha256 | Should -Be $rec.Sha256
        $manifest.encryptedSha256 | Should -Be (Get-FileHash (Join-Path $TestDrive "case/$($rec.RecordingId).crec")).Hash.ToLower()
        $manifest.reason | Should -Be 'HR-77'
    }

    It 'never removes a held recording, and removes it once the hold is released by two people' {
        Add-RecordingRole -Principal 'dpo@uni.test' -Role DataProtectionOfficer | Out-Null
        $hold = New-LegalHold -CaseReference 'C-1' -Kind Complaint -Reason 'complaint'
        Get-Recording -RecordingId $rec.RecordingId | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        { Remove-Recording -Store $sup -RecordingId $rec.RecordingId -Purpose DisputeOrComplaint -Reason 'x' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'RecordingOnLegalHold,*'
        Remove-LegalHold -HoldId $hold.HoldId -Reason 'complaint closed' -Confirm:$false -WarningAction SilentlyContinue | Out-Null
        { Remove-LegalHold -HoldId $hold.HoldId -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'SecondPrincipalRequired,*'
        (Get-Recording -RecordingId $rec.RecordingId).OnHold | Should -BeTrue
        (Remove-LegalHold -Store (Get-StoreAs $store 'dpo@uni.test') -HoldId $hold.HoldId -Confirm:$false).Status | Should -Be 'Released'
        Remove-Recording -Store $sup -RecordingId $rec.RecordingId -Purpose DisputeOrComplaint -Reason 'recorded in error' -Confirm:$false
        (Get-Recording -RecordingId $rec.RecordingId).State | Should -Be 'Deleted'
        Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Should -BeNullOrEmpty
        (Get-AccessLog -RecordingId $rec.RecordingId).Outcome | Should -Be @('Refused', 'Allowed')
    }
}

Describe 'Invoke-RetentionPurge' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        $export = Join-Path $TestDrive ('export-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
    }

    It 'forecasts without deleting, then deletes what expired except what is held' {
        $manifest = New-RecorderExport $export 6 -DaysAgo 100
        $recs = Import-Recording -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddDays(-99))) -ManifestPath $manifest
        New-TestWav (Join-Path $TestDrive 'fresh.wav')
        Import-Recording -Path (Join-Path $TestDrive 'fresh.wav') -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-5)) -Direction Inbound | Out-Null
        $hold = New-LegalHold -CaseReference 'LEGAL-1' -Kind Legal -Reason 'claim'
        $recs[0] | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null

        $forecast = Invoke-RetentionPurge -AsOf ([datetime]::UtcNow.AddYears(1))
        $forecast.Forecast | Should -BeTrue
        $forecast.Candidates | Should -Be 7
        $forecast.SkippedOnHold | Should -Be 1
        (Get-Recording).Count | Should -Be 7
        (Invoke-RetentionPurge -WhatIf).Purged | Should -Be 5
        (Get-Recording).Count | Should -Be 7

        $summary = Invoke-RetentionPurge
        $summary.Forecast | Should -BeFalse
        $summary.Purged | Should -Be 5
        $summary.SkippedOnHold | Should -Be 1
        $summary.BytesFreed | Should -BeGreaterThan 0
        (Get-Recording).CallId | Should -Be @('call-1', 'fresh')
        (Get-AuditEvent -Action DeleteRecording).Count | Should -Be 5
    }

    It 'converges after being killed mid-run, leaving nothing orphaned' {
        New-TestWav (Join-Path $TestDrive 'seed.wav')
        $seed = Import-Recording -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddDays(-199))) -Path (Join-Path $TestDrive 'seed.wav') -CallId seed -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-200)) -Direction Inbound
        Add-ExpiredCopies $store $seed.RecordingId 12000
        $script = Join-Path $TestDrive 'purge.ps1'
        Set-Content $script "Import-Module '$Manifest'; Connect-RecordingStore '$($store.Path)' -Identity 'admin@uni.test'; Invoke-RetentionPurge | Out-Null; 'finished'"
        $process = Start-FreshPwsh -ScriptFile $script
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while ([int](Invoke-StoreSql $store "SELECT count(*) FROM recording WHERE state = 'Deleted'" -Scalar) -lt 600 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $process.Kill($true)
        $process.WaitForExit()
        $left = [int](Invoke-StoreSql $store "SELECT count(*) FROM recording WHERE state IN ('Active', 'PendingDelete')" -Scalar)
        $left | Should -BeGreaterThan 0 -Because 'the run was killed before it finished'

        $summary = Invoke-RetentionPurge
        ($summary | Measure-Object Purged -Sum).Sum | Should -Be $left
        Invoke-StoreSql $store "SELECT count(*) FROM recording WHERE state <> 'Deleted'" -Scalar | Should -Be 0
        Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Should -BeNullOrEmpty
        (Get-AuditEvent -Action DeleteRecording).Count | Should -Be 12001
        Test-RecordingStore | Where-Object Severity -ne 'Ok' | Should -BeNullOrEmpty
    }

    It 'never double-deletes or fails when two runs go at once' {
        New-TestWav (Join-Path $TestDrive 'seed.wav')
        $seed = Import-Recording -Store (Get-StoreAt $store ([datetimeoffset]::UtcNow.AddDays(-199))) -Path (Join-Path $TestDrive 'seed.wav') -CallId seed -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-200)) -Direction Inbound
        Add-ExpiredCopies $store $seed.RecordingId 3000
        $script = Join-Path $TestDrive 'purge2.ps1'
        Set-Content $script "`$ErrorActionPreference = 'Stop'; Import-Module '$Manifest'; Connect-RecordingStore '$($store.Path)' -Identity 'admin@uni.test'; (Invoke-RetentionPurge | Measure-Object Purged -Sum).Sum"
        $a = Start-FreshPwsh -ScriptFile $script
        $b = Start-FreshPwsh -ScriptFile $script
        $outA = $a.StandardOutput.ReadToEnd(); $errA = $a.StandardError.ReadToEnd(); $a.WaitForExit()
        $outB = $b.StandardOutput.ReadToEnd(); $errB = $b.StandardError.ReadToEnd(); $b.WaitForExit()
        $a.ExitCode | Should -Be 0 -Because $errA
        $b.ExitCode | Should -Be 0 -Because $errB
        ([int]$outA.Trim() + [int]$outB.Trim()) | Should -Be 3001
        (Get-AuditEvent -Action DeleteRecording).Count | Should -Be 3001
        Test-AuditChain -Quiet | Should -BeTrue
        Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File | Should -BeNullOrEmpty
    }
}
