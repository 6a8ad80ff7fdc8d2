using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// The one way the module writes a file for a user (exports, saved audio, copies, manifests, checkpoints, backups).
    /// A planted link must never redirect a write into the store: the bytes go to a new file with a random name in the
    /// destination's folder, created exclusively (<see cref="FileMode.CreateNew"/>: O_CREAT|O_EXCL, which fails on any
    /// existing name, a link included, and never follows one), made owner-only through its handle where asked, and then
    /// renamed onto the destination (rename(2) / MoveFileEx replaces a link at the destination, it does not follow it).
    /// The destination and the temporary file (once it exists, with its folder's links resolved) both pass
    /// <see cref="StorePaths.EnsureOutsideStore"/>; the destination is checked again just before the rename.
    /// </summary>
    public static class SafeOutput
    {
        private const string TempSuffix = ".partial";

        /// <summary>A file being written: <see cref="Stream"/> writes the temporary file; <see cref="Commit"/> renames it onto the destination; disposing without committing deletes it.</summary>
        public sealed class Pending : IDisposable
        {
            private readonly RecordingStore _store;
            private bool _done;

            internal Pending(RecordingStore store, string final, string temp, FileStream stream)
            {
                _store = store;
                FinalPath = final;
                TempPath = temp;
                Stream = stream;
            }

            public string FinalPath { get; }
            public string TempPath { get; }
            public FileStream Stream { get; }

            /// <summary>Flushes the file to disk, closes it and puts it under its real name (replacing what is there, a link included, never following it).</summary>
            public void Commit()
            {
                if (_done) throw new InvalidOperationException("already committed");
                if (Stream.CanWrite) Stream.Flush(true);
                Stream.Dispose();
                if (_store != null) CheckTemp(_store, TempPath, FinalPath);
                Replace(TempPath, FinalPath);
                _done = true;
            }

            public void Dispose()
            {
                if (_done) return;
                _done = true;
                Stream.Dispose();
                try { File.Delete(TempPath); } catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
        }

        /// <summary>
        /// Starts writing <paramref name="destination"/>: checks it is outside the store (when a store is given), creates the temporary
        /// file exclusively beside it (creating missing folders owner-only), owner-only (0600 on Unix) unless <paramref name="ownerOnly"/> is
        /// false, and checks the temporary file too: by its path, and by identity (the new file must not show in any folder of the store).
        /// Every file the module writes for a user carries personal data or evidence (audio, access-log rows, manifests, reports), so
        /// owner-only is the default; the destination's folder, when it exists, keeps its own permissions (the admin's choice).
        /// </summary>
        public static Pending Begin(RecordingStore store, string destination, bool ownerOnly = true, int bufferSize = 1 << 16)
        {
            var final = store != null ? StorePaths.EnsureOutsideStore(store, destination) : Path.GetFullPath(destination);
            var folder = Path.GetDirectoryName(final);
            if (!string.IsNullOrEmpty(folder)) CreateFolder(folder);
            string temp = null;
            FileStream stream = null;
            for (var attempt = 0; stream == null; attempt++)
            {
                temp = final + "." + RandomToken() + TempSuffix;
                try
                {
                    stream = CreateExclusive(temp, ownerOnly, bufferSize);
                }
                catch (IOException) when (attempt < 5 && (File.Exists(temp) || Directory.Exists(temp) || IsLink(temp)))
                {
                    // The name exists (taken by chance or planted): another random name.
                }
            }
            var pending = new Pending(store, final, temp, stream);
            try
            {
                if (store != null) CheckTemp(store, temp, final);
            }
            catch
            {
                pending.Dispose();
                throw;
            }
            return pending;
        }

        /// <summary>The temporary file, once it exists: outside the store by its path, and by identity — its random name must not show in any folder of the store (a mount or alias of it).</summary>
        private static void CheckTemp(RecordingStore store, string temp, string final)
        {
            var resolvedTemp = StorePaths.Resolve(StorePaths.EnsureOutsideStore(store, temp, false));
            StorePaths.SameFolderAs(store, Path.GetDirectoryName(resolvedTemp), Path.GetFileName(resolvedTemp), final, StorePaths.Resolve(final), Path.GetFileName(final));
        }

        /// <summary>
        /// Creates a folder for output with every missing level owner-only (0700 on Unix; on Windows each inherits its parent's ACL);
        /// a folder that exists keeps its permissions.
        /// </summary>
        public static void CreateFolder(string path)
        {
            var full = Path.GetFullPath(path);
            var missing = new System.Collections.Generic.Stack<string>();
            for (var p = full; !string.IsNullOrEmpty(p) && !Directory.Exists(p); p = Path.GetDirectoryName(p)) missing.Push(p);
            while (missing.Count > 0)
            {
                var next = missing.Pop();
                if (Directory.Exists(next)) continue;
                OwnerOnly.CreateDirectory(next);
            }
        }

        /// <summary>Writes a whole file through <paramref name="write"/> and puts it in place; on any failure the temporary file goes and the destination is unchanged.</summary>
        public static void Write(RecordingStore store, string destination, Action<Stream> write, bool ownerOnly = true)
        {
            using (var pending = Begin(store, destination, ownerOnly))
            {
                write(pending.Stream);
                pending.Commit();
            }
        }

        /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
        public static void WriteAllText(RecordingStore store, string destination, string text, bool ownerOnly = true)
        {
            var bytes = new UTF8Encoding(false).GetBytes(text ?? "");
            Write(store, destination, s => s.Write(bytes, 0, bytes.Length), ownerOnly);
        }

        /// <summary>
        /// Creates a new file, failing if the name exists in any form (a file, a folder, a link, a dangling link): FileMode.CreateNew
        /// is open(O_CREAT|O_EXCL) on Unix and CREATE_NEW on Windows, neither of which follows a link. Owner-only is set through the
        /// open handle (fchmod), so a name swapped after the create cannot redirect it.
        /// </summary>
        internal static FileStream CreateExclusive(string path, bool ownerOnly, int bufferSize = 4096)
        {
            FileStream stream;
#if NET8_0_OR_GREATER
            // On .NET 8 the file is born 0600 (open(2)'s mode, before the umask), so it is never readable by others even for an instant.
            if (ownerOnly && !OperatingSystem.IsWindows())
            {
                stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = bufferSize,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            else
#endif
            {
                stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize);
            }
            if (!ownerOnly) return stream;
            try
            {
                OwnerOnly.RestrictOpen(stream, path);
                return stream;
            }
            catch
            {
                stream.Dispose();
                try { File.Delete(path); } catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
                throw;
            }
        }

        /// <summary>Renames <paramref name="temp"/> onto <paramref name="final"/> in one step, replacing a file or link there (never following a link).</summary>
        internal static void Replace(string temp, string final)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                const uint replaceExisting = 0x1, writeThrough = 0x8;
                if (!MoveFileExW(temp, final, replaceExisting | writeThrough))
                {
                    throw new IOException("'" + temp + "' could not be renamed to '" + final + "' (error " + Marshal.GetLastWin32Error() + ").");
                }
                return;
            }
            if (rename(temp, final) != 0)
            {
                var errno = Marshal.GetLastWin32Error();
                if (errno == 13 || errno == 1) throw new UnauthorizedAccessException("'" + temp + "' could not be renamed to '" + final + "' (errno " + errno + ").");
                throw new IOException("'" + temp + "' could not be renamed to '" + final + "' (errno " + errno + ").");
            }
        }

        private static bool IsLink(string path)
        {
            try
            {
                return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static string RandomToken()
        {
            var bytes = new byte[8];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(bytes);
            var sb = new StringBuilder(16);
            foreach (var b in bytes) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
        private static extern int rename(string oldPath, string newPath);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool MoveFileExW(string existing, string replacement, uint flags);
    }
}
