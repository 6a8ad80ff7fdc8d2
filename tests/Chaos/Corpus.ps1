<#
    The bad-input corpus of the fault campaign: every case in corpus/cases.csv against one store, in this process.
    A case names the cmdlet input (Target), the field it spoils (Field, Value with {TOKENS}) and what must happen (Expect):
    an ErrorId, in which case the error carries it and nothing is written (every table's row count except the audit and
    access logs, where the refusal is recorded, and every file of the store are compared before and after); or
    'Accepted', in which case the change is made and reads back as given (Stored). Import cases carry a good row beside
    the bad one, which must import. Needs names the section of issue 9 whose fix the case waits for.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $WorkRoot,
    [Parameter(Mandatory)] [string] $Out,
    [int] $Limit = 0,
    [string[]] $Only = @()
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
. (Join-Path $PSScriptRoot 'ChaosCommon.ps1')
Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1')
New-Item -ItemType Directory $WorkRoot -Force | Out-Null
# A store with an authorised area, a second Administrator, a nomination for the first and one recording.
function New-CorpusStore([string] $Path) {
    New-RecordingStore -Path $Path -Identity 'admin@uni.test' -SharedOsAccount | Out-Null
    $script:Store = Connect-RecordingStore -Path $Path -Identity 'admin@uni.test' -PassThru
    New-ChaosArea $area
    Add-RecordingRole -Principal 'admin2@uni.test' -Role Administrator | Out-Null
    Add-RecordingRole -Principal 'dpo@uni.test' -Role DataProtectionOfficer | Out-Null
    Grant-RecordingAccess -Store $script:Store.As('admin2@uni.test') -Principal 'admin@uni.test' -ServiceArea $area -Level Supervisor -Right Play, Download, Copy -Reason 'Corpus' | Out-Null
    Add-RecordingRole -Store $script:Store.As('admin2@uni.test') -Principal 'admin@uni.test' -Role Auditor | Out-Null
    Add-RecordingRole -Store $script:Store.As('admin2@uni.test') -Principal 'admin@uni.test' -Role Supervisor -ServiceArea $area | Out-Null
    Import-Recording -ManifestPath (New-ChaosExport (Join-Path (Split-Path $Path) ('seed-' + (Split-Path $Path -Leaf))) 1 -DaysAgo 5 -Prefix 'seed')
}
$area = 'IT Service Desk'
$mainStore = Join-Path $WorkRoot 'store'
$storePath = $mainStore
$mainSeed = New-CorpusStore $mainStore
$seed = $mainSeed
$other = $script:Store.As('admin2@uni.test')
$logTables = @('audit_event', 'access_log', 'audit_checkpoint', 'ledger_block', 'ledger_entry')   # the row ledger seals the logged refusal (issue 11)

function Expand-Value([string] $Value) {
    if ($Value -eq '{EMPTY}') { return '' }
    $v = $Value -replace '\{NUL\}', "`0" -replace '\{BIDI\}', [string][char]0x202E -replace '\{CRLF\}', "`r`n" -replace '\{TAB\}', "`t" -replace '\{ESC\}', [string][char]27 -replace '\{BEL\}', [string][char]7
    $v = $v -replace '\{STORE\}', $storePath
    $v = [regex]::Replace($v, '\{LONG:(\d+)\}', { param($m) 'x' * [int]$m.Groups[1].Value })
    $v = [regex]::Replace($v, '\{FUTURE:(\d+)\}', { param($m) [datetime]::UtcNow.AddDays([int]$m.Groups[1].Value).ToString('o') })
    [regex]::Replace($v, '\{PAST:(\d+)\}', { param($m) [datetime]::UtcNow.AddDays(-[int]$m.Groups[1].Value).ToString('o') })
}

