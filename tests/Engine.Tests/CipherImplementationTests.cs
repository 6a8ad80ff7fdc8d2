using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// The net8.0 engine (PowerShell 7) encrypts with the platform's AesGcm, the netstandard2.0 engine (Windows
    /// PowerShell 5.1) with BouncyCastle: both must write and read the very same files. Both implementations are
    /// compiled into the net8.0 build these tests run against, so each is checked against the other here, and both
    /// against bytes computed independently (Python's cryptography package, i.e. OpenSSL).
    /// </summary>
    public class CipherImplementationTests
    {
        private static readonly byte[] MasterKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        private static readonly ChunkAead.Factory Managed = ChunkAead.Managed;
        private static readonly ChunkAead.Factory Platform = key => new PlatformAead(key);

        public static TheoryData<string, string> Pairs => new TheoryData<string, string>
        {
            { "managed", "platform" }, { "platform", "managed" }, { "managed", "managed" }, { "platform", "platform" },
        };

        private static ChunkAead.Factory Pick(string name) => name == "managed" ? Managed : Platform;

        private static byte[] Seal(byte[] plain, ChunkAead.Factory aead, string id = "rec-1")
        {
            using (var output = new MemoryStream())
            {
                var dataKey = new byte[32];
                RandomNumberGenerator.Fill(dataKey);
                var keyNonce = new byte[12];
                RandomNumberGenerator.Fill(keyNonce);
                var prefix = new byte[8];
                RandomNumberGenerator.Fill(prefix);
                RecordingCipher.Encrypt(new MemoryStream(plain), output, id, MasterKey, "fp", dataKey, keyNonce, prefix, aead);
                return output.ToArray();
            }
        }

        private static byte[] Open(byte[] stored, ChunkAead.Factory aead, string id = "rec-1", string sha = null)
        {
            using (var output = new MemoryStream())
            {
                RecordingCipher.Decrypt(new MemoryStream(stored), output, id, MasterKey, sha, aead);
                return output.ToArray();
            }
        }

        private static byte[] Plain(int length)
        {
            var plain = new byte[length];
            new Random(length).NextBytes(plain);
            return plain;
        }

        [Fact]
        public void The_net8_engine_uses_the_platform_aes_gcm()
        {
            Assert.True(PlatformAead.IsSupported);
            Assert.Equal("System.Security.Cryptography.AesGcm (platform)", ChunkAead.DefaultName);
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void A_file_written_by_one_implementation_opens_with_the_other(string writer, string reader)
        {
            foreach (var length in new[] { 0, 1, 4095, RecordingCipher.ChunkSize, RecordingCipher.ChunkSize * 2 + 17 })
            {
                var plain = Plain(length);
                var stored = Seal(plain, Pick(writer));
                var sha = Convert.ToHexString(SHA256.HashData(plain));
                Assert.Equal(plain, Open(stored, Pick(reader), sha: sha));
            }
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void Tampering_fails_whichever_implementation_wrote_or_reads(string writer, string reader)
        {
            var plain = Plain(RecordingCipher.ChunkSize + 100);
            var stored = Seal(plain, Pick(writer));
            string Failure(byte[] bytes, string id = "rec-1") =>
                Assert.Throws<PolicyException>(() => Open(bytes, Pick(reader), id)).ErrorId;

            var inFirstChunk = (byte[])stored.Clone();
            inFirstChunk[stored.Length - (4 + 100 + 16) - 1000] ^= 0x80;
            Assert.Equal("RecordingIntegrityFailed", Failure(inFirstChunk));
            var inTag = (byte[])stored.Clone();
            inTag[stored.Length - 1] ^= 0x01;
            Assert.Equal("RecordingIntegrityFailed", Failure(inTag));
            var inWrappedKey = TamperWrappedKey(stored);
            Assert.Equal("RecordingIntegrityFailed", Failure(inWrappedKey));
            Assert.Equal("RecordingIntegrityFailed", Failure(stored.Take(stored.Length - (4 + 100 + 16)).ToArray()));
            Assert.Equal("RecordingIntegrityFailed", Failure(stored, "rec-2"));
            Assert.Equal(plain, Open(stored, Pick(reader)));
        }

        private static byte[] TamperWrappedKey(byte[] stored)
        {
            // Flip a bit of the wrapped data key and write the header back (same serializer, new length prefix).
            var headerLength = BitConverter.ToInt32(stored, 8);
            var fields = JsonSerializer.Deserialize<System.Collections.Generic.SortedDictionary<string, JsonElement>>(new ReadOnlySpan<byte>(stored, 12, headerLength));
            var bytes = Convert.FromBase64String(fields["wrappedKey"].GetString());
            bytes[20] ^= 0x01;
            fields["wrappedKey"] = JsonDocument.Parse(JsonSerializer.Serialize(Convert.ToBase64String(bytes))).RootElement;
            var header = JsonSerializer.SerializeToUtf8Bytes(fields);
            return stored.Take(8).Concat(BitConverter.GetBytes(header.Length)).Concat(header).Concat(stored.Skip(12 + headerLength)).ToArray();
        }

        /// <summary>
        /// Fixed keys and nonces: both implementations give the same bytes, and those bytes are the ones OpenSSL gives
        /// (computed with Python's cryptography.hazmat AESGCM: wrappedKey = keyNonce || AESGCM(master).encrypt(keyNonce,
        /// dataKey, "key:rec-kat"); body = for each 1 MiB chunk i: u32le(len) || AESGCM(dataKey).encrypt(prefix || u32be(i),
        /// chunk, "chunk:rec-kat:i:more|final")).
        /// </summary>
        [Fact]
        public void Fixed_keys_and_nonces_give_the_known_format_1_bytes_with_either_implementation()
        {
            var plain = Enumerable.Range(0, RecordingCipher.ChunkSize + 5).Select(i => (byte)(i % 251)).ToArray();
            byte[] Write(ChunkAead.Factory aead, byte[] content)
            {
                using (var output = new MemoryStream())
                {
                    RecordingCipher.Encrypt(new MemoryStream(content), output, "rec-kat", MasterKey, "fp",
                        Enumerable.Range(0, 32).Select(i => (byte)(0x40 + i)).ToArray(),
                        Enumerable.Range(0, 12).Select(i => (byte)(0xA0 + i)).ToArray(),
                        Enumerable.Range(0, 8).Select(i => (byte)(0xC0 + i)).ToArray(), aead, format: 1);
                    return output.ToArray();
                }
            }
            var managed = Write(Managed, plain);
            var platform = Write(Platform, plain);
            Assert.Equal(managed, platform);

            Assert.Equal("CRAREC01", Encoding.ASCII.GetString(managed, 0, 8));
            var headerLength = BitConverter.ToInt32(managed, 8);
            using (var header = JsonDocument.Parse(new ReadOnlyMemory<byte>(managed, 12, headerLength)))
            {
                var root = header.RootElement;
                Assert.Equal("CallRecordingAdmin.Recording/1", root.GetProperty("format").GetString());
                Assert.Equal("AES-256-GCM", root.GetProperty("algorithm").GetString());
                Assert.Equal("rec-kat", root.GetProperty("recordingId").GetString());
                Assert.Equal(RecordingCipher.ChunkSize, root.GetProperty("chunkSize").GetInt32());
                Assert.Equal("oKGio6Slpqeoqaqr+ZB/JbnwHEM3R+ggvchuyweG4koMPTbTfwKPpg4ThmqmOd4rGtb6LCuwVTzAc73Y", root.GetProperty("wrappedKey").GetString());
                Assert.Equal("wMHCw8TFxsc=", root.GetProperty("noncePrefix").GetString());
            }
            var body = managed.AsSpan(12 + headerLength);
            Assert.Equal(1048621, body.Length);
            Assert.Equal("e10926414c2d95a19aff90a140c176fdfcdaa0651d3eedbd9295601d98e8a542", Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant());

            var empty = Write(Platform, new byte[0]);
            Assert.Equal(empty, Write(Managed, new byte[0]));
            var emptyHeader = BitConverter.ToInt32(empty, 8);
            Assert.Equal("100000005aabbcf28ee09f14c98416552453c41c", Convert.ToHexString(empty.AsSpan(12 + emptyHeader)).ToLowerInvariant());

            Assert.Equal(plain, Open(managed, Platform, "rec-kat"));
            Assert.Equal(plain, Open(platform, Managed, "rec-kat"));
        }
    }
}
