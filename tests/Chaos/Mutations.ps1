<#
.SYNOPSIS
    The row ledger's mutation campaign (issue 11): builds a store with every kind of row the demo makes (module/Examples/Demo.ps1),
    checks that the module's own changes show no finding, then makes random single changes with raw SQL, as the sqlite3
    shell would, and checks that the state check (Test-AuditChain -State) finds each one. Prints a table by table and kind
    and exits non-zero if any change went unnoticed.
.DESCRIPTION
    Each change runs in a transaction that is rolled back after the check, so every change starts from the same store:
    an update of one column of one row (to NULL, another row's value, a value one off, or text with one character
    changed), an insert (a copy of a row under a new key), a delete, in every audited table and in the ledger's own
    tables; a table's append-only triggers are dropped first and put back after the change (as a careful tamperer would),
    so the change itself must be found, not the missing trigger; and, as schema changes, an append-only trigger dropped.
    A change the database stores as the same value (SQLite's affinity turns '10' into 10 in an INTEGER column) or refuses
    (a CHECK, NOT NULL or UNIQUE constraint) is not a change and is not counted. The .crec header, body and file-name
    mutations and the schema check are the .crec authentication's campaign (issue 11, helper crec).
.PARAMETER ModulePath
    The built module folder (out/CallRecordingAdmin).
.PARAMETER Count
    How many counted changes to make (default 10000).
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Count = 10000,
    [int] $Seed = 0,
    [string] $WorkRoot = (Join-Path ([IO.Path]::GetTempPath()) ('crs-mutations-' + [guid]::NewGuid().ToString('N').Substring(0, 8)))
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ModulePath = (Resolve-Path $ModulePath).Path
$random = if ($Seed) { [Random]::new($Seed) } else { [Random]::new() }
$started = [Diagnostics.Stopwatch]::StartNew()
New-Item -ItemType Directory $WorkRoot -Force | Out-Null
$storePath = Join-Path $WorkRoot 'store'

# A store with every kind of row the demo makes, written by the module in a child process.
$exe = [Environment]::ProcessPath
[string[]] $prefix = if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { @((Join-Path $PSHOME 'pwsh.dll')) } else { @() }
& $exe @prefix -NoProfile -NonInteractive -File (Join-Path $ModulePath 'Examples/Demo.ps1') -StorePath $storePath -ModulePath $ModulePath *> (Join-Path $WorkRoot 'demo.log')
if ($LASTEXITCODE) { throw "The demo failed (exit $LASTEXITCODE); see $WorkRoot/demo.log" }

Import-Module (Join-Path $ModulePath 'CallRecordingAdmin.psd1') -Force
Connect-RecordingStore -Path $storePath -Identity 'UNI\uc-admin'
Get-RecordingStore | Out-Null   # loads the engine
$engineAsm = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'CallRecordingAdmin.Engine' } | Select-Object -First 1
$ledgerType = $engineAsm.GetType('CallRecordingAdmin.Engine.PolicyDatabase.Sqlite.SqliteLedger', $true)
$canonicalType = $engineAsm.GetType('CallRecordingAdmin.Engine.Audit.LedgerCanonical', $true)
$verify = $ledgerType.GetMethod('Verify', [Reflection.BindingFlags]'NonPublic, Static')
$context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($engineAsm)
$sqlite = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
$db = Join-Path $storePath 'policy.db'
$c = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection'), [object[]]@("Data Source=$db;Pooling=False;Default Timeout=60"))
$c.Open()

function Sql([string] $Text, [hashtable] $Parameters = @{}) {
    $cmd = $c.CreateCommand(); $cmd.CommandText = $Text
    foreach ($k in $Parameters.Keys) { $cmd.Parameters.AddWithValue($k, $(if ($null -eq $Parameters[$k]) { [DBNull]::Value } else { $Parameters[$k] })) | Out-Null }
    try { $cmd.ExecuteNonQuery() } finally { $cmd.Dispose() }
}
function Rows([string] $Text, [hashtable] $Parameters = @{}) {
    $cmd = $c.CreateCommand(); $cmd.CommandText = $Text
    foreach ($k in $Parameters.Keys) { $cmd.Parameters.AddWithValue($k, $(if ($null -eq $Parameters[$k]) { [DBNull]::Value } else { $Parameters[$k] })) | Out-Null }
    $r = $cmd.ExecuteReader()
    try {
        while ($r.Read()) { $row = [ordered]@{}; for ($i = 0; $i -lt $r.FieldCount; $i++) { $row[$r.GetName($i)] = if ($r.IsDBNull($i)) { $null } else { $r.GetValue($i) } }; [pscustomobject]$row }
    } finally { $r.Dispose(); $cmd.Dispose() }
}
function Exec([string] $Text, [hashtable] $Parameters = @{}) { Sql $Text $Parameters | Out-Null }
# the store id comes from store_meta inside the check itself
$checkTime = [Diagnostics.Stopwatch]::new()
function Findings { $checkTime.Start(); try { @($verify.Invoke($null, [object[]]@($c, '')).Findings) } finally { $checkTime.Stop() } }

