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
    /// Each physical line is one call, except that a quoted field holding a line break (valid RFC 4180) makes
    /// one record of up to 8 lines, refused as one row with <c>TextInvalid</c> naming its CallId and column. A damaged
    /// line — an unbalanced quote, binary bytes, NUL, a value out of range — is one refused row (<c>ManifestRowInvalid</c> or the value's own ErrorId) and the rows
    /// after it are still read. A manifest with no header naming the required columns is <c>ManifestInvalid</c>.
    /// </summary>
    public static class RecordingManifest
    {
        /// <summary>The columns a manifest must have (in any order and case).</summary>
        public static readonly string[] RequiredColumns = { "callid", "extension", "starttime", "direction", "path" };

        public static IEnumerable<ManifestRow> Read(string manifestPath) => Read(manifestPath, null);

        /// <summary>Reads a manifest whose StartTimes without an offset are wall-clock times in <paramref name="zone"/> (the machine's zone when null).</summary>
        public static IEnumerable<ManifestRow> Read(string manifestPath, TimeZoneInfo zone)
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
                var pending = new List<string>();
                while (true)
                {
                    if (pending.Count == 0)
                    {
                        var next = reader.ReadLine();
                        if (next == null) break;
                        pending.Add(next);
                    }
                    var text = pending[0];
                    pending.RemoveAt(0);
                    line++;
                    if (text.Length == 0) continue;
                    // RFC 4180 lets a quoted field hold a line break: when this line leaves a quote open, the record
                    // may go on over the next lines. It is taken as one record only if that makes valid CSV with the
                    // header's number of fields; otherwise the line alone is the damaged row and the next is read afresh.
                    var joined = OddQuotes(text) ? Continue(reader, pending, text, header.Length) : 0;
                    if (joined > 0)
                    {
                        for (var k = 0; k < joined; k++) { text += "\n" + pending[0]; pending.RemoveAt(0); }
                        yield return Row(root, line, text, columns, zone, line + joined);
                        line += joined;
                        continue;
                    }
                    yield return Row(root, line, text, columns, zone);
                }
            }
        }

        /// <summary>The most physical lines one record may span when a quoted field holds line breaks.</summary>
        private const int MaxLinesPerRecord = 8;

        private static bool OddQuotes(string text)
        {
            var n = 0;
            foreach (var ch in text) if (ch == '"') n++;
            return n % 2 == 1;
        }

        /// <summary>How many following lines complete the record begun by <paramref name="first"/> as valid CSV with <paramref name="fields"/> fields; 0 when none do.</summary>
        private static int Continue(TextReader reader, List<string> pending, string first, int fields)
        {
            var text = first;
            for (var k = 1; k < MaxLinesPerRecord && text.Length < 65536; k++)
            {
                if (pending.Count < k)
                {
                    var next = reader.ReadLine();
                    if (next == null) return 0;
                    pending.Add(next);
                }
                text += "\n" + pending[k - 1];
                if (OddQuotes(text)) continue;
                var split = Split(text);
                return split != null && split.Length == fields ? k : 0;
            }
            return 0;
        }

        private static ManifestRow Row(string root, int line, string text, Dictionary<string, int> columns, TimeZoneInfo zone, int lastLine = 0)
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
                if (lastLine > line)
                {
                    // One record over several lines: valid CSV, but no field of a call may hold a line break.
                    var column = columns.Where(c => c.Value < fields.Length && fields[c.Value].IndexOf('\n') >= 0).OrderBy(c => c.Value).Select(c => c.Key).FirstOrDefault() ?? "a field";
                    throw new PolicyException("TextInvalid", FailureKind.InvalidArgument,
                        "lines " + line + "-" + lastLine + " of the manifest (call " + Text.Printable(row.CallId, 64) + ") are one CSV record whose " + column +
                        " holds a line break inside quotes; no field of a call may contain a line break (a control character). The row was refused.", row.CallId ?? (object)line);
                }
                row.Item = new RecordingImport
                {
                    CallId = row.CallId,
                    Extension = Field("extension"),
                    StartTime = ParseTime(Field("starttime"), zone),
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

        /// <summary>A StartTime as the one rule reads it (<see cref="Timestamp.ParseInput"/>): ISO 8601; without an offset, a wall-clock time in <paramref name="zone"/> (the machine's zone when null).</summary>
        public static DateTimeOffset ParseTime(string text, TimeZoneInfo zone = null) => Timestamp.ParseInput(text, zone);

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
