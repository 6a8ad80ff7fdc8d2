using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>One approved recording request as a span of time in which its area may record (clauses 2.1, 2.2).</summary>
    public readonly struct AuthorisationWindow
    {
        public AuthorisationWindow(string requestId, DateTimeOffset from, DateTimeOffset? until, DateTimeOffset? stoppedAt)
        {
            RequestId = requestId;
            From = from;
            Until = until;
            StoppedAt = stoppedAt;
        }

        public string RequestId { get; }
        public DateTimeOffset From { get; }
        public DateTimeOffset? Until { get; }
        public DateTimeOffset? StoppedAt { get; }

        /// <summary>When the window closes: its end date or the moment it was stopped, whichever is first; null while open-ended.</summary>
        public DateTimeOffset? End =>
            Until.HasValue && StoppedAt.HasValue ? (Until.Value < StoppedAt.Value ? Until : StoppedAt) : Until ?? StoppedAt;
    }

    /// <summary>
    /// Clauses 2.1 and 2.2: an area records only while an approved request covers the moment. Import refuses
    /// a call outside every window (RecordingNotAuthorised), Get-ServiceArea shows whether an area is authorised
    /// now, and the compliance report finds recordings and extensions outside every window: all with this rule.
    /// </summary>
    public static class AreaRules
    {
        /// <summary>The days before an authorisation ends from which the report warns (2.2 time-limited authorisations).</summary>
        public const int ExpiryWarningDays = 30;

        /// <summary>True when the window authorises recording at <paramref name="at"/>: from its effective date, before its end and before it was stopped.</summary>
        public static bool Covers(AuthorisationWindow w, DateTimeOffset at) =>
            w.From <= at && !HasEnded(w.Until, at) && !HasEnded(w.StoppedAt, at);

        /// <summary>
        /// True when an authorisation's end (its until date or the moment it was stopped) has come by <paramref name="at"/>:
        /// the end itself is outside the authorisation. <see cref="Covers"/> and a request's Expired status
        /// (<see cref="RecordingRequests.RequestRules.StatusAt"/>) both use it.
        /// </summary>
        public static bool HasEnded(DateTimeOffset? end, DateTimeOffset at) => end.HasValue && end.Value <= at;

        /// <summary>The request that authorises recording at <paramref name="at"/>, or null when none does.</summary>
        public static string AuthorisingRequest(IEnumerable<AuthorisationWindow> windows, DateTimeOffset at)
        {
            foreach (var w in windows ?? Enumerable.Empty<AuthorisationWindow>())
            {
                if (Covers(w, at)) return w.RequestId;
            }
            return null;
        }

        /// <summary>
        /// Of the windows that cover <paramref name="at"/>, the one that lasts longest (an open-ended one first, then the
        /// latest end); null when none does. Get-ServiceArea shows it as the area's AuthorisingRequestId and AuthorisedUntil.
        /// </summary>
        public static AuthorisationWindow? LongestAuthorisation(IEnumerable<AuthorisationWindow> windows, DateTimeOffset at)
        {
            AuthorisationWindow? best = null;
            foreach (var w in windows ?? Enumerable.Empty<AuthorisationWindow>())
            {
                if (!Covers(w, at)) continue;
                if (best == null || (best.Value.Until.HasValue && (!w.Until.HasValue || w.Until.Value > best.Value.Until.Value))) best = w;
            }
            return best;
        }

        /// <summary>
        /// The spans of time in which no window authorises recording, as [Start, End) with null for "from the
        /// beginning" and "for ever". Every moment is in exactly one of: some window (<see cref="Covers"/>) or one gap.
        /// </summary>
        public static IReadOnlyList<(DateTimeOffset? Start, DateTimeOffset? End)> Gaps(IEnumerable<AuthorisationWindow> windows)
        {
            var spans = (windows ?? Enumerable.Empty<AuthorisationWindow>())
                .Where(w => !w.End.HasValue || w.End.Value > w.From)
                .OrderBy(w => w.From).ToList();
            var gaps = new List<(DateTimeOffset?, DateTimeOffset?)>();
            if (spans.Count == 0)
            {
                gaps.Add((null, null));
                return gaps;
            }
            gaps.Add((null, spans[0].From));
            DateTimeOffset? coveredTo = spans[0].From;
            foreach (var w in spans)
            {
                if (w.From > coveredTo.Value) gaps.Add((coveredTo, w.From));
                if (!w.End.HasValue) return gaps; // open-ended: everything after is covered
                if (w.End.Value > coveredTo.Value) coveredTo = w.End;
            }
            gaps.Add((coveredTo, null));
            return gaps;
        }

        /// <summary>
        /// When authorisation that covers <paramref name="now"/> runs out for good (no later window continues it), and
        /// the request whose end that is; null when the area is not authorised now or its authorisation is open-ended.
        /// </summary>
        public static (DateTimeOffset End, string RequestId)? EndOfAuthorisation(IEnumerable<AuthorisationWindow> windows, DateTimeOffset now)
        {
            var list = (windows ?? Enumerable.Empty<AuthorisationWindow>()).ToList();
            if (AuthorisingRequest(list, now) == null) return null;
            foreach (var gap in Gaps(list))
            {
                if (gap.Start.HasValue && gap.Start.Value > now)
                {
                    var end = gap.Start.Value;
                    return (end, list.First(w => w.End.HasValue && w.End.Value == end).RequestId);
                }
            }
            return null;
        }

        /// <summary>True when the authorisation covering <paramref name="now"/> ends for good within <see cref="ExpiryWarningDays"/> days.</summary>
        public static bool EndsSoon(IEnumerable<AuthorisationWindow> windows, DateTimeOffset now) =>
            EndOfAuthorisation(windows, now) is var e && e.HasValue && e.Value.End <= now.AddDays(ExpiryWarningDays);
    }
}
