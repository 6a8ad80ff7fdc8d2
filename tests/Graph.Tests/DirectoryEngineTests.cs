using System;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using Engine.Tests;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Graph.Tests
{
    /// <summary>The engine's directory work (sync, leavers, call records, the mail outbox) on a real store, through the real adapter and a local Graph.</summary>
    public class DirectoryEngineTests
    {
        private static readonly AccessRight[] Play = { AccessRight.Play };

        private static TempStore StoreWithArea()
        {
            var t = new TempStore();
            t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Student Enquiries", Retention = RetentionPeriod.FromDays(90), CustomerNotice = "n" });
            // levels of access come from the area's approved request (clause 2.2): nominations name one
            var nsm = t.WithRole("nsm@uni.test", RecordingRole.NetworkServicesManager);
            var r = t.Store.Requests.Create(new CallRecordingAdmin.Engine.RecordingRequests.RecordingRequestDraft
            {
                ServiceArea = "Student Enquiries", BusinessReason = "b", Purposes = new[] { Purpose.StaffProtection },
                AccessLevels = CallRecordingAdmin.Engine.RecordingRequests.AccessLevel.Parse("Supervisor=Play+Download; Adviser=Play"),
                Retention = RetentionPeriod.FromDays(90), DpiaReference = "d", DpoAdvice = "a",
            });
            nsm.Requests.Approve(r.RequestId, null, t.Clock.UtcNow.AddYears(-1), "Paper approval TEST/1");
            return t;
        }

        private static AccessSyncChange For(System.Collections.Generic.IEnumerable<AccessSyncChange> plan, string principal) =>
            plan.Single(c => string.Equals(c.Principal, principal, StringComparison.OrdinalIgnoreCase));

        [Fact]
        public void Sync_adds_members_revokes_synced_leavers_and_leaves_grants_made_by_hand()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                var s = t.Store;
                s.Grants.Grant("ada@uni.test", "Student Enquiries", "Supervisor", new[] { AccessRight.Play, AccessRight.Download }, "Supervisor, by hand", null);
                s.Grants.Grant("zed@uni.test", "Student Enquiries", "Adviser", Play, "Temporary cover, by hand", null);
                g.GroupOfFive();
                var sync = new GroupAccessSync(s, g.Connection.Directory);
                var plan = sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, false);
                Assert.Equal(AccessSyncAction.KeptManual, For(plan, "ada@uni.test").Action);
                Assert.Equal(AccessSyncAction.KeptManual, For(plan, "zed@uni.test").Action);
                Assert.Equal(new[] { "bo@uni.test", "cy@uni.test", "ed@uni.test" }, plan.Where(c => c.Action == AccessSyncAction.Added).Select(c => c.Principal));
                Assert.DoesNotContain(plan, c => c.Principal == "di@uni.test"); // disabled: no access
                foreach (var c in plan) sync.Apply(c, "Adviser", Play, "Enquiries team group");
                var cy = s.Grants.Get(new GrantQuery { Principal = "cy@uni.test" }).Single();
                Assert.Equal(GraphMockServer.Group, cy.SourceGroup);
                Assert.Equal("u-3", cy.DirectoryObjectId);
                Assert.Equal("Play", cy.Rights);

                // Cy leaves the nested group; the next sync revokes only the grant that came from the group.
                g.Server.Reset();
                g.Json("GET", "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user", 200,
                    "{\"value\":[" + GraphMockServer.User("u-1", "ada@uni.test", "Ada") + "," + GraphMockServer.User("u-2", "bo@uni.test", "Bo") + "," + GraphMockServer.User("u-5", "ed@uni.test", "Ed") + "]}");
                var second = sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, false);
                Assert.Equal(AccessSyncAction.Revoked, For(second, "cy@uni.test").Action);
                Assert.Equal(AccessSyncAction.KeptManual, For(second, "zed@uni.test").Action);
                Assert.Equal(AccessSyncAction.Unchanged, For(second, "bo@uni.test").Action);
                foreach (var c in second) sync.Apply(c, "Adviser", Play, "Enquiries team group");
                Assert.Equal(GrantStatus.Revoked, s.Grants.Get(new GrantQuery { Principal = "cy@uni.test", IncludeRevoked = true }).Single().Status);
                Assert.Equal(GrantStatus.Active, s.Grants.Get(new GrantQuery { Principal = "zed@uni.test" }).Single().Status);
                Assert.Equal("Play+Download", s.Grants.Get(new GrantQuery { Principal = "ada@uni.test" }).Single().Rights);

                var third = sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, true);
                Assert.Equal(AccessSyncAction.Revoked, For(third, "zed@uni.test").Action);
                Assert.Equal(AccessSyncAction.KeptManual, For(third, "ada@uni.test").Action); // a member: her own grant stays
                var events = s.Audit.Get(new AuditQuery()).Where(e => e.Action == "GrantRecordingAccess").ToList();
                Assert.Contains(events, e => e.Details.Contains(GraphMockServer.Group));
            }
        }

        [Fact]
        public void Sync_nominates_at_an_approved_level_only_and_checks_it_before_the_directory_is_read()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                g.GroupOfFive();
                var sync = new GroupAccessSync(t.Store, g.Connection.Directory);
                Assert.Equal("AccessLevelNotApproved", Assert.Throws<PolicyException>(() => sync.Plan(GraphMockServer.Group, "Student Enquiries", "Manager", Play, false)).ErrorId);
                Assert.Equal("RightNotInApprovedAccessLevel", Assert.Throws<PolicyException>(() =>
                    sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", new[] { AccessRight.Play, AccessRight.Download }, false)).ErrorId);
                Assert.Empty(g.Server.LogEntries);
                Assert.Contains(t.Store.AccessLog.Get(new AccessLogQuery()), a => a.Outcome == AccessOutcome.Refused && (a.Detail ?? "").StartsWith("RightNotInApprovedAccessLevel"));

                // no rights named: the level's; a later sync at another level replaces the synced grants
                var plan = sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", null, false);
                Assert.True(plan.Where(c => c.Action == AccessSyncAction.Added).All(c => c.Rights == "Play" && c.Level == "Adviser"));
                foreach (var c in plan) sync.Apply(c, "Adviser", null, "group");
                Assert.Equal("Adviser", t.Store.Grants.Get(new GrantQuery { Principal = "bo@uni.test" }).Single().Level);
                var up = sync.Plan(GraphMockServer.Group, "Student Enquiries", "supervisor", null, false);
                var bo = For(up, "bo@uni.test");
                Assert.Equal(AccessSyncAction.Replaced, bo.Action);
                Assert.Equal("Supervisor", bo.Level);
                sync.Apply(bo, "Supervisor", null, "group");
                var grant = t.Store.Grants.Get(new GrantQuery { Principal = "bo@uni.test" }).Single();
                Assert.Equal("Play+Download", grant.Rights);
                Assert.Equal("Supervisor", grant.Level);
            }
        }

        [Fact]
        public void An_Administrator_in_the_group_is_not_nominated_by_their_own_sync()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                g.Json("GET", "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user", 200,
                    "{\"value\":[" + GraphMockServer.User("u-0", TempStore.Admin, "Admin") + "," + GraphMockServer.User("u-2", "bo@uni.test", "Bo") + "]}");
                var sync = new GroupAccessSync(t.Store, g.Connection.Directory);
                var plan = sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, false);
                var self = For(plan, TempStore.Admin);
                Assert.Equal("SelfNominationRefused", Assert.Throws<PolicyException>(() => sync.Apply(self, "Adviser", Play, "group")).ErrorId);
                Assert.True(sync.Apply(For(plan, "bo@uni.test"), "Adviser", Play, "group").Applied);
                Assert.Empty(t.Store.Grants.Get(new GrantQuery { Principal = TempStore.Admin }));

                // another Administrator's sync nominates them
                t.Store.Roles.Add("second.admin@uni.test", RecordingRole.Administrator, null);
                var other = new GroupAccessSync(t.Store.As("second.admin@uni.test"), g.Connection.Directory);
                var again = For(other.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, false), TempStore.Admin);
                Assert.Equal(AccessSyncAction.Added, again.Action);
                Assert.True(other.Apply(again, "Adviser", Play, "group").Applied);
                Assert.Equal("second.admin@uni.test", t.Store.Grants.Get(new GrantQuery { Principal = TempStore.Admin }).Single().GrantedBy);
            }
        }

        [Fact]
        public void Sync_by_someone_without_the_role_is_refused_and_logged_before_the_directory_is_read()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                g.GroupOfFive();
                var stranger = t.Store.As("stranger@uni.test");
                var e = Assert.Throws<PolicyException>(() => new GroupAccessSync(stranger, g.Connection.Directory).Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, false));
                Assert.Equal("AccessDenied", e.ErrorId);
                Assert.Empty(g.Server.LogEntries);
                Assert.Contains(t.Store.AccessLog.Get(new AccessLogQuery()), a => a.Principal == "stranger@uni.test" && a.Outcome == AccessOutcome.Refused);
            }
        }

        [Fact]
        public void Leavers_are_disabled_deleted_missing_or_out_of_the_group_and_object_ids_are_kept()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                var s = t.Store;
                g.GroupOfFive();
                var sync = new GroupAccessSync(s, g.Connection.Directory);
                foreach (var c in sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, false)) sync.Apply(c, "Adviser", Play, "group");
                s.Grants.Grant("di@uni.test", "Student Enquiries", "Adviser", Play, "by hand", null);
                s.Grants.Grant("gone@uni.test", "Student Enquiries", "Adviser", Play, "by hand", null);
                g.Server.Reset();
                g.Json("GET", "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user", 200,
                    "{\"value\":[" + GraphMockServer.User("u-1", "ada@uni.test", "Ada") + "," + GraphMockServer.User("u-2", "bo@uni.test", "Bo") + "]}");
                var notFound = "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"Resource does not exist.\"}}";
                foreach (var (id, upn, enabled) in new[] { ("u-1", "ada@uni.test", true), ("u-2", "bo@uni.test", true), ("u-3", "cy@uni.test", true) })
                    g.Json("GET", "/v1.0/users/" + id, 200, GraphMockServer.User(id, upn, upn, enabled));
                g.Json("GET", "/v1.0/users/di@uni.test", 200, GraphMockServer.User("u-4", "di@uni.test", "Di", false));
                g.Json("GET", "/v1.0/users/gone@uni.test", 404, notFound);
                g.Json("GET", "/v1.0/users/" + TempStore.Admin, 200, GraphMockServer.User("u-0", TempStore.Admin, "Admin"));
                g.Json("GET", "/v1.0/users/nsm@uni.test", 200, GraphMockServer.User("u-9", "nsm@uni.test", "NSM"));
                var edDeleted = "u-5";
                g.Json("GET", "/v1.0/users/" + edDeleted, 404, notFound);
                g.Json("GET", "/v1.0/directory/deletedItems/" + edDeleted, 200, GraphMockServer.User(edDeleted, "ed@uni.test", "Ed"));

                var findings = new DirectoryReview(s, g.Connection.Directory).Check();
                DirectoryAccessFinding F(string p, string heldAs = "Grant") => findings.Single(f => f.Principal == p && f.HeldAs == heldAs);
                Assert.Equal(DirectoryStanding.Ok, F("ada@uni.test").Standing);
                Assert.False(F("ada@uni.test").IsLeaver);
                Assert.Equal(DirectoryStanding.LeftGroup, F("cy@uni.test").Standing);
                Assert.Equal(DirectoryStanding.Disabled, F("di@uni.test").Standing);
                Assert.Equal(DirectoryStanding.NotFound, F("gone@uni.test").Standing);
                Assert.Equal(DirectoryStanding.Ok, F(TempStore.Admin, "Role").Standing);
                Assert.True(new[] { "cy@uni.test", "di@uni.test", "gone@uni.test" }.All(p => F(p).IsLeaver));
                Assert.Equal("u-4", s.Grants.Get(new GrantQuery { Principal = "di@uni.test" }).Single().DirectoryObjectId);
                Assert.Contains(s.Audit.Get(new AuditQuery()), e => e.Action == "ResolveDirectoryObject");
            }
        }

        [Fact]
        public void Deleted_accounts_are_found_by_the_object_id_the_grant_kept()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                var id = "7b2c0c4e-0000-4000-8000-0000000000ed";
                g.Json("GET", "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user", 200, "{\"value\":[" + GraphMockServer.User(id, "ed@uni.test", "Ed") + "]}");
                var sync = new GroupAccessSync(t.Store, g.Connection.Directory);
                foreach (var c in sync.Plan(GraphMockServer.Group, "Student Enquiries", "Adviser", Play, false)) sync.Apply(c, "Adviser", Play, "group");
                var notFound = "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"Resource does not exist.\"}}";
                g.Json("GET", "/v1.0/users/" + id, 404, notFound);
                g.Json("GET", "/v1.0/directory/deletedItems/" + id, 200, GraphMockServer.User(id, id.Replace("-", "") + "ed@uni.test", "Ed"));
                g.Json("GET", "/v1.0/users/" + TempStore.Admin, 200, GraphMockServer.User("u-0", TempStore.Admin, "Admin"));
                g.Json("GET", "/v1.0/users/nsm@uni.test", 200, GraphMockServer.User("u-9", "nsm@uni.test", "NSM"));
                var ed = new DirectoryReview(t.Store, g.Connection.Directory).Check().Single(f => f.Principal == "ed@uni.test");
                Assert.Equal(DirectoryStanding.Deleted, ed.Standing);
                Assert.True(ed.IsLeaver);
            }
        }

        [Fact]
        public void A_mailed_checkpoint_is_an_outbox_row_before_the_send_and_records_what_Graph_answered()
        {
            using (var t = StoreWithArea())
            using (var g = new GraphMockServer())
            {
                g.Server.Given(Request.Create().WithPath("/v1.0/users/crs@uni.test/sendMail").UsingPost()).RespondWith(Response.Create().WithStatusCode(202));
                g.Server.Given(Request.Create().WithPath("/v1.0/users/blocked@uni.test/sendMail").UsingPost()).RespondWith(Response.Create().WithStatusCode(403)
                    .WithHeader("Content-Type", "application/json").WithBody("{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"Access is denied.\"}}"));
                var witness = new CheckpointWitness(t.Store);
                var sent = witness.Mail("dpo@uni.test", "crs@uni.test", g.Connection.Mailer);
                Assert.Equal(OutboxState.Sent, sent.MailState);
                var body = g.Server.LogEntries.Single().RequestMessage.Body;
                Assert.Contains(sent.Hash, body);
                Assert.Contains("Sequence: " + sent.Sequence, body);
                var audit = t.Store.Audit.Get(new AuditQuery()).ToList();
                var export = audit.Single(e => e.Sequence == sent.Sequence);
                Assert.Equal("ExportAuditCheckpoint", export.Action);
                Assert.Equal(sent.Hash, export.Hash);
                Assert.Contains(audit, e => e.Action == "MailSent" && e.Target == sent.MessageId);

                var refused = witness.Mail("dpo@uni.test", "blocked@uni.test", g.Connection.Mailer);
                Assert.Equal(OutboxState.Refused, refused.MailState);
                Assert.StartsWith("GraphPermissionMissing", refused.MailResult);
                Assert.Contains(t.Store.Audit.Get(new AuditQuery()), e => e.Action == "MailRefused" && e.Target == refused.MessageId);

                var e2 = Assert.Throws<PolicyException>(() => witness.Mail(TempStore.Admin, "crs@uni.test", g.Connection.Mailer));
                Assert.Equal("CheckpointWitnessNotIndependent", e2.ErrorId);
                Assert.True(t.Store.Audit.Verify().IsValid);
            }
        }

        [Fact]
        public void A_long_range_is_split_to_Graphs_windows()
        {
            var now = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
            var windows = DirectoryWindows.Plan(now.AddDays(-100), now, now);
            var records = windows.Single(w => w.Source == DirectoryCallSource.CallRecord);
            Assert.Equal(now.AddDays(-30), records.After);
            Assert.Contains("30 days", records.Note);
            var pstn = windows.Where(w => w.Source == DirectoryCallSource.PstnCall).ToList();
            Assert.Equal(2, pstn.Count);
            Assert.Equal(now.AddDays(-100), pstn[0].After);
            Assert.Equal(pstn[0].Before, pstn[1].After);
            Assert.Equal(now, pstn[1].Before);
            Assert.True(pstn.All(w => (w.Before - w.After).TotalDays <= 90));
            Assert.Equal("DateRangeInvalid", Assert.Throws<PolicyException>(() => DirectoryWindows.Plan(now, now, now)).ErrorId);
        }

        [Fact]
        public void Call_records_link_to_recordings_by_call_id_or_by_number_and_time_once()
        {
            using (var f = new RecordingFixture())
            using (var g = new GraphMockServer())
            {
                var now = f.T.Clock.UtcNow;
                var byId = f.Import("teams-call-1", now.AddHours(-5), "07700 900111");
                var byNumber = f.Import("recorder-77", now.AddHours(-3), "07700 900555");
                var unrelated = f.Import("recorder-78", now.AddHours(-2), "07700 900999");
                g.Json("GET", "/v1.0/communications/callRecords", 200,
                    "{\"value\":[{\"id\":\"teams-call-1\",\"startDateTime\":\"" + Timestamp.ToText(now.AddHours(-5)) + "\"," +
                    "\"organizer\":{\"user\":{\"id\":\"u-1\",\"displayName\":\"Ada\"}},\"participants\":[{\"user\":{\"id\":\"u-1\",\"displayName\":\"Ada\"}}," +
                    "{\"@odata.type\":\"#microsoft.graph.communicationsIdentitySet\",\"phone\":{\"id\":\"+447700900111\"}}]}]}");
                g.Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/v1.0/communications/callRecords/*getPstnCalls*"))).RespondWith(Response.Create()
                    .WithHeader("Content-Type", "application/json").WithBody("{\"value\":[{\"id\":\"p-1\",\"callId\":\"pstn-9\",\"userPrincipalName\":\"bo@uni.test\",\"userDisplayName\":\"Bo\"," +
                    "\"startDateTime\":\"" + Timestamp.ToText(now.AddHours(-3).AddSeconds(40)) + "\",\"callerNumber\":\"+447700900555\",\"calleeNumber\":\"+441615550100\"}]}"));
                g.Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/v1.0/communications/callRecords/*getDirectRoutingCalls*"))).RespondWith(Response.Create()
                    .WithHeader("Content-Type", "application/json").WithBody("{\"value\":[]}"));
                var verbose = new System.Collections.Generic.List<string>();
                var links = new CallRecordImport(f.T.Store, g.Connection.Directory).Import(now.AddDays(-1), now, null, verbose.Add).ToList();
                Assert.Equal(new[] { byId.RecordingId, byNumber.RecordingId }, links.Select(l => l.RecordingId));
                Assert.Equal("CallId", links[0].MatchedBy);
                Assert.Equal("NumberAndTime", links[1].MatchedBy);
                var shown = f.T.Store.Recordings.Get(new RecordingQuery { RecordingId = byNumber.RecordingId }).Single();
                Assert.Contains("Bo <bo@uni.test>", shown.Participants);
                Assert.Contains("+447700900555", shown.Participants);
                Assert.Contains("Ada", f.T.Store.Recordings.Get(new RecordingQuery { RecordingId = byId.RecordingId }).Single().Participants);
                Assert.Equal("", f.T.Store.Recordings.Get(new RecordingQuery { RecordingId = unrelated.RecordingId }).Single().Participants);
                Assert.Contains(verbose, v => v.Contains("PSTN"));
                var again = new CallRecordImport(f.T.Store, g.Connection.Directory).Import(now.AddDays(-1), now, null, null).ToList();
                Assert.True(again.All(l => l.ParticipantsAdded == 0));
            }
        }
    }
}
