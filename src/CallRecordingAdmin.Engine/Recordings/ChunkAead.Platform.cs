#if NET8_0_OR_GREATER
using System;
using System.Security.Cryptography;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// The platform's AES-GCM (System.Security.Cryptography.AesGcm: OpenSSL on Linux, CNG on Windows, with AES-NI),
    /// built into the net8.0 engine that PowerShell 7 loads. Same bytes as <see cref="BouncyCastleAead"/>.
    /// </summary>
    internal sealed class PlatformAead : ChunkAead
    {
        private readonly AesGcm _gcm;

        public PlatformAead(byte[] key) { _gcm = new AesGcm(key, TagBytes); }

        internal static bool IsSupported => AesGcm.IsSupported;

        internal override string Name => "System.Security.Cryptography.AesGcm (platform)";

        public override void Seal(byte[] nonce, byte[] aad, byte[] input, int offset, int length, byte[] output) =>
            _gcm.Encrypt(nonce, input.AsSpan(offset, length), output.AsSpan(0, length), output.AsSpan(length, TagBytes), aad);

        public override int Open(byte[] nonce, byte[] aad, byte[] input, int offset, int length, byte[] output)
        {
            if (length < TagBytes) throw new ChunkTagMismatchException(null);
            var cipherLength = length - TagBytes;
            try
            {
                _gcm.Decrypt(nonce, input.AsSpan(offset, cipherLength), input.AsSpan(offset + cipherLength, TagBytes), output.AsSpan(0, cipherLength), aad);
            }
            catch (CryptographicException e)
            {
                // AuthenticationTagMismatchException derives from CryptographicException; the platform leaves the output zeroed.
                throw new ChunkTagMismatchException(e);
            }
            return cipherLength;
        }

        public override void Dispose() => _gcm.Dispose();
    }
}
#endif
