# Dot-sourced by Bench.ps1. ALL bulk seeding of the benchmarks lives here (issue 10 will move it behind a
# per-backend seeding helper): the SQL that writes bulk rows, the audit chain that covers them, the bulk
# recording files, and the recorder exports that Import-Recording reads.
#
# What makes bulk rows consistent for the module:
# - every bulk row gets the audit event the module itself would have written in the same transaction
#   (ImportRecording for a recording; RecordingAccess / RecordingAccessRefused for an access-log row, whose
#   audit_seq and audit_hash point at it), appended to the store's real chain: each event's hash is SHA-256
#   over the engine's canonical form (AuditChain.Canonical: every field length-prefixed, previous hash last),
#   starting from the store's head. Test-AuditChain therefore holds over the seeded store, and the benchmarks
#   assert that it does.
# - every Active bulk recording has a file at the path the engine expects (recordings/<id[4..6]>/<id>.crec).
#   The files are byte copies of ONE real imported recording (the ones a purge deletes are real copies; the
#   others, to save time and disk, hard links to one copy). Their ciphertext is bound to the seed's id, so a
#   -Deep test would report them; the -Deep and Save-Recording benchmarks use really imported recordings.

. (Join-Path $PSScriptRoot '../Module.Tests/TestWav.ps1')
$script:SeedSource = @'
using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

