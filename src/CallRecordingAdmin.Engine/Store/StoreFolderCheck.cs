using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// Test-RecordingStore's check of the store folder itself (issue 11): every entry the store does not expect is a
    /// <c>StrayStoreEntry</c> warning naming its path. Expected are the policy database and SQLite's side files (-wal,
    /// -shm, -journal), the import lock, the master key when the store keeps it in its folder, the manifest of the backup a
    /// store was restored from (manifest.json, manifest.sha256), and the recordings folder,
    /// which holds only two-character shard folders. Files inside the recordings folder are the orphan-file check's
    /// (every file there without its recording, a ".crec" of no row among them). Nothing is ever deleted.
    /// </summary>
    internal static class StoreFolderCheck
    {
        internal const string Check = "StrayStoreEntry";

        internal static IEnumerable<StoreFinding> Findings(string storePath, params string[] keyPaths)
        {
            var root = Path.GetFullPath(storePath);
            var expectedFiles = new HashSet<string>(StringComparer.Ordinal)
            {
                RecordingStore.DatabaseFileName, RecordingStore.DatabaseFileName + "-wal", RecordingStore.DatabaseFileName + "-shm",
                RecordingStore.DatabaseFileName + "-journal", ImportLock.FileName,
                // a store restored from Backup-RecordingStore (copy the backup folder) keeps its backup's manifest
                StoreBackup.ManifestJson, StoreBackup.ManifestHash,
            };
            foreach (var key in keyPaths.Where(k => !string.IsNullOrEmpty(k)).Select(Path.GetFullPath))
            {
                if (string.Equals(Path.GetDirectoryName(key), root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal)) expectedFiles.Add(Path.GetFileName(key));
            }
            var strays = new List<string>();
            foreach (var entry in Directory.EnumerateFileSystemEntries(root))
            {
                var name = Path.GetFileName(entry);
                var isDirectory = Directory.Exists(entry) && !IsLink(entry);
                if (isDirectory ? name == RecordingStore.RecordingsFolderName : expectedFiles.Contains(name) && File.Exists(entry)) continue;
                strays.Add(entry);
            }
            var recordings = Path.Combine(root, RecordingStore.RecordingsFolderName);
            if (Directory.Exists(recordings) && !IsLink(recordings))
            {
                foreach (var shard in Directory.EnumerateDirectories(recordings))
                {
                    if (IsLink(shard) || !IsShardName(Path.GetFileName(shard))) { strays.Add(shard); continue; }
                    strays.AddRange(Directory.EnumerateDirectories(shard));
                }
            }
            foreach (var stray in strays)
            {
                var kind = Directory.Exists(stray) && !IsLink(stray) ? "folder" : IsLink(stray) ? "link" : "file";
                yield return StoreFindings.Of(new PolicyException("StrayStoreEntry", FailureKind.InvalidData,
                    "The " + kind + " '" + stray + "' in the store folder is not one the store writes; it is reported, not deleted. Find out who put it there, then move it out of the store.", stray),
                    FindingSeverity.Warning);
            }
            if (strays.Count == 0)
            {
                yield return new StoreFinding(Check, FindingSeverity.Ok, "The store folder holds only what the store writes.", root);
            }
        }

        private static bool IsShardName(string name) => name.Length == 2 && name.All(ch => (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'));

        private static bool IsLink(string path) => (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
    }
}
