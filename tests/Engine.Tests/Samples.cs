using System;
using System.IO;
using System.Linq;
using System.Text;

namespace Engine.Tests
{
    /// <summary>
    /// Audio and not-audio made by code for the import tests: WAV in the codecs recorders export, an MP3 frame
    /// stream with and without an ID3v2 tag, Ogg Opus and Ogg Vorbis streams with correct page CRCs, and the
    /// files an import must refuse (text, empty, random bytes, ELF and PE executables, a RIFF header with no samples).
    /// </summary>
    public static class Samples
    {
        /// <summary>A WAV of <paramref name="format"/> (1 PCM, 6 A-law, 7 mu-law, 0x31 GSM 6.10), 8 kHz mono.</summary>
        public static byte[] Wav(int format, double seconds = 0.25)
        {
            int bits, blockAlign, byteRate, extra = 0;
            switch (format)
            {
                case 1: bits = 16; blockAlign = 2; byteRate = 16000; break;
                case 6:
                case 7: bits = 8; blockAlign = 1; byteRate = 8000; break;
                case 0x31: bits = 0; blockAlign = 65; byteRate = 1625; extra = 4; break; // 320 samples in 65 bytes
                default: throw new ArgumentOutOfRangeException(nameof(format));
            }
            var dataBytes = format == 0x31 ? 65 * (int)Math.Max(1, seconds * 25) : (int)(byteRate * seconds);
            var ms = new MemoryStream();
            var w = new BinaryWriter(ms);
            var fmtSize = 16 + extra;
            w.Write(Encoding.ASCII.GetBytes("RIFF")); w.Write(4 + 8 + fmtSize + 8 + dataBytes); w.Write(Encoding.ASCII.GetBytes("WAVE"));
            w.Write(Encoding.ASCII.GetBytes("fmt ")); w.Write(fmtSize);
            w.Write((short)format); w.Write((short)1); w.Write(8000); w.Write(byteRate); w.Write((short)blockAlign); w.Write((short)bits);
            if (extra > 0) { w.Write((short)2); w.Write((short)320); }
            w.Write(Encoding.ASCII.GetBytes("data")); w.Write(dataBytes);
            var rng = new Random(format);
            for (var i = 0; i < dataBytes; i++) w.Write((byte)(format == 1 ? (i % 2 == 0 ? (byte)(Math.Sin(i / 4.0) * 120) : 0) : rng.Next(256)));
            w.Flush();
            return ms.ToArray();
        }

        /// <summary>
        /// A PCM WAV, 8 kHz mono 16-bit by default, whose header fields can each be made to lie: <paramref name="byteRate"/>,
        /// <paramref name="blockAlign"/>, the data chunk's claimed size (<paramref name="dataSize"/>), the RIFF size
        /// (<paramref name="riffSize"/>, default the truth), and bytes appended after the last chunk (<paramref name="trailer"/>,
        /// counted in the RIFF size when <paramref name="trailerInRiff"/>).
        /// </summary>
        public static byte[] WavLying(int samples = 800, int? byteRate = null, int? blockAlign = null, uint? dataSize = null, uint? riffSize = null,
            byte[] trailer = null, bool trailerInRiff = false)
        {
            var dataBytes = samples * 2;
            trailer = trailer ?? new byte[0];
            var ms = new MemoryStream();
            var w = new BinaryWriter(ms);
            w.Write(Encoding.ASCII.GetBytes("RIFF"));
            w.Write(riffSize ?? (uint)(4 + 8 + 16 + 8 + dataBytes + (trailerInRiff ? trailer.Length : 0)));
            w.Write(Encoding.ASCII.GetBytes("WAVE"));
            w.Write(Encoding.ASCII.GetBytes("fmt ")); w.Write(16);
            w.Write((short)1); w.Write((short)1); w.Write(8000); w.Write(byteRate ?? 16000); w.Write((short)(blockAlign ?? 2)); w.Write((short)16);
            w.Write(Encoding.ASCII.GetBytes("data")); w.Write(dataSize ?? (uint)dataBytes);
            for (var i = 0; i < samples; i++) w.Write((short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0)));
            w.Write(trailer);
            w.Flush();
            return ms.ToArray();
        }

