# Issue 11: the authenticated .crec header (format 2), Update-RecordingFormat for format-1 files (with kill -9 between
# its steps), and what Test-RecordingStore now reports: format-1 files (-Deep), stray files and folders, a changed schema.
BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')

    function Get-EngineType([object] $Store, [string] $Name) { $Store.GetType().Assembly.GetType($Name, $true) }

    function Get-StoredFile([object] $Store, [string] $RecordingId) {
        $shard = (Get-EngineType $Store 'CallRecordingAdmin.Engine.Store.Ids')::Shard($RecordingId)
        Join-Path $Store.Path "recordings/$shard/$RecordingId.crec"
    }

    # Rewrites a stored file in format 1, as the module wrote it before issue 11 (through the engine's internal Reseal).
    function ConvertTo-Format1([object] $Store, [object] $Recording) {
        $cipher = Get-EngineType $Store 'CallRecordingAdmin.Engine.Recordings.RecordingCipher'
        $reseal = $cipher.GetMethod('Reseal', [Reflection.BindingFlags]'NonPublic,Static')
        $key = (Get-EngineType $Store 'CallRecordingAdmin.Engine.Store.MasterKey')::Read($Store.KeyPath)
        $file = Get-StoredFile $Store $Recording.RecordingId
        $source = [IO.File]::OpenRead($file); $target = [IO.File]::Create("$file.v1")
        try { $null = $reseal.Invoke($null, @($source, $target, $Recording.RecordingId, $key, $Recording.Sha256, $Store.KeyFingerprint, 1, $null)) }
        finally { $source.Dispose(); $target.Dispose() }
        Move-Item "$file.v1" $file -Force
    }

    function Get-FileHashes([object] $Store) {
        Get-ChildItem (Join-Path $Store.Path 'recordings') -Recurse -File | Sort-Object FullName | ForEach-Object { "$($_.Name)=$((Get-FileHash $_.FullName).Hash)" }
    }

    function New-StoreWithRecordings([int] $Count, [int] $Format1) {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        $manifest = New-RecorderExport (Join-Path $TestDrive ('export-' + [guid]::NewGuid().ToString('N').Substring(0, 6))) $Count
        $recs = @(Import-Recording -ManifestPath $manifest)
        $recs | Select-Object -First $Format1 | ForEach-Object { ConvertTo-Format1 $store $_ }
        [pscustomobject]@{ Store = $store; Recordings = $recs; Format1 = @($recs | Select-Object -First $Format1) }
    }

    # Runs Update-RecordingFormat in a new pwsh that pauses at a fault point; kills it there with SIGKILL.
    function Invoke-KilledUpgrade([object] $Store, [string] $Point) {
        $signal = Join-Path $TestDrive "signal-$Point"
        $script = Join-Path $TestDrive "upgrade-$Point.ps1"
        Set-Content $script @"
Import-Module '$script:Manifest'
Connect-RecordingStore -Path '$($Store.Path)' -Identity 'admin@uni.test'
Update-RecordingFormat -BatchSize 2 | Out-Null
"@
        $env:CALLRECORDINGADMIN_PAUSE_AT = $Point; $env:CALLRECORDINGADMIN_PAUSE_SIGNAL = $signal
        try { $process = Start-FreshPwsh -ScriptFile $script }
        finally { Remove-Item Env:CALLRECORDINGADMIN_PAUSE_AT, Env:CALLRECORDINGADMIN_PAUSE_SIGNAL }
        $deadline = [datetime]::UtcNow.AddMinutes(4)
        while (-not (Test-Path $signal) -and -not $process.HasExited -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $reached = Test-Path $signal
        $output = if ($process.HasExited) { $process.StandardError.ReadToEnd() + $process.StandardOutput.ReadToEnd() } else { '' }
        if (-not $process.HasExited) { $process.Kill(); $process.WaitForExit() }
        $reached | Should -BeTrue -Because "the upgrade pauses at $Point before it is killed: $output"
    }
}

