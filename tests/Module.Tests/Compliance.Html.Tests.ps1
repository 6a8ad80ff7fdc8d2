# The compliance report's HTML as readers get it: parsed as a browser parses it (AngleSharp), and opened in a
# real headless Chromium with a screenshot saved under out/ for a person to look at.
BeforeAll {
    . (Join-Path $PSScriptRoot 'BuiltModule.ps1')
    $angle = Join-Path $script:NuGetRoot 'anglesharp/1.10.3/lib/net8.0/AngleSharp.dll'
    Add-Type -Path $angle

    # A store with findings in several clauses, and data for every chart.
    $store = New-TestStore
    $area = New-AuthorisedArea $store -Name 'Student Enquiries' -RetentionDays 90
    New-ServiceArea -Name 'Accommodation <Office> & "Lettings"' -RetentionMonths 6 -WarningAction SilentlyContinue | Out-Null          # needs escaping in HTML
    Add-RecordedExtension -Number 5200 -ServiceArea 'Accommodation <Office> & "Lettings"' -Mode OnDemand | Out-Null
    Add-ServiceAreaMember -ServiceArea $area -Principal 'UNI\adviser1' | Out-Null
    Add-ServiceAreaMember -ServiceArea $area -Principal 'UNI\finance1' -Relation FrequentCaller | Out-Null
    $export = New-RecorderExport (Join-Path $TestDrive 'export') 12 -DaysAgo 30
    Import-Recording -ManifestPath $export | Out-Null
    # three of them past retention (import refuses calls already past it, so they are aged in place)
    Invoke-StoreSql $store "UPDATE recording SET expires_at = '2026-01-01T00:00:00.0000000Z' WHERE id IN (SELECT id FROM recording ORDER BY id LIMIT 3)"
    Grant-RecordingAccess -Principal 'UNI\sup' -ServiceArea $area -Level Supervisor -Right Play, Download -Reason 'Supervisor' | Out-Null
    $rec = Get-Recording -First 1
    Save-Recording -Store $store.As('UNI\sup') -RecordingId $rec.RecordingId -Destination (Join-Path $TestDrive 'c.wav') -Purpose DisputeOrComplaint -Reason 'Complaint C-1' | Out-Null
    New-LegalHold -CaseReference 'HR-1' -Kind Disciplinary -Reason 'Case' | Out-Null
    New-SubjectAccessRequest -Reference 'SAR-9' -SubjectName 'A' -PhoneNumber '07700 900001' -ReceivedOn ([datetime]::UtcNow.Date.AddDays(-40)) | Out-Null

    $script:Findings = @(Get-ComplianceReport)
    $script:Html = Join-Path $TestDrive 'compliance.html'
    $script:Export = Export-ComplianceReport -Path $script:Html
    $script:Document = [AngleSharp.Html.Parser.HtmlParser]::new().ParseDocument((Get-Content $script:Html -Raw))
}

