using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.SubjectAccess;
using Xunit;

namespace Engine.Tests
{
    /// <summary>The rules types that enforcement and the compliance report share.</summary>
    public class ComplianceRuleTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        private static AuthorisationWindow W(string id, int fromDay, int? untilDay = null, int? stoppedDay = null) =>
            new AuthorisationWindow(id, T0.AddDays(fromDay), untilDay.HasValue ? T0.AddDays(untilDay.Value) : (DateTimeOffset?)null, stoppedDay.HasValue ? T0.AddDays(stoppedDay.Value) : (DateTimeOffset?)null);

        public static IEnumerable<object[]> WindowSets() => new[]
        {
            new object[] { new AuthorisationWindow[0] },
            new object[] { new[] { W("a", 10) } },
            new object[] { new[] { W("a", 10, 40) } },
            new object[] { new[] { W("a", 10, 40), W("b", 40, 80) } },
            new object[] { new[] { W("a", 10, 40), W("b", 50, 80, 60), W("c", 70) } },
            new object[] { new[] { W("a", 10, 100, 30), W("b", 20, 25), W("c", 5, 6) } },
            new object[] { new[] { W("a", 30, 40, 20) } }, // stopped before it started: covers nothing
        };

        [Theory]
        [MemberData(nameof(WindowSets))]
        public void Every_moment_is_either_covered_by_a_window_or_in_exactly_one_gap(AuthorisationWindow[] windows)
        {
            var gaps = AreaRules.Gaps(windows);
            for (var hour = -24; hour < 24 * 130; hour += 7)
            {
                var t = T0.AddHours(hour);
                var covered = AreaRules.AuthorisingRequest(windows, t) != null;
                var inGaps = gaps.Count(g => (!g.Start.HasValue || g.Start.Value <= t) && (!g.End.HasValue || t < g.End.Value));
                Assert.Equal(covered ? 0 : 1, inGaps);
            }
            // the exact edges: a window covers its start and not its end
            foreach (var w in windows.Where(w => !w.End.HasValue || w.End > w.From))
            {
                Assert.NotNull(AreaRules.AuthorisingRequest(windows, w.From));
            }
        }

        [Fact]
        public void Authorisation_ending_soon_looks_through_continuing_windows()
        {
            var now = T0.AddDays(50);
            Assert.True(AreaRules.EndsSoon(new[] { W("a", 0, 70) }, now));
            Assert.False(AreaRules.EndsSoon(new[] { W("a", 0, 90) }, now));
            Assert.False(AreaRules.EndsSoon(new[] { W("a", 0, 70), W("b", 60) }, now));          // an open-ended one continues it
            var end = AreaRules.EndOfAuthorisation(new[] { W("a", 0, 70), W("b", 65, 75) }, now);
            Assert.Equal(("b", T0.AddDays(75)), (end.Value.RequestId, end.Value.End));
            Assert.Null(AreaRules.EndOfAuthorisation(new[] { W("a", 0, 40) }, now));              // not authorised now
        }

        [Fact]
        public void Member_notice_standing_follows_clause_2_3()
        {
            var now = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
            Assert.Equal(NoticeStanding.Overdue, NoticeRules.Standing(MemberRelation.Member, null, now).Standing);
            Assert.Equal(NoticeStanding.Overdue, NoticeRules.Standing(MemberRelation.Member, new[] { (NoticeKind.Annual, new DateTime(2026, 10, 1)) }, now).Standing);
            var current = NoticeRules.Standing(MemberRelation.Member, new[] { (NoticeKind.Induction, new DateTime(2025, 11, 28)) }, now);
            Assert.Equal(NoticeStanding.Current, current.Standing);                                  // exactly 12 months: due today, not yet overdue
            Assert.Equal(new DateTime(2026, 11, 28), current.NextDueOn);
            Assert.Equal(NoticeStanding.Overdue, NoticeRules.Standing(MemberRelation.Member, new[] { (NoticeKind.Induction, new DateTime(2025, 11, 27)) }, now).Standing);
            Assert.Equal(NoticeStanding.DueSoon, NoticeRules.Standing(MemberRelation.Member, new[] { (NoticeKind.Induction, new DateTime(2025, 12, 20)) }, now, 30).Standing);
            Assert.Equal(NoticeStanding.NeverInformed, NoticeRules.Standing(MemberRelation.FrequentCaller, null, now).Standing);
            Assert.False(NoticeRules.Standing(MemberRelation.FrequentCaller, new[] { (NoticeKind.FrequentCaller, new DateTime(2020, 1, 1)) }, now).Overdue);
        }

