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

        private static WavInfo Parse(Stream f)
        {
            using (var r = new BinaryReader(f, Encoding.ASCII, leaveOpen: true))
            {
                if (f.Length < 12 || Tag(r) != "RIFF") return null;
                r.ReadUInt32();
                if (Tag(r) != "WAVE") return null;
                var info = new WavInfo();
                var haveFormat = false;
                while (f.Position + 8 <= f.Length)
                {
                    var id = Tag(r);
                    long size = r.ReadUInt32();
                    var next = f.Position + size + (size & 1);
                    if (id == "fmt " && size >= 16)
                    {
                        info.AudioFormat = r.ReadUInt16();
                        info.Channels = r.ReadUInt16();
                        info.SampleRate = r.ReadInt32();
                        info.ByteRate = r.ReadInt32();
                        info.BlockAlign = r.ReadUInt16();
                        info.BitsPerSample = r.ReadUInt16();
                        haveFormat = true;
                    }
                    else if (id == "data")
                    {
                        info.DataBytes = Math.Min(size, f.Length - f.Position);
                        return haveFormat ? info : null;
                    }
                    if (next > f.Length) break;
                    f.Position = next;
                }
                return null;
            }
        }

        private static string Tag(BinaryReader r) => Encoding.ASCII.GetString(r.ReadBytes(4));
    }
}
