# The local Microsoft Graph stand-in (tests/GraphMock: WireMock.Net on 127.0.0.1) for the Pester files that use the
# built module's real GraphServiceClient: start and stop it, program answers through WireMock's admin API, read the
# requests it saw, and answer a group's transitive members in two pages as Graph does. Dot-source it in BeforeAll
# (after BuiltModule.ps1); Start-GraphMock sets $script:GraphUrl, Stop-GraphMock goes in AfterAll.

function Start-GraphMock {
    $dll = if ($env:CALLRECORDINGADMIN_TEST_GRAPHMOCK) { $env:CALLRECORDINGADMIN_TEST_GRAPHMOCK } else { Join-Path $PSScriptRoot '../GraphMock/bin/Release/net10.0/GraphMock.dll' }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $psi.ArgumentList.Add($dll)
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $script:GraphMock = [System.Diagnostics.Process]::Start($psi)
    $read = $script:GraphMock.StandardOutput.ReadLineAsync()
    if (-not $read.Wait(60000)) { throw 'The Graph stand-in did not start within 60 s.' }
    # WireMock names its address localhost; it listens on 127.0.0.1, and the module is pointed there.
    $script:GraphUrl = $read.Result.Trim() -replace '//localhost:', '//127.0.0.1:'
}

function Stop-GraphMock {
    if ($script:GraphMock -and -not $script:GraphMock.HasExited) {
        $script:GraphMock.StandardInput.Close()
        if (-not $script:GraphMock.WaitForExit(10000)) { $script:GraphMock.Kill() }
    }
}

# A token of the shape Graph's SDK accepts (it is never checked by the stand-in), unique per run so tests can look for it.
function New-GraphTestToken { 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.graph-test-token-' + [guid]::NewGuid().ToString('N') }

function Reset-Graph { Invoke-RestMethod -Method Delete -Uri "$script:GraphUrl/__admin/mappings" | Out-Null; Invoke-RestMethod -Method Delete -Uri "$script:GraphUrl/__admin/requests" | Out-Null }

function Add-GraphAnswer([string] $Method = 'GET', [string] $Path, [int] $Status = 200, [object] $Body, [string] $BodyContains, [int] $Priority = 10) {
    $request = @{ Methods = @($Method); Path = @{ Matchers = @(@{ Name = 'WildcardMatcher'; Pattern = $Path }) } }
    if ($BodyContains) { $request.Body = @{ Matcher = @{ Name = 'WildcardMatcher'; Pattern = "*$BodyContains*" } } }
    $response = @{ StatusCode = $Status; Headers = @{ 'Content-Type' = 'application/json' } }
    if ($null -ne $Body) { $response.Body = if ($Body -is [string]) { $Body } else { $Body | ConvertTo-Json -Depth 10 -Compress } }
    Invoke-RestMethod -Method Post -Uri "$script:GraphUrl/__admin/mappings" -ContentType 'application/json' -Body (@{ Priority = $Priority; Request = $request; Response = $response } | ConvertTo-Json -Depth 10) | Out-Null
}

function Get-GraphRequests { @(Invoke-RestMethod -Uri "$script:GraphUrl/__admin/requests") | ForEach-Object { $_ } | ForEach-Object Request }

function New-User([string] $Id, [string] $Upn, [bool] $Enabled = $true) { [ordered]@{ '@odata.type' = '#microsoft.graph.user'; id = $Id; userPrincipalName = $Upn; mail = $Upn; displayName = ($Upn -split '@')[0]; accountEnabled = $Enabled } }

# The group's members in two pages: the second holds the members of the nested groups (Graph flattens them in transitiveMembers).
function Set-GroupMembers([object[]] $Users, [string] $Group = $script:Group) {
    $half = [math]::Ceiling($Users.Count / 2)
    Add-GraphAnswer -Path "/v1.0/groups/$Group/transitiveMembers/graph.user" -Body @{ value = @($Users | Select-Object -First $half); '@odata.nextLink' = "$script:GraphUrl/v1.0/pages/$Group-2" }
    Add-GraphAnswer -Path "/v1.0/pages/$Group-2" -Body @{ value = @($Users | Select-Object -Skip $half) }
}