Describe 'Format 2: the whole .crec header is authenticated' {
    It 'new recordings are format 2, and a changed header field is caught by -Deep and refused by Save-Recording' {
        $s = New-StoreWithRecordings 3 0
        $store = $s.Store
        Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play, Download -Reason 'r' | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
        $file = Get-StoredFile $store $s.Recordings[0].RecordingId
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($file), 0, 8) | Should -Be 'CRAREC02'
        $deep = Test-RecordingStore -Deep
        $deep | Where-Object Severity -ne Ok | ForEach-Object { "$($_.Check): $($_.Message)" } | Should -BeNullOrEmpty
        ($deep | Where-Object Check -eq RecordingFormatOutdated).Message | Should -BeLike 'All 3 verified recordings are in format 2*'

        # change one character of the algorithm field, in place (same length): format 1 never noticed this
        $bytes = [IO.File]::ReadAllBytes($file)
        $text = [Text.Encoding]::ASCII.GetString($bytes, 0, 400)
        $at = $text.IndexOf('AES-256-GCM') + 4
        $bytes[$at] = [byte][char]'1'
        [IO.File]::WriteAllBytes($file, $bytes)
        $finding = Test-RecordingStore -Deep | Where-Object { $_.Check -eq 'RecordingIntegrity' -and $_.Target -eq $s.Recordings[0].RecordingId }
        $finding.Severity | Should -Be 'Error'
        { Save-Recording -Store $sup -RecordingId $s.Recordings[0].RecordingId -Destination (Join-Path $TestDrive 'x.wav') -Purpose Training -Reason 'r' -ErrorAction Stop } |
            Should -Throw -ErrorId 'RecordingIntegrityFailed,*'
        Test-Path (Join-Path $TestDrive 'x.wav') | Should -BeFalse

        # another recording's file under this recording's name
        Copy-Item (Get-StoredFile $store $s.Recordings[2].RecordingId) (Get-StoredFile $store $s.Recordings[1].RecordingId) -Force
        (Test-RecordingStore -Deep | Where-Object { $_.Check -eq 'RecordingIntegrity' -and $_.Target -eq $s.Recordings[1].RecordingId }).Severity | Should -Be 'Error'
        { Save-Recording -Store $sup -RecordingId $s.Recordings[1].RecordingId -Destination (Join-Path $TestDrive 'y.wav') -Purpose Training -Reason 'r' -ErrorAction Stop } |
            Should -Throw -ErrorId 'RecordingIntegrityFailed,*'
    }
}