# Audio-like content by kind: what a recorder might export, and what it must not be taken for.
function New-Content([string] $Path, [string] $Kind) {
    $rnd = [Random]::new(42)
    switch ($Kind) {
        'wav' { New-ChaosWav $Path -Salt (Get-Random) }
        'text' { Set-Content $Path 'This is not audio at all.' }
        'zero' { [IO.File]::WriteAllBytes($Path, [byte[]]@()) }
        'random' { $b = [byte[]]::new(4096); $rnd.NextBytes($b); [IO.File]::WriteAllBytes($Path, $b) }
        'exe' { $b = [byte[]]::new(2048); $rnd.NextBytes($b); $b[0] = 0x4D; $b[1] = 0x5A; [IO.File]::WriteAllBytes($Path, $b) }
        'riffstub' { $b = [byte[]]::new(44); [Text.Encoding]::ASCII.GetBytes('RIFF').CopyTo($b, 0); [BitConverter]::GetBytes(36).CopyTo($b, 4); [Text.Encoding]::ASCII.GetBytes('WAVEfmt ').CopyTo($b, 8); [BitConverter]::GetBytes(16).CopyTo($b, 16); [BitConverter]::GetBytes([int16]1).CopyTo($b, 20); [BitConverter]::GetBytes([int16]1).CopyTo($b, 22); [BitConverter]::GetBytes(8000).CopyTo($b, 24); [BitConverter]::GetBytes(16000).CopyTo($b, 28); [BitConverter]::GetBytes([int16]2).CopyTo($b, 32); [BitConverter]::GetBytes([int16]16).CopyTo($b, 34); [Text.Encoding]::ASCII.GetBytes('data').CopyTo($b, 36); [IO.File]::WriteAllBytes($Path, $b) }
        'manifest' { Set-Content $Path "CallId,Extension,StartTime,Path`nx,4521,2026-01-01,a.wav" }
        'html' { Set-Content $Path '<html><body><script>alert(1)</script></body></html>' }
        'pdf' { Set-Content $Path "%PDF-1.4`n1 0 obj<<>>endobj" }
        'zip' { $b = [byte[]]::new(512); $rnd.NextBytes($b); $b[0] = 0x50; $b[1] = 0x4B; $b[2] = 3; $b[3] = 4; [IO.File]::WriteAllBytes($Path, $b) }
        'truncated-wav' { New-ChaosWav $Path; $b = [IO.File]::ReadAllBytes($Path); [IO.File]::WriteAllBytes($Path, $b[0..30]) }
        'wav-no-data' { New-ChaosWav $Path; $b = [IO.File]::ReadAllBytes($Path); [IO.File]::WriteAllBytes($Path, $b[0..35]) }
        'riff-avi' { $b = [byte[]]::new(256); [Text.Encoding]::ASCII.GetBytes('RIFF').CopyTo($b, 0); [Text.Encoding]::ASCII.GetBytes('AVI LIST').CopyTo($b, 8); [IO.File]::WriteAllBytes($Path, $b) }
        # GSM 6.10 as recorders write it: 65-byte blocks of 320 samples (1625 bytes a second at 8 kHz), a 20-byte fmt chunk
        'wav-gsm' {
            $n = 650
            $ms = [IO.MemoryStream]::new(); $w = [IO.BinaryWriter]::new($ms)
            $w.Write([Text.Encoding]::ASCII.GetBytes('RIFF')); $w.Write([int](4 + 8 + 20 + 8 + $n)); $w.Write([Text.Encoding]::ASCII.GetBytes('WAVEfmt ')); $w.Write([int]20)
            $w.Write([int16]0x31); $w.Write([int16]1); $w.Write([int]8000); $w.Write([int]1625); $w.Write([int16]65); $w.Write([int16]0); $w.Write([int16]2); $w.Write([int16]320)
            $w.Write([Text.Encoding]::ASCII.GetBytes('data')); $w.Write([int]$n); $b = [byte[]]::new($n); $rnd.NextBytes($b); $w.Write($b); $w.Flush()
            [IO.File]::WriteAllBytes($Path, $ms.ToArray())
        }
        { $_ -in 'wav-mulaw', 'wav-alaw' } {
            $fmt = @{ 'wav-mulaw' = 7; 'wav-alaw' = 6 }[$Kind]; $n = 800
            $ms = [IO.MemoryStream]::new(); $w = [IO.BinaryWriter]::new($ms)
            $w.Write([Text.Encoding]::ASCII.GetBytes('RIFF')); $w.Write([int](36 + $n)); $w.Write([Text.Encoding]::ASCII.GetBytes('WAVEfmt ')); $w.Write([int]16)
            $w.Write([int16]$fmt); $w.Write([int16]1); $w.Write([int]8000); $w.Write([int]8000); $w.Write([int16]1); $w.Write([int16]8)
            $w.Write([Text.Encoding]::ASCII.GetBytes('data')); $w.Write([int]$n); $b = [byte[]]::new($n); $rnd.NextBytes($b); $w.Write($b); $w.Flush()
            [IO.File]::WriteAllBytes($Path, $ms.ToArray())
        }
        # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: each frame is floor(144 * 128000 / 44100) = 417 bytes
        'mp3' { $b = [byte[]]::new(4170); for ($f = 0; $f -lt 10; $f++) { $o = $f * 417; $b[$o] = 0xFF; $b[$o + 1] = 0xFB; $b[$o + 2] = 0x90; $b[$o + 3] = 0x64 }; [IO.File]::WriteAllBytes($Path, $b) }
        # two Ogg pages (RFC 3533) with their CRCs: OpusHead (RFC 7845), then OpusTags
        'ogg-opus' {
            $head = [byte[]]::new(19); [Text.Encoding]::ASCII.GetBytes('OpusHead').CopyTo($head, 0); $head[8] = 1; $head[9] = 1; [BitConverter]::GetBytes(48000).CopyTo($head, 12)
            $tags = [byte[]]::new(16); [Text.Encoding]::ASCII.GetBytes('OpusTags').CopyTo($tags, 0)
            [IO.File]::WriteAllBytes($Path, [byte[]]((New-OggPage $head 2 0) + (New-OggPage $tags 0 1)))
        }
        default { throw "unknown content kind $Kind" }
    }
}

