using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.AccessControl;
using System.Security.Principal;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// Files and folders that only their owner may open: the store (policy database, recordings, master key) and
    /// decrypted output. On Unix, mode 0600 for files and 0700 for folders, set through chmod(2) (netstandard2.0 has no
    /// File.SetUnixFileMode) before any content is written. On Windows the store gets a protected ACL for the owner and
    /// the Administrators group; decrypted output keeps the ACL it inherits from its destination (the case folder's
    /// protection is the admin's choice there).
    /// </summary>
    public static class OwnerOnly
    {
        public const uint FileBits = 0x180;   // 0600
        public const uint FolderBits = 0x1C0; // 0700

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>Creates (or truncates, with <see cref="System.IO.FileMode.Create"/>) a file readable by its owner only, before any byte is written.</summary>
        public static FileStream CreateFile(string path, System.IO.FileMode mode = System.IO.FileMode.CreateNew, int bufferSize = 4096)
        {
            var stream = new FileStream(path, mode, FileAccess.Write, FileShare.None, bufferSize);
            try
            {
                if (!IsWindows) Chmod(path, FileBits);
                return stream;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>Makes a file just created through <paramref name="stream"/> owner-only through its handle (fchmod on Unix), so a name swapped for a link cannot redirect it; on Windows the file keeps the ACL it inherits from its folder.</summary>
        internal static void RestrictOpen(FileStream stream, string path)
        {
            if (IsWindows) return;
            if (Native.Fchmod(stream.SafeFileHandle.DangerousGetHandle().ToInt32(), FileBits) != 0)
            {
                throw new PolicyException("PermissionsNotSet", FailureKind.SecurityError,
                    "'" + path + "' could not be made accessible to its owner only (fchmod 600 failed, errno " + Marshal.GetLastWin32Error() + ").", path);
            }
        }

        /// <summary>Creates a folder (and its missing parents) and makes the folder itself owner-only.</summary>
        public static void CreateDirectory(string path)
        {
            Directory.CreateDirectory(path);
            if (!IsWindows) Chmod(path, FolderBits);
        }

        /// <summary>Makes an existing file or folder of the store owner-only (0600/0700; on Windows owner and Administrators).</summary>
        public static void Restrict(string path)
        {
            var folder = Directory.Exists(path);
            if (IsWindows)
            {
                RestrictWindows(path, folder, withAdministrators: true);
                return;
            }
            Chmod(path, folder ? FolderBits : FileBits);
        }

        /// <summary>The master key: owner only, with no Administrators entry on Windows.</summary>
        internal static void RestrictKey(string path)
        {
            if (IsWindows) RestrictWindows(path, false, withAdministrators: false);
            else Chmod(path, FileBits);
        }

        /// <summary>True when group or others have any permission on the file or folder (Unix); always false on Windows.</summary>
        public static bool IsOpenToOthers(string path) => !IsWindows && Mode(path) is uint mode && (mode & 0x3F) != 0; // 0077

        /// <summary>The permission bits (Unix), through FileSystemInfo.UnixFileMode where the runtime has it (.NET 7+); null elsewhere.</summary>
        public static uint? Mode(string path)
        {
            var prop = typeof(FileSystemInfo).GetProperty("UnixFileMode");
            if (prop == null) return null;
            FileSystemInfo info = Directory.Exists(path) ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path);
            return Convert.ToUInt32(prop.GetValue(info));
        }

        private static void Chmod(string path, uint mode)
        {
            if (Native.Chmod(path, mode) != 0)
            {
                throw new PolicyException("PermissionsNotSet", FailureKind.SecurityError,
                    "'" + path + "' could not be made accessible to its owner only (chmod " + Convert.ToString(mode, 8) + " failed, errno " + Marshal.GetLastWin32Error() + ").", path);
            }
        }

        private static void RestrictWindows(string path, bool folder, bool withAdministrators)
        {
            var owner = WindowsIdentity.GetCurrent().User;
            var inherit = folder ? InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit : InheritanceFlags.None;
            if (folder)
            {
                var security = new DirectorySecurity();
                security.SetAccessRuleProtection(true, false);
                security.AddAccessRule(new FileSystemAccessRule(owner, FileSystemRights.FullControl, inherit, PropagationFlags.None, AccessControlType.Allow));
                if (withAdministrators)
                    security.AddAccessRule(new FileSystemAccessRule(new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null), FileSystemRights.FullControl, inherit, PropagationFlags.None, AccessControlType.Allow));
                new DirectoryInfo(path).SetAccessControl(security);
            }
            else
            {
                var security = new FileSecurity();
                security.SetAccessRuleProtection(true, false);
                security.AddAccessRule(new FileSystemAccessRule(owner, FileSystemRights.FullControl, AccessControlType.Allow));
                if (withAdministrators)
                    security.AddAccessRule(new FileSystemAccessRule(new SecurityIdentifier(WellKnownSidType.BuiltinAdministratorsSid, null), FileSystemRights.FullControl, AccessControlType.Allow));
                new FileInfo(path).SetAccessControl(security);
            }
        }

        private static class Native
        {
            [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
            public static extern int Chmod(string path, uint mode);

            [DllImport("libc", EntryPoint = "fchmod", SetLastError = true)]
            public static extern int Fchmod(int fd, uint mode);
        }
    }
}
