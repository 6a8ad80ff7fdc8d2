using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using CallRecordingAdmin.Engine.Policy;
using CsvHelper;
using CsvHelper.Configuration;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>One row of a recorder's export manifest: the call to import, or why the row cannot be.</summary>
    public sealed class ManifestRow
    {
        public int Line { get; set; }
        public RecordingImport Item { get; set; }
        public PolicyException Error { get; set; }
    }

    /// <summary>
    /// Reads a recorder's export manifest (CSV with CallId, Extension, StartTime, DurationSeconds, Direction,
    /// RemoteNumber, Agent, Path). Paths are relative to the manifest's folder and must stay inside it: a
    /// '..' that climbs out, an absolute path elsewhere, or a link is refused for that row (PathOutsideSource).
    /// </summary>
    public static class RecordingManifest
    {
        public static IEnumerable<ManifestRow> Read(string manifestPath)
        {
            var full = Path.GetFullPath(manifestPath);
            if (!File.Exists(full))
            {
                throw new PolicyException("ManifestNotFound", FailureKind.ObjectNotFound, "The manifest '" + full + "' does not exist.", full);
            }
            var root = Path.GetDirectoryName(full);
            var config = new CsvConfiguration(CultureInfo.InvariantCulture) { PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(), MissingFieldFound = null, HeaderValidated = null };
            using (var reader = new StreamReader(full))
            using (var csv = new CsvReader(reader, config))
            {
                csv.Read();
                csv.ReadHeader();
                while (csv.Read())
                {
                    var row = new ManifestRow { Line = csv.Parser.RawRow };
                    try
                    {
                        row.Item = new RecordingImport
                        {
                            CallId = csv.GetField("callid"),
                            Extension = csv.GetField("extension"),
                            StartTime = ParseTime(csv.GetField("starttime")),
                            DurationSeconds = ParseDouble(csv.GetField("durationseconds")),
                            Direction = ParseDirection(csv.GetField("direction")),
                            RemoteNumber = csv.GetField("remotenumber"),
                            Agent = csv.GetField("agent"),
                            Path = Inside(root, csv.GetField("path")),
                        };
                    }
                    catch (PolicyException e)
                    {
                        row.Error = e;
                    }
                    yield return row;
                }
            }
        }

        /// <summary>The full path of <paramref name="relative"/> if it lies inside <paramref name="root"/> and is no link; else PathOutsideSource.</summary>
        public static string Inside(string root, string relative)
        {
            if (string.IsNullOrWhiteSpace(relative))
            {
                throw new PolicyException("RecordingFileNotFound", FailureKind.ObjectNotFound, "The manifest row names no audio file (Path).", relative);
            }
            var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
            var candidate = Path.GetFullPath(Path.Combine(rootFull, relative));
            var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (!candidate.StartsWith(rootFull, comparison))
            {
                throw new PolicyException("PathOutsideSource", FailureKind.SecurityError,
                    "the manifest path '" + relative + "' leads outside the export folder '" + rootFull + "'; it was refused.", relative);
            }
            // Every folder on the way and the file itself must be real, not a link to somewhere else.
            var walk = candidate;
            while (walk.Length > rootFull.Length)
            {
                if ((File.Exists(walk) || Directory.Exists(walk)) && (File.GetAttributes(walk) & FileAttributes.ReparsePoint) != 0)
                {
                    throw new PolicyException("PathOutsideSource", FailureKind.SecurityError,
                        "the manifest path '" + relative + "' goes through a link ('" + walk + "'), which could lead outside the export folder; it was refused.", relative);
                }
                walk = Path.GetDirectoryName(walk);
            }
            return candidate;
        }

        public static DateTimeOffset ParseTime(string text)
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)) return value;
            throw new PolicyException("StartTimeInvalid", FailureKind.InvalidData, "'" + text + "' is not a date and time (use ISO 8601, e.g. 2026-11-01T09:15:00Z).", text);
        }

        private static double? ParseDouble(string text) =>
            string.IsNullOrWhiteSpace(text) ? (double?)null
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new PolicyException("DurationInvalid", FailureKind.InvalidData, "'" + text + "' is not a duration in seconds.", text);

        public static CallDirection ParseDirection(string text)
        {
            if (Enum.TryParse(text?.Trim(), true, out CallDirection d) && Enum.IsDefined(typeof(CallDirection), d)) return d;
            throw new PolicyException("DirectionInvalid", FailureKind.InvalidData, "'" + text + "' is not a call direction: use Inbound, Outbound or Internal.", text);
        }
    }
}
