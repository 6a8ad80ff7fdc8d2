BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    function ErrorIdOf($e) { ($e.FullyQualifiedErrorId -split ',')[0] }
    function Get-Sha([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
    function Get-Head([string] $Path, [int] $Count = 16) { [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($Path), 0, $Count) }
    function Get-AccessRows([object] $Store) { [long](Invoke-StoreSql $Store 'SELECT count(*) FROM access_log' -Scalar) }
}

# Review finding F1: every file written for a user went through "<dest>.partial", "<dest>.tmp" or a side file opened with
# FileMode.Create, which follows a link planted there, so a link into the store made an export overwrite the policy database.
Describe 'A link planted beside an export never redirects a write into the store (F1)' -Skip:($IsWindows) {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId 'link-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -RemoteNumber '07700 900123'
        Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
        Add-RecordingRole -Principal 'dpo@uni.test' -Role DataProtectionOfficer | Out-Null
        Grant-RecordingAccess -Principal 'dpo@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download, Copy -Reason 'case work' | Out-Null
        $hold = New-LegalHold -CaseReference 'L-1' -Kind Legal -Reason 'links'
        $rec | Add-LegalHoldRecording -HoldId $hold.HoldId | Out-Null
        $sar = New-SubjectAccessRequest -Reference 'SAR-L' -SubjectName 'Alex' -PhoneNumber '07700 900123' -ReceivedOn ([datetime]::Today)
        $db = Join-Path $store.Path 'policy.db'
        # a canary inside the store: a link to it must leave it byte for byte as it was
        $canary = Join-Path $store.Path 'canary.bin'
        [System.IO.File]::WriteAllBytes($canary, [byte[]](1..200))
        $canarySha = Get-Sha $canary
        $script:n = 0
        function New-Out { $script:n++; $o = Join-Path $TestDrive "out$($script:n)"; New-Item -ItemType Directory $o | Out-Null; $o }
        function Plant([string] $Link, [string] $Target) { New-Item -ItemType SymbolicLink -Path $Link -Target $Target | Out-Null }
        function Assert-StoreIntact {
            Get-Sha $canary | Should -Be $canarySha
            Get-Head $db | Should -Be "SQLite format 3`0"
            (Test-RecordingStore | Where-Object Check -eq 'DatabaseIntegrity').Severity | Should -Be 'Ok'
            Test-AuditChain -Quiet | Should -BeTrue
            Get-ChildItem -LiteralPath $store.Path -File | Where-Object Name -notmatch '^(policy\.db(-wal|-shm)?|master\.key|import\.lock|canary\.bin)$' | Should -BeNullOrEmpty
        }
    }

    It 'Save-Recording: links at x.wav.partial (to policy.db) and at x.wav.tmp leave the store intact and write real audio' {
        $o = New-Out
        Plant "$o/x.wav.partial" $db
        Plant "$o/x.wav.tmp" $canary
        Save-Recording -Store (Get-StoreAs $store 'dpo@uni.test') -RecordingId $rec.RecordingId -Destination "$o/x.wav" -Purpose DisputeOrComplaint -Reason 'F1' | Out-Null
        Get-Head "$o/x.wav" 4 | Should -Be 'RIFF'
        (Get-Item "$o/x.wav").LinkType | Should -BeNullOrEmpty
        Get-Sha "$o/x.wav" | Should -Be (Get-Sha (Join-Path $TestDrive 'a.wav'))
        Assert-StoreIntact
    }

    It 'Save-Recording -Force onto a link into the store is refused and logged; the link target is untouched' {
        $o = New-Out
        Plant "$o/y.wav" $canary
        $before = Get-AccessRows $store
        { Save-Recording -Store (Get-StoreAs $store 'dpo@uni.test') -RecordingId $rec.RecordingId -Destination "$o/y.wav" -Purpose Training -Reason 'F1' -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'DestinationInsideStore,*'
        Get-AccessRows $store | Should -Be ($before + 1)
        Assert-StoreIntact
    }

    It 'Export-AccessLog (an Auditor): a link at log.csv.partial leaves policy.db intact; the CSV is written' {
        $o = New-Out
        Plant "$o/log.csv.partial" $db
        Export-AccessLog -Store (Get-StoreAs $store 'auditor@uni.test') -Path "$o/log.csv" | Out-Null
        (Import-Csv "$o/log.csv").Count | Should -BeGreaterThan 0
        (Get-Item "$o/log.csv").LinkType | Should -BeNullOrEmpty
        Assert-StoreIntact
    }

    It 'Export-AuditCheckpoint: a link at cp.json.tmp leaves policy.db intact; the checkpoint verifies' {
        $o = New-Out
        Plant "$o/cp.json.tmp" $db
        Plant "$o/cp.json.partial" $canary
        Export-AuditCheckpoint -Store (Get-StoreAs $store 'auditor@uni.test') -Path "$o/cp.json" | Out-Null
        (Get-Content "$o/cp.json" -Raw | ConvertFrom-Json).format | Should -Be 'CallRecordingAdmin.AuditCheckpoint/1'
        Test-AuditChain -Checkpoint "$o/cp.json" -Quiet | Should -BeTrue
        Assert-StoreIntact
    }

    It 'Export-ComplianceReport: a link at r.html.partial leaves policy.db intact; the report is written' {
        $o = New-Out
        Plant "$o/r.html.partial" $db
        Export-ComplianceReport -Store (Get-StoreAs $store 'auditor@uni.test') -Path "$o/r.html" | Out-Null
        Get-Content "$o/r.html" -Raw | Should -Match '<!DOCTYPE html>'
        Assert-StoreIntact
    }

    It 'Copy-Recording: links at <id>.crec.partial and <id>.crec.json leave the store intact (written or refused)' {
        $o = New-Out
        Plant "$o/$($rec.RecordingId).crec.partial" $db
        Plant "$o/$($rec.RecordingId).crec.json" $canary
        Copy-Recording -Store (Get-StoreAs $store 'dpo@uni.test') -RecordingId $rec.RecordingId -Destination $o -Purpose DisputeOrComplaint -Reason 'F1' -ErrorAction SilentlyContinue -ErrorVariable errs | Out-Null
        # every path Copy writes is checked before any is written: the link at .crec.json is refused and no copy is left
        ErrorIdOf $errs[0] | Should -Be 'DestinationInsideStore'
        Test-Path "$o/$($rec.RecordingId).crec" | Should -BeFalse
        Assert-StoreIntact
    }

    It 'Export-LegalHold: links at the manifests leave the store intact (written or refused)' {
        $o = New-Out
        foreach ($name in 'manifest.json', 'manifest.csv', 'manifest.sha256', 'manifest.json.tmp') { Plant "$o/$name" $canary }
        Export-LegalHold -Store (Get-StoreAs $store 'dpo@uni.test') -HoldId $hold.HoldId -Destination $o -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
        Assert-StoreIntact
    }

    It 'Export-LegalHold: a link at the audio file''s .partial name leaves the store intact; the audio and manifests are written' {
        $o = New-Out
        $firstFolder = New-Out
        Export-LegalHold -Store (Get-StoreAs $store 'dpo@uni.test') -HoldId $hold.HoldId -Destination $firstFolder -Confirm:$false | Out-Null
        $wav = Get-ChildItem -LiteralPath $firstFolder -Filter *.wav | Select-Object -First 1
        $wav | Should -Not -BeNullOrEmpty
        Plant (Join-Path $o ($wav.Name + '.partial')) $db
        Export-LegalHold -Store (Get-StoreAs $store 'dpo@uni.test') -HoldId $hold.HoldId -Destination $o -Confirm:$false | Out-Null
        Get-Sha (Join-Path $o $wav.Name) | Should -Be (Get-Sha $wav.FullName)
        (Get-Item (Join-Path $o $wav.Name)).LinkType | Should -BeNullOrEmpty
        Test-Path (Join-Path $o 'manifest.sha256') | Should -BeTrue
        Assert-StoreIntact
    }

    It 'Export-SubjectAccessRequest: a link at index.csv leaves the store intact (written or refused)' {
        $o = New-Out
        Plant "$o/index.csv" $canary
        Plant "$o/index.csv.partial" $db
        Export-SubjectAccessRequest -Store (Get-StoreAs $store 'dpo@uni.test') -RequestId $sar.RequestId -Destination $o -ErrorAction SilentlyContinue | Out-Null
        Assert-StoreIntact
    }

    It 'Backup-RecordingStore: a link in the destination is refused (not an empty folder); a backup elsewhere is owner-only and opens' {
        $o = New-Out
        Plant "$o/policy.db" $db
        { Backup-RecordingStore -Destination $o -ErrorAction Stop } | Should -Throw -ErrorId 'BackupDestinationNotEmpty,*'
        $b = Join-Path $TestDrive 'backup-ok'
        $result = Backup-RecordingStore -Destination $b
        Get-Head (Join-Path $b 'policy.db') | Should -Be "SQLite format 3`0"
        Get-ChildItem -LiteralPath $b -File | Where-Object Name -like '*.partial' | Should -BeNullOrEmpty
        if (-not $IsWindows) { (Get-Item (Join-Path $b 'manifest.json')).UnixFileMode | Should -Be ([System.IO.UnixFileMode]'UserRead, UserWrite') }
        Assert-StoreIntact
    }
}

# Review finding F8: refusals of a content access (a bad -Reason, an existing file without -Force) and of an import (no manifest)
# were thrown before the logged access, so they left no trace.
Describe 'Every refused access and import is in the access log (F8)' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId 'ref-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound
        Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'nominated' | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
    }

    It 'Save-Recording with <Name> is refused <Id> and logged with the recording, purpose and a printable reason' -ForEach @(
        @{ Name = 'a 5,000-character reason'; Reason = ('x' * 5000); Id = 'TextInvalid' }
        @{ Name = 'a bidirectional override in the reason'; Reason = "ok$([char]0x202E)gnp"; Id = 'TextInvalid' }
        @{ Name = 'a blank reason'; Reason = '   '; Id = 'ReasonRequired' }
    ) {
        $before = Get-AccessRows $store
        { Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'r.wav') -Purpose Training -Reason $Reason -ErrorAction Stop } | Should -Throw -ErrorId "$Id,*"
        Get-AccessRows $store | Should -Be ($before + 1)
        $row = Invoke-StoreSql $store "SELECT outcome || '|' || principal || '|' || recording_id || '|' || coalesce(purpose,'') || '|' || coalesce(reason,'') || '|' || detail FROM access_log ORDER BY rowid DESC LIMIT 1" -Scalar
        $row | Should -Match "^Refused\|sup@uni\.test\|$($rec.RecordingId)\|Training\|"
        $row | Should -Match "\|$Id"
        $row | Should -Not -Match ([char]0x202E)
        Test-Path (Join-Path $TestDrive 'r.wav') | Should -BeFalse
    }

    It 'Save-Recording to an existing file without -Force is refused FileExists and logged; the file is unchanged' {
        $existing = Join-Path $TestDrive 'exists.wav'
        Set-Content $existing 'keep me'
        $before = Get-AccessRows $store
        { Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination $existing -Purpose Training -Reason 'exists' -ErrorAction Stop } | Should -Throw -ErrorId 'FileExists,*'
        Get-AccessRows $store | Should -Be ($before + 1)
        Invoke-StoreSql $store "SELECT outcome || '|' || detail FROM access_log ORDER BY rowid DESC LIMIT 1" -Scalar | Should -Match '^Refused\|FileExists'
        Get-Content $existing | Should -Be 'keep me'
    }

    It 'Import-Recording with a missing manifest is refused ManifestNotFound and logged as a refused import (not under -WhatIf)' {
        $missing = Join-Path $TestDrive 'nope/manifest.csv'
        $before = Get-AccessRows $store
        Import-Recording -ManifestPath $missing -WhatIf -ErrorAction SilentlyContinue -ErrorVariable errs
        ErrorIdOf $errs[0] | Should -Be 'ManifestNotFound'
        Get-AccessRows $store | Should -Be $before
        Import-Recording -ManifestPath $missing -ErrorAction SilentlyContinue -ErrorVariable errs
        ErrorIdOf $errs[0] | Should -Be 'ManifestNotFound'
        Get-AccessRows $store | Should -Be ($before + 1)
        Invoke-StoreSql $store "SELECT action || '|' || outcome || '|' || detail FROM access_log ORDER BY rowid DESC LIMIT 1" -Scalar | Should -Match '^Import\|Refused\|.*ManifestNotFound'
        Test-AuditChain -Quiet | Should -BeTrue
    }
}

