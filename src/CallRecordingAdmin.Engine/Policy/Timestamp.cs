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

        private static readonly System.Text.RegularExpressions.Regex Iso = new System.Text.RegularExpressions.Regex(
            @"^(?<date>\d{4}-\d{2}-\d{2})[T ](?<time>\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)(?<zone>Z|[+-]\d{2}:?\d{2})?$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase);

        private static readonly System.Text.RegularExpressions.Regex DayMonth = new System.Text.RegularExpressions.Regex(
            @"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}([ T].*)?$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>True when <paramref name="text"/> writes a date as day and month in an order the text itself does not say (11/12/2026, 1.2.26).</summary>
        public static bool IsDayMonthForm(string text) => text != null && DayMonth.IsMatch(text.Trim());

        /// <summary>
        /// A moment written by a recorder or a person (a manifest's or CSV's StartTime), read one way only: ISO 8601,
        /// <c>yyyy-MM-ddTHH:mm[:ss[.fffffff]]</c> (a space may stand for the T) with an offset (<c>Z</c>, <c>+01:00</c>, <c>+0100</c>)
        /// or without one. Without an offset it is a wall-clock time in <paramref name="zone"/> (the machine's zone when null); a
        /// wall-clock time that did not exist there (the hour skipped when clocks go forward) is <c>StartTimeInvalid</c>, and one that
        /// happened twice (the hour repeated when clocks go back) is <c>StartTimeAmbiguous</c>: give the offset. A day and month in
        /// either order (<c>11/12/2026</c>: 11 December in the UK, November 12 in the US) is <c>StartTimeAmbiguous</c> too, whatever
        /// the machine's culture; anything else is <c>StartTimeInvalid</c>. <paramref name="field"/> names the value in the message.
        /// </summary>
        public static DateTimeOffset ParseInput(string text, TimeZoneInfo zone = null, string field = "StartTime")
        {
            var t = text?.Trim();
            if (string.IsNullOrEmpty(t) || t.Length > 64)
            {
                throw new PolicyException("StartTimeInvalid", FailureKind.InvalidData, field + " '" + Text.Printable(text ?? "", 64) + "' is not a date and time (use ISO 8601, e.g. 2026-11-01T09:15:00Z).", text);
            }
            if (DayMonth.IsMatch(t))
            {
                throw new PolicyException("StartTimeAmbiguous", FailureKind.InvalidData,
                    field + " '" + Text.Printable(t, 64) + "' puts the day and month in an order the text does not say (11/12/2026 is 11 December in the UK and November 12 in the US); write it as ISO 8601, yyyy-MM-ddTHH:mm:ss with its offset (e.g. 2026-12-11T10:00:00Z).", text);
            }
            var m = Iso.Match(t);
            DateTime local;
            if (!m.Success || !DateTime.TryParseExact(m.Groups["date"].Value + "T" + m.Groups["time"].Value,
                    new[] { "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF" }, CultureInfo.InvariantCulture, DateTimeStyles.None, out local))
            {
                throw new PolicyException("StartTimeInvalid", FailureKind.InvalidData, field + " '" + Text.Printable(t, 64) + "' is not a date and time (use ISO 8601, e.g. 2026-11-01T09:15:00Z).", text);
            }
            var offsetText = m.Groups["zone"].Value;
            if (offsetText.Length > 0)
            {
                if (offsetText == "Z" || offsetText == "z") return new DateTimeOffset(local, TimeSpan.Zero).ToUniversalTime();
                var sign = offsetText[0] == '-' ? -1 : 1;
                var digits = offsetText.Substring(1).Replace(":", "");
                var hours = int.Parse(digits.Substring(0, 2), CultureInfo.InvariantCulture);
                var minutes = int.Parse(digits.Substring(2, 2), CultureInfo.InvariantCulture);
                if (hours > 14 || minutes > 59)
                {
                    throw new PolicyException("StartTimeInvalid", FailureKind.InvalidData, field + " '" + Text.Printable(t, 64) + "' has an offset out of range (at most ±14:00).", text);
                }
                return new DateTimeOffset(local, TimeSpan.FromMinutes(sign * (hours * 60 + minutes))).ToUniversalTime();
            }
            var z = zone ?? TimeZoneInfo.Local;
            local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            if (z.IsInvalidTime(local))
            {
                throw new PolicyException("StartTimeInvalid", FailureKind.InvalidData,
                    field + " '" + Text.Printable(t, 64) + "' has no offset and never happened in time zone " + z.Id + " (the clocks skipped that hour); give the offset.", text);
            }
            if (z.IsAmbiguousTime(local))
            {
                throw new PolicyException("StartTimeAmbiguous", FailureKind.InvalidData,
                    field + " '" + Text.Printable(t, 64) + "' has no offset and happened twice in time zone " + z.Id + " (the clocks went back); give the offset (e.g. +01:00 or +00:00).", text);
            }
            return new DateTimeOffset(local, z.GetUtcOffset(local)).ToUniversalTime();
        }

        /// <summary>
        /// The time zone named by <paramref name="id"/> (IANA, e.g. Europe/London, or Windows, e.g. GMT Standard Time), or the machine's
        /// zone when blank; <c>TimeZoneNotFound</c> when no such zone is known.
        /// </summary>
        public static TimeZoneInfo Zone(string id)
        {
            if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Local;
            var name = id.Trim();
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(name);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException || e is InvalidTimeZoneException || e is System.Security.SecurityException)
            {
                if (string.Equals(name, "UTC", StringComparison.OrdinalIgnoreCase)) return TimeZoneInfo.Utc;
                throw new PolicyException("TimeZoneNotFound", FailureKind.InvalidArgument,
                    "'" + Text.Printable(name, 64) + "' is not a time zone this machine knows; give an IANA name (Europe/London) or a Windows one (GMT Standard Time).", name, null, e);
            }
        }
    }
}