        /// <summary>A small but real ZIP archive (one stored file), for WAV/ZIP polyglots.</summary>
        public static byte[] Zip()
        {
            var ms = new MemoryStream();
            using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, true))
            using (var e = new StreamWriter(zip.CreateEntry("evil.ps1").Open()))
            {
                e.Write("Write-Host 'polyglot'");
            }
            return ms.ToArray();
        }

        /// <summary>The 44-byte RIFF/WAVE header of a PCM file whose data chunk holds nothing.</summary>
        public static byte[] WavStub()
        {
            var full = Wav(1, 0);
            return full.Take(44).ToArray();
        }

        /// <summary>MPEG-1 Layer III, 128 kbit/s, 44.1 kHz frames (417 bytes each, no padding), after an ID3v2.3 tag if asked.</summary>
        public static byte[] Mp3(bool id3, int frames = 4)
        {
            var ms = new MemoryStream();
            if (id3)
            {
                var title = Encoding.ASCII.GetBytes("\0Test call");
                var frame = Encoding.ASCII.GetBytes("TIT2").Concat(BigEndian(title.Length)).Concat(new byte[] { 0, 0 }).Concat(title).ToArray();
                var size = frame.Length;
                ms.Write(Encoding.ASCII.GetBytes("ID3"), 0, 3);
                ms.WriteByte(3); ms.WriteByte(0); ms.WriteByte(0);
                ms.WriteByte((byte)((size >> 21) & 0x7F)); ms.WriteByte((byte)((size >> 14) & 0x7F)); ms.WriteByte((byte)((size >> 7) & 0x7F)); ms.WriteByte((byte)(size & 0x7F));
                ms.Write(frame, 0, frame.Length);
            }
            for (var f = 0; f < frames; f++)
            {
                var body = new byte[417];
                body[0] = 0xFF; body[1] = 0xFB; body[2] = 0x90; body[3] = 0x64;
                ms.Write(body, 0, body.Length);
            }
            return ms.ToArray();
        }

        private static byte[] BigEndian(int v) => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v };

        /// <summary>An Ogg stream: a first page with OpusHead or a Vorbis identification header, then a page of "audio".</summary>
        public static byte[] Ogg(bool opus, bool breakCrc = false)
        {
            byte[] head;
            if (opus)
            {
                head = Encoding.ASCII.GetBytes("OpusHead").Concat(new byte[] { 1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0 }).ToArray();
            }
            else
            {
                head = new byte[] { 1 }.Concat(Encoding.ASCII.GetBytes("vorbis")).Concat(new byte[] { 0, 0, 0, 0, 1, 0x40, 0x1F, 0, 0, 0, 0, 0, 0, 0xE8, 0x03, 0, 0, 0, 0, 0, 0, 0xB8, 1 }).ToArray();
            }
            var ms = new MemoryStream();
            var first = Page(head, 0x02, 0);
            if (breakCrc) first[22] ^= 0x55;
            ms.Write(first, 0, first.Length);
            var second = Page(Enumerable.Range(0, 100).Select(i => (byte)i).ToArray(), 0x00, 1);
            ms.Write(second, 0, second.Length);
            return ms.ToArray();
        }

        private static byte[] Page(byte[] body, byte type, int sequence)
        {
            var header = new byte[27 + 1];
            Encoding.ASCII.GetBytes("OggS").CopyTo(header, 0);
            header[4] = 0; header[5] = type;
            BitConverter.GetBytes(1234).CopyTo(header, 14); // serial
            BitConverter.GetBytes(sequence).CopyTo(header, 18);
            header[26] = 1; header[27] = (byte)body.Length;
            var page = header.Concat(body).ToArray();
            BitConverter.GetBytes(Crc(page)).CopyTo(page, 22);
            return page;
        }

        /// <summary>The Ogg CRC written out here on its own (bit by bit), not the engine's table.</summary>
        private static uint Crc(byte[] data)
        {
            uint crc = 0;
            foreach (var b in data)
            {
                crc ^= (uint)b << 24;
                for (var k = 0; k < 8; k++) crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
            }
            return crc;
        }

        public static byte[] Elf() => new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 }.Concat(new byte[200]).ToArray();

        public static byte[] Pe() => Encoding.ASCII.GetBytes("MZ").Concat(new byte[58]).Concat(BitConverter.GetBytes(64)).Concat(Encoding.ASCII.GetBytes("PE\0\0")).Concat(new byte[200]).ToArray();

        public static byte[] Random(int seed, int length = 4096)
        {
            var b = new byte[length];
            new Random(seed).NextBytes(b);
            return b;
        }
    }
}