Describe 'The compliance report as HTML' {
    It 'has findings in several clauses to show' {
        ($script:Findings.Clause | Sort-Object -Unique).Count | Should -BeGreaterThan 3
        $script:Export.Findings | Should -Be $script:Findings.Count
    }

    It 'has summary counts that match Get-ComplianceReport, clause by clause and severity by severity' {
        $rows = $script:Document.QuerySelectorAll('table#summary tbody tr')
        $rows.Length | Should -BeGreaterOrEqual 9
        foreach ($row in $rows) {
            $clause = $row.GetAttribute('data-clause')
            $of = @($script:Findings | Where-Object Clause -eq $clause)
            foreach ($severity in 'High', 'Medium', 'Low') {
                [int]$row.QuerySelector("td[data-severity=$severity]").TextContent | Should -Be @($of | Where-Object Severity -eq $severity).Count -Because "clause $clause, $severity"
            }
            [int]$row.QuerySelector('td.total').TextContent | Should -Be $of.Count -Because "clause $clause"
        }
        [int]$script:Document.QuerySelector('#total').TextContent | Should -Be $script:Findings.Count
        $script:Document.QuerySelectorAll('table#findings tbody tr[data-rule]').Length | Should -Be $script:Findings.Count
    }

    It 'shows text exactly, escaped, never as markup' {
        $cells = $script:Document.QuerySelectorAll('table#findings tbody td') | ForEach-Object TextContent
        $cells | Should -Contain 'Accommodation <Office> & "Lettings"'
        $script:Document.QuerySelectorAll('Office').Length | Should -Be 0
    }

    It 'is self-contained: no scripts, style sheets, images, frames or links to fetch' {
        $script:Document.QuerySelectorAll('script, link, img, iframe, object, embed, base').Length | Should -Be 0
        foreach ($el in $script:Document.QuerySelectorAll('[src], [href]')) {
            ($el.GetAttribute('src') + $el.GetAttribute('href')) | Should -Not -Match '^[a-z]+:' -Because 'nothing may be fetched'
        }
        (Get-Content $script:Html -Raw) | Should -Not -Match 'url\('
    }

    It 'draws three inline SVG charts from the store''s data' {
        foreach ($id in 'chart-expiry', 'chart-access', 'chart-reviews') {
            $figure = $script:Document.QuerySelector("figure#$id")
            $figure | Should -Not -BeNullOrEmpty -Because $id
            $figure.QuerySelectorAll('svg rect').Length | Should -BeGreaterThan 0 -Because "$id has data"
        }
        # 12 recordings by expiry month; one access by purpose; one grant by review month
        $expiry = $script:Document.QuerySelectorAll('figure#chart-expiry svg rect title') | ForEach-Object { [int](($_.TextContent -split ': ')[-1] -replace ',', '') }
        ($expiry | Measure-Object -Sum).Sum | Should -Be 12
        $script:Document.QuerySelector('figure#chart-access svg rect title').TextContent | Should -Match 'DisputeOrComplaint: 1$'
    }

    It 'opens in a real headless Chromium without console errors or network requests, and leaves a screenshot in out/' {
        $chromium = Get-Command chromium, chromium-browser, google-chrome -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $chromium) {
            Set-ItResult -Skipped -Because 'no Chromium is installed here (.ci/run installs Debian''s chromium)'
            return
        }
        $outFolder = Split-Path $script:ModulePath -Parent
        function Open-InChromium([string] $Page, [string] $Png) {
            $log = Join-Path $TestDrive ([IO.Path]::GetFileName($Png) + '.log')
            $userData = Join-Path $TestDrive ('chromium-profile-' + [IO.Path]::GetFileName($Png))
            $url = [System.Uri]::new($Page, [System.UriKind]::Absolute).AbsoluteUri
            # A profile of its own (other sessions may run Chromium too) and no background fetches of the browser's own,
            # so that the network requests in the log are the page's. Started directly, with stderr read in one piece.
            $psi = [System.Diagnostics.ProcessStartInfo]::new($chromium.Source)
            foreach ($a in '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', "--user-data-dir=$userData", '--enable-logging=stderr', '--v=1', "--screenshot=$Png", '--window-size=1280,2200', $url) {
                $psi.ArgumentList.Add($a)
            }
            $psi.RedirectStandardError = $true
            $psi.RedirectStandardOutput = $true
            $psi.Environment['DBUS_SESSION_BUS_ADDRESS'] = 'disabled:'
            $process = [System.Diagnostics.Process]::Start($psi)
            $stderr = $process.StandardError.ReadToEndAsync()
            $null = $process.StandardOutput.ReadToEndAsync()
            if (-not $process.WaitForExit(180000)) { $process.Kill($true); throw 'Chromium did not finish within 3 minutes.' }
            $process.WaitForExit()
            Set-Content -Path $log -Value $stderr.Result
            [pscustomobject]@{
                ExitCode = $process.ExitCode
                Console  = @(Select-String -Path $log -Pattern ':CONSOLE' | ForEach-Object Line)
                # Chromium still makes a few requests of its own (time, update, account checks) whatever the flags; they are not the page's.
                Requests = @(Select-String -Path $log -Pattern 'NotifyBeforeURLRequest: (?!file:)(?!https?://[^/]*(google\.com|googleapis\.com|gstatic\.com)/)' | ForEach-Object Line)
                Loaded   = -not (Select-String -Path $log -Pattern 'Page load failed' -Quiet)
            }
        }
        # The detection itself, on a page that does what the report must not: a console error and a fetch.
        $control = Join-Path $TestDrive 'control.html'
        Set-Content $control '<!DOCTYPE html><html><body><script>console.error("control-error")</script><img src="http://127.0.0.1:9/x.png"></body></html>'
        $c = Open-InChromium $control (Join-Path $TestDrive 'control.png')
        $c.Console -join "`n" | Should -Match 'control-error'
        $c.Requests | Should -Not -BeNullOrEmpty

        $png = Join-Path $outFolder 'compliance-report.png'
        if (Test-Path $png) { Remove-Item $png }
        $r = Open-InChromium $script:Html $png
        $r.ExitCode | Should -Be 0
        $r.Loaded | Should -BeTrue
        $r.Console | Should -BeNullOrEmpty
        $r.Requests | Should -BeNullOrEmpty
        $bytes = [IO.File]::ReadAllBytes($png)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        $bytes.Length | Should -BeGreaterThan 20KB -Because 'a rendered page, not a blank one'
        Copy-Item $script:Html (Join-Path $outFolder 'compliance-report.html') -Force
    }
}
