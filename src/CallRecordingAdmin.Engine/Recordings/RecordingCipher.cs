using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using Org.BouncyCastle.Security;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// The at-rest form of a recording: AES-256-GCM in 1 MiB chunks under a per-recording data key, which is
    /// itself wrapped by the store's master key (AES-256-GCM, bound to the recording id). Each chunk's nonce
    /// is a random 8-byte prefix and the chunk's index; its associated data binds the whole header (format 2,
    /// see <see cref="CrecHeader"/>), the recording id, the index and whether it is the last chunk, so neither
    /// a header field nor a chunk can be changed, and chunks cannot be swapped, reordered, dropped or cut off.
    /// Memory stays at two chunks whatever the file's size. The AES-GCM itself is <see cref="ChunkAead"/>: the
    /// platform's on the net8.0 engine (PowerShell 7), BouncyCastle's on netstandard2.0 (Windows PowerShell 5.1);
    /// both write and read the same bytes.
    /// <code>
    /// "CRAREC02" | u32 header length | header JSON | (u32 chunk length | ciphertext+tag)*
    /// chunk i's associated data: ("CRAREC02" | u32 header length | header JSON) || "chunk:{id}:{i}:{more|final}"
    /// (format 1, "CRAREC01", still read: the associated data is only "chunk:{id}:{i}:{more|final}")
    /// </code>
    /// </summary>
    public static class RecordingCipher
    {
        public const int ChunkSize = 1 << 20;
        private const int TagBytes = ChunkAead.TagBytes;
        private static readonly SecureRandom Random = new SecureRandom();

        /// <summary>What encrypting a source produced: the SHA-256 of the original and its length.</summary>
        public sealed class Sealed
        {
            public string Sha256 { get; set; }
            public long Length { get; set; }
            public long StoredLength { get; set; }
        }

        /// <summary>What reading a stored file found: the plaintext's length and the file's format (1: header not authenticated; 2: authenticated).</summary>
        internal struct Opened
        {
            public long Length;
            public int Format;
        }

        public static Sealed Encrypt(Stream source, Stream destination, string recordingId, byte[] masterKey, string keyFingerprint)
        {
            var dataKey = new byte[32];
            Random.NextBytes(dataKey);
            var keyNonce = new byte[12];
            Random.NextBytes(keyNonce);
            var noncePrefix = new byte[8];
            Random.NextBytes(noncePrefix);
            return Encrypt(source, destination, recordingId, masterKey, keyFingerprint, dataKey, keyNonce, noncePrefix, ChunkAead.Default);
        }

        /// <summary>
        /// Encrypts with the given data key and nonces (fresh random ones in production; fixed ones in the known-answer tests),
        /// AES-GCM implementation and format (<see cref="CrecHeader.CurrentFormat"/> unless a test writes an old one).
        /// </summary>
        internal static Sealed Encrypt(Stream source, Stream destination, string recordingId, byte[] masterKey, string keyFingerprint,
            byte[] dataKey, byte[] keyNonce, byte[] noncePrefix, ChunkAead.Factory aead, int format = CrecHeader.CurrentFormat)
        {
            // The two chunk buffers come from the shared pool: a fresh 2 MiB per recording dominated the cost of small ones.
            var current = ArrayPool<byte>.Shared.Rent(ChunkSize);
            var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
            var used = 0;
            try
            {
            var header = NewHeader(recordingId, masterKey, keyFingerprint, dataKey, keyNonce, noncePrefix, aead, format);
            using (var sealer = new ChunkSealer(destination, recordingId, header, dataKey, aead))
            {
                var currentLength = ReadFull(source, current, ChunkSize);
                used = currentLength;
                while (true)
                {
                    var nextLength = currentLength == ChunkSize ? ReadFull(source, next, ChunkSize) : 0;
                    used = Math.Max(used, nextLength);
                    var final = nextLength == 0;
                    sealer.Seal(current, currentLength, final);
                    if (final) break;
                    var swap = current; current = next; next = swap;
                    currentLength = nextLength;
                }
                return sealer.Finish();
            }
            }
            finally
            {
                // Plaintext must not linger in the pool: clear what was used, then return.
                Array.Clear(current, 0, used);
                Array.Clear(next, 0, used);
                ArrayPool<byte>.Shared.Return(current);
                ArrayPool<byte>.Shared.Return(next);
            }
        }

        /// <summary>
        /// Writes a stored file: the header, then each chunk sealed under the data key with the header's associated data,
        /// hashing the plaintext as it goes. Clears the data key when disposed.
        /// </summary>
        private sealed class ChunkSealer : IDisposable
        {
            private readonly Stream _destination;
            private readonly string _recordingId;
            private readonly byte[] _dataKey;
            private readonly CrecHeader _header;
            private readonly ChunkAead _aead;
            private readonly SHA256 _sha = SHA256.Create();
            private readonly byte[] _cipher = ArrayPool<byte>.Shared.Rent(ChunkSize + TagBytes);
            private long _stored, _total;
            private uint _index;

            internal ChunkSealer(Stream destination, string recordingId, CrecHeader header, byte[] dataKey, ChunkAead.Factory aead)
            {
                _destination = destination;
                _recordingId = recordingId;
                _dataKey = dataKey;
                _header = header;
                Put(_header.Block, _header.Block.Length);
                _aead = aead(dataKey);
            }

            private void Put(byte[] bytes, int count) { _destination.Write(bytes, 0, count); _stored += count; }

            internal void Seal(byte[] plain, int length, bool final)
            {
                _sha.TransformBlock(plain, 0, length, null, 0);
                _total += length;
                _aead.Seal(ChunkNonce(_header.NoncePrefix, _index), _header.ChunkAad(_recordingId, _index, final), plain, 0, length, _cipher);
                Put(BitConverter.GetBytes(length + TagBytes), 4);
                Put(_cipher, length + TagBytes);
                _index++;
            }

            internal Sealed Finish()
            {
                _sha.TransformFinalBlock(new byte[0], 0, 0);
                return new Sealed { Sha256 = Text.Hex(_sha.Hash), Length = _total, StoredLength = _stored };
            }

            public void Dispose()
            {
                Array.Clear(_dataKey, 0, _dataKey.Length);
                Array.Clear(_cipher, 0, _cipher.Length);
                ArrayPool<byte>.Shared.Return(_cipher);
                _aead.Dispose();
                _sha.Dispose();
            }
        }

        /// <summary>
        /// Decrypts into <paramref name="destination"/>, checking the header, every chunk's tag, the chunk order and the
        /// end of the file, and finally the SHA-256 against <paramref name="expectedSha256"/>. Callers write
        /// to a temporary place and publish only after this returns: a failure is RecordingIntegrityFailed.
        /// Reads both formats (see <see cref="CrecHeader"/>).
        /// </summary>
        public static long Decrypt(Stream stored, Stream destination, string recordingId, byte[] masterKey, string expectedSha256) =>
            Decrypt(stored, destination, recordingId, masterKey, expectedSha256, ChunkAead.Default);

        internal static long Decrypt(Stream stored, Stream destination, string recordingId, byte[] masterKey, string expectedSha256, ChunkAead.Factory aead) =>
            Open(stored, recordingId, masterKey, expectedSha256, null, aead, (plain, length, final) => destination.Write(plain, 0, length)).Length;

        /// <summary>Verifies a stored file without writing its plaintext anywhere; returns its length and format.</summary>
        internal static Opened Verify(Stream stored, string recordingId, byte[] masterKey, string expectedSha256, string keyFingerprint) =>
            Open(stored, recordingId, masterKey, expectedSha256, keyFingerprint, ChunkAead.Default, (plain, length, final) => { });

        /// <summary>
        /// Rewrites a stored file in <paramref name="format"/> under a fresh data key and nonces, chunk by chunk (no plaintext
        /// leaves memory), after checking every tag of the original; the SHA-256 of the content is checked at the end, so
        /// <paramref name="destination"/> must be a temporary file that is published only when this returns.
        /// </summary>
        internal static Sealed Reseal(Stream stored, Stream destination, string recordingId, byte[] masterKey, string expectedSha256,
            string keyFingerprint, int format, ChunkAead.Factory aead = null)
        {
            aead = aead ?? ChunkAead.Default;
            // The new file keeps the original's length, so the row's stored_bytes stays true: the header's length varies only
            // with how many '+' the base64 of the wrapped key and nonce prefix hold (System.Text.Json writes each as \u002B),
            // so fresh keys and nonces are drawn until it matches (a few draws on average; each is one 32-byte key wrap).
            var position = stored.Position;
            var originalLength = CrecHeader.Read(stored, recordingId, ChunkSize, keyFingerprint).Block.Length;
            stored.Position = position;
            byte[] dataKey = null;
            CrecHeader header = null;
            for (var attempt = 0; attempt < MaxHeaderDraws && (header == null || header.Block.Length != originalLength); attempt++)
            {
                if (dataKey != null) Array.Clear(dataKey, 0, dataKey.Length);
                dataKey = new byte[32];
                Random.NextBytes(dataKey);
                var keyNonce = new byte[12];
                Random.NextBytes(keyNonce);
                var noncePrefix = new byte[8];
                Random.NextBytes(noncePrefix);
                header = NewHeader(recordingId, masterKey, keyFingerprint, dataKey, keyNonce, noncePrefix, aead, format);
            }
            if (header.Block.Length != originalLength) throw Integrity(recordingId, "no new header of the original's length was found; the file is left as it is");
            using (var sealer = new ChunkSealer(destination, recordingId, header, dataKey, aead))
            {
                Open(stored, recordingId, masterKey, expectedSha256, keyFingerprint, aead, sealer.Seal);
                return sealer.Finish();
            }
        }

        private const int MaxHeaderDraws = 1_000_000;

        /// <summary>Wraps the data key under the master key (bound to the recording id) and makes the header that carries it.</summary>
        private static CrecHeader NewHeader(string recordingId, byte[] masterKey, string keyFingerprint, byte[] dataKey, byte[] keyNonce, byte[] noncePrefix,
            ChunkAead.Factory aead, int format)
        {
            var wrapped = new byte[dataKey.Length + TagBytes];
            using (var keyAead = aead(masterKey))
            {
                keyAead.Seal(keyNonce, CrecHeader.KeyAad(recordingId), dataKey, 0, dataKey.Length, wrapped);
            }
            return CrecHeader.Create(format, recordingId, ChunkSize, keyFingerprint, Concat(keyNonce, wrapped), noncePrefix);
        }

        private static Opened Open(Stream stored, string recordingId, byte[] masterKey, string expectedSha256, string keyFingerprint,
            ChunkAead.Factory aead, Action<byte[], int, bool> onChunk)
        {
            if (!stored.CanSeek) throw new ArgumentException("Recordings are read from seekable files.", nameof(stored));
            try
            {
                var header = CrecHeader.Read(stored, recordingId, ChunkSize, keyFingerprint);
                var wrapped = header.WrappedKey;
                var dataKey = new byte[32];
                using (var keyAead = aead(masterKey))
                {
                    keyAead.Open(Slice(wrapped, 0, 12), CrecHeader.KeyAad(recordingId), wrapped, 12, wrapped.Length - 12, dataKey);
                }

                var lengthBytes = new byte[4];
                using (var chunkAead = aead(dataKey))
                using (var sha = SHA256.Create())
                {
                    long total = 0;
                    uint index = 0;
                    var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize + TagBytes);
                    var plain = ArrayPool<byte>.Shared.Rent(ChunkSize + TagBytes);
                    var used = 0;
                    try
                    {
                    var sawFinal = false;
                    while (true)
                    {
                        var got = ReadFull(stored, lengthBytes);
                        if (got == 0) break;
                        if (got != 4 || sawFinal) throw Integrity(recordingId, "it has data after its last chunk");
                        var chunkLength = BitConverter.ToInt32(lengthBytes, 0);
                        if (chunkLength < TagBytes || chunkLength > ChunkSize + TagBytes) throw Integrity(recordingId, "chunk " + index + " is damaged");
                        used = Math.Max(used, chunkLength);
                        if (ReadFull(stored, buffer, chunkLength) != chunkLength) throw Integrity(recordingId, "chunk " + index + " is cut off");
                        var final = stored.Position == stored.Length;
                        var plainLength = chunkAead.Open(ChunkNonce(header.NoncePrefix, index), header.ChunkAad(recordingId, index, final), buffer, 0, chunkLength, plain);
                        sha.TransformBlock(plain, 0, plainLength, null, 0);
                        onChunk(plain, plainLength, final);
                        total += plainLength;
                        sawFinal = final;
                        index++;
                    }
                    if (!sawFinal) throw Integrity(recordingId, "its last chunk is missing");
                    }
                    finally
                    {
                        Array.Clear(buffer, 0, used);
                        Array.Clear(plain, 0, used);
                        ArrayPool<byte>.Shared.Return(buffer);
                        ArrayPool<byte>.Shared.Return(plain);
                    }
                    sha.TransformFinalBlock(new byte[0], 0, 0);
                    if (expectedSha256 != null && !string.Equals(Text.Hex(sha.Hash), expectedSha256, StringComparison.OrdinalIgnoreCase))
                    {
                        throw Integrity(recordingId, "its content does not match the SHA-256 recorded at import");
                    }
                    Array.Clear(dataKey, 0, dataKey.Length);
                    return new Opened { Length = total, Format = header.Format };
                }
            }
            catch (ChunkTagMismatchException e)
            {
                throw Integrity(recordingId, "an authentication tag does not match (the file was altered, or the key is wrong)", e);
            }
            catch (Exception e) when (e is JsonException || e is FormatException || e is KeyNotFoundException || e is InvalidOperationException)
            {
                throw Integrity(recordingId, "its header cannot be read", e);
            }
        }

        private static PolicyException Integrity(string recordingId, string why, Exception inner = null) => CrecHeader.Integrity(recordingId, why, inner);

        private static byte[] ChunkNonce(byte[] prefix, uint index)
        {
            var nonce = new byte[12];
            Buffer.BlockCopy(prefix, 0, nonce, 0, 8);
            nonce[8] = (byte)(index >> 24); nonce[9] = (byte)(index >> 16); nonce[10] = (byte)(index >> 8); nonce[11] = (byte)index;
            return nonce;
        }

        private static int ReadFull(Stream s, byte[] buffer, int count = -1)
        {
            if (count < 0) count = buffer.Length;
            var read = 0;
            while (read < count)
            {
                var n = s.Read(buffer, read, count - read);
                if (n == 0) break;
                read += n;
            }
            return read;
        }

        private static byte[] Concat(byte[] a, byte[] b)
        {
            var r = new byte[a.Length + b.Length];
            Buffer.BlockCopy(a, 0, r, 0, a.Length);
            Buffer.BlockCopy(b, 0, r, a.Length, b.Length);
            return r;
        }

        private static byte[] Slice(byte[] a, int offset, int length)
        {
            var r = new byte[length];
            Buffer.BlockCopy(a, offset, r, 0, length);
            return r;
        }

        /// <summary>SHA-256 of a file, streamed.</summary>
        public static string Sha256OfFile(string path)
        {
            using (var sha = SHA256.Create())
            using (var f = File.OpenRead(path))
            {
                return Text.Hex(sha.ComputeHash(f));
            }
        }
    }
}
