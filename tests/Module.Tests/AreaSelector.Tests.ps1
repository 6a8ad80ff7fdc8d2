BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
}

# Issue 10: -ServiceArea selects areas the same way in every cmdlet: a name in any case, the area's id, or a wildcard
# over names. Before, Get-RecordingRole took an exact name only. Two areas, each with one of everything, so that each
# way of naming an area must give that area's rows and none of the other's.
Describe '-ServiceArea takes a name, an id or a wildcard in every cmdlet' {
    BeforeAll {
        $store = New-TestStore
        New-AuthorisedArea $store -Name 'IT Service Desk' -Extension '4521' | Out-Null
        New-AuthorisedArea $store -Name 'Fundraising' -Extension '4600' | Out-Null
        $desk = Get-ServiceArea -Name 'IT Service Desk'
        New-TestWav (Join-Path $TestDrive 'a.wav')
        foreach ($x in @(@{ Ext = '4521'; Call = 'desk-1' }, @{ Ext = '4600'; Call = 'fund-1' })) {
            Import-Recording -Path (Join-Path $TestDrive 'a.wav') -CallId $x.Call -Extension $x.Ext -StartTime ([datetime]::UtcNow.AddDays(-1)) -Direction Inbound -RemoteNumber '07700 900123' | Out-Null
        }
        foreach ($area in 'IT Service Desk', 'Fundraising') {
            Add-RecordingRole -Principal "sup-$($area[0])@uni.test" -Role Supervisor -ServiceArea $area | Out-Null
            Grant-RecordingAccess -Principal "dl-$($area[0])@uni.test" -ServiceArea $area -Level Supervisor -Right Play, Download -Reason 'selector test' | Out-Null
            $rec = Get-Recording -ServiceArea $area
            Save-Recording -Store (Get-StoreAs $store "dl-$($area[0])@uni.test") -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive "$($area[0]).wav") -Purpose Training -Reason 'selector test' | Out-Null
        }
        # each cmdlet, and the property that identifies its rows
        $cmdlets = [ordered]@{
            'Get-ServiceArea'       = @{ Run = { param($a) Get-ServiceArea -Name $a }; Key = 'Id' }
            'Get-RecordingRequest'  = @{ Run = { param($a) Get-RecordingRequest -ServiceArea $a }; Key = 'RequestId' }
            'Get-Recording'         = @{ Run = { param($a) Get-Recording -ServiceArea $a }; Key = 'RecordingId' }
            'Get-RecordingAccess'   = @{ Run = { param($a) Get-RecordingAccess -ServiceArea $a }; Key = 'GrantId' }
            'Get-AccessLog'         = @{ Run = { param($a) Get-AccessLog -ServiceArea $a }; Key = 'Sequence' }
            'Get-RecordedExtension' = @{ Run = { param($a) Get-RecordedExtension -ServiceArea $a }; Key = 'Number' }
            'Get-RecordingRole'     = @{ Run = { param($a) Get-RecordingRole -ServiceArea $a }; Key = 'Id' }
        }
        function Rows([string] $Cmdlet, [string] $Area) {
            @(& $cmdlets[$Cmdlet].Run $Area | ForEach-Object { $_.($cmdlets[$Cmdlet].Key) } | Sort-Object)
        }
    }

    It '<_>: the name, the name in another case, the id and a wildcard give the same rows, and only that area''s' -ForEach @(
        'Get-ServiceArea', 'Get-RecordingRequest', 'Get-Recording', 'Get-RecordingAccess', 'Get-AccessLog', 'Get-RecordedExtension', 'Get-RecordingRole') {
        $byName = Rows $_ 'IT Service Desk'
        $byName.Count | Should -BeGreaterThan 0 -Because "$_ has rows in the area"
        Rows $_ 'it service DESK' | Should -Be $byName -Because "$_ compares names without regard to case"
        Rows $_ $desk.Id | Should -Be $byName -Because "$_ takes the area's id"
        Rows $_ 'IT Serv*' | Should -Be $byName -Because "$_ takes a wildcard"
        Rows $_ '?T Service Des?' | Should -Be $byName -Because "$_ takes ? wildcards"
        $other = Rows $_ 'Fundraising'
        $other.Count | Should -BeGreaterThan 0
        $other | Where-Object { $_ -in $byName } | Should -BeNullOrEmpty -Because 'the other area''s rows are not selected'
        Rows $_ 'Nowhere*' | Should -BeNullOrEmpty
    }
}
