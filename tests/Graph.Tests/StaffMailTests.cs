using System;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using Engine.Tests;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Graph.Tests
{
    /// <summary>Clause 2.3 from the directory: the roster filled from a group, and overdue notices mailed through the outbox, on a real store and a local Graph.</summary>
    public class StaffMailTests
    {
        private const string Area = "Student Enquiries";

        private static TempStore StoreWithArea()
        {
            var t = new TempStore();
            t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = Area, Retention = RetentionPeriod.FromDays(90), CustomerNotice = "n" });
            return t;
        }

        private static RosterSyncChange For(System.Collections.Generic.IEnumerable<RosterSyncChange> plan, string principal) =>
            plan.Single(c => string.Equals(c.Principal, principal, StringComparison.OrdinalIgnoreCase));

        [Fact]
        public void The_roster_follows_the_group_keeps_frequent_callers_and_entries_matched_by_mail()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                var s = t.Store;
                s.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = Area, Principal = "UNI\\ada", Email = "ada@uni.test", DisplayName = "Ada" });
                s.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = Area, Principal = "zed@uni.test", DisplayName = "Zed" });
                s.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = Area, Principal = "caller@uni.test", Relation = MemberRelation.FrequentCaller });
                g.GroupOfFive();
                var sync = new RosterSync(s, g.Connection.Directory);
                var plan = sync.Plan(GraphMockServer.Group, Area);
                Assert.Equal(RosterSyncAction.Unchanged, For(plan, "UNI\\ada").Action); // matched by e-mail
                Assert.Equal(new[] { "bo@uni.test", "cy@uni.test", "ed@uni.test" }, plan.Where(c => c.Action == RosterSyncAction.Added).Select(c => c.Principal));
                Assert.Equal(RosterSyncAction.Removed, For(plan, "zed@uni.test").Action);
                Assert.DoesNotContain(plan, c => c.Principal == "di@uni.test" || c.Principal == "caller@uni.test"); // disabled; a frequent caller
                Assert.Equal(plan.Count, plan.Select(c => c.Principal.ToLowerInvariant()).Distinct().Count());
                Assert.Equal(3, s.Notices.GetMembers(Area).Count()); // planning changed nothing
                foreach (var c in plan) sync.Apply(c);
                Assert.True(plan.Where(c => c.Action != RosterSyncAction.Unchanged).All(c => c.Applied));
                var members = s.Notices.GetMembers(Area, relation: MemberRelation.Member).ToList();
                Assert.Equal(new[] { "UNI\\ada", "bo@uni.test", "cy@uni.test", "ed@uni.test" }, members.Select(m => m.Principal).OrderBy(p => p, StringComparer.Ordinal));
                var cy = members.Single(m => m.Principal == "cy@uni.test");
                Assert.Equal("cy@uni.test", cy.Email);
                Assert.Equal("Cy (nested: Supervisors)", cy.DisplayName);
                var zed = s.Notices.GetMembers(Area, "zed@uni.test", includeRemoved: true).Single();
                Assert.NotNull(zed.RemovedAt);
                Assert.Contains(GraphMockServer.Group, zed.RemoveReason);
                Assert.Single(s.Notices.GetMembers(Area, "caller@uni.test"));
                // a second run changes nothing
                Assert.True(sync.Plan(GraphMockServer.Group, Area).All(c => c.Action == RosterSyncAction.Unchanged));
            }
        }

        [Fact]
        public void A_roster_sync_by_someone_who_keeps_no_roster_is_refused_before_the_directory_is_read()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                g.GroupOfFive();
                var e = Assert.Throws<PolicyException>(() => new RosterSync(t.Store.As("stranger@uni.test"), g.Connection.Directory).Plan(GraphMockServer.Group, Area));
                Assert.Equal("AccessDenied", e.ErrorId);
                Assert.Empty(g.Server.LogEntries);
                Assert.Contains(t.Store.Audit.Get(new AuditQuery()), a => a.Action == "AccessDenied" && a.Principal == "stranger@uni.test");
            }
        }

        [Fact]
        public void Overdue_members_are_mailed_and_only_accepted_mails_register_a_notice()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                var s = t.Store;
                foreach (var p in new[] { "ada", "bo", "cy", "di" })
                    s.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = Area, Principal = p + "@uni.test", Email = p + "@uni.test", DisplayName = p.ToUpperInvariant() });
                s.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = Area, Principal = "noaddress@uni.test" });
                s.Notices.Register("di@uni.test", Area, NoticeKind.Induction, t.Clock.UtcNow.UtcDateTime.AddMonths(-2), "sheet"); // current
                s.Notices.Register("cy@uni.test", Area, NoticeKind.Induction, t.Clock.UtcNow.UtcDateTime.AddMonths(-14), "sheet"); // annual overdue
                // Graph accepts every mail except the one to bo (the recipient's mailbox refuses it)
                g.Server.Given(Request.Create().WithPath("/v1.0/users/crs@uni.test/sendMail").UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(202));
                g.Server.Given(Request.Create().WithPath("/v1.0/users/crs@uni.test/sendMail").UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*bo@uni.test*"))).AtPriority(1)
                    .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                        .WithBody("{\"error\":{\"code\":\"ErrorInvalidRecipients\",\"message\":\"The recipient is not valid.\"}}"));

                var mail = new StaffNoticeMail(s);
                var annual = mail.Plan(Area, NoticeKind.Annual);
                Assert.Equal(new[] { "cy@uni.test" }, annual.Select(r => r.Principal));
                var plan = mail.Plan(Area, NoticeKind.Induction);
                Assert.Equal(new[] { "ada@uni.test", "bo@uni.test", "noaddress@uni.test" }, plan.Select(r => r.Principal));
                Assert.Empty(g.Server.LogEntries); // planning sends nothing

                var results = mail.Send(plan, "crs@uni.test", "Recording in {ServiceArea}", "Dear {DisplayName}, calls are recorded.", g.Connection.Mailer);
                var ada = results.Single(r => r.Principal == "ada@uni.test");
                Assert.Equal("Sent", ada.MailState);
                Assert.NotEqual("", ada.NotificationId);
                var bo = results.Single(r => r.Principal == "bo@uni.test");
                Assert.Equal("Refused", bo.MailState);
                Assert.Contains("ErrorInvalidRecipients", bo.Result);
                Assert.Equal("", bo.NotificationId);
                var none = results.Single(r => r.Principal == "noaddress@uni.test");
                Assert.Equal("NotSent", none.MailState);
                Assert.StartsWith("MemberEmailMissing", none.Result);

                // one message per recipient, the placeholders filled in, nobody sees another's address
                var bodies = g.Server.LogEntries.Select(e => e.RequestMessage.Body).ToList();
                Assert.Equal(2, bodies.Count);
                var adaBody = bodies.Single(b => b.Contains("ada@uni.test"));
                Assert.Contains("Dear ADA, calls are recorded.", adaBody);
                Assert.Contains("Recording in Student Enquiries", adaBody);
                Assert.DoesNotContain("bo@uni.test", adaBody);

                // the notice is registered for the accepted mail only, with the message as evidence
                var notices = s.Notices.GetNotifications(Area).Where(n => (n.Evidence ?? "").StartsWith("Mail ")).ToList();
                Assert.Equal(new[] { "ada@uni.test" }, notices.Select(n => n.Principal));
                Assert.Contains(ada.MessageId, notices[0].Evidence);
                var standing = s.Notices.Standing(Area);
                Assert.False(standing.Single(x => x.Principal == "ada@uni.test").Overdue);
                Assert.True(standing.Single(x => x.Principal == "bo@uni.test").Overdue);

                var outbox = new MailOutbox(s);
                Assert.Equal(OutboxState.Sent, outbox.Load(ada.MessageId).State);
                Assert.Equal(OutboxState.Refused, outbox.Load(bo.MessageId).State);
                Assert.Equal(2, outbox.Get(kind: "StaffNotification:*").Count());
                var audit = s.Audit.Get(new AuditQuery()).ToList();
                Assert.Contains(audit, e => e.Action == "QueueStaffNotificationMail");
                Assert.Contains(audit, e => e.Action == "MailSent" && e.Target == ada.MessageId);
                Assert.Contains(audit, e => e.Action == "MailRefused" && e.Target == bo.MessageId);
                Assert.True(s.Audit.Verify().IsValid);
            }
        }

        [Fact]
        public void Mailing_notices_is_for_roster_keepers_and_nothing_is_queued_or_sent_when_refused()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                t.Store.Notices.AddMember(new ServiceAreaMemberDraft { ServiceArea = Area, Principal = "ada@uni.test", Email = "ada@uni.test" });
                var stranger = new StaffNoticeMail(t.Store.As("stranger@uni.test"));
                var plan = stranger.Plan(Area, NoticeKind.Induction);
                Assert.Equal("AccessDenied", Assert.Throws<PolicyException>(() => stranger.Send(plan, "crs@uni.test", null, null, g.Connection.Mailer)).ErrorId);
                Assert.Empty(g.Server.LogEntries);
                Assert.Empty(new MailOutbox(t.Store).Get());
                Assert.Equal("MailAddressInvalid", Assert.Throws<PolicyException>(() => new StaffNoticeMail(t.Store).Send(plan, "not a mailbox", null, null, g.Connection.Mailer)).ErrorId);
                Assert.Equal("NoticeKindMismatch", Assert.Throws<PolicyException>(() => new StaffNoticeMail(t.Store).Plan(Area, NoticeKind.FrequentCaller)).ErrorId);
            }
        }
    }
}
