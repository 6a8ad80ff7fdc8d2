using System;
using System.IO;
using System.Text;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>What a file's header says it is: container, codec, and (for WAV) the duration.</summary>
    public sealed class AudioInfo
    {
        public string Container { get; internal set; }
        /// <summary>The stored format text, e.g. "WAV mu-law 8000 Hz 8-bit mono", "MP3 MPEG-1 Layer III 44100 Hz", "Ogg Opus".</summary>
        public string Format { get; internal set; }
        /// <summary>From a WAV header; null for MP3 and Ogg (the recorder's DurationSeconds is used).</summary>
        public double? DurationSeconds { get; internal set; }
    }

    /// <summary>
    /// Recognises the audio that telephony recorders export by its header, never by its file name (clause 2.5
    /// keeps recordings of calls, not whatever file a manifest names): WAV (RIFF/WAVE with a fmt chunk of PCM,
    /// IEEE float, A-law, µ-law or GSM 6.10, and a data chunk that holds at least one block of samples), MP3
    /// (an optional ID3v2 tag, then MPEG audio frames whose headers are valid and follow one another), and Ogg
    /// (a first page, its CRC correct, that begins an Opus or Vorbis stream, and a page after it). Everything
    /// else (text, an empty file, random bytes, an executable, a 44-byte RIFF header with no samples, a CSV
    /// manifest) is not audio.
    /// </summary>
    /// <remarks>
    /// A header parser of our own rather than a library: the decoders on NuGet that cover these formats
    /// (NAudio for WAV and MP3 through Windows codecs, NLayer for MP3, NVorbis and Concentus for Ogg) decode
    /// audio, which an import never needs, and would add three assemblies to the private load context for a
    /// check of a few hundred bytes. The rules here are the formats' own (RIFF/WAVE, ISO 11172-3/13818-3
    /// frame headers, RFC 3533 pages, RFC 7845 OpusHead, the Vorbis I identification header).
    /// </remarks>
    public static class AudioFormat
    {
        /// <summary>What <paramref name="f"/> holds, or null with <paramref name="why"/> when it is not audio; the stream is put back at its start.</summary>
        public static AudioInfo Identify(Stream f, out string why)
        {
            try
            {
                var head = new byte[12];
                var n = Fill(f, head);
                f.Position = 0;
                if (n == 0) { why = "the file is empty"; return null; }
                if (n >= 12 && Ascii(head, 0, 4) == "RIFF" && Ascii(head, 8, 4) == "WAVE") return Wav(f, out why);
                if (n >= 4 && Ascii(head, 0, 4) == "OggS") return Ogg(f, out why);
                if (n >= 3 && Ascii(head, 0, 3) == "ID3" || n >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0) return Mp3(f, out why);
                why = Describe(head, n);
                return null;
            }
            catch (EndOfStreamException)
            {
                why = "its header is cut short";
                return null;
            }
            finally
            {
                f.Position = 0;
            }
        }

        public static AudioInfo Identify(string path, out string why)
        {
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                return Identify(f, out why);
            }
        }

        private static string Describe(byte[] head, int n)
        {
            if (n >= 4 && head[0] == 0x7F && Ascii(head, 1, 3) == "ELF") return "it is an ELF executable";
            if (n >= 2 && head[0] == (byte)'M' && head[1] == (byte)'Z') return "it is a Windows (PE) executable";
            if (n >= 4 && Ascii(head, 0, 4) == "PK\u0003\u0004") return "it is a ZIP archive";
            var text = true;
            for (var i = 0; i < n; i++) if (head[i] < 0x09 || head[i] > 0x0D && head[i] < 0x20 && head[i] != 0x1B) text = false;
            return text ? "it is text, not audio" : "its header is not WAV, MP3 or Ogg";
        }

        private static AudioInfo Wav(Stream f, out string why)
        {
            var wav = WavInfo.Read(f);
            if (wav == null) { why = "a RIFF/WAVE file without a fmt chunk before its data chunk"; return null; }
            var codec = wav.AudioFormat;
            var known = codec == 1 || codec == 3 || codec == 6 || codec == 7 || codec == 0x31 || codec == 0xFFFE;
            if (!known) { why = "WAV format " + codec + " is not one recorders export (PCM, float, A-law, mu-law, GSM 6.10)"; return null; }
            if (wav.Channels < 1 || wav.Channels > 8 || wav.SampleRate < 4000 || wav.SampleRate > 192000 || wav.ByteRate <= 0 || wav.BlockAlign <= 0)
            {
                why = "its fmt chunk is not possible (" + wav.Channels + " channels, " + wav.SampleRate + " Hz, " + wav.ByteRate + " bytes a second)";
                return null;
            }
            var linear = codec == 1 || codec == 3 || codec == 6 || codec == 7 || codec == 0xFFFE;
            if (linear && (wav.BitsPerSample < 8 || wav.BitsPerSample > 64 || wav.BitsPerSample % 8 != 0))
            {
                why = "its fmt chunk gives " + wav.BitsPerSample + " bits a sample";
                return null;
            }
            // The fmt fields must agree with each other, or the duration (data bytes / ByteRate) is a lie.
            if (linear && wav.BlockAlign != wav.Channels * (wav.BitsPerSample / 8))
            {
                why = "its fmt chunk is inconsistent: BlockAlign " + wav.BlockAlign + " is not " + wav.Channels + " channels x " + wav.BitsPerSample / 8 + " bytes";
                return null;
            }
            if (linear && (long)wav.ByteRate != (long)wav.SampleRate * wav.BlockAlign)
            {
                why = "its fmt chunk is inconsistent: ByteRate " + wav.ByteRate + " is not " + wav.SampleRate + " Hz x BlockAlign " + wav.BlockAlign;
                return null;
            }
            if (codec == 0x31 && (wav.BlockAlign != 65 * wav.Channels || Math.Abs((long)wav.ByteRate * 320 - (long)wav.SampleRate * wav.BlockAlign) > 320))
            {
                why = "its fmt chunk is inconsistent for GSM 6.10 (65-byte blocks of 320 samples): BlockAlign " + wav.BlockAlign + ", ByteRate " + wav.ByteRate + " at " + wav.SampleRate + " Hz";
                return null;
            }
            if (wav.Problem != null) { why = wav.Problem; return null; }
            if (wav.DataBytes < wav.BlockAlign) { why = "its data chunk holds no samples"; return null; }
            why = null;
            return new AudioInfo { Container = "WAV", Format = wav.Format, DurationSeconds = wav.DurationSeconds };
        }

        // Kbit/s by [version row][layer][index]: row 0 MPEG-1, row 1 MPEG-2 and 2.5; layer 1..3.
        private static readonly int[,,] Bitrates =
        {
            {
                { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
                { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 },
                { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 },
                { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 },
            },
            {
                { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
                { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 },
                { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
                { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
            },
        };

        private static readonly int[] SampleRates = { 44100, 48000, 32000 };

        /// <summary>The length in bytes of the MPEG audio frame whose header is at <paramref name="h"/>, or 0 when the header is not valid.</summary>
        internal static int FrameLength(byte[] h, int o, out string description)
        {
            description = null;
            if (h[o] != 0xFF || (h[o + 1] & 0xE0) != 0xE0) return 0;
            var version = (h[o + 1] >> 3) & 3; // 0 MPEG-2.5, 1 reserved, 2 MPEG-2, 3 MPEG-1
            var layerBits = (h[o + 1] >> 1) & 3; // 1 Layer III, 2 Layer II, 3 Layer I
            var bitrateIndex = h[o + 2] >> 4;
            var rateIndex = (h[o + 2] >> 2) & 3;
            var padding = (h[o + 2] >> 1) & 1;
            if (version == 1 || layerBits == 0 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) return 0;
            if ((h[o + 3] & 3) == 2) return 0; // reserved emphasis
            var layer = 4 - layerBits;
            var kbps = Bitrates[version == 3 ? 0 : 1, layer, bitrateIndex];
            var rate = SampleRates[rateIndex] / (version == 3 ? 1 : version == 2 ? 2 : 4);
            int length;
            if (layer == 1) length = (12 * kbps * 1000 / rate + padding) * 4;
            else if (layer == 3 && version != 3) length = 72 * kbps * 1000 / rate + padding;
            else length = 144 * kbps * 1000 / rate + padding;
            description = "MP3 " + (version == 3 ? "MPEG-1" : version == 2 ? "MPEG-2" : "MPEG-2.5") + " Layer " + (layer == 1 ? "I" : layer == 2 ? "II" : "III") + " " + rate + " Hz " + kbps + " kbit/s";
            return length;
        }

        private static AudioInfo Mp3(Stream f, out string why)
        {
            long start = 0;
            var header = new byte[10];
            if (Fill(f, header) == 10 && Ascii(header, 0, 3) == "ID3")
            {
                if (header[3] < 2 || header[3] > 4 || header[4] == 0xFF || (header[6] | header[7] | header[8] | header[9]) >= 0x80)
                {
                    why = "its ID3v2 tag header is not valid";
                    return null;
                }
                var size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9];
                start = 10 + size + ((header[5] & 0x10) != 0 ? 10 : 0);
            }
            if (start >= f.Length) { why = "an ID3 tag with no audio after it"; return null; }
            f.Position = start;
            var first = new byte[4];
            if (Fill(f, first) < 4) { why = "no MPEG audio frame after the ID3 tag"; return null; }
            var length = FrameLength(first, 0, out var description);
            if (length == 0) { why = "no valid MPEG audio frame header " + (start > 0 ? "after the ID3 tag" : "at its start"); return null; }
            var next = start + length;
            if (next > f.Length) { why = "its first MPEG audio frame is cut short"; return null; }
            if (next + 4 <= f.Length)
            {
                // A second frame must follow the first exactly (a lone 0xFFE… in random bytes does not make audio).
                f.Position = next;
                var second = new byte[4];
                Fill(f, second);
                if (FrameLength(second, 0, out _) == 0 && Ascii(second, 0, 3) != "TAG")
                {
                    why = "its MPEG audio frames do not follow one another";
                    return null;
                }
            }
            why = null;
            return new AudioInfo { Container = "MP3", Format = description };
        }

        private static AudioInfo Ogg(Stream f, out string why)
        {
            var page = new byte[27];
            if (Fill(f, page) < 27 || page[4] != 0 || (page[5] & 0x02) == 0)
            {
                why = "its first Ogg page is not the beginning of a stream";
                return null;
            }
            var segments = page[26];
            var table = new byte[segments];
            if (Fill(f, table) < segments) { why = "its first Ogg page is cut short"; return null; }
            var bodyLength = 0;
            foreach (var s in table) bodyLength += s;
            var body = new byte[bodyLength];
            if (Fill(f, body) < bodyLength) { why = "its first Ogg page is cut short"; return null; }
            var stored = BitConverter.ToUInt32(page, 22);
            page[22] = page[23] = page[24] = page[25] = 0;
            var crc = OggCrc(0, page, page.Length);
            crc = OggCrc(crc, table, table.Length);
            crc = OggCrc(crc, body, body.Length);
            if (crc != stored) { why = "the CRC of its first Ogg page is wrong"; return null; }
            string codec;
            if (bodyLength >= 19 && Ascii(body, 0, 8) == "OpusHead" && body[8] >> 4 == 0 && body[9] > 0) codec = "Opus";
            else if (bodyLength >= 30 && body[0] == 1 && Ascii(body, 1, 6) == "vorbis" && BitConverter.ToUInt32(body, 7) == 0 && body[11] > 0 && BitConverter.ToUInt32(body, 12) > 0) codec = "Vorbis";
            else { why = "its Ogg stream is neither Opus nor Vorbis"; return null; }
            var more = new byte[4];
            if (Fill(f, more) < 4 || Ascii(more, 0, 4) != "OggS") { why = "its Ogg stream has a header and no audio"; return null; }
            why = null;
            return new AudioInfo { Container = "Ogg", Format = "Ogg " + codec };
        }

        private static uint[] _crcTable;

        /// <summary>The Ogg page checksum (RFC 3533): CRC-32, polynomial 0x04C11DB7, no reflection, initial value 0.</summary>
        internal static uint OggCrc(uint crc, byte[] data, int count)
        {
            var table = _crcTable;
            if (table == null)
            {
                table = new uint[256];
                for (uint i = 0; i < 256; i++)
                {
                    var r = i << 24;
                    for (var k = 0; k < 8; k++) r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
                    table[i] = r;
                }
                _crcTable = table;
            }
            for (var i = 0; i < count; i++) crc = (crc << 8) ^ table[((crc >> 24) & 0xFF) ^ data[i]];
            return crc;
        }

        private static int Fill(Stream f, byte[] buffer)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var n = f.Read(buffer, total, buffer.Length - total);
                if (n <= 0) break;
                total += n;
            }
            return total;
        }

        private static string Ascii(byte[] b, int offset, int count) => Encoding.ASCII.GetString(b, offset, count);
    }
}
