using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// The header of a stored recording (".crec"): the magic, the header's length and its JSON, exactly as read.
    /// <list type="bullet">
    /// <item>Format 2 ("CRAREC02", "CallRecordingAdmin.Recording/2"): <see cref="Block"/> — every byte from the magic to the
    /// end of the JSON — is part of the associated data of every chunk, so a change to any header byte (the algorithm,
    /// the format, the key fingerprint, the recording id, the wrapped key, the nonces) fails the first chunk's tag.</item>
    /// <item>Format 1 ("CRAREC01", "CallRecordingAdmin.Recording/1", written before issue 11): the chunks bind only the
    /// recording id, the index and the end. Still read, but its header is not authenticated: Test-RecordingStore -Deep
    /// reports it and Update-RecordingFormat rewrites it as format 2.</item>
    /// </list>
    /// Every field is checked against what the module writes whatever the format, so a format-1 file whose algorithm,
    /// format, chunk size or recording id was changed is refused too.
    /// </summary>
    internal sealed class CrecHeader
    {
        /// <summary>The format the module writes.</summary>
        internal const int CurrentFormat = 2;
        internal const string Algorithm = "AES-256-GCM";
        internal const int MaxJsonLength = 64 * 1024;

        private CrecHeader() { }

        /// <summary>1 or 2.</summary>
        internal int Format { get; private set; }
        /// <summary>Magic, length and JSON as stored (the associated data prefix of format 2).</summary>
        internal byte[] Block { get; private set; }
        internal string RecordingId { get; private set; }
        internal string KeyFingerprint { get; private set; }
        /// <summary>Nonce (12 bytes) || wrapped data key || tag.</summary>
        internal byte[] WrappedKey { get; private set; }
        internal byte[] NoncePrefix { get; private set; }

        internal static byte[] Magic(int format) => Encoding.ASCII.GetBytes(format == 1 ? "CRAREC01" : "CRAREC02");

        internal static string FormatName(int format) => "CallRecordingAdmin.Recording/" + format;

        /// <summary>The header the module writes for <paramref name="format"/> (JSON keys in ordinal order, no white space).</summary>
        internal static CrecHeader Create(int format, string recordingId, int chunkSize, string keyFingerprint, byte[] wrappedKey, byte[] noncePrefix)
        {
            if (format != 1 && format != 2) throw new ArgumentOutOfRangeException(nameof(format));
            var json = JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = FormatName(format),
                ["algorithm"] = Algorithm,
                ["recordingId"] = recordingId,
                ["chunkSize"] = chunkSize,
                ["keyFingerprint"] = keyFingerprint,
                ["wrappedKey"] = Convert.ToBase64String(wrappedKey),
                ["noncePrefix"] = Convert.ToBase64String(noncePrefix),
            });
            var magic = Magic(format);
            var block = new byte[magic.Length + 4 + json.Length];
            Buffer.BlockCopy(magic, 0, block, 0, magic.Length);
            Buffer.BlockCopy(BitConverter.GetBytes(json.Length), 0, block, magic.Length, 4);
            Buffer.BlockCopy(json, 0, block, magic.Length + 4, json.Length);
            return new CrecHeader
            {
                Format = format, Block = block, RecordingId = recordingId, KeyFingerprint = keyFingerprint,
                WrappedKey = wrappedKey, NoncePrefix = noncePrefix,
            };
        }

        /// <summary>
        /// Reads and checks the header at the stream's position (left just after it). Refuses, as RecordingIntegrityFailed,
        /// a file that is not a recording, a header cut off or unreadable, and any field other than what the module writes
        /// for <paramref name="recordingId"/> (the key fingerprint too, when <paramref name="keyFingerprint"/> is given).
        /// </summary>
        internal static CrecHeader Read(Stream stored, string recordingId, int chunkSize, string keyFingerprint = null)
        {
            var magic = new byte[8];
            if (ReadFull(stored, magic) != magic.Length) throw Integrity(recordingId, "it is not an encrypted recording file");
            int format;
            if (Same(magic, Magic(2))) format = 2;
            else if (Same(magic, Magic(1))) format = 1;
            else throw Integrity(recordingId, "it is not an encrypted recording file (unknown format)");
            var lengthBytes = new byte[4];
            if (ReadFull(stored, lengthBytes) != 4) throw Integrity(recordingId, "its header is cut off");
            var length = BitConverter.ToInt32(lengthBytes, 0);
            if (length <= 0 || length > MaxJsonLength) throw Integrity(recordingId, "its header is damaged");
            var block = new byte[8 + 4 + length];
            Buffer.BlockCopy(magic, 0, block, 0, 8);
            Buffer.BlockCopy(lengthBytes, 0, block, 8, 4);
            if (ReadFull(stored, block, 12, length) != length) throw Integrity(recordingId, "its header is cut off");
            var header = new CrecHeader { Format = format, Block = block };
            try
            {
                using (var doc = JsonDocument.Parse(new ReadOnlyMemory<byte>(block, 12, length)))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) throw Integrity(recordingId, "its header is damaged");
                    var names = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var p in root.EnumerateObject())
                    {
                        if (!names.Add(p.Name)) throw Integrity(recordingId, "its header names '" + Text.Printable(p.Name, 40) + "' twice");
                    }
                    if (names.Count != 7) throw Integrity(recordingId, "its header has other fields than the module writes");
                    Expect(recordingId, "format", root.GetProperty("format").GetString(), FormatName(format));
                    Expect(recordingId, "algorithm", root.GetProperty("algorithm").GetString(), Algorithm);
                    header.RecordingId = root.GetProperty("recordingId").GetString();
                    Expect(recordingId, "recordingId", header.RecordingId, recordingId);
                    if (root.GetProperty("chunkSize").GetInt32() != chunkSize) throw Integrity(recordingId, "its header names another chunk size");
                    header.KeyFingerprint = root.GetProperty("keyFingerprint").GetString();
                    if (keyFingerprint != null) Expect(recordingId, "keyFingerprint", header.KeyFingerprint, keyFingerprint);
                    header.WrappedKey = Convert.FromBase64String(root.GetProperty("wrappedKey").GetString());
                    header.NoncePrefix = Convert.FromBase64String(root.GetProperty("noncePrefix").GetString());
                }
            }
            catch (Exception e) when (e is JsonException || e is FormatException || e is KeyNotFoundException || e is InvalidOperationException || e is ArgumentException)
            {
                throw Integrity(recordingId, "its header cannot be read", e);
            }
            if (header.WrappedKey.Length != 12 + 32 + ChunkAead.TagBytes || header.NoncePrefix.Length != 8) throw Integrity(recordingId, "its header is damaged");
            return header;
        }

        /// <summary>
        /// The associated data of chunk <paramref name="index"/>: format 1 binds the recording id, the index and whether it is
        /// the last; format 2 binds the same after the whole header block.
        /// </summary>
        internal byte[] ChunkAad(string recordingId, uint index, bool final)
        {
            var tail = Encoding.UTF8.GetBytes("chunk:" + recordingId + ":" + index + ":" + (final ? "final" : "more"));
            if (Format == 1) return tail;
            var aad = new byte[Block.Length + tail.Length];
            Buffer.BlockCopy(Block, 0, aad, 0, Block.Length);
            Buffer.BlockCopy(tail, 0, aad, Block.Length, tail.Length);
            return aad;
        }

        /// <summary>The associated data of the wrapped data key (both formats): the key cannot move to another recording.</summary>
        internal static byte[] KeyAad(string recordingId) => Encoding.UTF8.GetBytes("key:" + recordingId);

        /// <summary>The format of a stored file from its first 8 bytes, without checking anything else (0 when it is neither).</summary>
        internal static int PeekFormat(Stream stored)
        {
            var magic = new byte[8];
            if (ReadFull(stored, magic) != 8) return 0;
            return Same(magic, Magic(2)) ? 2 : Same(magic, Magic(1)) ? 1 : 0;
        }

        private static void Expect(string recordingId, string field, string actual, string expected)
        {
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw Integrity(recordingId, "its header's " + field + " is not what the module writes ('" + Text.Printable(actual, 80) + "')");
            }
        }

        internal static PolicyException Integrity(string recordingId, string why, Exception inner = null) =>
            new PolicyException("RecordingIntegrityFailed", FailureKind.InvalidData,
                "Recording " + recordingId + " failed its integrity check: " + why + ". Its content was not returned.", recordingId, null, inner);

        private static int ReadFull(Stream s, byte[] buffer, int offset = 0, int count = -1)
        {
            if (count < 0) count = buffer.Length - offset;
            var read = 0;
            while (read < count)
            {
                var n = s.Read(buffer, offset + read, count - read);
                if (n == 0) break;
                read += n;
            }
            return read;
        }

        private static bool Same(byte[] a, byte[] b)
        {
            if (a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
            return true;
        }
    }
}
