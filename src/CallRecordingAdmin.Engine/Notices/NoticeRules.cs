using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Notices
{
    /// <summary>
    /// Clauses 2.3 and 2.4 as rules. Get-StaffNotification -Overdue, Get-ServiceArea's notice purposes and the
    /// compliance report all decide with these methods, so that they cannot disagree.
    /// </summary>
    public static class NoticeRules
    {
        /// <summary>Staff are reminded annually: a notice older than this many months is overdue.</summary>
        public const int AnnualMonths = 12;

        /// <summary>
        /// Clause 2.3: a member needs an induction notice, then a notice at least every 12 months; a frequent caller
        /// must have been informed at least once. <paramref name="dueWithinDays"/> marks members whose next notice
        /// falls due within that many days as DueSoon.
        /// </summary>
        public static StaffNoticeStatus Standing(MemberRelation relation, IEnumerable<(NoticeKind Kind, DateTime On)> notices, DateTimeOffset now, int? dueWithinDays = null)
        {
            var list = (notices ?? Enumerable.Empty<(NoticeKind, DateTime)>()).ToList();
            var today = now.UtcDateTime.Date;
            var s = new StaffNoticeStatus { Relation = relation };
            if (list.Count > 0)
            {
                var last = list.OrderBy(n => n.On).Last();
                s.LastNotifiedOn = last.On.Date;
                s.LastKind = last.Kind.ToString();
            }
            var inductions = list.Where(n => n.Kind == NoticeKind.Induction).ToList();
            s.InductionOn = inductions.Count > 0 ? inductions.Min(n => n.On.Date) : (DateTime?)null;
            if (relation == MemberRelation.FrequentCaller)
            {
                if (list.Count == 0)
                {
                    s.Standing = NoticeStanding.NeverInformed;
                    s.Reason = "a frequent caller from another area who has never been told that calls to this area are recorded";
                }
                else
                {
                    s.Standing = NoticeStanding.Current;
                    s.Reason = "informed on " + Day(s.LastNotifiedOn.Value);
                }
            }
            else if (!s.InductionOn.HasValue)
            {
                s.Standing = NoticeStanding.Overdue;
                s.Reason = "no induction notice on record" + (s.LastNotifiedOn.HasValue ? " (last notice " + Day(s.LastNotifiedOn.Value) + ")" : "");
                s.NextDueOn = today;
            }
            else
            {
                s.NextDueOn = s.LastNotifiedOn.Value.AddMonths(AnnualMonths);
                if (today > s.NextDueOn.Value)
                {
                    s.Standing = NoticeStanding.Overdue;
                    s.Reason = "last notice on " + Day(s.LastNotifiedOn.Value) + ", more than " + AnnualMonths + " months ago (annual reminder due " + Day(s.NextDueOn.Value) + ")";
                }
                else if (dueWithinDays.HasValue && s.NextDueOn.Value <= today.AddDays(dueWithinDays.Value))
                {
                    s.Standing = NoticeStanding.DueSoon;
                    s.Reason = "annual reminder due " + Day(s.NextDueOn.Value);
                }
                else
                {
                    s.Standing = NoticeStanding.Current;
                    s.Reason = "next reminder due " + Day(s.NextDueOn.Value);
                }
            }
            s.Overdue = s.Standing == NoticeStanding.Overdue || s.Standing == NoticeStanding.NeverInformed;
            return s;
        }

        /// <summary>The notice kinds that fit a relation: Induction and Annual for members, FrequentCaller for frequent callers.</summary>
        public static bool KindFits(MemberRelation relation, NoticeKind kind) =>
            relation == MemberRelation.FrequentCaller ? kind == NoticeKind.FrequentCaller : kind != NoticeKind.FrequentCaller;

        private static readonly IReadOnlyDictionary<Purpose, string[]> PurposeWords = new Dictionary<Purpose, string[]>
        {
            [Purpose.QualityMonitoring] = new[] { "quality", "monitor", "regulatory", "customer service" },
            [Purpose.Training] = new[] { "training", "train ", "trained", "coaching", "coach" },
            [Purpose.CustomerAgreement] = new[] { "agreement", "agreed", "agree ", "verify your", "verifying your", "confirm your", "consent", "decision" },
            [Purpose.DisputeOrComplaint] = new[] { "dispute", "complaint", "complain" },
            [Purpose.StaffProtection] = new[] { "protect", "abuse", "abusive", "safety of our staff", "staff safety" },
        };

        /// <summary>
        /// Clause 2.4: which of the five purposes a customer notice states, found by the words that name each
        /// purpose (e.g. "quality" or "monitor" for QualityMonitoring, "dispute" or "complaint" for
        /// DisputeOrComplaint), without regard to case. An empty notice states none.
        /// </summary>
        public static IReadOnlyList<Purpose> PurposesStated(string notice)
        {
            var text = " " + (notice ?? "").ToLowerInvariant() + " ";
            return PurposeWords.Where(p => p.Value.Any(w => text.Contains(w))).Select(p => p.Key).OrderBy(p => p).ToList();
        }

        /// <summary>The authorised purposes a notice does not state.</summary>
        public static IReadOnlyList<Purpose> PurposesNotStated(string notice, IEnumerable<Purpose> authorised)
        {
            var stated = new HashSet<Purpose>(PurposesStated(notice));
            return (authorised ?? Enumerable.Empty<Purpose>()).Distinct().Where(p => !stated.Contains(p)).OrderBy(p => p).ToList();
        }

        /// <summary>Parses the stored purposes text "Training, StaffProtection".</summary>
        public static IReadOnlyList<Purpose> ParsePurposes(string text) =>
            (text ?? "").Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(p => Enum.TryParse(p.Trim(), out Purpose x) ? (Purpose?)x : null).Where(p => p.HasValue).Select(p => p.Value).Distinct().ToList();

        /// <summary>Clause 2.4: a customer notice must exist.</summary>
        public static bool LacksNotice(string notice) => string.IsNullOrWhiteSpace(notice);

        /// <summary>Clause 2.4: where the notice is not automated, reasonable efforts must be on record.</summary>
        public static bool NeedsMeasure(bool automatedNotice, int measuresRecorded) => !automatedNotice && measuresRecorded == 0;

        private static string Day(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
