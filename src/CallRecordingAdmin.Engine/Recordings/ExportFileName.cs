using System;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// The name of a file the module writes for a recording (Save-Recording into a folder, a legal hold
    /// export): the recorder's CallId made safe on every file system, then the recording id, which keeps names
    /// unique and tells the reader where to look. Control and bidirectional characters (CR, LF, U+202E, …), path
    /// and wildcard characters and trailing dots or spaces become '_'; a Windows device name (CON, NUL, COM1, …)
    /// gets a '_' in front; the CallId part is cut at <see cref="MaxCallIdLength"/> characters. The CallId itself
    /// stays whole in the manifests.
    /// </summary>
    public static class ExportFileName
    {
        public const int MaxCallIdLength = 100;

        private static readonly char[] Unsafe = "<>:\"/\\|?*".ToCharArray();
        private static readonly string[] Reserved =
            new[] { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" }.Concat(Enumerable.Range(0, 10).SelectMany(i => new[] { "COM" + i, "LPT" + i })).ToArray();

        /// <summary>"&lt;safe CallId&gt;_&lt;recording id&gt;&lt;extension&gt;".</summary>
        public static string For(Recording recording) => For(recording.CallId, recording.RecordingId, Extension(recording.Format));

        public static string For(string callId, string recordingId, string extension) => SafePart(callId) + "_" + recordingId + extension;

        /// <summary>The CallId as a file-name part: safe characters only, at most <see cref="MaxCallIdLength"/> of them, never empty or a device name.</summary>
        public static string SafePart(string callId)
        {
            var sb = new StringBuilder();
            foreach (var ch in callId ?? "")
            {
                if (sb.Length >= MaxCallIdLength) break;
                var bad = Text.Forbidden(ch) != null || Array.IndexOf(Unsafe, ch) >= 0 || char.IsControl(ch) || char.IsSurrogate(ch) || ch == ' ';
                sb.Append(bad ? '_' : ch);
            }
            var name = sb.ToString().TrimEnd('.', ' ');
            if (name.Trim('_', '.').Length == 0) name = "call";
            var stem = name.Split('.')[0];
            if (Reserved.Any(r => string.Equals(r, stem, StringComparison.OrdinalIgnoreCase))) name = "_" + name;
            return name;
        }

        /// <summary>The usual file extension of a stored format: .wav, .mp3, .opus or .ogg.</summary>
        public static string Extension(string format)
        {
            if (format == null) return ".wav";
            if (format.StartsWith("MP3", StringComparison.OrdinalIgnoreCase)) return ".mp3";
            if (format.StartsWith("Ogg Opus", StringComparison.OrdinalIgnoreCase)) return ".opus";
            if (format.StartsWith("Ogg", StringComparison.OrdinalIgnoreCase)) return ".ogg";
            return ".wav";
        }
    }
}