# Review finding F6: a value the module never writes (a timestamp edited with sqlite3) made Test-RecordingStore and Get-Recording throw.
Describe 'A row edited outside the module fails alone (F6)' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $good = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId 'edit-good' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-2)) -Direction Inbound
        New-TestWav (Join-Path $TestDrive 'b.wav') 0.3
        $bad = Import-Recording -Path (Join-Path $TestDrive 'b.wav') -CallId 'edit-bad' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound
        Invoke-StoreSql $store "UPDATE recording SET expires_at = '2036-01-01T00:00:00Z' WHERE id = '$($bad.RecordingId)'"
    }

    It 'Test-RecordingStore -Deep reports the row as an Error finding and checks the rest' {
        $findings = Test-RecordingStore -Deep
        $f = $findings | Where-Object Check -eq 'StoredValueInvalid'
        $f | Should -HaveCount 1
        $f.Severity | Should -Be 'Error'
        $f.Target | Should -Be $bad.RecordingId
        $f.Message | Should -Match '2036-01-01T00:00:00Z'
        ($findings | Where-Object Check -eq 'DatabaseIntegrity').Severity | Should -Be 'Ok'
    }

    It 'Get-Recording writes a per-row StoredValueInvalid error and still returns the other rows' {
        $rows = Get-Recording -ErrorAction SilentlyContinue -ErrorVariable errs
        $rows.RecordingId | Should -Be @($good.RecordingId)
        $errs | Should -HaveCount 1
        ErrorIdOf $errs[0] | Should -Be 'StoredValueInvalid'
        $errs[0].TargetObject | Should -Be $bad.RecordingId
    }
}
