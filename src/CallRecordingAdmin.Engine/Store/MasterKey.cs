using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Security.AccessControl;
using System.Security.Cryptography;
using System.Security.Principal;
using System.Text;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// The store's master key: 32 random bytes, base64 in a file that only its owner can read (mode 0600
    /// on Unix, an owner-only ACL on Windows). The database keeps only its fingerprint, so a wrong key is
    /// recognised and the key never sits beside the data it protects unless the admin chose so.
    /// </summary>
    public static class MasterKey
    {
        public const string DefaultFileName = "master.key";

        public static string Create(string path)
        {
            var full = Path.GetFullPath(path);
            if (File.Exists(full))
            {
                throw new PolicyException("KeyFileExists", FailureKind.ResourceExists,
                    "A key file already exists at '" + full + "'; it was not overwritten. Give another -KeyPath.", full);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(full));
            var key = new byte[32];
            using (var rng = RandomNumberGenerator.Create())
            {
                rng.GetBytes(key);
            }
            using (var stream = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                RestrictToOwner(full);
                var bytes = Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n");
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(true);
            }
            return Fingerprint(key);
        }

        public static byte[] Read(string path)
        {
            try
            {
                var key = Convert.FromBase64String(File.ReadAllText(path).Trim());
                if (key.Length != 32)
                {
                    throw new FormatException("not 32 bytes");
                }
                return key;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException)
            {
                throw new PolicyException("EncryptionKeyUnavailable", FailureKind.SecurityError,
                    "The store's master key could not be read from '" + path + "': " + e.Message, path, null, e);
            }
        }

        public static string Fingerprint(byte[] key) => AuditChain.Sha256Hex("CallRecordingAdmin key " + Convert.ToBase64String(key));

        /// <summary>True when group or others may read the file (Unix); always false on Windows, where the ACL is set at creation.</summary>
        public static bool IsReadableByOthers(string path) => OwnerOnly.IsOpenToOthers(path);

        private static void RestrictToOwner(string path)
        {
            try
            {
                OwnerOnly.RestrictKey(path);
            }
            catch (PolicyException e)
            {
                throw new PolicyException("KeyFileInsecure", FailureKind.SecurityError, "The key file could not be made readable by its owner only: " + e.Message, path, null, e);
            }
        }
    }
}
