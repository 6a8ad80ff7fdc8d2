using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>What Backup-RecordingStore wrote.</summary>
    public sealed class StoreBackupResult
    {
        public string Path { get; set; }
        public string StoreId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
        public string KeyFingerprint { get; set; }
        public long AuditHeadSequence { get; set; }
        public string AuditHeadHash { get; set; }
        public bool IncludesRecordings { get; set; }
        public long Recordings { get; set; }
        /// <summary>Active recordings in the copied database whose file vanished before it could be copied (a purge ran meanwhile).</summary>
        public long RecordingsMissing { get; set; }
        public long Files { get; set; }
        public long Bytes { get; set; }
        public string ManifestPath { get; set; }
    }

    /// <summary>
    /// A consistent copy of a store: the policy database through SQLite's online backup API (never a file copy, which can
    /// catch a database and its WAL at different moments, and on Unix drops the process's locks), the master key's
    /// fingerprint (never the key), the encrypted recordings when asked, and manifest.json with the size and SHA-256 of
    /// every file, itself hashed in manifest.sha256. Restoring is Connect-RecordingStore on a copy of the folder, with the key.
    /// </summary>
    public static class StoreBackup
    {
        public const string Format = "CallRecordingAdmin.StoreBackup/1";
        public const string ManifestJson = "manifest.json";
        public const string ManifestHash = "manifest.sha256";

        /// <summary>Backs up the store into <paramref name="destination"/> (a new or empty folder outside the store). Administrators only; audited.</summary>
        public static StoreBackupResult Run(RecordingStore store, string destination, bool includeRecordings, Action<long, long> progress = null)
        {
            var folder = System.IO.Path.GetFullPath(destination);
            StorePaths.EnsureOutsideStore(store, folder);
            if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
            {
                throw new PolicyException("BackupDestinationNotEmpty", FailureKind.ResourceExists,
                    "'" + folder + "' already exists and is not an empty folder; a backup goes into a new or empty folder, so that it never mixes with another.", folder);
            }
            // The event comes first, so that the copy holds the record of its own making.
            var started = store.Change("back up the store", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "back up the store");
                return ctx.Audit("BackupRecordingStore", "RecordingStore", store.StoreId, new Dictionary<string, object>
                {
                    ["destination"] = folder, ["includeRecordings"] = includeRecordings,
                });
            });
            OwnerOnly.CreateDirectory(folder);
            var database = System.IO.Path.Combine(folder, RecordingStore.DatabaseFileName);
            // SQLite follows a link at the name it opens: the copy goes into a new, randomly named, exclusively created file, renamed into place.
            using (var pending = SafeOutput.Begin(store, database, ownerOnly: true))
            {
                pending.Stream.Dispose();
                store.Database.CopyTo(pending.TempPath);
                pending.Commit();
            }

            var result = new StoreBackupResult
            {
                Path = folder, StoreId = store.StoreId, CreatedAt = started.OccurredAt, CreatedBy = store.Identity, KeyFingerprint = store.KeyFingerprint,
                IncludesRecordings = includeRecordings,
            };
            var copy = RecordingStore.OpenCopy(database);
            var head = copy.Read(s => s.Audit.Head()) ?? (0L, "");
            result.AuditHeadSequence = head.Sequence;
            result.AuditHeadHash = head.Hash;

            var files = new List<Dictionary<string, object>> { Entry(folder, database) };
            var recordingsFolder = System.IO.Path.Combine(folder, RecordingStore.RecordingsFolderName);
            OwnerOnly.CreateDirectory(recordingsFolder);
            if (includeRecordings)
            {
                var rows = copy.Read(s => s.Health.StoredFiles());
                var folders = new HashSet<string>(StringComparer.Ordinal);
                foreach (var row in rows)
                {
                    var relative = SafeRelative(row.File);
                    var source = System.IO.Path.Combine(store.Path, RecordingStore.RecordingsFolderName, relative);
                    var target = System.IO.Path.Combine(recordingsFolder, relative);
                    var parent = System.IO.Path.GetDirectoryName(target);
                    if (folders.Add(parent)) OwnerOnly.CreateDirectory(parent);
                    if (!CopyFile(store, source, target))
                    {
                        result.RecordingsMissing++;
                        continue;
                    }
                    files.Add(Entry(folder, target));
                    result.Recordings++;
                    progress?.Invoke(result.Recordings + result.RecordingsMissing, rows.Count);
                }
            }
            result.Files = files.Count;
            result.Bytes = files.Sum(f => (long)f["bytes"]);

            var manifest = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = Format,
                ["storeId"] = store.StoreId,
                ["sourcePath"] = store.Path,
                ["createdAt"] = Timestamp.ToText(started.OccurredAt),
                ["createdBy"] = store.Identity,
                ["osAccount"] = store.OsAccount,
                ["keyFingerprint"] = store.KeyFingerprint,
                ["auditHeadSequence"] = result.AuditHeadSequence,
                ["auditHeadHash"] = result.AuditHeadHash,
                ["includesRecordings"] = includeRecordings,
                ["recordingsMissing"] = result.RecordingsMissing,
                ["files"] = files,
            };
            var manifestPath = System.IO.Path.Combine(folder, ManifestJson);
            var json = JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true });
            SafeOutput.WriteAllText(store, manifestPath, json, ownerOnly: true);
            SafeOutput.WriteAllText(store, System.IO.Path.Combine(folder, ManifestHash), Sha256(Encoding.UTF8.GetBytes(json)) + "  " + ManifestJson + "\n", ownerOnly: true);
            DurableFiles.Flush(new[] { manifestPath });
            result.ManifestPath = manifestPath;
            return result;
        }

        private static bool CopyFile(RecordingStore store, string source, string target)
        {
            try
            {
                using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                using (var output = SafeOutput.Begin(store, target, ownerOnly: true))
                {
                    input.CopyTo(output.Stream);
                    output.Commit();
                }
            }
            catch (FileNotFoundException)
            {
                return false;
            }
            catch (DirectoryNotFoundException)
            {
                return false;
            }
            return true;
        }

        private static Dictionary<string, object> Entry(string root, string file)
        {
            using (var f = File.OpenRead(file))
            {
                return new Dictionary<string, object>
                {
                    ["path"] = Relative(root, file), ["bytes"] = f.Length, ["sha256"] = Sha256(f),
                };
            }
        }

        private static string Relative(string root, string file) => file.Substring(root.Length).TrimStart(System.IO.Path.DirectorySeparatorChar).Replace(System.IO.Path.DirectorySeparatorChar, '/');

        /// <summary>A manifest or database path must stay inside its folder: no rooted paths, no "..".</summary>
        internal static string SafeRelative(string relative)
        {
            if (string.IsNullOrEmpty(relative) || System.IO.Path.IsPathRooted(relative) || relative.Split('/', '\\').Any(p => p == ".." || p.Length == 0))
            {
                throw new PolicyException("BackupInvalid", FailureKind.InvalidData, "'" + relative + "' is not a path inside the backup.", relative);
            }
            return relative.Replace('/', System.IO.Path.DirectorySeparatorChar);
        }

        internal static string Sha256(Stream stream)
        {
            using (var sha = SHA256.Create()) return Text.Hex(sha.ComputeHash(stream));
        }

        internal static string Sha256(byte[] bytes)
        {
            using (var sha = SHA256.Create()) return Text.Hex(sha.ComputeHash(bytes));
        }

        /// <summary>
        /// Verifies a backup folder: manifest.sha256 over manifest.json, every listed file's size and SHA-256, no unlisted
        /// file, SQLite's integrity check of the copied database, its audit chain, and that its key fingerprint is the manifest's.
        /// It reads only; the database is opened read-only.
        /// </summary>
        public static IEnumerable<StoreFinding> Test(string backupFolder)
        {
            var folder = System.IO.Path.GetFullPath(backupFolder);
            var manifestPath = System.IO.Path.Combine(folder, ManifestJson);
            var hashPath = System.IO.Path.Combine(folder, ManifestHash);
            if (!File.Exists(manifestPath) || !File.Exists(hashPath))
            {
                yield return new StoreFinding("BackupManifest", FindingSeverity.Error, "'" + folder + "' has no " + ManifestJson + " and " + ManifestHash + ": it is not a backup written by Backup-RecordingStore.", folder);
                yield break;
            }
            var manifestBytes = File.ReadAllBytes(manifestPath);
            var recorded = File.ReadAllText(hashPath).Split(' ')[0].Trim();
            if (!string.Equals(recorded, Sha256(manifestBytes), StringComparison.OrdinalIgnoreCase))
            {
                yield return new StoreFinding("BackupManifest", FindingSeverity.Error, ManifestJson + " does not match its SHA-256 in " + ManifestHash + ": the manifest was changed.", manifestPath);
                yield break;
            }
            string storeId, fingerprint;
            long headSeq;
            string headHash;
            var listed = new List<(string Path, long Bytes, string Sha)>();
            string parseProblem = null;
            try
            {
                using (var doc = JsonDocument.Parse(manifestBytes))
                {
                    var root = doc.RootElement;
                    if (root.GetProperty("format").GetString() != Format) throw new FormatException("unknown format");
                    storeId = root.GetProperty("storeId").GetString();
                    fingerprint = root.GetProperty("keyFingerprint").GetString();
                    headSeq = root.GetProperty("auditHeadSequence").GetInt64();
                    headHash = root.GetProperty("auditHeadHash").GetString();
                    foreach (var f in root.GetProperty("files").EnumerateArray())
                    {
                        listed.Add((f.GetProperty("path").GetString(), f.GetProperty("bytes").GetInt64(), f.GetProperty("sha256").GetString()));
                    }
                }
            }
            catch (Exception e) when (e is JsonException || e is KeyNotFoundException || e is InvalidOperationException || e is FormatException)
            {
                storeId = fingerprint = headHash = null;
                headSeq = 0;
                parseProblem = e.Message;
            }
            if (parseProblem != null)
            {
                yield return new StoreFinding("BackupManifest", FindingSeverity.Error, ManifestJson + " is not a store backup manifest (" + parseProblem + ").", manifestPath);
                yield break;
            }
            yield return new StoreFinding("BackupManifest", FindingSeverity.Ok, "The manifest matches its SHA-256 and lists " + listed.Count + " files of store " + storeId + ".", manifestPath);

            long bad = 0;
            var expected = new HashSet<string>(StringComparer.Ordinal) { manifestPath, hashPath };
            foreach (var (relative, bytes, sha) in listed)
            {
                string full = null, unsafePath = null;
                try
                {
                    full = System.IO.Path.Combine(folder, SafeRelative(relative));
                }
                catch (PolicyException e)
                {
                    unsafePath = e.Message;
                }
                if (full == null)
                {
                    bad++;
                    yield return new StoreFinding("BackupFile", FindingSeverity.Error, unsafePath, relative);
                    continue;
                }
                expected.Add(full);
                if (!File.Exists(full))
                {
                    bad++;
                    yield return new StoreFinding("BackupFile", FindingSeverity.Error, "'" + relative + "' is listed in the manifest but missing.", full);
                    continue;
                }
                string actual;
                long length;
                using (var f = File.OpenRead(full))
                {
                    length = f.Length;
                    actual = Sha256(f);
                }
                if (length != bytes || !string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
                {
                    bad++;
                    yield return new StoreFinding("BackupFile", FindingSeverity.Error, "'" + relative + "' does not match its size and SHA-256 in the manifest: it was changed or damaged.", full);
                }
            }
            yield return bad == 0
                ? new StoreFinding("BackupFiles", FindingSeverity.Ok, "All " + listed.Count + " files match their SHA-256.", folder)
                : new StoreFinding("BackupFiles", FindingSeverity.Error, bad + " of " + listed.Count + " files are missing or do not match.", folder);
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                if (!expected.Contains(file))
                {
                    yield return new StoreFinding("BackupExtraFile", FindingSeverity.Warning, "'" + file + "' is not in the manifest.", file);
                }
            }

            var database = System.IO.Path.Combine(folder, RecordingStore.DatabaseFileName);
            if (!File.Exists(database))
            {
                yield return new StoreFinding("DatabaseIntegrity", FindingSeverity.Error, "The backup has no " + RecordingStore.DatabaseFileName + ".", database);
                yield break;
            }
            var db = RecordingStore.OpenCopy(database);
            IReadOnlyList<string> integrity;
            string problem = null;
            try
            {
                integrity = db.CheckIntegrity();
            }
            catch (PolicyException e)
            {
                integrity = null;
                problem = e.Message;
            }
            if (integrity == null)
            {
                yield return new StoreFinding("DatabaseIntegrity", FindingSeverity.Error, problem, database);
                yield break;
            }
            yield return integrity.Count == 1 && integrity[0] == "ok"
                ? new StoreFinding("DatabaseIntegrity", FindingSeverity.Ok, "SQLite integrity check of the copied database passed.", database)
                : new StoreFinding("DatabaseIntegrity", FindingSeverity.Error, "SQLite integrity check: " + string.Join("; ", integrity.Take(10)), database);

            StoreMeta meta;
            try
            {
                meta = db.Meta();
            }
            catch (KeyNotFoundException)
            {
                meta = null; // a copy whose store_meta lacks a fact the module always writes: it belongs to no store
            }
            var dbStoreId = meta?.StoreId;
            var dbFingerprint = meta?.KeyFingerprint;
            yield return string.Equals(dbStoreId, storeId, StringComparison.OrdinalIgnoreCase) && string.Equals(dbFingerprint, fingerprint, StringComparison.Ordinal)
                ? new StoreFinding("KeyFingerprint", FindingSeverity.Ok, "The copied database belongs to store " + storeId + " and expects the key with fingerprint " + fingerprint + " (the key itself is never in a backup).", database)
                : new StoreFinding("KeyFingerprint", FindingSeverity.Error, "The copied database's store id or key fingerprint differs from the manifest's.", database);

            var chain = db.Read(s => AuditChain.Verify(s.Audit, dbStoreId, new AuditCheckpoint { StoreId = storeId, Sequence = headSeq, Hash = headHash, Path = manifestPath }));
            yield return chain.IsValid
                ? new StoreFinding("AuditChain", FindingSeverity.Ok, "The audit chain of the copy holds over " + chain.EventCount + " events and ends at the head the manifest recorded (" + headSeq + ").", database)
                : new StoreFinding("AuditChain", FindingSeverity.Error, chain.Problem, chain.FirstBrokenSequence?.ToString());
        }
    }
}
