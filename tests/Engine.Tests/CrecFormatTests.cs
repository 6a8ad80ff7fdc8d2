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
    /// The authenticated header of format 2 (issue 11): every byte from the magic to the end of the header JSON is in the
    /// associated data of every chunk, with both AES-GCM implementations giving the same bytes; format 1 is still read.
    /// </summary>
    public class CrecFormatTests
    {
        private static readonly byte[] MasterKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        private static readonly ChunkAead.Factory Managed = ChunkAead.Managed;
        private static readonly ChunkAead.Factory Platform = key => new PlatformAead(key);
        private static ChunkAead.Factory Pick(string name) => name == "managed" ? Managed : Platform;

        public static TheoryData<string, string> Pairs => new TheoryData<string, string>
        {
            { "managed", "platform" }, { "platform", "managed" }, { "managed", "managed" }, { "platform", "platform" },
        };

        private static byte[] Seal(byte[] plain, ChunkAead.Factory aead, int format = CrecHeader.CurrentFormat, string id = "rec-1", string fp = "fp")
        {
            using (var output = new MemoryStream())
            {
                var dataKey = new byte[32];
                RandomNumberGenerator.Fill(dataKey);
                var keyNonce = new byte[12];
                RandomNumberGenerator.Fill(keyNonce);
                var prefix = new byte[8];
                RandomNumberGenerator.Fill(prefix);
                RecordingCipher.Encrypt(new MemoryStream(plain), output, id, MasterKey, fp, dataKey, keyNonce, prefix, aead, format);
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

        private static int HeaderBlockLength(byte[] stored) => 12 + BitConverter.ToInt32(stored, 8);

        private static byte[] Plain(int length)
        {
            var plain = new byte[length];
            new Random(length).NextBytes(plain);
            return plain;
        }

        [Fact]
        public void New_files_are_format_2_and_format_1_files_still_open()
        {
            var plain = Plain(5000);
            var sha = Convert.ToHexString(SHA256.HashData(plain));
            var v2 = Seal(plain, ChunkAead.Default);
            Assert.Equal("CRAREC02", Encoding.ASCII.GetString(v2, 0, 8));
            using (var header = JsonDocument.Parse(new ReadOnlyMemory<byte>(v2, 12, HeaderBlockLength(v2) - 12)))
            {
                Assert.Equal("CallRecordingAdmin.Recording/2", header.RootElement.GetProperty("format").GetString());
            }
            Assert.Equal(2, RecordingCipher.Verify(new MemoryStream(v2), "rec-1", MasterKey, sha, "fp").Format);

            var v1 = Seal(plain, ChunkAead.Default, format: 1);
            Assert.Equal("CRAREC01", Encoding.ASCII.GetString(v1, 0, 8));
            Assert.Equal(plain, Open(v1, ChunkAead.Default, sha: sha));
            Assert.Equal(1, RecordingCipher.Verify(new MemoryStream(v1), "rec-1", MasterKey, sha, "fp").Format);
        }

        [Theory]
        [MemberData(nameof(Pairs))]
        public void Either_implementation_reads_what_the_other_wrote_in_both_formats(string writer, string reader)
        {
            foreach (var format in new[] { 1, 2 })
            {
                foreach (var length in new[] { 0, 1, RecordingCipher.ChunkSize, RecordingCipher.ChunkSize + 17 })
                {
                    var plain = Plain(length);
                    var stored = Seal(plain, Pick(writer), format);
                    Assert.Equal(plain, Open(stored, Pick(reader), sha: Convert.ToHexString(SHA256.HashData(plain))));
                }
            }
        }

        /// <summary>
        /// Every single-bit flip at every byte offset of a format-2 header (magic, length, JSON) is refused by either reader.
        /// In format 1 some of the same flips pass: that is why -Deep reports format-1 files.
        /// </summary>
        [Theory]
        [InlineData("managed", "platform")]
        [InlineData("platform", "managed")]
        public void Every_bit_of_a_format_2_header_is_authenticated(string writer, string reader)
        {
            var plain = Plain(3000);
            var stored = Seal(plain, Pick(writer), id: "rec-01KB5ZJ0M6Q3W8V9T2R4N7P1XY", fp: new string('a', 64));
            var header = HeaderBlockLength(stored);
            Assert.InRange(header, 300, 500);
            var passed = 0;
            for (var offset = 0; offset < header; offset++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    var bytes = (byte[])stored.Clone();
                    bytes[offset] ^= (byte)(1 << bit);
                    var e = Record.Exception(() => Open(bytes, Pick(reader), "rec-01KB5ZJ0M6Q3W8V9T2R4N7P1XY"));
                    if (e == null) passed++;
                    else Assert.Equal("RecordingIntegrityFailed", Assert.IsType<PolicyException>(e).ErrorId);
                }
            }
            Assert.Equal(0, passed);
            Assert.Equal(plain, Open(stored, Pick(reader), "rec-01KB5ZJ0M6Q3W8V9T2R4N7P1XY"));
        }

        [Fact]
        public void A_format_2_file_relabelled_as_format_1_is_refused()
        {
            var plain = Plain(100);
            var stored = Seal(plain, ChunkAead.Default);
            // The magic and the format field both say 1 (the same length): the chunks were sealed with the header in their associated data.
            var text = Encoding.ASCII.GetString(stored, 0, HeaderBlockLength(stored)).Replace("CRAREC02", "CRAREC01").Replace("Recording/2", "Recording/1");
            var relabelled = Encoding.ASCII.GetBytes(text).Concat(stored.Skip(HeaderBlockLength(stored))).ToArray();
            Assert.Equal(stored.Length, relabelled.Length);
            Assert.Equal("RecordingIntegrityFailed", Assert.Throws<PolicyException>(() => Open(relabelled, ChunkAead.Default)).ErrorId);
            // Only the magic changed: the header says another format than its magic.
            var magicOnly = (byte[])stored.Clone();
            magicOnly[7] = (byte)'1';
            Assert.Equal("RecordingIntegrityFailed", Assert.Throws<PolicyException>(() => Open(magicOnly, ChunkAead.Default)).ErrorId);
        }

        [Fact]
        public void A_format_1_header_naming_another_recording_algorithm_or_key_is_refused()
        {
            var plain = Plain(100);
            var v1 = Seal(plain, ChunkAead.Default, format: 1, fp: "fp-of-this-store");
            byte[] Edit(string from, string to)
            {
                var json = Encoding.UTF8.GetString(v1, 12, HeaderBlockLength(v1) - 12).Replace(from, to);
                var bytes = Encoding.UTF8.GetBytes(json);
                return v1.Take(8).Concat(BitConverter.GetBytes(bytes.Length)).Concat(bytes).Concat(v1.Skip(HeaderBlockLength(v1))).ToArray();
            }
            string Failure(byte[] bytes) => Assert.Throws<PolicyException>(() => RecordingCipher.Verify(new MemoryStream(bytes), "rec-1", MasterKey, null, "fp-of-this-store")).ErrorId;
            Assert.Equal("RecordingIntegrityFailed", Failure(Edit("AES-256-GCM", "AES-128-GCM")));
            Assert.Equal("RecordingIntegrityFailed", Failure(Edit("\"rec-1\"", "\"rec-9\"")));
            Assert.Equal("RecordingIntegrityFailed", Failure(Edit("fp-of-this-store", "fp-of-other-store")));
            Assert.Equal("RecordingIntegrityFailed", Failure(Edit("Recording/1", "Recording/3")));
            Assert.Equal("RecordingIntegrityFailed", Failure(Edit("\"chunkSize\":1048576", "\"chunkSize\":1048577")));
            Assert.Equal(1, RecordingCipher.Verify(new MemoryStream(v1), "rec-1", MasterKey, null, "fp-of-this-store").Format);
        }

        [Fact]
        public void Resealing_rewrites_format_1_as_format_2_under_a_new_key_with_the_same_content()
        {
            var plain = Plain(RecordingCipher.ChunkSize * 2 + 3);
            var sha = Convert.ToHexString(SHA256.HashData(plain));
            var v1 = Seal(plain, ChunkAead.Default, format: 1);
            using (var output = new MemoryStream())
            {
                var sealedResult = RecordingCipher.Reseal(new MemoryStream(v1), output, "rec-1", MasterKey, sha, "fp", 2);
                var v2 = output.ToArray();
                Assert.Equal(sha, sealedResult.Sha256, ignoreCase: true);
                Assert.Equal(v1.Length, v2.Length);
                Assert.Equal(v2.Length, sealedResult.StoredLength);
                Assert.Equal(2, RecordingCipher.Verify(new MemoryStream(v2), "rec-1", MasterKey, sha, "fp").Format);
                Assert.Equal(plain, Open(v2, ChunkAead.Default, sha: sha));
                // a new data key: no chunk's ciphertext is the same
                Assert.NotEqual(v1.Skip(HeaderBlockLength(v1)).Take(64).ToArray(), v2.Skip(HeaderBlockLength(v2)).Take(64).ToArray());
            }
            // A damaged original is never resealed: the tags are checked on the way.
            var damaged = (byte[])v1.Clone();
            damaged[damaged.Length - 10] ^= 1;
            Assert.Equal("RecordingIntegrityFailed", Assert.Throws<PolicyException>(() => RecordingCipher.Reseal(new MemoryStream(damaged), new MemoryStream(), "rec-1", MasterKey, sha, "fp", 2)).ErrorId);
        }

        /// <summary>
        /// Fixed keys and nonces in format 2: both implementations give the same bytes, and those are the bytes OpenSSL gives
        /// (Python's cryptography AESGCM, tests/Engine.Tests/crec_v2_kat.py: header = "CRAREC02" || u32le(len) || JSON with
        /// sorted keys, no white space and '+' written \u002B as System.Text.Json does; chunk i = u32le(len) ||
        /// AESGCM(dataKey).encrypt(prefix || u32be(i), chunk, header || "chunk:rec-kat:i:more|final")).
        /// </summary>
        [Fact]
        public void Fixed_keys_and_nonces_give_the_known_format_2_bytes_with_either_implementation()
        {
            var plain = Enumerable.Range(0, RecordingCipher.ChunkSize + 5).Select(i => (byte)(i % 251)).ToArray();
            byte[] Write(ChunkAead.Factory aead, byte[] content)
            {
                using (var output = new MemoryStream())
                {
                    RecordingCipher.Encrypt(new MemoryStream(content), output, "rec-kat", MasterKey, "fp",
                        Enumerable.Range(0, 32).Select(i => (byte)(0x40 + i)).ToArray(),
                        Enumerable.Range(0, 12).Select(i => (byte)(0xA0 + i)).ToArray(),
                        Enumerable.Range(0, 8).Select(i => (byte)(0xC0 + i)).ToArray(), aead, format: 2);
                    return output.ToArray();
                }
            }
            var managed = Write(Managed, plain);
            var platform = Write(Platform, plain);
            Assert.Equal(managed, platform);
            Assert.Equal(1048903, managed.Length);
            Assert.Equal(282, HeaderBlockLength(managed));
            Assert.Equal("79cebc419ade5fe11e6e67549788941a71e51162aea757ffd3160ba877bab1f1", Convert.ToHexString(SHA256.HashData(managed)).ToLowerInvariant());

            var empty = Write(Platform, new byte[0]);
            Assert.Equal(empty, Write(Managed, new byte[0]));
            Assert.Equal("10000000bd204890e703fdd82c43f8ac1960378c", Convert.ToHexString(empty.AsSpan(HeaderBlockLength(empty))).ToLowerInvariant());

            Assert.Equal(plain, Open(managed, Platform, "rec-kat"));
            Assert.Equal(plain, Open(platform, Managed, "rec-kat"));
        }
    }
}
