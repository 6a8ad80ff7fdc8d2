BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    # The engine's ErrorId catalogue, read from the engine the module loaded (it lives in the module's own load context).
    function Get-ErrorCatalogue {
        $engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'CallRecordingAdmin.Engine' } | Select-Object -First 1
        $engine.GetType('CallRecordingAdmin.Engine.Policy.ErrorIds', $true)::All
    }
}

Describe 'The ErrorId catalogue as users see it' {
    BeforeAll {
        $store = New-TestStore
        $catalogue = @(Get-ErrorCatalogue)
    }

    It 'about_CallRecordingAdmin_Errors lists every catalogued ErrorId with its category and clause' {
        $catalogue.Count | Should -BeGreaterThan 90
        $help = Get-Help about_CallRecordingAdmin_Errors | Out-String
        foreach ($e in $catalogue) {
            $clause = if ($e.Clause) { $e.Clause } else { 'none' }
            $help | Should -Match ("(?m)^\s+" + $e.Id + "\s*\r?\n\s+Category: " + $e.Kind + "\s+Clause: " + [regex]::Escape($clause))
        }
    }

    It 'a refusal carries the category its catalogue entry gives' {
        $null = New-ServiceArea 'Too Long' -RetentionMonths 13 -ErrorVariable tooLong -ErrorAction SilentlyContinue
        $null = Remove-RecordingRole -Principal 'nobody@uni.test' -Role Auditor -Confirm:$false -ErrorVariable notAssigned -ErrorAction SilentlyContinue
        foreach ($err in @($tooLong[0], $notAssigned[0])) {
            $id = $err.FullyQualifiedErrorId.Split(',')[0]
            $entry = $catalogue | Where-Object Id -eq $id
            $entry | Should -Not -BeNullOrEmpty -Because "$id must be catalogued"
            "$($err.CategoryInfo.Category)" | Should -Be "$($entry.Kind)"
        }
        $tooLong[0].FullyQualifiedErrorId | Should -BeLike 'RetentionExceedsPolicyMaximum,*'
    }

    It 'Test-LegalHoldExport reports a file it cannot read as FileReadFailed (ReadError), not FileWriteFailed' {
        $folder = Join-Path $TestDrive 'locked-export'
        New-Item -ItemType Directory $folder | Out-Null
        $audio = Join-Path $folder 'call.wav'
        [IO.File]::WriteAllBytes($audio, [byte[]](1, 2, 3))
        Set-Content (Join-Path $folder 'manifest.json') '{"recordings":[{"file":"call.wav","exportedSha256":"00"}]}'
        $lock = [IO.FileStream]::new($audio, 'Open', 'ReadWrite', 'None')
        try {
            { Test-LegalHoldExport -Path $folder -ErrorAction Stop } | Should -Throw -ErrorId 'FileReadFailed,*'
            try { Test-LegalHoldExport -Path $folder -ErrorAction Stop } catch { $_.CategoryInfo.Category | Should -Be 'ReadError' }
        } finally { $lock.Dispose() }
        (Test-LegalHoldExport -Path $folder | Where-Object Check -eq 'Altered').File | Should -Be $audio
    }
}
