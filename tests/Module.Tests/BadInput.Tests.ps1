BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')

    # Writes a manifest line by line (as bytes, so NUL, quotes and control characters stay exactly as given).
    function Write-Manifest([string] $Path, [string[]] $Lines) {
        $text = (@('CallId,Extension,StartTime,DurationSeconds,Direction,RemoteNumber,Agent,Path') + $Lines) -join "`n"
        [IO.File]::WriteAllBytes($Path, [Text.Encoding]::UTF8.GetBytes($text + "`n"))
        $Path
    }
}

Describe 'Import-Recording refuses what it should, row by row' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        $export = Join-Path $TestDrive ('bad-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        New-Item -ItemType Directory $export | Out-Null
    }

    It 'imports the good rows of a hostile manifest and refuses each bad one with its own ErrorId, logged' {
        foreach ($n in 'g1', 'g2', 'b') { New-TestWav (Join-Path $export "$n.wav") }
        [IO.File]::WriteAllText((Join-Path $export 'note.wav'), "not a call`n")
        [IO.File]::WriteAllBytes((Join-Path $export 'empty.wav'), [byte[]]@())
        [IO.File]::WriteAllBytes((Join-Path $export 'elf.wav'), [byte[]](@(0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0) + (, 0 * 120)))
        [IO.File]::WriteAllBytes((Join-Path $export 'stub.wav'), [IO.File]::ReadAllBytes((Join-Path $export 'b.wav'))[0..43])
        $t = [datetime]::UtcNow.AddHours(-1).ToString('o')
        $future = [datetime]::UtcNow.AddDays(1).ToString('o')
        $old = [datetime]::UtcNow.AddDays(-200).ToString('o')
        $manifest = Write-Manifest (Join-Path $export 'manifest.csv') @(
            "g1,4521,$t,,Inbound,07700 900123,UNI\a,g1.wav"
            "text,4521,$t,,Inbound,,UNI\a,note.wav"
            "empty,4521,$t,,Inbound,,UNI\a,empty.wav"
            "elf,4521,$t,,Inbound,,UNI\a,elf.wav"
            "stub,4521,$t,,Inbound,,UNI\a,stub.wav"
            "itself,4521,$t,,Inbound,,UNI\a,manifest.csv"
            "future,4521,$future,,Inbound,,UNI\a,b.wav"
            "old,4521,$old,,Inbound,,UNI\a,b.wav"
            "nan,4521,$t,NaN,Inbound,,UNI\a,b.wav"
            "long,4521,$t,1e9,Inbound,,UNI\a,b.wav"
            ('formula,4521,' + $t + ',,Inbound,"=HYPERLINK(""http://x"")",UNI\a,b.wav')
            "digits,4521,$t,,Inbound,+44770090012345678,UNI\a,b.wav"
            "rlo$([char]0x202E)vaw.exe,4521,$t,,Inbound,,UNI\a,b.wav"
            "$('x' * 300),4521,$t,,Inbound,,UNI\a,b.wav"
            "quote,4521,""$t,,Inbound,,UNI\a,b.wav"
            "nul,4521,$t,,Inbound,,UNI\a,b$([char]0).wav"
            "year,4521,9999-12-31T23:59:59Z,,Inbound,,UNI\a,b.wav"
            "g2,4521,$t,,Outbound,withheld,UNI\a,g2.wav"
        )
        $imported = Import-Recording -ManifestPath $manifest -ErrorVariable refused -ErrorAction SilentlyContinue
        $imported.CallId | Should -Be @('g1', 'g2')
        $ids = $refused | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
        $ids | Sort-Object | Should -Be (@('NotAudio', 'NotAudio', 'NotAudio', 'NotAudio', 'NotAudio', 'StartTimeInFuture', 'AlreadyExpired', 'DurationInvalid', 'DurationInvalid',
                'InvalidPhoneNumber', 'InvalidPhoneNumber', 'TextInvalid', 'TextInvalid', 'ManifestRowInvalid', 'ManifestRowInvalid', 'StartTimeInFuture') | Sort-Object)
        $refused | Where-Object { $_.Exception -isnot [System.Management.Automation.RuntimeException] -and $_.Exception.GetType().Name -ne 'PolicyException' } | Should -BeNullOrEmpty
        ($refused | Where-Object { $_.FullyQualifiedErrorId -like 'AlreadyExpired*' }).Exception.Message | Should -Match '^Clause 2\.5: '
        (Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File) | Should -HaveCount 2
        $log = @(Get-AccessLog -Action Import -Outcome Refused)
        $log | Should -HaveCount 16
        $log.Principal | Select-Object -Unique | Should -Be 'admin@uni.test'
        ($log | Where-Object Detail -like "*'elf'*NotAudio*") | Should -HaveCount 1
        Test-AuditChain -Quiet | Should -BeTrue
        (Get-Recording -RecordingId ($imported | Where-Object CallId -eq 'g2').RecordingId).RemoteNumber | Should -BeNullOrEmpty
    }

    It 'reports an empty or binary manifest as ManifestInvalid, not a .NET exception' {
        [IO.File]::WriteAllBytes((Join-Path $export 'zero.csv'), [byte[]]@())
        [IO.File]::WriteAllBytes((Join-Path $export 'bin.csv'), [byte[]](0..255))
        foreach ($m in 'zero.csv', 'bin.csv') {
            Import-Recording -ManifestPath (Join-Path $export $m) -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $e | Should -HaveCount 1
            $e[0].FullyQualifiedErrorId | Should -BeLike 'ManifestInvalid*'
        }
    }

    It 'refuses bad metadata on -Path and pipeline imports too, and writes nothing under -WhatIf' {
        New-TestWav (Join-Path $TestDrive 'p.wav')
        Import-Recording -Path (Join-Path $TestDrive 'p.wav') -CallId "a`r`nb" -Extension 4521 -StartTime ([datetime]::UtcNow.AddHours(-1)) -Direction Inbound -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'TextInvalid*'
        [pscustomobject]@{ Path = (Join-Path $TestDrive 'p.wav'); CallId = 'n'; Extension = '4521'; StartTime = [datetime]::UtcNow.AddHours(-1); Direction = 'Inbound'; DurationSeconds = 'NaN' } |
            Import-Recording -ErrorVariable e2 -ErrorAction SilentlyContinue
        $e2[0].FullyQualifiedErrorId | Should -BeLike 'DurationInvalid*'
        $manifest = Write-Manifest (Join-Path $export 'w.csv') @("q,4521,""x,,Inbound,,,p.wav")
        Import-Recording -ManifestPath $manifest -WhatIf -ErrorAction SilentlyContinue
        @(Get-AccessLog -Action Import -Outcome Refused) | Should -HaveCount 2
        Get-Recording | Should -BeNullOrEmpty
    }

    It 'keeps text within its limits on every cmdlet that stores it' {
        { New-LegalHold -CaseReference 'C-1' -Kind Legal -Reason ('r' * 2001) -ErrorAction Stop } | Should -Throw -ErrorId 'TextInvalid*'
        { New-LegalHold -CaseReference "C-$([char]0x202E)1" -Kind Legal -Reason 'r' -ErrorAction Stop } | Should -Throw -ErrorId 'TextInvalid*'
        { Grant-RecordingAccess -Principal 'x@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Play -Reason "a`nb" -ErrorAction Stop } | Should -Throw -ErrorId 'TextInvalid*'
        { New-ServiceArea -Name 'Other' -RetentionDays 30 -CustomerNotice ('n' * 2001) -ErrorAction Stop } | Should -Throw -ErrorId 'TextInvalid*'
        Get-LegalHold | Should -BeNullOrEmpty
    }
}

