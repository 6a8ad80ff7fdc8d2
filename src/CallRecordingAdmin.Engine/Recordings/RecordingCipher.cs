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
    /// is a random 8-byte prefix and the chunk's index; its associated data binds the recording id, the index
    /// and whether it is the last chunk, so chunks cannot be swapped, reordered, dropped or cut off.
    /// Memory stays at two chunks whatever the file's size. The AES-GCM itself is <see cref="ChunkAead"/>: the
    /// platform's on the net8.0 engine (PowerShell 7), BouncyCastle's on netstandard2.0 (Windows PowerShell 5.1);
    /// both write and read the same bytes.
    /// <code>
    /// "CRAREC01" | u32 header length | header JSON | (u32 chunk length | ciphertext+tag)*
    /// </code>
    /// </summary>
    public static class RecordingCipher
    {
        public const int ChunkSize = 1 << 20;
        private const int TagBytes = ChunkAead.TagBytes;
        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("CRAREC01");
        private static readonly SecureRandom Random = new SecureRandom();

        /// <summary>What encrypting a source produced: the SHA-256 of the original and its length.</summary>
        public sealed class Sealed
        {
            public string Sha256 { get; set; }
            public long Length { get; set; }
            public long StoredLength { get; set; }
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

        /// <summary>Encrypts with the given data key and nonces (fresh random ones in production; fixed ones in the known-answer tests) and AES-GCM implementation.</summary>
        internal static Sealed Encrypt(Stream source, Stream destination, string recordingId, byte[] masterKey, string keyFingerprint,
            byte[] dataKey, byte[] keyNonce, byte[] noncePrefix, ChunkAead.Factory aead)
        {
            var wrapped = new byte[dataKey.Length + TagBytes];
            using (var keyAead = aead(masterKey))
            {
                keyAead.Seal(keyNonce, Encoding.UTF8.GetBytes("key:" + recordingId), dataKey, 0, dataKey.Length, wrapped);
            }
            var header = JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = "CallRecordingAdmin.Recording/1",
                ["algorithm"] = "AES-256-GCM",
                ["recordingId"] = recordingId,
                ["chunkSize"] = ChunkSize,
                ["keyFingerprint"] = keyFingerprint,
                ["wrappedKey"] = Convert.ToBase64String(Concat(keyNonce, wrapped)),
                ["noncePrefix"] = Convert.ToBase64String(noncePrefix),
            });
            long stored = 0;
            void Put(byte[] bytes, int count) { destination.Write(bytes, 0, count); stored += count; }
            Put(Magic, Magic.Length);
            Put(BitConverter.GetBytes(header.Length), 4);
            Put(header, header.Length);

            // The two chunk buffers come from the shared pool: a fresh 2 MiB per recording dominated the cost of small ones.
            var current = ArrayPool<byte>.Shared.Rent(ChunkSize);
            var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
            var cipher = ArrayPool<byte>.Shared.Rent(ChunkSize + TagBytes);
            var used = 0;
            try
            {
            using (var chunkAead = aead(dataKey))
            using (var sha = SHA256.Create())
            {
                var currentLength = ReadFull(source, current, ChunkSize);
                used = currentLength;
                long total = 0;
                uint index = 0;
                while (true)
                {
                    var nextLength = currentLength == ChunkSize ? ReadFull(source, next, ChunkSize) : 0;
                    used = Math.Max(used, nextLength);
                    var final = nextLength == 0;
                    sha.TransformBlock(current, 0, currentLength, null, 0);
                    total += currentLength;
                    chunkAead.Seal(ChunkNonce(noncePrefix, index), ChunkAad(recordingId, index, final), current, 0, currentLength, cipher);
                    Put(BitConverter.GetBytes(currentLength + TagBytes), 4);
                    Put(cipher, currentLength + TagBytes);
                    if (final) break;
                    var swap = current; current = next; next = swap;
                    currentLength = nextLength;
                    index++;
                }
                sha.TransformFinalBlock(new byte[0], 0, 0);
                Array.Clear(dataKey, 0, dataKey.Length);
                return new Sealed { Sha256 = Text.Hex(sha.Hash), Length = total, StoredLength = stored };
            }
            }
            finally
            {
                // Plaintext must not linger in the pool: clear what was used, then return.
                Array.Clear(current, 0, used);
                Array.Clear(next, 0, used);
                ArrayPool<byte>.Shared.Return(current);
                ArrayPool<byte>.Shared.Return(next);
                ArrayPool<byte>.Shared.Return(cipher);
            }
        }

        /// <summary>
        /// Decrypts into <paramref name="destination"/>, checking every chunk's tag, the chunk order and the
        /// end of the file, and finally the SHA-256 against <paramref name="expectedSha256"/>. Callers write
        /// to a temporary place and publish only after this returns: a failure is RecordingIntegrityFailed.
        /// </summary>
        public static long Decrypt(Stream stored, Stream destination, string recordingId, byte[] masterKey, string expectedSha256) =>
            Decrypt(stored, destination, recordingId, masterKey, expectedSha256, ChunkAead.Default);

        internal static long Decrypt(Stream stored, Stream destination, string recordingId, byte[] masterKey, string expectedSha256, ChunkAead.Factory aead)
        {
            if (!stored.CanSeek) throw new ArgumentException("Recordings are read from seekable files.", nameof(stored));
            try
            {
                var magic = new byte[Magic.Length];
                if (ReadFull(stored, magic) != Magic.Length || !Equal(magic, Magic)) throw Integrity(recordingId, "it is not an encrypted recording file");
                var lengthBytes = new byte[4];
                if (ReadFull(stored, lengthBytes) != 4) throw Integrity(recordingId, "its header is cut off");
                var headerLength = BitConverter.ToInt32(lengthBytes, 0);
                if (headerLength <= 0 || headerLength > 64 * 1024) throw Integrity(recordingId, "its header is damaged");
                var header = new byte[headerLength];
                if (ReadFull(stored, header) != headerLength) throw Integrity(recordingId, "its header is cut off");
                byte[] wrapped, noncePrefix;
                using (var doc = JsonDocument.Parse(header))
                {
                    wrapped = Convert.FromBase64String(doc.RootElement.GetProperty("wrappedKey").GetString());
                    noncePrefix = Convert.FromBase64String(doc.RootElement.GetProperty("noncePrefix").GetString());
                }
                if (wrapped.Length != 12 + 32 + TagBytes || noncePrefix.Length != 8) throw Integrity(recordingId, "its header is damaged");
                var dataKey = new byte[32];
                using (var keyAead = aead(masterKey))
                {
                    keyAead.Open(Slice(wrapped, 0, 12), Encoding.UTF8.GetBytes("key:" + recordingId), wrapped, 12, wrapped.Length - 12, dataKey);
                }

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
                        var plainLength = chunkAead.Open(ChunkNonce(noncePrefix, index), ChunkAad(recordingId, index, final), buffer, 0, chunkLength, plain);
                        sha.TransformBlock(plain, 0, plainLength, null, 0);
                        destination.Write(plain, 0, plainLength);
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
                    return total;
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

        private static PolicyException Integrity(string recordingId, string why, Exception inner = null) =>
            new PolicyException("RecordingIntegrityFailed", FailureKind.InvalidData,
                "Recording " + recordingId + " failed its integrity check: " + why + ". Its content was not returned.", recordingId, null, inner);

        private static byte[] ChunkNonce(byte[] prefix, uint index)
        {
            var nonce = new byte[12];
            Buffer.BlockCopy(prefix, 0, nonce, 0, 8);
            nonce[8] = (byte)(index >> 24); nonce[9] = (byte)(index >> 16); nonce[10] = (byte)(index >> 8); nonce[11] = (byte)index;
            return nonce;
        }

        private static byte[] ChunkAad(string recordingId, uint index, bool final) =>
            Encoding.UTF8.GetBytes("chunk:" + recordingId + ":" + index + ":" + (final ? "final" : "more"));

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

        private static bool Equal(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            var diff = 0;
            for (var i = 0; i < a.Length; i++) diff |= a[i] ^ b[i];
            return diff == 0;
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