Describe 'Update-RecordingFormat' {
    It '-Deep reports format-1 files; -WhatIf changes nothing; the upgrade rewrites them in batches, one audit event each' {
        $s = New-StoreWithRecordings 5 3
        $before = Test-RecordingStore -Deep
        $outdated = @($before | Where-Object { $_.Check -eq 'RecordingFormatOutdated' -and $_.Severity -eq 'Warning' })
        @($outdated.Target | Sort-Object) | Should -Be @($s.Format1.RecordingId | Sort-Object)
        $outdated | ForEach-Object { $_.Message | Should -BeLike '*header not authenticated (format 1)*' }
        Test-RecordingStore -Quiet | Should -BeTrue -Because 'without -Deep the files are not read'

        $hashes = Get-FileHashes $s.Store
        $events = (Get-RecordingStore).AuditEvents
        Update-RecordingFormat -WhatIf | Should -BeNullOrEmpty
        Get-FileHashes $s.Store | Should -Be $hashes
        (Get-RecordingStore).AuditEvents | Should -Be $events

        { Update-RecordingFormat -Store (Get-StoreAs $s.Store 'nobody@uni.test') -ErrorAction Stop } | Should -Throw -ErrorId 'AccessDenied,*'

        $changes = @(Update-RecordingFormat -BatchSize 2 -Confirm:$false)
        @($changes.RecordingId | Sort-Object) | Should -Be @($s.Format1.RecordingId | Sort-Object)
        $changes | ForEach-Object { $_.FormatBefore | Should -Be 1; $_.FormatAfter | Should -Be 2 }
        $changes[0].PSObject.TypeNames[0] | Should -Be 'CallRecordingAdmin.Engine.Recordings.RecordingFormatChange'
        @(Get-AuditEvent -Action UpgradeRecordingFormat).Count | Should -Be 2
        Test-RecordingStore -Deep -Quiet | Should -BeTrue
        Update-RecordingFormat | Should -BeNullOrEmpty
    }

    It 'killed (kill -9) after writing the new files or after renaming them, it leaves every recording readable and a rerun finishes' {
        $s = New-StoreWithRecordings 4 4
        Invoke-KilledUpgrade $s.Store 'upgrade.before-rename'
        $left = @(Get-ChildItem (Join-Path $s.Store.Path 'recordings') -Recurse -Filter '*.upgrading')
        $left.Count | Should -BeGreaterThan 0
        $findings = Test-RecordingStore -Deep
        ($findings | Where-Object Check -eq RecordingIntegrity | Where-Object Severity -ne Ok) | Should -BeNullOrEmpty
        @($findings | Where-Object { $_.Check -eq 'OrphanFile' }).Target | Should -Contain $left[0].FullName
        @(Update-RecordingFormat -BatchSize 2).Count | Should -Be 4
        Get-ChildItem (Join-Path $s.Store.Path 'recordings') -Recurse -Filter '*.upgrading' | Should -BeNullOrEmpty
        Test-RecordingStore -Deep -Quiet | Should -BeTrue

        $t = New-StoreWithRecordings 4 4
        Invoke-KilledUpgrade $t.Store 'upgrade.after-rename'
        Connect-RecordingStore -Path $t.Store.Path -Identity 'admin@uni.test'
        (Test-RecordingStore -Deep | Where-Object Check -eq RecordingIntegrity | Where-Object Severity -ne Ok) | Should -BeNullOrEmpty
        @(Update-RecordingFormat -BatchSize 2).Count | Should -Be 2 -Because 'the first batch was renamed before the kill'
        Test-RecordingStore -Deep -Quiet | Should -BeTrue
    }
}

Describe 'Test-RecordingStore: stray entries and the schema' {
    It 'names each file or folder the store does not write, and never deletes it' {
        $store = New-TestStore
        Test-RecordingStore | Where-Object Check -eq StrayStoreEntry | ForEach-Object Severity | Should -Be 'Ok'
        $stray = Join-Path $store.Path 'copy-of-policy.db'
        Set-Content $stray 'x'
        New-Item -ItemType Directory (Join-Path $store.Path 'recordings/zz-not-a-shard') | Out-Null
        $found = @(Test-RecordingStore | Where-Object { $_.Check -eq 'StrayStoreEntry' -and $_.Severity -eq 'Warning' })
        @($found.Target | Sort-Object) | Should -Be @($stray, (Join-Path $store.Path 'recordings/zz-not-a-shard') | Sort-Object)
        Test-RecordingStore -Quiet | Should -BeFalse
        Test-Path $stray | Should -BeTrue
    }

    It 'reports a trigger dropped or an index added outside the module, by name' {
        $store = New-TestStore
        Test-RecordingStore | Where-Object Check -eq StoreSchemaMismatch | ForEach-Object Severity | Should -Be 'Ok'
        Invoke-StoreSql $store 'DROP TRIGGER audit_event_no_delete; CREATE INDEX shadow_index ON audit_event(details)'
        $found = @(Test-RecordingStore | Where-Object { $_.Check -eq 'StoreSchemaMismatch' })
        @($found.Target | Sort-Object) | Should -Be @('audit_event_no_delete', 'shadow_index')
        $found | ForEach-Object { $_.Severity | Should -Be 'Error' }
    }
}
