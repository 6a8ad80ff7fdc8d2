using System;
using System.IO;
using System.Runtime.InteropServices;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// Where the module may write. No cmdlet writes inside the store folder (the policy database, its WAL, the
    /// encrypted recordings) or onto the master key, wherever the key is kept: a careless -Destination must not
    /// overwrite the records or put plaintext beside them. Links are resolved first (every existing part of the
    /// path, by the operating system), and on Windows and macOS, whose file systems ignore case by default,
    /// paths are compared without regard to case. Spelling is not identity, though: a bind mount, a network share or a
    /// case-insensitive file system reaches the store under a name no string comparison catches, so the destination's
    /// folder is also compared by identity (<see cref="ProbeFolder"/>: a probe file created there must not show in the store).
    /// </summary>
    public static class StorePaths
    {
        /// <summary>
        /// The full path of <paramref name="destination"/>, or <c>DestinationInsideStore</c> when it is the store
        /// folder, lies inside it, or is the master key file (through links, mounts and case-insensitive aliases too: with
        /// <paramref name="probe"/>, the nearest existing folder is compared by identity). Nothing is written either way
        /// but the probe, an empty file deleted at once.
        /// </summary>
        public static string EnsureOutsideStore(RecordingStore store, string destination, bool probe)
        {
            if (store == null) throw new ArgumentNullException(nameof(store));
            string full;
            try
            {
                full = Path.GetFullPath(destination ?? "");
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                throw new PolicyException("DestinationInvalid", FailureKind.InvalidArgument, "'" + destination + "' is not a usable path: " + e.Message, destination);
            }
            var resolved = Resolve(full);
            var root = Resolve(Path.GetFullPath(store.Path));
            if (Same(resolved, root) || Inside(resolved, root))
            {
                throw Refusal(full, resolved, "is inside the recording store '" + store.Path + "'");
            }
            foreach (var key in new[] { store.KeyPath, Environment.GetEnvironmentVariable(RecordingStore.KeyPathVariable) })
            {
                if (string.IsNullOrWhiteSpace(key)) continue;
                var keyFull = Resolve(Path.GetFullPath(key));
                if (Same(resolved, keyFull))
                {
                    throw Refusal(full, resolved, "is the store's master key file");
                }
            }
            if (probe)
            {
                var folder = NearestExistingFolder(resolved);
                if (folder != null) ProbeFolder(store, folder, full, resolved);
            }
            return full;
        }

        /// <summary>
        /// The same check, where <paramref name="probe"/> says whether to establish the identity of the nearest existing folder by a probe file
        /// (<see cref="ProbeFolder"/>); <see cref="SafeOutput"/> passes false for a file it has just created, which is its own probe.
        /// </summary>
        public static string EnsureOutsideStore(RecordingStore store, string destination) => EnsureOutsideStore(store, destination, true);

        /// <summary>
        /// Whether a folder is one of the store's folders is a question of identity, not of spelling: a bind mount of the store, a
        /// case-insensitive file system (SMB, vfat, ext4 casefold) or a network alias reach the same folder under another name, which
        /// no comparison of path strings sees. The portable test of identity: a file created exclusively under a random name in
        /// <paramref name="folder"/> is looked for in every folder of the store (and the master key's folder); if it shows there, the
        /// two are one folder. The probe is a new, empty file, deleted at once; the policy database is never opened (closing any
        /// handle to it would drop SQLite's locks). A folder in which no file can be created is left to the write itself, which then fails.
        /// </summary>
        internal static void ProbeFolder(RecordingStore store, string folder, string full, string resolved)
        {
            if (Verified(store, folder) && !IsKeyName(store, Path.GetFileName(resolved))) return;
            var probe = Path.Combine(folder, ".callrecordingadmin-probe-" + Guid.NewGuid().ToString("N"));
            try
            {
                using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is NotSupportedException)
            {
                return;
            }
            try
            {
                SameFolderAs(store, folder, Path.GetFileName(probe), full, resolved, Path.GetFileName(resolved));
            }
            finally
            {
                try { File.Delete(probe); } catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
        }

        /// <summary>
        /// Refuses when the file <paramref name="name"/> (just created exclusively in <paramref name="folder"/>) shows in a folder of the
        /// store, or in the master key's folder while <paramref name="finalName"/> is the key's name (case ignored).
        /// </summary>
        internal static void SameFolderAs(RecordingStore store, string folder, string name, string full, string resolved, string finalName)
        {
            if (!Verified(store, folder))
            {
                foreach (var storeFolder in StoreFolders(Resolve(Path.GetFullPath(store.Path))))
                {
                    if (File.Exists(Path.Combine(storeFolder, name)))
                    {
                        throw Refusal(full, resolved, "is inside the recording store '" + store.Path + "': its folder '" + folder + "' is the store's folder '" + storeFolder + "' under another name (a mount, a link or a case-insensitive alias)");
                    }
                }
                if (VerifiedOutside.Count > 10000) VerifiedOutside.Clear();
                VerifiedOutside[CacheKey(store, folder)] = DateTime.UtcNow;
            }
            foreach (var key in new[] { store.KeyPath, Environment.GetEnvironmentVariable(RecordingStore.KeyPathVariable) })
            {
                if (string.IsNullOrWhiteSpace(key)) continue;
                var keyFull = Resolve(Path.GetFullPath(key));
                var keyFolder = Path.GetDirectoryName(keyFull);
                if (string.IsNullOrEmpty(keyFolder) || !string.Equals(finalName, Path.GetFileName(keyFull), StringComparison.OrdinalIgnoreCase)) continue;
                if (File.Exists(Path.Combine(keyFolder, name)))
                {
                    throw Refusal(full, resolved, "is the store's master key file '" + keyFull + "' under another name (a mount, a link or a case-insensitive alias)");
                }
            }
        }

        // Folders already found not to be the store's, for a short while: an export of many files (a backup with its recordings, a
        // subject access export) probes each destination folder once, not once per file. Keyed by store and folder path, as resolved.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> VerifiedOutside =
            new System.Collections.Concurrent.ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);

        private static readonly TimeSpan VerifiedFor = TimeSpan.FromSeconds(30);

        private static string CacheKey(RecordingStore store, string folder) => store.Path + "\n" + folder;

        private static bool Verified(RecordingStore store, string folder) =>
            VerifiedOutside.TryGetValue(CacheKey(store, folder), out var at) && DateTime.UtcNow - at < VerifiedFor;

        private static bool IsKeyName(RecordingStore store, string finalName)
        {
            foreach (var key in new[] { store.KeyPath, Environment.GetEnvironmentVariable(RecordingStore.KeyPathVariable) })
            {
                if (!string.IsNullOrWhiteSpace(key) && string.Equals(Path.GetFileName(key), finalName, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        /// <summary>The store folder and every folder in it (the recordings folder and its shards), not following links, at most four levels deep.</summary>
        private static System.Collections.Generic.IEnumerable<string> StoreFolders(string root)
        {
            var pending = new System.Collections.Generic.Stack<(string Path, int Depth)>();
            pending.Push((root, 0));
            while (pending.Count > 0)
            {
                var (folder, depth) = pending.Pop();
                yield return folder;
                if (depth >= 4) continue;
                string[] children;
                try
                {
                    children = Directory.GetDirectories(folder);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    continue;
                }
                foreach (var child in children)
                {
                    if (!IsLink(child)) pending.Push((child, depth + 1));
                }
            }
        }

        /// <summary>The path itself when it is a folder, else the nearest folder above it that exists (links resolved already).</summary>
        private static string NearestExistingFolder(string resolved)
        {
            var p = resolved;
            while (!string.IsNullOrEmpty(p))
            {
                if (Directory.Exists(p)) return p;
                p = Path.GetDirectoryName(p);
            }
            return null;
        }

        /// <summary>
        /// New-RecordingStore: a store is never made inside another store's folder (connected or not), nor with its key there. Every
        /// existing folder above <paramref name="path"/>, links resolved, is looked at for a policy database (by name only: the file is
        /// never opened); a store found is <c>DestinationInsideStore</c>.
        /// </summary>
        public static void EnsureNotInsideAnyStore(string path, string what)
        {
            var full = Path.GetFullPath(path);
            var p = Resolve(full);
            while (!string.IsNullOrEmpty(p))
            {
                if (Directory.Exists(p) && File.Exists(Path.Combine(p, RecordingStore.DatabaseFileName)))
                {
                    throw new PolicyException("DestinationInsideStore", FailureKind.SecurityError,
                        what + " '" + full + "' is inside the recording store '" + p + "' (it holds " + RecordingStore.DatabaseFileName +
                        "); the module never writes inside a store, and a store inside another would mix their files. Choose a folder outside it. Nothing was written.", full, "2.5");
                }
                p = Path.GetDirectoryName(p);
            }
        }

        /// <summary>
        /// <see cref="EnsureOutsideStore"/> for a cmdlet's work (<paramref name="doing"/>): a refusal is written to
        /// the audit log (who, what, why) before it is thrown.
        /// </summary>
        internal static string Checked(RecordingStore store, string doing, string destination)
        {
            try
            {
                return EnsureOutsideStore(store, destination);
            }
            catch (PolicyException e)
            {
                store.AuditRefusal(doing, e);
                throw;
            }
        }

        private static PolicyException Refusal(string full, string resolved, string what) =>
            new PolicyException("DestinationInsideStore", FailureKind.SecurityError,
                "the destination '" + full + "'" + (string.Equals(full, resolved, StringComparison.Ordinal) ? "" : " (which leads to '" + resolved + "')") + " " + what +
                "; the module never writes there, so that the store's records, recordings and key cannot be overwritten. Choose a folder outside the store. Nothing was written.",
                full, "2.5");

        private static bool IgnoreCase =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        private static StringComparison Comparison => IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        private static string Trim(string p)
        {
            var root = Path.GetPathRoot(p) ?? "";
            var t = p.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            return t.Length < root.Length ? root : t;
        }

        private static bool Same(string a, string b) => string.Equals(Trim(a), Trim(b), Comparison);

        private static bool Inside(string path, string folder)
        {
            var f = Trim(folder);
            if (!f.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal)) f += Path.DirectorySeparatorChar;
            return Trim(path).StartsWith(f, Comparison);
        }

        /// <summary>
        /// The path with every link resolved: the longest part of it that exists is resolved by the operating
        /// system (realpath on Linux and macOS, the final path of a handle on Windows), and the rest, which does
        /// not exist yet and so cannot be a link, is appended.
        /// </summary>
        internal static string Resolve(string full)
        {
            var existing = full;
            var rest = "";
            while (!File.Exists(existing) && !Directory.Exists(existing) && !IsLink(existing))
            {
                var parent = Path.GetDirectoryName(existing);
                if (string.IsNullOrEmpty(parent)) return full;
                rest = rest.Length == 0 ? Path.GetFileName(existing) : Path.Combine(Path.GetFileName(existing), rest);
                existing = parent;
            }
            var real = RealPath(existing) ?? existing;
            return rest.Length == 0 ? real : Path.Combine(real, rest);
        }

        private static bool IsLink(string path)
        {
            try
            {
                return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                return false;
            }
        }

        private static string RealPath(string path)
        {
            try
            {
                return RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? WindowsFinalPath(path) : UnixRealPath(path);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is IOException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }

        [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
        private static extern IntPtr realpath(string path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        private static extern void free(IntPtr p);

        private static string UnixRealPath(string path)
        {
            var p = realpath(path, IntPtr.Zero);
            if (p == IntPtr.Zero) return null;
            try
            {
                return PtrToUtf8(p);
            }
            finally
            {
                free(p);
            }
        }

        private static string PtrToUtf8(IntPtr p)
        {
            var length = 0;
            while (Marshal.ReadByte(p, length) != 0) length++;
            var bytes = new byte[length];
            Marshal.Copy(p, bytes, 0, length);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr CreateFileW(string name, uint access, uint share, IntPtr security, uint disposition, uint flags, IntPtr template);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern uint GetFinalPathNameByHandleW(IntPtr handle, System.Text.StringBuilder path, uint size, uint flags);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool CloseHandle(IntPtr handle);

        private static string WindowsFinalPath(string path)
        {
            const uint shareAll = 7, openExisting = 3, backupSemantics = 0x02000000;
            var h = CreateFileW(path, 0, shareAll, IntPtr.Zero, openExisting, backupSemantics, IntPtr.Zero);
            if (h == new IntPtr(-1)) return null;
            try
            {
                var sb = new System.Text.StringBuilder(1024);
                var n = GetFinalPathNameByHandleW(h, sb, (uint)sb.Capacity, 0);
                if (n == 0 || n >= sb.Capacity) return null;
                var s = sb.ToString();
                if (s.StartsWith(@"\\?\UNC\", StringComparison.Ordinal)) return @"\\" + s.Substring(8);
                if (s.StartsWith(@"\\?\", StringComparison.Ordinal)) return s.Substring(4);
                return s;
            }
            finally
            {
                CloseHandle(h);
            }
        }
    }
}