# One Ogg page holding $Body (under 255 bytes) with its CRC-32 (polynomial 0x04C11DB7, no reflection, as RFC 3533 says).
function New-OggPage([byte[]] $Body, [byte] $HeaderType, [int] $Sequence) {
    $page = [byte[]]::new(28 + $Body.Length)
    [Text.Encoding]::ASCII.GetBytes('OggS').CopyTo($page, 0); $page[5] = $HeaderType
    [BitConverter]::GetBytes([int]0x4348).CopyTo($page, 14); [BitConverter]::GetBytes($Sequence).CopyTo($page, 18)
    $page[26] = 1; $page[27] = [byte]$Body.Length; $Body.CopyTo($page, 28)
    [uint32] $crc = 0
    foreach ($byte in $page) {
        $crc = $crc -bxor ([uint32]$byte -shl 24)
        for ($k = 0; $k -lt 8; $k++) { $crc = if ($crc -band 0x80000000) { (($crc -shl 1) -band 0xFFFFFFFF) -bxor 0x04C11DB7 } else { ($crc -shl 1) -band 0xFFFFFFFF } }
    }
    [BitConverter]::GetBytes([uint32]$crc).CopyTo($page, 22)
    , $page
}

function New-Row([string] $CallId, [string] $AudioPath) {
    [ordered]@{ CallId = $CallId; Extension = '4521'; StartTime = [datetime]::UtcNow.AddDays(-3).ToString('o'); DurationSeconds = ''; Direction = 'Inbound'; RemoteNumber = '07700 900456'; Agent = 'UNI\agent1'; Path = $AudioPath }
}

# Writes a malformed manifest of a named kind: a bad row (where the kind has one) and a good row.
function Write-RawManifest([string] $Folder, [string] $Kind, [string] $Id) {
    $m = Join-Path $Folder 'manifest.csv'
    New-ChaosWav (Join-Path $Folder 'good.wav') -Salt (Get-Random); New-ChaosWav (Join-Path $Folder 'bad.wav') -Salt (Get-Random)
    $t = [datetime]::UtcNow.AddDays(-3).ToString('o')
    $h = 'CallId,Extension,StartTime,DurationSeconds,Direction,RemoteNumber,Agent,Path'
    $good = "ok-$Id,4521,$t,,Inbound,07700 900456,UNI\agent1,good.wav"
    switch ($Kind) {
        'unbalanced-quote' { Set-Content $m "$h`n""bad-$Id,4521,$t,,Inbound,07700 900456,UNI\agent1,bad.wav`n$good" }
        'zero-bytes' { [IO.File]::WriteAllBytes($m, [byte[]]@()) }
        'binary' { $b = [byte[]]::new(2048); [Random]::new(7).NextBytes($b); [IO.File]::WriteAllBytes($m, $b) }
        'missing-column' { Set-Content $m "CallId,Extension,Path`nbad-$Id,4521,bad.wav`n" }
        'header-only' { Set-Content $m "$h`n$good" }
        'bom-utf16' { [IO.File]::WriteAllText($m, "$h`n$good`n", [Text.Encoding]::Unicode) }
        'extra-columns' { Set-Content $m "$h,Colour,Mood`n$good,blue,happy" }
        'duplicate-callid' { Set-Content $m "$h`n$good`nok-$Id,4521,$t,,Inbound,07700 900456,UNI\agent1,bad.wav" }
        'semicolon-separated' { Set-Content $m ($h -replace ',', ';') ; Add-Content $m ($good -replace ',', ';') }
        'nul-in-row' { Set-Content $m "$h`nbad-$Id,4521,$t,,Inbound,077`0 900456,UNI\agent1,bad.wav`n$good" }
        'very-long-line' { Set-Content $m "$h`nbad-$Id,4521,$t,,Inbound,07700 900456,$('A' * 2000000),bad.wav`n$good" }
        'crlf-in-quoted-field' { Set-Content $m "$h`n""bad`r`n$Id"",4521,$t,,Inbound,07700 900456,UNI\agent1,bad.wav`n$good" }
    }
    $m
}