Describe 'No cmdlet writes inside the store' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 's.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 's.wav') -CallId 's-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddHours(-1)) -Direction Inbound -RemoteNumber '07700 900123'
        Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download, Copy -Reason 'r' | Out-Null
        Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
        $auditor = Get-StoreAs $store 'auditor@uni.test'
        $hold = New-LegalHold -CaseReference 'H-1' -Kind Legal -Reason 'r'
        Add-LegalHoldRecording -HoldId $hold.HoldId -RecordingId $rec.RecordingId | Out-Null
        $sar = New-SubjectAccessRequest -Reference 'S-1' -SubjectName 'A' -PhoneNumber '07700 900123' -ReceivedOn ([datetime]::Today)
        $crec = (Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File)[0].FullName
        $link = Join-Path $TestDrive 'innocent'
        New-Item -ItemType SymbolicLink -Path $link -Target (Join-Path $store.Path 'recordings') | Out-Null
        $keyPath = $store.KeyPath
        $targets = @((Join-Path $store.Path 'policy.db'), $keyPath, $crec, (Join-Path $store.Path 'recordings'), (Join-Path $link 'x.wav'))
        function Get-StoreState { Get-ChildItem $store.Path -Recurse -File | Where-Object Name -notmatch '^policy\.db' | ForEach-Object { "$($_.FullName) $((Get-FileHash $_.FullName).Hash)" } }
    }

    It '<Name> refuses every destination in the store with DestinationInsideStore and writes nothing' -ForEach @(
        @{ Name = 'Save-Recording';     Run = { param($t) Save-Recording -Store $sup -RecordingId $rec.RecordingId -Destination $t -Purpose Training -Reason 'x' -Force -ErrorAction Stop } }
        @{ Name = 'Copy-Recording';     Run = { param($t) Copy-Recording -Store $sup -RecordingId $rec.RecordingId -Destination $t -Purpose Training -Reason 'x' -ErrorAction Stop } }
        @{ Name = 'Export-AccessLog';   Run = { param($t) Export-AccessLog -Store $auditor -Path $t -Force -ErrorAction Stop } }
        @{ Name = 'Export-AuditCheckpoint'; Run = { param($t) Export-AuditCheckpoint -Store $auditor -Path $t -ErrorAction Stop } }
        @{ Name = 'Export-LegalHold';   Run = { param($t) Export-LegalHold -HoldId $hold.HoldId -Destination $t -Confirm:$false -ErrorAction Stop } }
        @{ Name = 'Export-SubjectAccessRequest'; Run = { param($t) Export-SubjectAccessRequest -RequestId $sar.RequestId -Destination $t -Confirm:$false -ErrorAction Stop } }
    ) {
        $before = Get-StoreState
        foreach ($t in $targets) {
            { & $Run $t } | Should -Throw -ErrorId 'DestinationInsideStore*'
        }
        Get-StoreState | Should -Be $before
        Test-RecordingStore | Where-Object Severity -ne 'Ok' | Should -BeNullOrEmpty
        Test-AuditChain -Quiet | Should -BeTrue
    }

    It 'records each refusal' {
        @(Get-AccessLog -Outcome Refused | Where-Object Detail -like 'DestinationInsideStore*').Count | Should -BeGreaterOrEqual (2 * $targets.Count)
        @(Get-AuditEvent -Action Refused).Count | Should -BeGreaterOrEqual (4 * $targets.Count)
    }
}

