using System;
using System.IO;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>Where the store's master key comes from and the check that it is this store's key (split out of RecordingStore.cs, issue 10).</summary>
    public sealed partial class RecordingStore
    {
        /// <summary>Overrides where the master key is read from (a vault-mounted file, say).</summary>
        public const string KeyPathVariable = "CALLRECORDINGADMIN_KEY_PATH";
        private byte[] _masterKey;

        /// <summary>Where the master key is read from: $env:CALLRECORDINGADMIN_KEY_PATH when set, else the store's key path.</summary>
        public string EffectiveKeyPath
        {
            get
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(KeyPathVariable);
                return string.IsNullOrWhiteSpace(fromEnvironment) ? KeyPath : System.IO.Path.GetFullPath(fromEnvironment);
            }
        }

        /// <summary>The master key, read once and checked against the store's fingerprint; without it nothing is encrypted or decrypted (fail closed).</summary>
        internal byte[] ReadMasterKey()
        {
            if (_masterKey != null) return _masterKey;
            var path = EffectiveKeyPath;
            if (!File.Exists(path))
            {
                throw new PolicyException("EncryptionKeyUnavailable", FailureKind.SecurityError,
                    "The store's master key is not at '" + path + "'; recordings cannot be encrypted or read without it. Restore the key file or set $env:" + KeyPathVariable + ".", path);
            }
            var key = MasterKey.Read(path);
            if (!string.IsNullOrEmpty(KeyFingerprint) && MasterKey.Fingerprint(key) != KeyFingerprint)
            {
                throw new PolicyException("EncryptionKeyUnavailable", FailureKind.SecurityError,
                    "The key at '" + path + "' is not this store's master key (its fingerprint differs).", path);
            }
            return _masterKey = key;
        }
    }
}