$cases = @(Import-Csv (Join-Path $PSScriptRoot 'corpus/cases.csv'))
$Only = @($Only | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
if ($Only.Count) { $cases = @($cases | Where-Object Id -in $Only) }
if ($Limit -gt 0) { $cases = @($cases | Select-Object -First $Limit) }
$results = [System.Collections.Generic.List[object]]::new()
foreach ($c in $cases) {
    $folder = Join-Path $WorkRoot $c.Id
    New-Item -ItemType Directory $folder -Force | Out-Null
    # a case that aims at the store's own files gets a store of its own: if it is not refused, it destroys it
    $storePath = if ($c.Value -like '*{STORE}*') { Join-Path $folder 'store' } else { $mainStore }
    if ($storePath -ne $mainStore) { $seed = New-CorpusStore $storePath; $other = $script:Store.As('admin2@uni.test') }
    $value = Expand-Value $c.Value
    $errors = [System.Collections.Generic.List[object]]::new()
    $controlId = $null; $caseCallId = "case-$($c.Id)"
    $before = Get-ChaosSnapshot $storePath $logTables
    $failure = $null
    try {
        switch ($c.Target) {
            'Import-Manifest' {
                $row = New-Row $caseCallId 'case.wav'
                if ($c.Field -eq 'Content') { New-Content (Join-Path $folder 'case.wav') $c.Value }
                else { New-ChaosWav (Join-Path $folder 'case.wav') -Salt (Get-Random); $row[$c.Field] = $value }
                if ($c.Field -eq 'CallId') { $caseCallId = $value }
                $controlId = "ctl-$($c.Id)"; New-ChaosWav (Join-Path $folder 'ctl.wav') -Salt (Get-Random)
                $rows = @([pscustomobject]$row, [pscustomobject](New-Row $controlId 'ctl.wav'))
                $rows | Export-Csv (Join-Path $folder 'manifest.csv') -NoTypeInformation
                Import-Recording -ManifestPath (Join-Path $folder 'manifest.csv') -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Import-ManifestRaw' {
                $m = Write-RawManifest $folder $c.Value $c.Id
                if ($c.Value -in 'unbalanced-quote', 'nul-in-row', 'very-long-line', 'crlf-in-quoted-field', 'duplicate-callid', 'header-only', 'bom-utf16', 'extra-columns') { $controlId = "ok-$($c.Id)" }
                Import-Recording -ManifestPath $m -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Import-Path' {
                $file = Join-Path $folder 'case.wav'
                $p = @{ Path = $file; CallId = $caseCallId; Extension = '4521'; StartTime = [datetime]::UtcNow.AddDays(-3); Direction = 'Inbound'; RemoteNumber = '07700 900456' }
                if ($c.Field -eq 'Content') { New-Content $file $c.Value } else { New-ChaosWav $file -Salt (Get-Random); $p[$c.Field] = $value }
                if ($c.Field -eq 'CallId') { $caseCallId = $value }
                Import-Recording @p -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'New-ServiceArea' {
                $p = @{ Name = "Area $($c.Id)"; RetentionDays = 30; CustomerNotice = 'Calls are recorded.' }
                if ($c.Field -eq 'RetentionMonths') { $p.Remove('RetentionDays') }
                $p[$c.Field] = $value
                New-ServiceArea @p -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Add-RecordedExtension' {
                $row = [ordered]@{ Number = "7$($c.Id.Substring(1))"; ServiceArea = $area; Mode = 'OnDemand' }; $row[$c.Field] = $value
                Set-Content (Join-Path $folder 'in.csv') ''; [pscustomobject]$row | Export-Csv (Join-Path $folder 'in.csv') -NoTypeInformation
                Import-Csv (Join-Path $folder 'in.csv') | Add-RecordedExtension -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Grant-RecordingAccess' {
                $row = [ordered]@{ Principal = "p-$($c.Id)@uni.test"; ServiceArea = $area; Level = 'Supervisor'; Right = 'Play'; Reason = 'Corpus nomination' }; $row[$c.Field] = $value
                [pscustomobject]$row | Export-Csv (Join-Path $folder 'in.csv') -NoTypeInformation
                Import-Csv (Join-Path $folder 'in.csv') | Grant-RecordingAccess -Store $other -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Add-RecordingRole' {
                $p = @{ Principal = "r-$($c.Id)@uni.test"; Role = 'Auditor' }; $p[$c.Field] = $value
                Add-RecordingRole @p -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'New-RecordingRequest' {
                $p = @{ ServiceArea = $area; BusinessReason = 'Quality'; Purpose = 'Training'; AccessLevel = 'Supervisor=Play'; RetentionDays = 30; DpiaReference = 'DPIA-1'; DpoAdvice = 'OK' }; $p[$c.Field] = $value
                New-RecordingRequest @p -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'New-LegalHold' {
                $p = @{ CaseReference = "HOLD-$($c.Id)"; Kind = 'Legal'; Reason = 'Claim' }; $p[$c.Field] = $value
                New-LegalHold @p -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'New-SubjectAccessRequest' {
                $p = @{ Reference = "SAR-$($c.Id)"; SubjectName = 'A Person'; PhoneNumber = '07700 900111'; ReceivedOn = [datetime]::UtcNow.Date }; $p[$c.Field] = $value
                New-SubjectAccessRequest -Store $script:Store.As('dpo@uni.test') @p -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'New-InvestigationRequest' {
                $p = @{ Subject = 'UNI\agent9'; Basis = 'MisuseAllegation'; Justification = 'Abusive calls reported on 3 May'; FormReference = "FORM-$($c.Id)" }; $p[$c.Field] = $value
                New-InvestigationRequest @p -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Register-RecordingPlayback' {
                $p = @{ RecordingId = $seed.RecordingId; Principal = 'admin@uni.test'; Purpose = 'DisputeOrComplaint'; Reason = 'Complaint 1' }; $p[$c.Field] = $value
                Register-RecordingPlayback @p -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Save-Recording' {
                $p = @{ RecordingId = $seed.RecordingId; Destination = (Join-Path $folder 'out'); Purpose = 'DisputeOrComplaint'; Reason = 'Complaint 1' }; $p[$c.Field] = $value
                Save-Recording @p -Force -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Export-AccessLog' { Export-AccessLog -Path $value -Force -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null }
            'Export-AuditCheckpoint' { Export-AuditCheckpoint -Path $value -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null }
            'Test-AuditChain' {
                $file = Join-Path $folder 'checkpoint.json'
                switch ($c.Value) { 'json-wrong' { Set-Content $file '{"storeId":"nope","sequence":99,"hash":"00"}' } default { New-Content $file $c.Value } }
                Test-AuditChain -Checkpoint $file -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null
            }
            'Connect-RecordingStore' {
                $path = Join-Path $folder 'target'
                switch ($c.Value) {
                    'empty-folder' { New-Item -ItemType Directory $path | Out-Null }
                    'random-db' { New-Item -ItemType Directory $path | Out-Null; New-Content (Join-Path $path 'policy.db') random }
                    'zero-db' { New-Item -ItemType Directory $path | Out-Null; New-Content (Join-Path $path 'policy.db') zero }
                }
                try { Connect-RecordingStore -Path $path -Identity 'admin@uni.test' -ErrorAction SilentlyContinue -ErrorVariable +e | Out-Null }
                finally { $script:Store = Connect-RecordingStore -Path $storePath -Identity 'admin@uni.test' -PassThru; $other = $script:Store.As('admin2@uni.test') }
            }
            default { throw "unknown target $($c.Target)" }
        }
        foreach ($x in @(Get-Variable e -ValueOnly -ErrorAction SilentlyContinue | ForEach-Object { $_ })) { $errors.Add($x) }
    } catch {
        foreach ($x in @(Get-Variable e -ValueOnly -ErrorAction SilentlyContinue | ForEach-Object { $_ })) { $errors.Add($x) }
        $errors.Add($_)
    }
    Remove-Variable e -ErrorAction SilentlyContinue
    $destroyed = $null
    try { $after = Get-ChaosSnapshot $storePath $logTables; $diff = @(Compare-ChaosSnapshot $before $after) }
    catch { $destroyed = "the store can no longer be read: $($_.Exception.Message)"; $after = $before; $diff = @($destroyed) }
    $ids = @($errors | ForEach-Object {
        $r = if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ } elseif ($_ -is [System.Management.Automation.IContainsErrorRecord]) { $_.ErrorRecord } else { $null }
        # an error that reaches the caller wrapped (CmdletInvocationException) is named by its inner error record
        if ($r -and $r.Exception -is [System.Management.Automation.CmdletInvocationException] -and $r.Exception.InnerException -is [System.Management.Automation.IContainsErrorRecord]) { $r = $r.Exception.InnerException.ErrorRecord }
        if ($r) { ($r.FullyQualifiedErrorId -split ',')[0] } else { "$_" } })
    $exceptions = @($errors | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] -and $_.Exception.GetType().FullName -notlike '*PolicyException*' -and $_.Exception.GetType().Name -notlike 'Parameter*Exception' -and $_.FullyQualifiedErrorId -notlike 'ParameterArgument*' -and $_.FullyQualifiedErrorId -notlike '*ParameterBinding*' -and $_.FullyQualifiedErrorId -notlike 'InputObjectNotBound*' } | ForEach-Object { $_.Exception.GetType().Name })
    # a good control row beside the bad one must import
    $expectedDiff = @()
    if ($controlId) {
        $control = @(Get-Recording | Where-Object CallId -eq $controlId)
        if ($control.Count -ne 1) { $failure = "the good row beside it was not imported" }
    }
    $problem = $null
    if ($c.Expect -eq 'Accepted') {
        if ($errors.Count) { $problem = "refused: $($ids -join ', ')" }
        elseif ($c.Target -like 'Import-*' -and $c.Target -ne 'Import-ManifestRaw') {
            $rec = @(Get-Recording | Where-Object CallId -eq $caseCallId)
            if ($rec.Count -ne 1) { $problem = "accepted but no recording $caseCallId" }
            elseif ($c.Stored -and "$($rec[0].($c.Field))" -ne $c.Stored) { $problem = "stored $($c.Field) '$($rec[0].($c.Field))', expected '$($c.Stored)'" }
        } elseif ($diff.Count -eq 0 -and $c.Target -notlike 'Import-*') { $problem = 'accepted but nothing changed' }
    } else {
        $matched = @($ids | Where-Object { $_ -eq $c.Expect -or ($c.Expect -eq 'ParameterBindingFailed' -and ($_ -like 'ParameterArgument*' -or $_ -like '*ParameterBinding*' -or $_ -like 'InputObject*' -or $_ -like 'CannotConvertArgument*')) })
        $written = @($diff | Where-Object { -not ($controlId -and ($_ -like 'recording *' -or $_ -eq 'files added: 1')) })
        if ($controlId) {
            $recNow = @(Get-Recording -IncludeDeleted | Where-Object CallId -eq $caseCallId)
            if ($caseCallId -and $recNow.Count) { $written += "a recording $caseCallId was written" }
            $delta = $after.Counts['recording'] - $before.Counts['recording']
            if ($delta -gt 1) { $written += "recording rows +$delta for one good row" }
        }
        if ($matched.Count -eq 0) { $problem = "expected $($c.Expect), got " + $(if ($ids.Count) { $ids -join ', ' } else { 'no error' }) }
        elseif ($written.Count) { $problem = 'refused but written: ' + ($written -join '; ') }
    }
    if ($exceptions.Count -and -not $problem) { $problem = ".NET exception leaked: $($exceptions -join ', ')" }
    if ($destroyed) { $problem = (@($problem, $destroyed) | Where-Object { $_ }) -join '; ' }
    if ($failure) { $problem = (@($problem, $failure) | Where-Object { $_ }) -join '; ' }
    $label = "$($c.Id) $($c.Target) $($c.Field)=$($c.Value -replace '\{LONG:(\d+)\}', '<$1 chars>') -> $($c.Expect)"
    if ($storePath -ne $mainStore) { $storePath = $mainStore; $seed = $mainSeed; $script:Store = Connect-RecordingStore -Path $mainStore -Identity 'admin@uni.test' -PassThru; $other = $script:Store.As('admin2@uni.test') }
    $results.Add([pscustomobject]@{ Scenario = "corpus: $($c.Target)"; Case = $label; Status = $(if ($problem) { 'Failed' } else { 'Held' }); Detail = "$problem"; Needs = $c.Needs })
    # each case as it comes, so that a stopped run still has its figures
    Add-Content "$Out.progress" ($results[-1] | ConvertTo-Json -Compress)
}
ConvertTo-Json -InputObject @($results) -Depth 3 | Set-Content $Out
