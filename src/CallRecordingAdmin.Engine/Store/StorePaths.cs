using System;
using System.IO;
using System.Runtime.InteropServices;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// Where the module may write: never inside the store folder, and never onto the master key. Paths are compared
    /// after resolving symbolic links (the longest existing part of each path, through realpath(3) on Unix and the
    /// runtime's link resolution on Windows), so a link that points into the store is refused too.
    /// </summary>
    public static class StorePaths
    {
        /// <summary>Refuses <paramref name="destination"/> (a file or folder to be written) when it is the store folder, lies inside it, or is the key file: ErrorId DestinationInsideStore, nothing written.</summary>
        public static void EnsureOutsideStore(RecordingStore store, string destination)
        {
            if (store == null) throw new ArgumentNullException(nameof(store));
            if (string.IsNullOrWhiteSpace(destination)) throw new ArgumentNullException(nameof(destination));
            var target = Resolve(destination);
            var root = Resolve(store.Path);
            if (IsSameOrInside(target, root))
            {
                throw new PolicyException("DestinationInsideStore", FailureKind.InvalidArgument,
                    "'" + destination + "' is inside the recording store '" + store.Path + "'; the module never writes into its own store (it could overwrite the policy database, the key or a recording, or leave plaintext audio there). Choose a folder outside the store.", destination);
            }
            foreach (var key in new[] { store.KeyPath, store.EffectiveKeyPath })
            {
                if (!string.IsNullOrEmpty(key) && IsSameOrInside(target, Resolve(key)))
                {
                    throw new PolicyException("DestinationInsideStore", FailureKind.InvalidArgument,
                        "'" + destination + "' is the store's master key file; the module never overwrites it. Choose another destination.", destination);
                }
            }
        }

        /// <summary>The full path with every symbolic link in its existing part resolved; the parts that do not exist yet are appended as given.</summary>
        public static string Resolve(string path)
        {
            var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            if (full.Length == 0) full = Path.GetFullPath(path);
            var existing = full;
            var rest = "";
            while (!string.IsNullOrEmpty(existing) && !File.Exists(existing) && !Directory.Exists(existing))
            {
                var parent = Path.GetDirectoryName(existing);
                rest = rest.Length == 0 ? Path.GetFileName(existing) : Path.Combine(Path.GetFileName(existing), rest);
                existing = parent;
            }
            if (string.IsNullOrEmpty(existing)) return full;
            var real = RealPath(existing) ?? existing;
            return rest.Length == 0 ? real : Path.Combine(real, rest);
        }

        private static bool IsSameOrInside(string path, string folder)
        {
            var comparison = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
            if (string.Equals(path, folder, comparison)) return true;
            var prefix = folder.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? folder : folder + Path.DirectorySeparatorChar;
            return path.StartsWith(prefix, comparison);
        }

        private static string RealPath(string existing)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return ResolveWindows(existing);
            }
            var buffer = Native.realpath(existing, IntPtr.Zero);
            if (buffer == IntPtr.Zero) return null;
            try
            {
                return Marshal.PtrToStringAnsi(buffer);
            }
            finally
            {
                Native.free(buffer);
            }
        }

        /// <summary>Windows: resolves each linked component through FileSystemInfo.ResolveLinkTarget where the runtime has it (.NET 6+).</summary>
        private static string ResolveWindows(string existing)
        {
            var method = typeof(FileSystemInfo).GetMethod("ResolveLinkTarget", new[] { typeof(bool) });
            if (method == null) return existing;
            var parent = Path.GetDirectoryName(existing);
            var resolvedParent = string.IsNullOrEmpty(parent) ? null : ResolveWindows(parent);
            var here = resolvedParent == null ? existing : Path.Combine(resolvedParent, Path.GetFileName(existing));
            FileSystemInfo info = Directory.Exists(here) ? (FileSystemInfo)new DirectoryInfo(here) : new FileInfo(here);
            var target = method.Invoke(info, new object[] { true }) as FileSystemInfo;
            return target?.FullName ?? here;
        }

        private static class Native
        {
            [DllImport("libc", SetLastError = true)]
            public static extern IntPtr realpath(string path, IntPtr resolved);

            [DllImport("libc")]
            public static extern void free(IntPtr pointer);
        }
    }
}