        [Theory]
        [InlineData("Calls are recorded for quality and training.", "QualityMonitoring, Training")]
        [InlineData("We record calls to resolve complaints and disputes, and to protect our staff from abuse.", "DisputeOrComplaint, StaffProtection")]
        [InlineData("Calls are recorded to verify your agreement.", "CustomerAgreement")]
        [InlineData("Calls are recorded.", "")]
        [InlineData(null, "")]
        public void A_notice_states_the_purposes_it_names(string notice, string expected)
        {
            Assert.Equal(expected, string.Join(", ", NoticeRules.PurposesStated(notice)));
        }

        [Fact]
        public void Purposes_not_stated_are_the_authorised_ones_missing_from_the_notice()
        {
            Assert.Equal(new[] { Purpose.StaffProtection }, NoticeRules.PurposesNotStated("Recorded for training.", new[] { Purpose.Training, Purpose.StaffProtection }));
            Assert.Empty(NoticeRules.PurposesNotStated("Recorded for training.", NoticeRules.ParsePurposes("Training")));
        }

        [Fact]
        public void Grant_status_and_roster_rules()
        {
            var now = T0;
            Assert.Equal(GrantStatus.ReviewOverdue, AccessRules.StatusOf(null, null, now, now));
            Assert.Equal(GrantStatus.Active, AccessRules.StatusOf(null, null, now.AddTicks(1), now));
            Assert.Equal(GrantStatus.Revoked, AccessRules.StatusOf(now.AddDays(-1), null, now.AddDays(-2), now));
            Assert.True(AccessRules.NoLongerOnRoster(isMember: false, wasMember: true));
            Assert.False(AccessRules.NoLongerOnRoster(isMember: false, wasMember: false));
            Assert.False(AccessRules.NoLongerOnRoster(isMember: true, wasMember: true));
        }

        [Fact]
        public void Subject_access_deadlines()
        {
            var now = new DateTimeOffset(2026, 11, 28, 23, 0, 0, TimeSpan.Zero);
            Assert.True(SubjectAccessRules.IsOverdue(SubjectAccessStatus.Open, new DateTime(2026, 11, 27), now));
            Assert.False(SubjectAccessRules.IsOverdue(SubjectAccessStatus.Open, new DateTime(2026, 11, 28), now));
            Assert.False(SubjectAccessRules.IsOverdue(SubjectAccessStatus.Fulfilled, new DateTime(2026, 1, 1), now));
            Assert.True(SubjectAccessRules.IsDueWithin(SubjectAccessStatus.Open, new DateTime(2026, 12, 5), now, 7));
            Assert.False(SubjectAccessRules.IsDueWithin(SubjectAccessStatus.Open, new DateTime(2026, 12, 6), now, 7));
        }

        [Fact]
        public void The_import_refuses_a_call_outside_every_window_and_the_report_finds_one_put_there()
        {
            using (var t = new TempStore())
            {
                var s = t.Store;
                s.ServiceAreas.Create(new ServiceAreaDraft { Name = "Desk", Retention = RetentionPeriod.FromDays(90), CustomerNotice = "Recorded to protect staff.", AutomatedNotice = true });
                s.Extensions.Add("4521", "Desk", CallRecordingAdmin.Engine.RecordedExtensions.ExtensionMode.OnDemand, true, null);
                var findings = s.Compliance.Run();
                Assert.Contains(findings, f => f.Rule == "ExtensionsWithoutAuthorisation" && f.ServiceArea == "Desk");
                Assert.DoesNotContain(findings, f => f.Rule == "RecordingOutsideAuthorisation");
            }
        }
    }
}