$before = @(Findings)
if ($before.Count) { Write-Host "FAILED: the demo store, written by the module alone, shows findings:"; $before | ForEach-Object { Write-Host "  $($_.Message)" }; exit 1 }

$tables = @($canonicalType.GetField('Tables').GetValue($null) | ForEach-Object Name) + @('ledger_block', 'ledger_entry')
$triggers = @(Rows "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
# every row of every table, identified by rowid (ledger_entry has none: by its primary key)
$catalogue = @{}
foreach ($t in $tables) {
    $columns = @(Rows "SELECT name, type, pk FROM pragma_table_info('$t')")
    $rows = @(if ($t -eq 'ledger_entry') { Rows "SELECT * FROM ledger_entry" } else { Rows "SELECT rowid AS __rowid, * FROM $t" })
    $catalogue[$t] = [pscustomobject]@{ Columns = $columns; Rows = $rows }
}
$populated = @($tables | Where-Object { $catalogue[$_].Rows.Count -gt 0 })
$campaign = [Diagnostics.Stopwatch]::StartNew()
Write-Host ("Store from the demo ({3:N0} s): {0} tables under the ledger, {1} with rows, {2} rows; no finding before the campaign." -f $tables.Count, $populated.Count, ($populated | ForEach-Object { $catalogue[$_].Rows.Count } | Measure-Object -Sum).Sum, $started.Elapsed.TotalSeconds)

function Where-Row([string] $Table, [object] $Row) {
    if ($Table -eq 'ledger_entry') { return @{ Sql = 'block = $b AND tbl = $t AND rk = $k'; P = @{ '$b' = $Row.block; '$t' = $Row.tbl; '$k' = $Row.rk } } }
    @{ Sql = 'rowid = $rid'; P = @{ '$rid' = $Row.__rowid } }
}
function Get-Quoted([string] $Table, [string] $Column, [hashtable] $W) {
    $r = @(Rows "SELECT quote($Column) AS q FROM $Table WHERE $($W.Sql)" $W.P)
    if ($r.Count) { $r[0].q } else { '(moved)' }
}
function New-Value([object] $Old, [string] $Table, [string] $Column) {
    $others = @($catalogue[$Table].Rows | ForEach-Object { $_.$Column } | Where-Object { $null -ne $_ -and "$_" -ne "$Old" })
    switch ($random.Next(4)) {
        0 { return $null }
        1 { if ($others.Count) { return $others[$random.Next($others.Count)] } }
        2 { if ($Old -is [long]) { return $Old + $(if ($random.Next(2)) { 1 } else { -1 }) } if ($Old -is [double]) { return $Old + 0.5 } }
    }
    if ($null -eq $Old) { return 'forged' }
    $s = "$Old"
    if ($s.Length -eq 0) { return 'x' }
    $i = $random.Next($s.Length)
    $ch = [char]($s[$i] -bxor 1)
    return $s.Substring(0, $i) + $ch + $s.Substring($i + 1)
}

$results = [System.Collections.Generic.List[object]]::new()
$missed = [System.Collections.Generic.List[object]]::new()
$skipped = 0
while ($results.Count -lt $Count) {
    $kindRoll = $random.Next(100)
    $table = $populated[$random.Next($populated.Count)]
    $info = $catalogue[$table]
    $row = $info.Rows[$random.Next($info.Rows.Count)]
    $guards = @($triggers | Where-Object { $_.tbl_name -eq $table -and $_.name -like '*_no_*' })
    Exec 'BEGIN'
    try {
        $what = $null
        if ($kindRoll -lt 2) {
            $all = @($triggers | Where-Object { $_.name -like '*_no_*' })
            $g = $all[$random.Next($all.Count)]
            Exec "DROP TRIGGER $($g.name)"
            $kind = 'schema'; $table = $g.tbl_name; $what = "trigger $($g.name) dropped"
        } else {
            foreach ($g in $guards) { Exec "DROP TRIGGER $($g.name)" }
            $w = Where-Row $table $row
            if ($kindRoll -lt 70) {
                $kind = 'update'
                $col = $info.Columns[$random.Next($info.Columns.Count)].name
                $old = $row.$col
                $new = New-Value $old $table $col
                $p = $w.P.Clone(); $p['$v'] = $new
                $q0 = Get-Quoted $table $col $w
                Sql "UPDATE $table SET $col = `$v WHERE $($w.Sql)" $p | Out-Null
                $q1 = Get-Quoted $table $col $w   # a changed key column moves the row out of its WHERE: '(moved)' 
                if ($q0 -eq $q1) { throw [System.OperationCanceledException]::new('stored the same value') }
                $what = "$col $q0 -> $q1"
            } elseif ($kindRoll -lt 85) {
                $kind = 'delete'
                if ((Sql "DELETE FROM $table WHERE $($w.Sql)" $w.P) -ne 1) { throw [System.OperationCanceledException]::new('nothing deleted') }
                $what = 'row deleted'
            } else {
                $kind = 'insert'
                $cols = @($info.Columns | ForEach-Object name)
                $key = @($info.Columns | Where-Object pk -gt 0 | Sort-Object pk | ForEach-Object name)
                if (-not $key) { $key = @($cols[0]) }
                $k = $key[$random.Next($key.Count)]
                $values = $cols | ForEach-Object {
                    if ($_ -ne $k) { $_ }
                    elseif (($info.Columns | Where-Object name -eq $k).type -eq 'INTEGER') { if ($table -eq 'ledger_entry') { "$_ + 100000" } else { 'NULL' } }
                    else { "$_ || '-forged'" }
                }
                Sql "INSERT INTO $table($($cols -join ', ')) SELECT $($values -join ', ') FROM $table WHERE $($w.Sql)" $w.P | Out-Null
                $what = "copy under a new $k"
            }
            foreach ($g in $guards) { Exec $g.sql }   # the tamperer puts the triggers back
        }
        $found = @(Findings)
        $entry = [pscustomobject]@{ Kind = $kind; Table = $table; What = $what; Findings = $found.Count; First = $(if ($found.Count) { $found[0].Kind } else { '' }) }
        $results.Add($entry)
        if ($found.Count -eq 0) { $missed.Add($entry) }
    } catch [System.OperationCanceledException] {
        $skipped++
    } catch {
        $inner = if ($_.Exception.InnerException) { $_.Exception.InnerException } else { $_.Exception }
        if ($inner.GetType().Name -eq 'SqliteException') { $skipped++ } else { throw }
    } finally {
        Exec 'ROLLBACK'
    }
    if ($results.Count % 1000 -eq 0 -and $results.Count) { Write-Host ("  {0:N0} changes, {1} unnoticed, {2:N0} s" -f $results.Count, $missed.Count, $started.Elapsed.TotalSeconds) }
}
$c.Dispose()
Disconnect-RecordingStore

Write-Host ''
Write-Host '| table | update | insert | delete | schema | found | unnoticed |'
Write-Host '| --- | --- | --- | --- | --- | --- | --- |'
foreach ($g in $results | Group-Object Table | Sort-Object Name) {
    $by = @{}; foreach ($k in 'update', 'insert', 'delete', 'schema') { $by[$k] = @($g.Group | Where-Object Kind -eq $k).Count }
    Write-Host ("| {0} | {1} | {2} | {3} | {4} | {5} | {6} |" -f $g.Name, $by.update, $by.insert, $by.delete, $by.schema, @($g.Group | Where-Object Findings -gt 0).Count, @($g.Group | Where-Object Findings -eq 0).Count)
}
Write-Host ("| **all** | {0} | {1} | {2} | {3} | {4} | {5} |" -f @($results | Where-Object Kind -eq 'update').Count, @($results | Where-Object Kind -eq 'insert').Count,
    @($results | Where-Object Kind -eq 'delete').Count, @($results | Where-Object Kind -eq 'schema').Count, ($results.Count - $missed.Count), $missed.Count)
Write-Host ("{0:N0} single changes, {1:N0} found, {2} unnoticed ({3:N0} tries the database stored as the same value or refused); {4:N0} s ({5:N1} ms a change, {6:N1} ms of it the state check)." -f $results.Count, ($results.Count - $missed.Count), $missed.Count, $skipped, $started.Elapsed.TotalSeconds, ($campaign.Elapsed.TotalMilliseconds / [Math]::Max(1, $results.Count)), ($checkTime.Elapsed.TotalMilliseconds / [Math]::Max(1, $results.Count)))
foreach ($m in $missed | Select-Object -First 20) { Write-Host "  UNNOTICED  $($m.Kind) $($m.Table): $($m.What)" }
Remove-Item $WorkRoot -Recurse -Force -ErrorAction SilentlyContinue
if ($missed.Count) { exit 1 }
