# The module ships the engine twice: Dependencies/ (netstandard2.0, BouncyCastle's AES-GCM; Windows PowerShell 5.1)
# and Dependencies/net8.0/ (the platform's AesGcm; PowerShell 7.4+). Both builds must read each other's files.
BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    $Dependencies = [System.IO.Path]::GetFullPath((Join-Path $ModulePath 'Dependencies'))
}

Describe 'The two engine builds' {
    It 'loads the net8.0 engine into the private load context on PowerShell 7' {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Manifest'
`$s = New-RecordingStore '$TestDrive/net8-store' -Identity 'a@b'
Connect-RecordingStore `$s.Path -Identity 'a@b'
`$engine = (New-ServiceArea -Name 'Net8' -RetentionDays 30 -CustomerNotice 'n').GetType().Assembly
'framework:' + `$engine.GetCustomAttributes([System.Runtime.Versioning.TargetFrameworkAttribute], `$false)[0].FrameworkName
'folder:' + (Split-Path `$engine.Location -Parent)
'context:' + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$engine).GetType().Name
'aead:' + `$engine.GetType('CallRecordingAdmin.Engine.Recordings.ChunkAead').GetProperty('DefaultName', [System.Reflection.BindingFlags]'Static,NonPublic').GetValue(`$null)
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'framework:.NETCoreApp,Version=v8.0'
        $result.Output | Should -Contain ('folder:' + (Join-Path $Dependencies 'net8.0'))
        $result.Output | Should -Contain 'context:EngineLoadContext'
        $result.Output | Should -Contain 'aead:System.Security.Cryptography.AesGcm (platform)'
    }

    It 'writes files with either build that the other build opens, and both refuse an altered file' {
        $result = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
function Get-Engine([string] `$folder, [string] `$name) {
    `$context = [System.Runtime.Loader.AssemblyLoadContext]::new(`$name, `$true)
    `$null = `$context.LoadFromAssemblyPath((Join-Path `$folder 'BouncyCastle.Cryptography.dll'))
    `$engine = `$context.LoadFromAssemblyPath((Join-Path `$folder 'CallRecordingAdmin.Engine.dll'))
    'aead ' + `$name + ':' + `$engine.GetType('CallRecordingAdmin.Engine.Recordings.ChunkAead').GetProperty('DefaultName', [System.Reflection.BindingFlags]'Static,NonPublic').GetValue(`$null)
    `$engine.GetType('CallRecordingAdmin.Engine.Recordings.RecordingCipher')
}
`$standard = Get-Engine '$Dependencies' 'standard'
`$net8 = Get-Engine '$(Join-Path $Dependencies 'net8.0')' 'net8'
`$standard[0]; `$net8[0]
`$key = [byte[]](1..32)
`$plain = [byte[]]::new(2 * 1048576 + 333)
[System.Random]::new(7).NextBytes(`$plain)
`$sha = [System.Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData(`$plain)).ToLowerInvariant()
foreach (`$pair in @(@(`$standard[1], `$net8[1], 'standard->net8'), @(`$net8[1], `$standard[1], 'net8->standard'))) {
    `$sealed = [System.IO.MemoryStream]::new()
    `$info = `$pair[0]::Encrypt([System.IO.MemoryStream]::new(`$plain), `$sealed, 'rec-x', `$key, 'fp')
    `$stored = `$sealed.ToArray()
    `$opened = [System.IO.MemoryStream]::new()
    `$null = `$pair[1]::Decrypt([System.IO.MemoryStream]::new(`$stored), `$opened, 'rec-x', `$key, `$info.Sha256)
    `$pair[2] + ':' + ([System.Linq.Enumerable]::SequenceEqual([byte[]]`$opened.ToArray(), `$plain)) + ':' + (`$info.Sha256 -eq `$sha)
    `$stored[`$stored.Length - 5000] = `$stored[`$stored.Length - 5000] -bxor 1
    foreach (`$reader in `$standard[1], `$net8[1]) {
        try { `$null = `$reader::Decrypt([System.IO.MemoryStream]::new(`$stored), [System.IO.Stream]::Null, 'rec-x', `$key, `$null); 'altered:opened' }
        catch { 'altered:' + `$_.Exception.InnerException.ErrorId }
    }
}
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'aead standard:BouncyCastle AES-GCM (managed)'
        $result.Output | Should -Contain 'aead net8:System.Security.Cryptography.AesGcm (platform)'
        $result.Output | Should -Contain 'standard->net8:True:True'
        $result.Output | Should -Contain 'net8->standard:True:True'
        @($result.Output | Where-Object { $_ -like 'altered:*' }) | Should -Be (@('altered:RecordingIntegrityFailed') * 4)
    }
}
