using System;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    /// <summary>The recorded store check the compliance report reads, and the one text rule the notices use.</summary>
    public class StoreCheckRuleTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        [Fact]
        public void A_recorded_run_keeps_every_count_but_at_most_the_cap_of_findings()
        {
            var findings = Enumerable.Range(1, 150).Select(i => new StoreFinding("RecordingFile", FindingSeverity.Error, "Recording " + i + " has no file.", "rec-" + i))
                .Concat(new[] { new StoreFinding("AuditChain", FindingSeverity.Ok, "holds"), new StoreFinding("OrphanFile", FindingSeverity.Warning, "orphan", "x") }).ToList();
            var json = AuditChain.DetailsJson(StoreCheckRules.Details(findings, false));
            var run = StoreCheckRules.Read(42, T0, "admin@uni.test", json);
            Assert.Equal(StoreCheckRules.FindingCap, run.Findings.Count);
            Assert.Equal((FindingSeverity.Error, 150L), run.Problems["RecordingFile"]);
            Assert.Equal((FindingSeverity.Warning, 1L), run.Problems["OrphanFile"]);
            Assert.False(run.Problems.ContainsKey("AuditChain"));
            Assert.Equal("Recording 1 has no file.", run.Findings[0].Message);
            Assert.Equal(42, run.Sequence);
        }

        [Fact]
        public void An_unreadable_record_is_a_problem_of_its_own()
        {
            var run = StoreCheckRules.Read(7, T0, "x", "{\"counts\": \"not an object\", \"findings\": [{\"check\": 1}]}");
            Assert.True(run.Problems.ContainsKey("StoreCheckRecord"));
        }

        [Theory]
        [InlineData(null, 0, true)]
        [InlineData(0, 0, false)]
        [InlineData(0, 7 * 24, false)]
        [InlineData(0, 7 * 24 + 1, true)]
        public void A_store_check_is_overdue_after_seven_days_or_when_none_ran(int? ranHour, int nowHour, bool overdue) =>
            Assert.Equal(overdue, StoreCheckRules.Overdue(ranHour.HasValue ? T0.AddHours(ranHour.Value) : (DateTimeOffset?)null, T0.AddHours(nowHour)));

        [Theory]
        [InlineData(10, null, false)]
        [InlineData(10, 9L, false)]
        [InlineData(10, 11L, true)]
        public void A_store_check_is_outdated_by_a_later_change_to_the_recordings(long ranSeq, long? changeSeq, bool outdated) =>
            Assert.Equal(outdated, StoreCheckRules.Outdated(ranSeq, changeSeq));

        [Fact]
        public void Notices_take_text_by_the_module_s_one_text_rule()
        {
            using (var t = new TempStore())
            {
                t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Desk", Retention = RetentionPeriod.FromDays(30) });
                PolicyException Refused(Action a) => Assert.Throws<PolicyException>(a);
                Assert.Equal("TextInvalid", Refused(() => t.Store.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = "Desk", Principal = "UNI\\a", DisplayName = "A\u202Eb" })).ErrorId);
                Assert.Equal("TextInvalid", Refused(() => t.Store.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = "Desk", Principal = "UNI\\a", DisplayName = new string('n', Text.NameMax + 1) })).ErrorId);
                Assert.Equal("TextInvalid", Refused(() => t.Store.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = "Desk", Principal = "UNI\\a", Email = "a@b\r\nBcc: c@d" })).ErrorId);
                Assert.Equal("EmailInvalid", Refused(() => t.Store.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = "Desk", Principal = "UNI\\a", Email = "not an address" })).ErrorId);
                Assert.Equal("TextInvalid", Refused(() => t.Store.Notices.AddMeasure("Desk", new string('d', Text.ReasonMax + 1), null)).ErrorId);
                Assert.Equal("TextInvalid", Refused(() => t.Store.Notices.AddMeasure("Desk", "Letter\u0007", null)).ErrorId);
                Assert.Equal("DescriptionRequired", Refused(() => t.Store.Notices.AddMeasure("Desk", "  ", null)).ErrorId);
                var m = t.Store.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = "Desk", Principal = "UNI\\a", DisplayName = new string('n', Text.NameMax), Email = "a@uni.test" });
                Assert.Equal(Text.NameMax, m.DisplayName.Length);
                Assert.Equal("TextInvalid", Refused(() => t.Store.Notices.Register("UNI\\a", "Desk", NoticeKind.Induction, null, "Sheet\u2066")).ErrorId);
                Assert.Equal("TextInvalid", Refused(() => t.Store.Notices.RemoveMember("Desk", "UNI\\a", new string('r', Text.ReasonMax + 1))).ErrorId);
                Assert.Equal(1500, t.Store.Notices.AddMeasure("Desk", new string('d', 1500), null).Description.Length);
            }
        }
    }
}
