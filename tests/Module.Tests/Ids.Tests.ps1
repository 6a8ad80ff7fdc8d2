BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

Describe 'Ids sort by creation time and show whole' {
    BeforeAll {
        $store = New-TestStore
        $area = New-AuthorisedArea $store
        $recordings = @(Import-Recording -ManifestPath (New-RecorderExport (Join-Path $TestDrive 'export') 3 -DaysAgo 10))
        Grant-RecordingAccess -Principal 'coach@uni.test' -ServiceArea $area -Level Adviser -Right Play -Reason 'coaching' | Out-Null
    }

    It 'recordings imported one after another have ids in the same order' {
        $recordings.Count | Should -Be 3
        $ids = $recordings.RecordingId
        [string[]] $sorted = [string[]] $ids.Clone(); [Array]::Sort($sorted, [StringComparer]::Ordinal)
        $sorted | Should -Be $ids
        $ids | Should -Match '^rec-[0-7][0-9A-HJKMNP-TV-Z]{25}$'
    }

    It 'the default table views show every id in full' {
        $tables = @(
            @{ Id = $recordings[0].RecordingId; Text = Get-Recording -RecordingId $recordings[0].RecordingId | Out-String -Width 250 }
            @{ Id = (Get-RecordingRequest)[0].RequestId; Text = Get-RecordingRequest | Out-String -Width 250 }
            @{ Id = (Get-RecordingAccess)[0].GrantId; Text = Get-RecordingAccess | Out-String -Width 250 }
        )
        foreach ($t in $tables) {
            $t.Text | Should -Match ([regex]::Escape($t.Id) + '\s')
        }
    }
}
