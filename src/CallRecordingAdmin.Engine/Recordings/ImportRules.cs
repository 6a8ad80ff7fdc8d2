using System;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// What an imported call's metadata must be before anything of it is written: text within limits and
    /// free of control characters (<c>TextInvalid</c>), a duration that a call can have (<c>DurationInvalid</c>),
    /// a start that is not in the future (<c>StartTimeInFuture</c>) nor already past its area's retention
    /// (<c>AlreadyExpired</c>, clause 2.5), and an expiry never more than 12 months after the start.
    /// </summary>
    public static class ImportRules
    {
        /// <summary>How far ahead of the store's clock a recorder's clock may be.</summary>
        public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

        /// <summary>The longest call accepted: a day.</summary>
        public const double MaxDurationSeconds = 24 * 60 * 60;

        public static string CallId(string value) =>
            Text.Name(value, "CallId", "CallIdRequired");

        public static string Agent(string value) => Text.Optional(value, "Agent", Text.NameMax);

        public static double? Duration(double? seconds, string callId)
        {
            if (!seconds.HasValue) return null;
            var d = seconds.Value;
            if (double.IsNaN(d) || double.IsInfinity(d) || d < 0 || d > MaxDurationSeconds)
            {
                throw new PolicyException("DurationInvalid", FailureKind.InvalidData,
                    "call " + callId + " has DurationSeconds " + d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) +
                    "; a duration is a number of seconds from 0 to " + MaxDurationSeconds + " (24 hours). It was not imported.", d);
            }
            return d;
        }

        public static DateTimeOffset Start(DateTimeOffset start, DateTimeOffset now, string callId)
        {
            var utc = start.ToUniversalTime();
            if (utc > now + ClockSkew)
            {
                throw new PolicyException("StartTimeInFuture", FailureKind.InvalidData,
                    "call " + callId + " starts at " + Timestamp.ToText(utc) + ", after now (" + Timestamp.ToText(now) + ") by more than " + ClockSkew.TotalMinutes +
                    " minutes of clock skew; a recording cannot start in the future. Check the recorder's clock. It was not imported.", utc);
            }
            return utc;
        }

        /// <summary>The expiry of a call that starts at <paramref name="start"/>: its area's retention, never beyond 12 calendar months; <c>AlreadyExpired</c> when that is past.</summary>
        public static DateTimeOffset Expiry(RetentionPeriod retention, DateTimeOffset start, DateTimeOffset now, string callId, string area)
        {
            var cap = start.AddMonths(12);
            var expiry = retention.ExpiryOf(start);
            if (expiry > cap) expiry = cap;
            if (expiry <= now)
            {
                throw new PolicyException("AlreadyExpired", FailureKind.InvalidData,
                    "call " + callId + " (" + Timestamp.ToText(start) + ") is already past the retention of service area '" + area + "' (" + retention +
                    ", expired " + Timestamp.ToText(expiry) + "); it would be kept longer than the policy allows, so it was not imported.", callId, "2.5");
            }
            return expiry;
        }
    }
}