public static class CraBenchSeed
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";
    public static string Time(DateTimeOffset t) { return t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture); }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    private static string Hex(byte[] b) { var sb = new StringBuilder(b.Length * 2); foreach (var x in b) sb.Append(x.ToString("x2", CultureInfo.InvariantCulture)); return sb.ToString(); }

    /// <summary>The store's audit chain, extended the way AuditChain.Append extends it.</summary>
    private sealed class Chain : IDisposable
    {
        private readonly DbCommand _insert;
        private readonly SHA256 _sha = SHA256.Create();
        private readonly StringBuilder _sb = new StringBuilder(512);
        public long Seq;
        public string Hash;
        private static readonly string OsAccount = Environment.UserName;

        public Chain(DbConnection c, DbTransaction tx, string storeId)
        {
            using (var cmd = c.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1";
                using (var r = cmd.ExecuteReader())
                {
                    if (r.Read()) { Seq = r.GetInt64(0); Hash = r.GetString(1); }
                    else { Seq = 0; Hash = Hex(_sha.ComputeHash(Encoding.UTF8.GetBytes("CallRecordingAdmin audit genesis " + storeId))); }
                }
            }
            // Canonical format 2 (AuditChain.FormatWithOsAccount), as the module writes since migration 5: a format-1 event
            // after the store's own format-2 events is refused by Test-AuditChain as a rewrite.
            _insert = Command(c, tx, "INSERT INTO audit_event(seq, occurred_at, principal, action, target_type, target, details, prev_hash, hash, format, os_account) VALUES ($s, $o, $p, $a, $tt, $t, $d, $ph, $h, 2, $os)",
                "$s", "$o", "$p", "$a", "$tt", "$t", "$d", "$ph", "$h", "$os");
            _insert.Parameters["$os"].Value = OsAccount;
        }

        public void Append(string occurredAt, string principal, string action, string targetType, string target, string details)
        {
            var seq = Seq + 1;
            _sb.Clear();
            foreach (var f in new[] { "v2", seq.ToString(CultureInfo.InvariantCulture), occurredAt, principal, OsAccount, action, targetType, target, details, Hash })
                _sb.Append(f.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(f).Append('\n');
            var hash = Hex(_sha.ComputeHash(Encoding.UTF8.GetBytes(_sb.ToString())));
            Set(_insert, seq, occurredAt, principal, action, targetType, target, details, Hash, hash);
            _insert.ExecuteNonQuery();
            Seq = seq;
            Hash = hash;
        }

        public void Retarget(DbTransaction tx) { _insert.Transaction = tx; }
        public void Dispose() { _insert.Dispose(); _sha.Dispose(); }
    }

    private static DbCommand Command(DbConnection c, DbTransaction tx, string sql, params string[] names)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var n in names) { var p = cmd.CreateParameter(); p.ParameterName = n; cmd.Parameters.Add(p); }
        return cmd;
    }

    private static void Set(DbCommand cmd, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? (object)DBNull.Value;
    }

    private static string Json(SortedDictionary<string, object> d) { return JsonSerializer.Serialize(d); }

    /// <summary>$rows access-log rows, each with its RecordingAccess(Refused) audit event; commits every 50,000.</summary>
    public static void AccessLog(DbConnection c, string storeId, int rows)
    {
        var tx = c.BeginTransaction();
        var chain = new Chain(c, tx, storeId);
        var insert = Command(c, tx, "INSERT INTO access_log(occurred_at, principal, action, outcome, recording_id, service_area, purpose, reason, detail, audit_seq, audit_hash) VALUES ($t, $p, $a, $o, $r, $sa, $pu, $re, $d, $seq, $h)",
            "$t", "$p", "$a", "$o", "$r", "$sa", "$pu", "$re", "$d", "$seq", "$h");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= rows; i++)
        {
            var at = Time(start.AddSeconds(i / 10));
            var principal = "user" + (i % 300) + "@uni.test";
            var action = i % 5 == 0 ? "Download" : "Play";
            var refused = i % 97 == 0;
            var recordingId = "rec-" + (i % 50000).ToString("D20", CultureInfo.InvariantCulture);
            var reason = i % 1000 == 0 ? "=cmd|calc" : "Coaching, session \"" + (i % 40) + "\"";
            var detail = "saved to /srv/out/" + i + ".wav";
            var details = Json(new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["action"] = action, ["principal"] = principal, ["purpose"] = "Training", ["reason"] = reason, ["detail"] = detail, ["serviceArea"] = "IT Service Desk",
            });
            chain.Append(at, principal, refused ? "RecordingAccessRefused" : "RecordingAccess", "Recording", recordingId, details);
            Set(insert, at, principal, action, refused ? "Refused" : "Allowed", recordingId, "IT Service Desk", "Training", reason, detail, chain.Seq, chain.Hash);
            insert.ExecuteNonQuery();
            if (i % 50000 == 0 && i < rows) { tx.Commit(); tx.Dispose(); tx = c.BeginTransaction(); insert.Transaction = tx; chain.Retarget(tx); }
        }
        tx.Commit();
        insert.Dispose(); chain.Dispose(); tx.Dispose();
    }

    /// <summary>
    /// $count recordings copied from the seed row, each with its ImportRecording audit event and a file: the first
    /// $expired started 200 days before $now and are past their retention, the rest started within the last 80 days
    /// (spread evenly) and are current. Expired ones get real file copies; current ones hard links to one copy.
    /// Returns the ids of the expired ones.
    /// </summary>
    public static List<string> Recordings(DbConnection c, string storeId, string seedId, string tag, int count, int expired, int retentionDays,
        string recordingsRoot, string seedFile, DateTimeOffset now, string principal)
    {
        string area, areaName, request, extension, format, sha; long size, stored; double? duration;
        using (var cmd = Command(c, null, "SELECT r.service_area_id, sa.name, r.request_id, r.extension, r.format, r.sha256, r.size_bytes, r.stored_bytes, r.duration_seconds FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.id = $id", "$id"))
        {
            Set(cmd, seedId);
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read()) throw new InvalidOperationException("no seed recording " + seedId);
                area = r.GetString(0); areaName = r.GetString(1); request = r.IsDBNull(2) ? null : r.GetString(2); extension = r.GetString(3);
                format = r.IsDBNull(4) ? null : r.GetString(4); sha = r.GetString(5); size = r.GetInt64(6); stored = r.GetInt64(7);
                duration = r.IsDBNull(8) ? (double?)null : r.GetDouble(8);
            }
        }
        var expiredIds = new List<string>(expired);
        string linkTarget = null;
        var tx = c.BeginTransaction();
        var chain = new Chain(c, tx, storeId);
        var insert = Command(c, tx, @"INSERT INTO recording(id, call_id, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw,
                agent, format, size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by)
                VALUES ($id, $call, $area, $req, $ext, $start, $dur, 'Inbound', $rn, $raw, $agent, $fmt, $size, $stored, $sha, $file, 'Active', $exp, $t, $p)",
            "$id", "$call", "$area", "$req", "$ext", "$start", "$dur", "$rn", "$raw", "$agent", "$fmt", "$size", "$stored", "$sha", "$file", "$exp", "$t", "$p");
        var importedAt = Time(now);
        var currentSpan = TimeSpan.FromDays(80).Ticks / Math.Max(1, count - expired);
        for (var i = 1; i <= count; i++)
        {
            var id = "rec-" + Guid.NewGuid().ToString("N").Substring(0, 20);
            var callId = "bulk-" + tag + "-" + i;
            var startAt = i <= expired ? now.AddDays(-200).AddSeconds(i) : now.AddDays(-80).AddTicks(currentSpan * (i - expired));
            var start = Time(startAt);
            var expires = Time(startAt.AddDays(retentionDays));
            var number = (i % 1000000).ToString("D6", CultureInfo.InvariantCulture);
            var file = id.Substring(4, 2) + "/" + id + ".crec";
            Set(insert, id, callId, area, request, extension, start, duration, "+447700" + number, "07700 " + number, "agent" + (i % 50), format, size, stored, sha, file, expires, importedAt, principal);
            insert.ExecuteNonQuery();
            chain.Append(importedAt, principal, "ImportRecording", "Recording", id, Json(new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["callId"] = callId, ["serviceArea"] = areaName, ["extension"] = extension, ["startTime"] = start, ["sha256"] = sha, ["sizeBytes"] = size, ["expiresAt"] = expires, ["authorisedBy"] = request,
            }));
            var path = Path.Combine(recordingsRoot, id.Substring(4, 2), id + ".crec");
            Directory.CreateDirectory(Path.GetDirectoryName(path));
            if (i <= expired)
            {
                File.Copy(seedFile, path);
                expiredIds.Add(id);
            }
            else if (linkTarget == null || link(linkTarget, path) != 0)
            {
                File.Copy(seedFile, path);
                linkTarget = path;
            }
            if (i % 50000 == 0 && i < count) { tx.Commit(); tx.Dispose(); tx = c.BeginTransaction(); insert.Transaction = tx; chain.Retarget(tx); }
        }
        tx.Commit();
        insert.Dispose(); chain.Dispose(); tx.Dispose();
        return expiredIds;
    }

    /// <summary>Copies the seed file to these recordings' paths (after a baseline deleted them by hand).</summary>
    public static void RestoreFiles(string recordingsRoot, string seedFile, IEnumerable<string> ids)
    {
        foreach (var id in ids) File.Copy(seedFile, Path.Combine(recordingsRoot, id.Substring(4, 2), id + ".crec"), true);
    }

    /// <summary>How many of these recordings' files exist.</summary>
    public static int FilesPresent(string recordingsRoot, IEnumerable<string> ids)
    {
        var n = 0;
        foreach (var id in ids) if (File.Exists(Path.Combine(recordingsRoot, id.Substring(4, 2), id + ".crec"))) n++;
        return n;
    }

    /// <summary>
    /// A recorder export: $count copies of one PCM WAV (<paramref name="wav"/>, made by tests/Module.Tests/TestWav.ps1), no
    /// two alike, with call ids "$callPrefix-N" over audio files "$filePrefix-N.wav", and manifest.csv in the columns
    /// Import-Recording -ManifestPath reads; with !writeAudio only a new manifest over existing files. Returns the manifest path.
    /// </summary>
    public static string RecorderExport(string folder, string filePrefix, string callPrefix, int count, byte[] wav, string extension, DateTimeOffset firstStart, bool writeAudio)
    {
        var audio = Path.Combine(folder, "audio");
        Directory.CreateDirectory(audio);
        var manifest = Path.Combine(folder, "manifest-" + callPrefix + ".csv");
        using (var csv = new StreamWriter(manifest, false, new UTF8Encoding(false)))
        {
            csv.WriteLine("\"CallId\",\"Extension\",\"StartTime\",\"DurationSeconds\",\"Direction\",\"RemoteNumber\",\"Agent\",\"Path\"");
            for (var i = 1; i <= count; i++)
            {
                // the last four bytes carry the call number, so that no two calls share content
                var name = filePrefix + "-" + i + ".wav";
                if (writeAudio)
                {
                    Buffer.BlockCopy(BitConverter.GetBytes(i), 0, wav, wav.Length - 4, 4);
                    File.WriteAllBytes(Path.Combine(audio, name), wav);
                }
                csv.WriteLine("\"{0}-{1}\",\"{2}\",\"{3}\",\"\",\"Inbound\",\"07700 9{4}\",\"UNI\\agent{5}\",\"audio/{6}\"",
                    callPrefix, i, extension, firstStart.AddSeconds(i).UtcDateTime.ToString("o", CultureInfo.InvariantCulture), (i % 100000).ToString("D5", CultureInfo.InvariantCulture), i % 5, name);
            }
        }
        return manifest;
    }
}
'@
if (-not ('CraBenchSeed' -as [type])) { Add-Type -TypeDefinition $script:SeedSource -Language CSharp }

