using System;
using System.Globalization;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>The one text form of a moment in the database and the audit chain: ISO 8601, UTC, 100 ns.</summary>
    public static class Timestamp
    {
        private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

        public static string ToText(DateTimeOffset value) =>
            value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

        public static DateTimeOffset Parse(string text) =>
            new DateTimeOffset(DateTime.ParseExact(text, Format, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

        public static DateTimeOffset? ParseOrNull(object value) =>
            value == null || value is DBNull ? (DateTimeOffset?)null : Parse((string)value);
    }
}
