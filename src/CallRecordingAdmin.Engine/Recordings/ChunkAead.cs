using System;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// AES-256-GCM with a 12-byte nonce and a 16-byte tag written after the ciphertext (ciphertext||tag), as the
    /// recording format stores it. Two implementations give the same bytes: BouncyCastle's (every target, and the
    /// only one on netstandard2.0, i.e. Windows PowerShell 5.1) and the platform's AesGcm (net8.0 build, AES-NI
    /// through the OS crypto library) — see <see cref="ChunkAead.Default"/>.
    /// </summary>
    internal abstract class ChunkAead : IDisposable
    {
        internal const int TagBytes = 16;

        /// <summary>Writes ciphertext||tag (length + 16 bytes) at output[0].</summary>
        public abstract void Seal(byte[] nonce, byte[] aad, byte[] input, int offset, int length, byte[] output);

        /// <summary>Checks the tag of input[offset..offset+length) (ciphertext||tag) and writes the plaintext at output[0]; returns its length.</summary>
        /// <exception cref="ChunkTagMismatchException">the tag does not match (altered data, wrong key, nonce or associated data)</exception>
        public abstract int Open(byte[] nonce, byte[] aad, byte[] input, int offset, int length, byte[] output);

        public virtual void Dispose() { }

        /// <summary>Creates the AEAD for one key.</summary>
        internal delegate ChunkAead Factory(byte[] key);

        /// <summary>BouncyCastle's AES-GCM (declared before <see cref="Default"/>: static fields initialise in this order).</summary>
        internal static readonly Factory Managed = key => new BouncyCastleAead(key);

        /// <summary>The fastest implementation this build and platform have.</summary>
        internal static readonly Factory Default = PlatformOrManaged();

        private static Factory PlatformOrManaged()
        {
#if NET8_0_OR_GREATER
            if (PlatformAead.IsSupported) return key => new PlatformAead(key);
#endif
            return Managed ?? throw new InvalidOperationException("ChunkAead.Managed must be initialised before ChunkAead.Default.");
        }

        /// <summary>Name of the implementation behind <see cref="Default"/> (for -Verbose and tests).</summary>
        internal static string DefaultName
        {
            get
            {
                using (var a = Default(new byte[32])) return a.Name;
            }
        }

        internal abstract string Name { get; }
    }

    /// <summary>The tag of a chunk or of the wrapped key did not match.</summary>
    internal sealed class ChunkTagMismatchException : Exception
    {
        public ChunkTagMismatchException(Exception inner) : base("The authentication tag does not match.", inner) { }
    }

    /// <summary>BouncyCastle's managed AES-GCM (no hardware instructions on netstandard2.0).</summary>
    internal sealed class BouncyCastleAead : ChunkAead
    {
        private readonly KeyParameter _key;
        private readonly GcmBlockCipher _gcm = new GcmBlockCipher(AesUtilities.CreateEngine());

        public BouncyCastleAead(byte[] key) { _key = new KeyParameter(key); }

        internal override string Name => "BouncyCastle AES-GCM (managed)";

        public override void Seal(byte[] nonce, byte[] aad, byte[] input, int offset, int length, byte[] output)
        {
            _gcm.Init(true, new AeadParameters(_key, TagBytes * 8, nonce, aad));
            var n = _gcm.ProcessBytes(input, offset, length, output, 0);
            _gcm.DoFinal(output, n);
        }

        public override int Open(byte[] nonce, byte[] aad, byte[] input, int offset, int length, byte[] output)
        {
            _gcm.Init(false, new AeadParameters(_key, TagBytes * 8, nonce, aad));
            try
            {
                var n = _gcm.ProcessBytes(input, offset, length, output, 0);
                return n + _gcm.DoFinal(output, n);
            }
            catch (InvalidCipherTextException e)
            {
                throw new ChunkTagMismatchException(e);
            }
        }
    }
}