# An open connection to a store's database with the module's own Microsoft.Data.Sqlite (as Invoke-StoreSql).
function Open-SeedConnection([object] $Store) {
    $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($Store.GetType().Assembly)
    $sqlite = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Microsoft.Data.Sqlite' }
    $connection = [Activator]::CreateInstance($sqlite.GetType('Microsoft.Data.Sqlite.SqliteConnection'), [object[]]@("Data Source=$($Store.DatabasePath);Pooling=False;Default Timeout=600"))
    $connection.Open()
    $pragma = $connection.CreateCommand(); $pragma.CommandText = 'PRAGMA busy_timeout=600000'; $pragma.ExecuteNonQuery() | Out-Null
    $connection
}

function Invoke-SeedSql([object] $Store, [string] $Sql, [switch] $Scalar) {
    $c = Open-SeedConnection $Store
    try { $cmd = $c.CreateCommand(); $cmd.CommandText = $Sql; if ($Scalar) { $cmd.ExecuteScalar() } else { $cmd.ExecuteNonQuery() | Out-Null } } finally { $c.Dispose() }
}

# A new store with the authorised area (retention $RetentionDays days), an Auditor, and one really imported
# recording to copy bulk rows from. Returns the store, the seed recording and its file.
function New-SeedStore([string] $Folder, [int] $RetentionDays = 90) {
    $store = New-RecordingStore -Path $Folder -Identity 'admin@uni.test' -SharedOsAccount
    Connect-RecordingStore -Path $store.Path -Identity 'admin@uni.test'
    New-AuthorisedArea $store -RetentionDays $RetentionDays | Out-Null
    Add-RecordingRole -Principal 'auditor@uni.test' -Role Auditor | Out-Null
    $wavFolder = Join-Path ([IO.Path]::GetDirectoryName($store.Path)) ("seed-wav-" + [IO.Path]::GetFileName($store.Path))
    $manifest = New-SeedRecorderExport $wavFolder -FilePrefix 'seed' -Count 1 -AudioBytes 1600 -DaysAgo 1
    $seed = Import-Recording -ManifestPath $manifest
    Remove-Item $wavFolder -Recurse -Force
    $file = (Get-ChildItem (Join-Path $store.Path 'recordings') -Recurse -File -Filter "$($seed.RecordingId).crec").FullName
    [pscustomobject]@{ Store = $store; Seed = $seed; SeedFile = $file; RetentionDays = $RetentionDays }
}

