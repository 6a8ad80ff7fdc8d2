using System;
using System.IO;
using System.Text;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>What a RIFF/WAVE header says: format and duration, read without loading the audio.</summary>
    public sealed class WavInfo
    {
        public int AudioFormat { get; private set; }
        public int Channels { get; private set; }
        public int SampleRate { get; private set; }
        public int BitsPerSample { get; private set; }
        public int ByteRate { get; private set; }
        public int BlockAlign { get; private set; }
        public long DataBytes { get; private set; }

        public double DurationSeconds => ByteRate > 0 ? Math.Round((double)DataBytes / ByteRate, 3) : 0;

        public string Format =>
            "WAV " + (AudioFormat == 1 ? "PCM" : AudioFormat == 6 ? "A-law" : AudioFormat == 7 ? "mu-law" : AudioFormat == 3 ? "float" : AudioFormat == 0x31 ? "GSM 6.10" : AudioFormat == 0xFFFE ? "extensible" : "format " + AudioFormat) +
            " " + SampleRate + " Hz " + (AudioFormat == 0x31 ? "" : BitsPerSample + "-bit ") + (Channels == 1 ? "mono" : Channels == 2 ? "stereo" : Channels + " channels");

        /// <summary>Reads the header of a WAV file; null when the file is not RIFF/WAVE.</summary>
        public static WavInfo Read(string path)
        {
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                return Read(f);
            }
        }

        /// <summary>Reads the header from a seekable stream and puts the stream back at its start; null when it is not RIFF/WAVE.</summary>
        public static WavInfo Read(Stream f)
        {
            try
            {
                return Parse(f);
            }
            finally
            {
                f.Position = 0;
            }
        }

        /// <summary>
        /// Why the file's structure is not to be trusted, or null: a RIFF size that disagrees with the file's length
        /// (trailing bytes appended after the audio, or a truncated file), bytes after the header that are not a RIFF
        /// chunk (a WAV/ZIP or WAV/HTML polyglot), a chunk — the data chunk above all — claiming more bytes than the file
        /// holds, or a second fmt chunk. Streaming recorders that leave the sizes as 0 or 0xFFFFFFFF are refused too.
        /// </summary>
        public string Problem { get; private set; }

        private static WavInfo Parse(Stream f)
        {
            using (var r = new BinaryReader(f, Encoding.ASCII, leaveOpen: true))
            {
                if (f.Length < 12 || Tag(r) != "RIFF") return null;
                long riff = r.ReadUInt32();
                if (Tag(r) != "WAVE") return null;
                var info = new WavInfo();
                var haveFormat = false;
                var haveData = false;
                var end = riff + 8;
                if (end != f.Length && end + 1 != f.Length)
                {
                    info.Problem = "its RIFF header says the file is " + end + " bytes long but it is " + f.Length + " bytes (" +
                                   (end < f.Length ? "something is appended after the audio" : "it is cut short") + ")";
                    end = Math.Min(end, f.Length);
                }
                long pos = 12;
                while (pos + 8 <= end)
                {
                    f.Position = pos;
                    var raw = r.ReadBytes(4);
                    foreach (var b in raw)
                    {
                        if (b < 0x20 || b > 0x7E)
                        {
                            info.Problem = info.Problem ?? "the bytes at offset " + pos + " are not a RIFF chunk (another file's content inside the WAV)";
                            return haveFormat && haveData ? info : null;
                        }
                    }
                    var id = Encoding.ASCII.GetString(raw);
                    long size = r.ReadUInt32();
                    if (pos + 8 + size > end)
                    {
                        info.Problem = info.Problem ?? "its '" + id.Trim() + "' chunk at offset " + pos + " claims " + size + " bytes but the file holds only " + Math.Max(0, end - pos - 8) + " after it";
                        if (id == "data" && haveFormat) { info.DataBytes = Math.Max(0, end - pos - 8); return info; }
                        return haveFormat && haveData ? info : null;
                    }
                    if (id == "fmt ")
                    {
                        if (haveFormat) { info.Problem = info.Problem ?? "it has two fmt chunks"; return info; }
                        if (size >= 16)
                        {
                            info.AudioFormat = r.ReadUInt16();
                            info.Channels = r.ReadUInt16();
                            info.SampleRate = r.ReadInt32();
                            info.ByteRate = r.ReadInt32();
                            info.BlockAlign = r.ReadUInt16();
                            info.BitsPerSample = r.ReadUInt16();
                            haveFormat = true;
                        }
                    }
                    else if (id == "data")
                    {
                        if (!haveFormat) return null;
                        if (haveData) { info.Problem = info.Problem ?? "it has two data chunks"; return info; }
                        info.DataBytes = size;
                        haveData = true;
                    }
                    pos += 8 + size + (size & 1);
                }
                if (!haveData) return null;
                if (pos < end && info.Problem == null)
                {
                    info.Problem = (end - pos) + " bytes at the end of the file are not a RIFF chunk";
                }
                return info;
            }
        }

        private static string Tag(BinaryReader r) => Encoding.ASCII.GetString(r.ReadBytes(4));
    }
}
