using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CsvHelper;
using CsvHelper.Configuration;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>One row of a recorder's export manifest: the call to import, or why the row cannot be.</summary>
    public sealed class ManifestRow
    {
        public int Line { get; set; }
        /// <summary>The row's CallId as written, when the line could be read that far.</summary>
        public string CallId { get; set; }
        public RecordingImport Item { get; set; }
        public PolicyException Error { get; set; }
    }

    /// <summary>
    /// Reads a recorder's export manifest (CSV with CallId, Extension, StartTime, DurationSeconds, Direction,
    /// RemoteNumber, Agent, Path). Paths are relative to the manifest's folder and must stay inside it: a
    /// '..' that climbs out, an absolute path elsewhere, or a link is refused for that row (PathOutsideSource).
    /// Each physical line is one call (a recorder writes no line breaks inside a field, and a CallId or path
    /// with one would be refused anyway), so a damaged line — an unbalanced quote, binary bytes, NUL, a value
    /// out of range — is one refused row (<c>ManifestRowInvalid</c> or the value's own ErrorId) and the rows
    /// after it are still read. A manifest with no header naming the required columns is <c>ManifestInvalid</c>.
    /// </summary>
    public static class RecordingManifest
    {
        /// <summary>The columns a manifest must have (in any order and case).</summary>
        public static readonly string[] RequiredColumns = { "callid", "extension", "starttime", "direction", "path" };

        public static IEnumerable<ManifestRow> Read(string manifestPath)
        {
            var full = Path.GetFullPath(manifestPath);
            if (!File.Exists(full))
            {
                throw new PolicyException("ManifestNotFound", FailureKind.ObjectNotFound, "The manifest '" + full + "' does not exist.", full);
            }
            var root = Path.GetDirectoryName(full);
            using (var reader = new StreamReader(full, new System.Text.UTF8Encoding(false, false), true))
            {
                var headerLine = reader.ReadLine();
                var header = headerLine == null ? null : Split(headerLine);
                var columns = new Dictionary<string, int>(StringComparer.Ordinal);
                if (header != null)
                {
                    for (var i = 0; i < header.Length; i++) columns[header[i].Trim().TrimStart('\uFEFF').ToLowerInvariant()] = i;
                }
                var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
                if (missing.Count > 0)
                {
                    throw new PolicyException("ManifestInvalid", FailureKind.InvalidData,
                        "'" + full + "' is not a recorder manifest: " + (headerLine == null ? "it is empty" : "its first line does not name the columns " + string.Join(", ", missing)) +
                        ". A manifest is CSV with the columns CallId, Extension, StartTime, DurationSeconds, Direction, RemoteNumber, Agent, Path.", full);
                }
                var line = 1;
                string text;
                while ((text = reader.ReadLine()) != null)
                {
                    line++;
                    if (text.Length == 0) continue;
                    yield return Row(root, line, text, columns);
                }
            }
        }

        private static ManifestRow Row(string root, int line, string text, Dictionary<string, int> columns)
        {
            var row = new ManifestRow { Line = line };
            try
            {
                if (text.IndexOf('\0') >= 0)
                {
                    throw new PolicyException("ManifestRowInvalid", FailureKind.InvalidData, "line " + line + " of the manifest contains NUL characters (binary data); the row was refused.", line);
                }
                var fields = Split(text);
                if (fields == null)
                {
                    throw new PolicyException("ManifestRowInvalid", FailureKind.InvalidData, "line " + line + " of the manifest is not valid CSV (an unbalanced or stray quote); the row was refused.", line);
                }
                string Field(string name) => columns.TryGetValue(name, out var i) && i < fields.Length ? fields[i] : null;
                row.CallId = Field("callid");
                row.Item = new RecordingImport
                {
                    CallId = row.CallId,
                    Extension = Field("extension"),
                    StartTime = ParseTime(Field("starttime")),
                    DurationSeconds = ParseDouble(Field("durationseconds")),
                    Direction = ParseDirection(Field("direction")),
                    RemoteNumber = Field("remotenumber"),
                    Agent = Field("agent"),
                };
                row.Item.Path = Inside(root, Field("path"));
            }
            catch (PolicyException e)
            {
                row.Error = e;
                row.Item = null;
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException || e is IOException || e is UnauthorizedAccessException)
            {
                row.Error = new PolicyException("ManifestRowInvalid", FailureKind.InvalidData, "line " + line + " of the manifest cannot be used: " + e.Message + " The row was refused.", line, null, e);
                row.Item = null;
            }
            return row;
        }

        /// <summary>The fields of one CSV line (RFC 4180 quoting), or null when its quotes do not balance.</summary>
        internal static string[] Split(string line)
        {
            if (line.IndexOf('"') < 0) return line.Split(','); // no quoting: RFC 4180 fields are the text between commas
            var config = new CsvConfiguration(CultureInfo.InvariantCulture) { Mode = CsvMode.RFC4180, BadDataFound = null, BufferSize = Math.Max(16, line.Length + 2) };
            if (!QuotesBalance(line)) return null;
            using (var parser = new CsvParser(new StringReader(line), config))
            {
                try
                {
                    return parser.Read() ? parser.Record : new string[0];
                }
                catch (CsvHelperException)
                {
                    return null;
                }
            }
        }

        /// <summary>True when every quoted field on the line is closed and no quote stands inside an unquoted field.</summary>
        private static bool QuotesBalance(string line)
        {
            var inQuotes = false;
            var fieldStart = true;
            for (var i = 0; i < line.Length; i++)
            {
                var ch = line[i];
                if (inQuotes)
                {
                    if (ch != '"') continue;
                    if (i + 1 < line.Length && line[i + 1] == '"') { i++; continue; }
                    inQuotes = false;
                    if (i + 1 < line.Length && line[i + 1] != ',') return false;
                }
                else if (ch == '"')
                {
                    if (!fieldStart) return false;
                    inQuotes = true;
                    fieldStart = false;
                }
                else
                {
                    fieldStart = ch == ',';
                }
            }
            return !inQuotes;
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
            if (text != null && text.Length <= 64 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)) return value;
            throw new PolicyException("StartTimeInvalid", FailureKind.InvalidData, "'" + Text.Printable(text, 64) + "' is not a date and time (use ISO 8601, e.g. 2026-11-01T09:15:00Z).", text);
        }

        private static double? ParseDouble(string text) =>
            string.IsNullOrWhiteSpace(text) ? (double?)null
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new PolicyException("DurationInvalid", FailureKind.InvalidData, "'" + Text.Printable(text, 64) + "' is not a duration in seconds.", text);

        public static CallDirection ParseDirection(string text)
        {
            if (Enum.TryParse(text?.Trim(), true, out CallDirection d) && Enum.IsDefined(typeof(CallDirection), d)) return d;
            throw new PolicyException("DirectionInvalid", FailureKind.InvalidData, "'" + Text.Printable(text, 64) + "' is not a call direction: use Inbound, Outbound or Internal.", text);
        }
    }
}