# $Rows access-log rows with their audit events.
function Add-SeedAccessLog([object] $Seeded, [int] $Rows) {
    $c = Open-SeedConnection $Seeded.Store
    try { [CraBenchSeed]::AccessLog($c, $Seeded.Store.StoreId, $Rows) } finally { $c.Dispose() }
}

# $Count recordings (the first $Expired past retention) with audit events and files; returns the expired ids.
function Add-SeedRecordings([object] $Seeded, [int] $Count, [int] $Expired, [string] $Tag) {
    $c = Open-SeedConnection $Seeded.Store
    try {
        $ids = [CraBenchSeed]::Recordings($c, $Seeded.Store.StoreId, $Seeded.Seed.RecordingId, $Tag, $Count, $Expired, $Seeded.RetentionDays,
            (Join-Path $Seeded.Store.Path 'recordings'), $Seeded.SeedFile, [datetimeoffset]::UtcNow, 'admin@uni.test')
    } finally { $c.Dispose() }
    $cp = Open-SeedConnection $Seeded.Store
    try { $cmd = $cp.CreateCommand(); $cmd.CommandText = 'PRAGMA wal_checkpoint(TRUNCATE)'; $cmd.ExecuteNonQuery() | Out-Null } finally { $cp.Dispose() }
    , $ids
}

# Puts back the files of recordings whose rows are still Active (after a baseline deleted them by hand).
function Restore-SeedFiles([object] $Seeded, [string[]] $Ids) {
    [CraBenchSeed]::RestoreFiles((Join-Path $Seeded.Store.Path 'recordings'), $Seeded.SeedFile, [string[]]$Ids)
}

# A recorder export folder (audio/<FilePrefix>-N.wav) and its manifest; with -ManifestOnly, a new manifest (new call
# ids "<CallPrefix>-N") over audio files written before. Returns the manifest path.
function New-SeedRecorderExport([string] $Folder, [string] $FilePrefix, [string] $CallPrefix, [int] $Count, [int] $AudioBytes, [int] $DaysAgo = 10, [switch] $ManifestOnly) {
    if (-not $CallPrefix) { $CallPrefix = $FilePrefix }
    $wav = if ($ManifestOnly) { [byte[]]::new(0) } else { New-TestWavBytes -Samples ([int][math]::Floor($AudioBytes / 2)) }
    [CraBenchSeed]::RecorderExport($Folder, $FilePrefix, $CallPrefix, $Count, $wav, '4521', [datetimeoffset]::UtcNow.AddDays(-$DaysAgo), -not $ManifestOnly)
}