Describe 'Smaller defects (issue 9, section 7)' {
    BeforeEach {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        $export = Join-Path $TestDrive ('s7-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        Import-Recording -ManifestPath (New-RecorderExport $export 3 -DaysAgo 2) | Out-Null
        Grant-RecordingAccess -Principal 'sup@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download -Reason 'r' | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
        $recs = Get-Recording
        foreach ($r in $recs) { Save-Recording -Store $sup -RecordingId $r.RecordingId -Destination (Join-Path $TestDrive "o-$($r.CallId).wav") -Purpose Training -Reason 't' -Force | Out-Null }
    }

    It 'Get-Recording | Export-AccessLog exports the rows of every piped recording' {
        $csv = Join-Path $TestDrive 'piped.csv'
        $recs | Select-Object -First 2 | Export-AccessLog -Path $csv -Force | Out-Null
        $rows = Import-Csv $csv
        $rows | Should -HaveCount 2
        ($rows.RecordingId | Sort-Object) | Should -Be (($recs | Select-Object -First 2).RecordingId | Sort-Object)
    }

    It 'Get-Recording -RecordingId takes several ids and pipeline input by property name' {
        (Get-Recording -RecordingId $recs[0].RecordingId, $recs[2].RecordingId).RecordingId | Should -Be @($recs[0].RecordingId, $recs[2].RecordingId)
        ([pscustomobject]@{ RecordingId = $recs[1].RecordingId }, [pscustomobject]@{ RecordingId = $recs[0].RecordingId } | Get-Recording).CallId | Should -Be @($recs[1].CallId, $recs[0].CallId)
        Get-Recording -RecordingId 'rec-nope', $recs[0].RecordingId -ErrorVariable e -ErrorAction SilentlyContinue | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'RecordingNotFound*'
    }

    It '-ServiceArea takes a name or an id everywhere' {
        $area = Get-ServiceArea 'IT Service Desk'
        foreach ($key in $area.Name, $area.Id) {
            Get-Recording -ServiceArea $key | Should -HaveCount 3
            Get-AccessLog -ServiceArea $key | Should -HaveCount 3
            Get-RecordingAccess -ServiceArea $key | Should -HaveCount 1
        }
    }

    It 'names saved files after the call, safely, and keeps the CallId in the manifests' {
        Invoke-StoreSql $store "UPDATE recording SET call_id = 'x' || char(13) || char(10) || 'y' || char(8238) || '$('z' * 300)' WHERE id = '$($recs[0].RecordingId)'"
        $folder = Join-Path $TestDrive 'saved'
        New-Item -ItemType Directory $folder | Out-Null
        $file = Save-Recording -Store $sup -RecordingId $recs[0].RecordingId -Destination $folder -Purpose Training -Reason 't'
        $file.Name | Should -Match ('^x__y_z{95}_' + [regex]::Escape($recs[0].RecordingId) + '\.wav$')
        if (-not (Get-RecordingRole -Principal 'admin2@uni.test')) { Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null }
        Grant-RecordingAccess -Store (Get-StoreAs $store 'admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Copy -Reason 'case officer' | Out-Null
        $hold = New-LegalHold -CaseReference 'H-7' -Kind Legal -Reason '=HYPERLINK("http://x")'
        Add-LegalHoldRecording -HoldId $hold.HoldId -RecordingId $recs[0].RecordingId | Out-Null
        $out = Join-Path $TestDrive 'hold'
        Export-LegalHold -HoldId $hold.HoldId -Destination $out -Confirm:$false | Out-Null
        $row = Import-Csv (Join-Path $out 'manifest.csv')
        $row.callId | Should -Be ("x`r`ny$([char]0x202E)" + ('z' * 300))
        $row.reason | Should -Be "'=HYPERLINK(""http://x"")"
        $row.remoteNumber | Should -BeLike "'+447700900*"
        Test-LegalHoldExport -Path $out | Where-Object Severity -ne 'Ok' | Should -BeNullOrEmpty
    }

    It 'Import-Recording and Invoke-RetentionPurge report progress and close it' {
        $ps = [powershell]::Create()
        try {
            $calls = New-RecorderExport (Join-Path $TestDrive 'progress') 2 -DaysAgo 1 -Prefix 'pr'
            $null = $ps.AddScript("param(`$s, `$m) Import-Module '$Manifest'; Import-Recording -Store `$s -ManifestPath `$m | Out-Null; Invoke-RetentionPurge -Store `$s | Out-Null").AddArgument($store).AddArgument($calls)
            $null = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $import = @($ps.Streams.Progress | Where-Object Activity -eq 'Importing recordings')
            $import.Count | Should -BeGreaterThan 1
            $import[-1].RecordType | Should -Be 'Completed'
            $purge = @($ps.Streams.Progress | Where-Object Activity -eq 'Retention purge')
            $purge.Count | Should -BeGreaterThan 0
            $purge[-1].RecordType | Should -Be 'Completed'
        } finally { $ps.Dispose() }
    }
}
