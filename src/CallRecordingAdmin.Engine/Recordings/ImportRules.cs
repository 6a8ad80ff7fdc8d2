using System;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// What an imported call's metadata must be before anything of it is written: text within limits and
    /// free of control characters (<c>TextInvalid</c>), a duration that a call can have and that agrees with the audio's header (<c>DurationInvalid</c>),
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

        /// <summary>The shortest recording accepted: a tenth of a second. Anything shorter holds no call, only a header.</summary>
        public const double MinDurationSeconds = 0.1;

        /// <summary>
        /// How far a WAV header's duration may be from the manifest's DurationSeconds: five seconds plus 10 % of the
        /// audio's length (recorders round, and some count ringing or a held call's music differently). A lie of an hour
        /// about a one-second file is refused; a recorder's rounding is not.
        /// </summary>
        public static double DurationTolerance(double headerSeconds) => 5 + 0.1 * headerSeconds;

        /// <summary>The manifest's DurationSeconds: null when absent or +0 (an empty cell), else from <see cref="MinDurationSeconds"/> to <see cref="MaxDurationSeconds"/>; NaN, infinities, negatives and -0 are <c>DurationInvalid</c>.</summary>
        public static double? Duration(double? seconds, string callId)
        {
            if (!seconds.HasValue) return null;
            var d = seconds.Value;
            // An empty cell reaches a cmdlet as 0 (Import-Csv | Import-Recording binds '' to [double] 0): +0 means "not given",
            // and the audio's own duration is used. -0 is written by nobody honest and stays refused.
            if (d == 0 && BitConverter.DoubleToInt64Bits(d) == 0) return null;
            if (double.IsNaN(d) || double.IsInfinity(d) || d < MinDurationSeconds || d > MaxDurationSeconds || BitConverter.DoubleToInt64Bits(d) < 0)
            {
                throw new PolicyException("DurationInvalid", FailureKind.InvalidData,
                    "call " + callId + " has DurationSeconds " + (BitConverter.DoubleToInt64Bits(d) == long.MinValue ? "-0" : d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)) +
                    "; a duration is a number of seconds from " + MinDurationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) + " to " + MaxDurationSeconds + " (24 hours). It was not imported.", d);
            }
            return d;
        }

        /// <summary>
        /// The audio's own duration (from a WAV header; null for MP3 and Ogg, whose length is not in a header) against the
        /// manifest's: shorter than <see cref="MinDurationSeconds"/>, or further from the manifest's than
        /// <see cref="DurationTolerance"/>, is <c>DurationInvalid</c> — the record would say something untrue (clause 2.5).
        /// </summary>
        public static void HeaderDuration(double? manifestSeconds, double? headerSeconds, string callId)
        {
            if (!headerSeconds.HasValue) return;
            var h = headerSeconds.Value;
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (h < MinDurationSeconds)
            {
                throw new PolicyException("DurationInvalid", FailureKind.InvalidData,
                    "the audio of call " + callId + " lasts " + h.ToString("0.######", inv) + " s by its header; a recording lasts at least " +
                    MinDurationSeconds.ToString(inv) + " s. It was not imported.", h);
            }
            if (manifestSeconds.HasValue && Math.Abs(manifestSeconds.Value - h) > DurationTolerance(h))
            {
                throw new PolicyException("DurationInvalid", FailureKind.InvalidData,
                    "call " + callId + " has DurationSeconds " + manifestSeconds.Value.ToString("R", inv) + " but its audio lasts " + h.ToString("0.###", inv) +
                    " s by its header (tolerance " + DurationTolerance(h).ToString("0.###", inv) + " s); the record would not be true. It was not imported.", manifestSeconds.Value);
            }
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
