using System.Collections.Generic;
using System.Globalization;
using System.IO;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Compliance
{
    /// <summary>The findings as flat CSV, through the module's one injection-safe writer (<see cref="CsvBytesWriter"/>): a remedy such as "=HYPERLINK(...)" or "-Confirm" is shown as text, never run.</summary>
    internal static class ComplianceCsv
    {
        public static readonly string[] Columns = { "Clause", "Severity", "ServiceArea", "Subject", "Finding", "Remedy", "Rule", "Count", "AsOf" };

        public static void Write(Stream stream, IEnumerable<ComplianceFinding> findings)
        {
            using (var csv = new CsvBytesWriter(stream, byteOrderMark: true))
            {
                foreach (var c in Columns) csv.Field(c);
                csv.EndRow();
                foreach (var f in findings)
                {
                    csv.Field(f.Clause);
                    csv.Field(f.Severity.ToString());
                    csv.Field(f.ServiceArea);
                    csv.Field(f.Subject);
                    csv.Field(f.Finding);
                    csv.Field(f.Remedy);
                    csv.Field(f.Rule);
                    csv.Field(f.Count.ToString(CultureInfo.InvariantCulture));
                    csv.Field(Timestamp.ToText(f.AsOf));
                    csv.EndRow();
                }
            }
        }
    }
}
