BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    function ErrorIdOf($e) { ($e.FullyQualifiedErrorId -split ',')[0] }
    function Get-Head([string] $Path, [int] $Count = 16) { [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($Path), 0, $Count) }
    function Get-Mode([string] $Path) { [Convert]::ToString([int][System.IO.File]::GetUnixFileMode($Path), 8) }
}

# Review finding F11: "inside the store" was decided by comparing path strings, so the store reached under another name — a bind
# mount, a case-insensitive share — let Export-AccessLog -Force replace policy.db. Now the identity of the destination's folder is
# established by a probe file created exclusively in it and looked for in every folder of the store.
Describe 'A destination that reaches the store under another name is refused (F11)' -Skip:($IsWindows) {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'a.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId 'bind-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -RemoteNumber '07700 900123'
        Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
        Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
        Grant-RecordingAccess -Store (Get-StoreAs $store 'admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea 'IT Service Desk' -Level Supervisor -Right Download, Copy -Reason 'case work' | Out-Null
        $db = Join-Path $store.Path 'policy.db'
        $alias = Join-Path $TestDrive 'alias'
        $recAlias = Join-Path $TestDrive 'recalias'
        New-Item -ItemType Directory $alias, $recAlias | Out-Null
        $mounted = @()
        $why = $null
        if ((id -u) -ne '0') { $why = 'bind mounts need root' }
        else {
            & mount --bind $store.Path $alias 2>$null
            if ($LASTEXITCODE -eq 0) { $mounted += $alias } else { $why = 'mount --bind was refused here (no CAP_SYS_ADMIN in this container)' }
            & mount --bind (Join-Path $store.Path 'recordings') $recAlias 2>$null
            if ($LASTEXITCODE -eq 0) { $mounted += $recAlias }
        }
    }
    AfterAll {
        foreach ($m in $mounted) { & umount $m 2>$null }
    }

    It 'Export-AccessLog -Force onto policy.db through a bind mount of the store is refused, logged, and policy.db is untouched' {
        if ($alias -notin $mounted) { Set-ItResult -Skipped -Because $why; return }
        Test-Path (Join-Path $alias 'policy.db') | Should -BeTrue
        $before = @(Get-AuditEvent -Action Refused).Count
        $e = { Export-AccessLog -Store (Get-StoreAs $store 'auditor@uni.test') -Path (Join-Path $alias 'policy.db') -Force -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'DestinationInsideStore'
        Get-Head $db | Should -Be "SQLite format 3`0"
        @(Get-AuditEvent -Action Refused).Count | Should -Be ($before + 1)
        Test-AuditChain -Quiet | Should -BeTrue
        # no probe or temporary file is left in the store
        Get-ChildItem -LiteralPath $store.Path -File -Force | Where-Object Name -notmatch '^(policy\.db(-wal|-shm)?|master\.key|import\.lock)$' | Should -BeNullOrEmpty
    }

    It 'Save-Recording into a bind mount of the recordings folder is refused before the access is allowed' {
        if ($recAlias -notin $mounted) { Set-ItResult -Skipped -Because $why; return }
        $e = { Save-Recording -RecordingId $rec.RecordingId -Destination (Join-Path $recAlias 'plain.wav') -Purpose Training -Reason 'F11' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'DestinationInsideStore'
        Test-Path (Join-Path $store.Path 'recordings/plain.wav') | Should -BeFalse
        @(Get-AccessLog -RecordingId $rec.RecordingId | Where-Object Outcome -eq 'Allowed').Count | Should -Be 0
        (Get-AccessLog -RecordingId $rec.RecordingId | Select-Object -Last 1).Detail | Should -BeLike 'DestinationInsideStore*'
    }

    It 'Copy-Recording into a folder under a bind mount of the store is refused' {
        if ($alias -notin $mounted) { Set-ItResult -Skipped -Because $why; return }
        $e = { Copy-Recording -RecordingId $rec.RecordingId -Destination (Join-Path $alias 'recordings') -Purpose Training -Reason 'F11' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'DestinationInsideStore'
        Get-ChildItem (Join-Path $store.Path 'recordings') -Filter '*.json' -Recurse | Should -BeNullOrEmpty
    }

    It 'a symlinked alias of the store folder is refused too (links resolved)' {
        $link = Join-Path $TestDrive 'linkalias'
        New-Item -ItemType SymbolicLink -Path $link -Target $store.Path | Out-Null
        $e = { Export-AccessLog -Store (Get-StoreAs $store 'auditor@uni.test') -Path (Join-Path $link 'policy.db') -Force -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'DestinationInsideStore'
        Get-Head $db | Should -Be "SQLite format 3`0"
    }

    It 'a destination outside the store is still written' {
        $out = Join-Path $TestDrive 'fine/log.csv'
        Export-AccessLog -Store (Get-StoreAs $store 'auditor@uni.test') -Path $out
        Test-Path $out | Should -BeTrue
    }
}

Describe 'New-RecordingStore inside a store is refused (F12)' {
    It 'refuses a folder inside the connected store and inside a store that is not connected, creating nothing' {
        $store = New-TestStore
        $inside = Join-Path $store.Path 'recordings/zz'
        $e = { New-RecordingStore -Path $inside -Identity 'evil@uni.test' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'DestinationInsideStore'
        Test-Path $inside | Should -BeFalse
        $other = Join-Path $TestDrive 'other'
        New-RecordingStore -Path $other -Identity 'admin@uni.test' | Out-Null
        $e = { New-RecordingStore -Path (Join-Path $other 'nested') -Identity 'evil@uni.test' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'DestinationInsideStore'
        Test-Path (Join-Path $other 'nested') | Should -BeFalse
    }
}

Describe 'Files the module writes for a user are owner-only (F13)' -Skip:($IsWindows) {
    It 'Export-AccessLog writes a 0600 file in the 0700 folders it creates' {
        $store = New-TestStore
        Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
        $out = Join-Path $TestDrive 'f13/new/log.csv'
        Export-AccessLog -Store (Get-StoreAs $store 'auditor@uni.test') -Path $out
        Get-Mode $out | Should -Be '600'
        Get-Mode (Split-Path $out) | Should -Be '700'
        Get-Mode (Join-Path $TestDrive 'f13') | Should -Be '700'
        Export-AuditCheckpoint -Store (Get-StoreAs $store 'auditor@uni.test') -Path (Join-Path $TestDrive 'f13/cp.json') | Out-Null
        Get-Mode (Join-Path $TestDrive 'f13/cp.json') | Should -Be '600'
    }
}

Describe 'A playback is judged at the time it happened (F15)' {
    It 'refuses a playback dated before the call or outside the player''s nomination then, and logs the refusal' {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        New-TestWav (Join-Path $TestDrive 'p.wav')
        $rec = Import-Recording -Path (Join-Path $TestDrive 'p.wav') -CallId 'play-1' -Extension 4521 -StartTime ([datetime]::UtcNow.AddDays(-3)) -Direction Inbound
        Add-RecordingRole -Principal 'sup@uni.test' -Role Supervisor -ServiceArea 'IT Service Desk' | Out-Null
        Grant-RecordingAccess -Principal 'coach@uni.test' -ServiceArea 'IT Service Desk' -Level Adviser -Right Play -Reason 'coaching' | Out-Null
        $sup = Get-StoreAs $store 'sup@uni.test'
        $e = { Register-RecordingPlayback -Store $sup -RecordingId $rec.RecordingId -Principal 'coach@uni.test' -Purpose Training -Reason 'x' -PlayedAt '1999-01-01' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'PlayedAtBeforeCall'
        # after the call, but before the coach's grant existed (it was made just now)
        $e = { Register-RecordingPlayback -Store $sup -RecordingId $rec.RecordingId -Principal 'coach@uni.test' -Purpose Training -Reason 'x' -PlayedAt ([datetime]::UtcNow.AddDays(-1)) -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'AccessNotGranted'
        $refused = @(Get-AccessLog -RecordingId $rec.RecordingId | Where-Object Outcome -eq 'Refused')
        $refused.Count | Should -Be 2
        $refused[0].Detail | Should -BeLike 'PlayedAtBeforeCall*'
        Register-RecordingPlayback -Store $sup -RecordingId $rec.RecordingId -Principal 'coach@uni.test' -Purpose Training -Reason 'x' | Out-Null
        (Get-AccessLog -RecordingId $rec.RecordingId | Select-Object -Last 1).Outcome | Should -Be 'Allowed'
    }
}

Describe 'A backdated approval needs its paper reference (F16)' {
    BeforeAll {
        $store = New-TestStore
        Add-RecordingRole -Principal 'nsm@uni.test' -Role NetworkServicesManager | Out-Null
        New-ServiceArea -Name 'Payroll' -RetentionDays 90 -CustomerNotice 'Calls are recorded.' | Out-Null
        function New-PayrollRequest {
            New-RecordingRequest -ServiceArea 'Payroll' -BusinessReason 'Staff protection' -Purpose StaffProtection -AccessLevel 'Supervisor=Play' `
                -RetentionDays 90 -DpiaReference 'DPIA-P' -DpoAdvice 'OK' -WarningAction SilentlyContinue
        }
    }

    It 'refuses -EffectiveFrom 1990 (before the policy) and a backdating without -Reference; keeps the reference when given' {
        $r = New-PayrollRequest
        $nsm = Get-StoreAs $store 'nsm@uni.test'
        $e = { Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -EffectiveFrom '1990-01-01' -Reference 'X/1' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'EffectiveFromBeforePolicy'
        $e = { Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -EffectiveFrom '2025-01-01' -Comment 'paper' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'PaperReferenceRequired'
        (Get-RecordingRequest -RequestId $r.RequestId).Status | Should -Be 'Pending'
        $approved = Approve-RecordingRequest -Store $nsm -RequestId $r.RequestId -EffectiveFrom '2025-01-01' -Reference 'NS/2025/01'
        $approved.DecisionComment | Should -BeLike '*NS/2025/01*'
        ((Get-AuditEvent -Action ApproveRecordingRequest | Select-Object -Last 1).Details | ConvertFrom-Json).paperReference | Should -Be 'NS/2025/01'
    }

    It 'documents -Reference in the help' {
        $help = Get-Help Approve-RecordingRequest -Parameter Reference
        "$($help.description.Text)" | Should -BeLike '*paper approval*'
    }
}

Describe 'StartTime is read one way (F10)' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store | Out-Null
        $src = Join-Path $TestDrive 'export'
        New-Item -ItemType Directory $src | Out-Null
        New-TestWav (Join-Path $src 'us.wav') -Hz 300
        New-TestWav (Join-Path $src 'local.wav') -Hz 350
        $yesterday = [datetime]::UtcNow.AddDays(-1)
        # a UK wall-clock time without an offset, yesterday at 10:00
        $local = $yesterday.ToString('yyyy-MM-dd') + 'T10:00:00'
        $manifest = Join-Path $src 'manifest.csv'
        @(
            'CallId,Extension,StartTime,DurationSeconds,Direction,RemoteNumber,Agent,Path'
            "T-USDATE,4521,$($yesterday.ToString('MM/dd/yyyy')) 10:00,,Inbound,07700 900123,UNI\adviser1,us.wav"
            "T-LOCAL,4521,$local,,Inbound,07700 900123,UNI\adviser1,local.wav"
        ) | Set-Content -LiteralPath $manifest -Encoding utf8
    }

    It 'refuses a day/month StartTime with StartTimeAmbiguous and reads an offset-less time in -TimeZone' {
        $out = Import-Recording -ManifestPath $manifest -TimeZone 'Europe/London' -ErrorVariable errs -ErrorAction SilentlyContinue
        @($errs | ForEach-Object { ErrorIdOf $_ }) | Should -Be @('StartTimeAmbiguous')
        $r = Get-Recording | Where-Object CallId -eq 'T-LOCAL'
        $zone = [System.TimeZoneInfo]::FindSystemTimeZoneById('Europe/London')
        $expected = [System.TimeZoneInfo]::ConvertTimeToUtc([datetime]::SpecifyKind([datetime]::Parse($local, [cultureinfo]::InvariantCulture), 'Unspecified'), $zone)
        $r.StartTime.UtcDateTime | Should -Be $expected
        Get-Recording | Where-Object CallId -eq 'T-USDATE' | Should -BeNullOrEmpty
        (Get-AccessLog -Action Import | Where-Object Outcome -eq 'Refused' | Select-Object -Last 1).Detail | Should -BeLike '*StartTimeAmbiguous*'
    }

    It 'refuses an unknown -TimeZone' {
        $e = { Import-Recording -ManifestPath $manifest -TimeZone 'Mars/Olympus' -ErrorAction Stop } | Should -Throw -PassThru
        ErrorIdOf $e | Should -Be 'TimeZoneNotFound'
    }

    It 'refuses a day/month date given to a date parameter (CSV or command line) instead of reading it month-first' {
        $e = { Import-Recording -Path (Join-Path $src 'us.wav') -CallId 'T-CLI' -Extension 4521 -StartTime '11/12/2026 10:00' -Direction Inbound -ErrorAction Stop } | Should -Throw -PassThru
        "$($e.Exception.Message)" | Should -BeLike '*DateInvalid*day and month*'
    }
}
