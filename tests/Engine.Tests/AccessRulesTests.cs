using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using Xunit;

namespace Engine.Tests
{
    /// <summary>Clause 3.1's rules (AccessRules, ApprovedAccessLevels) on plain facts: no store.</summary>
    public class AccessRulesTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

        private static AccessGrant Area(string id, string areaId, string rights, int reviewInDays = 30, int? revokedDaysAgo = null) => new AccessGrant
        {
            GrantId = id, Principal = "sup@uni.test", AreaId = areaId, RecordingId = "", Rights = rights,
            ReviewBy = Now.AddDays(reviewInDays), RevokedAt = revokedDaysAgo.HasValue ? Now.AddDays(-revokedDaysAgo.Value) : (DateTimeOffset?)null,
        };

        private static AccessGrant Share(string id, string recordingId, int endsInDays) => new AccessGrant
        {
            GrantId = id, Principal = "sup@uni.test", RecordingId = recordingId, Rights = "Play", ExpiresOn = Now.AddDays(endsInDays),
        };

        [Fact]
        public void A_grant_is_revoked_before_it_is_expired_and_expired_before_it_is_overdue()
        {
            Assert.Equal(GrantStatus.Active, AccessRules.StatusAt(Area("g", "a", "Play"), Now));
            Assert.Equal(GrantStatus.ReviewOverdue, AccessRules.StatusAt(Area("g", "a", "Play", reviewInDays: 0), Now));
            Assert.Equal(GrantStatus.ReviewOverdue, AccessRules.StatusAt(Area("g", "a", "Play", reviewInDays: -1), Now));
            Assert.Equal(GrantStatus.Revoked, AccessRules.StatusAt(Area("g", "a", "Play", reviewInDays: -1, revokedDaysAgo: 2), Now));
            Assert.Equal(GrantStatus.Active, AccessRules.StatusAt(Share("s", "r", 1), Now));
            Assert.Equal(GrantStatus.Expired, AccessRules.StatusAt(Share("s", "r", 0), Now));
            var both = Share("s", "r", -1);
            both.ReviewBy = Now.AddDays(-1);
            Assert.Equal(GrantStatus.Expired, AccessRules.StatusAt(both, Now));
        }

        [Fact]
        public void Rights_are_matched_whole_and_by_their_exact_name()
        {
            var g = Area("g", "a", "Copy+Download+Play");
            Assert.True(AccessRules.Includes(g, AccessRight.Download));
            Assert.True(AccessRules.Includes(g, AccessRight.Play));
            Assert.False(AccessRules.Includes(g, AccessRight.Share));
            Assert.False(AccessRules.Includes(Area("g", "a", "PlayDownload"), AccessRight.Play));
        }

        [Fact]
        public void The_gate_lets_an_active_grant_with_the_right_through()
        {
            var v = AccessRules.MayUse(new[] { Area("g1", "a", "Play"), Area("g2", "a", "Download+Play") }, AccessRight.Download, Now);
            Assert.True(v.Allowed);
            Assert.Equal("g2", v.GrantId);
            Assert.Equal("g2", AccessRules.Require(new[] { Area("g2", "a", "Download") }, AccessRight.Download, Now, "sup@uni.test", "Desk"));
        }

        [Fact]
        public void An_overdue_grant_with_the_right_refuses_as_overdue_and_no_grant_as_not_granted()
        {
            var overdue = AccessRules.MayUse(new[] { Area("old", "a", "Download", reviewInDays: -3), Area("other", "a", "Play") }, AccessRight.Download, Now);
            Assert.False(overdue.Allowed);
            Assert.Equal("AccessReviewOverdue", overdue.ErrorId);
            Assert.Equal("old", overdue.GrantId);
            var e = Assert.Throws<PolicyException>(() => AccessRules.Require(new[] { Area("old", "a", "Download", reviewInDays: -3) }, AccessRight.Download, Now, "sup@uni.test", "Desk"));
            Assert.Equal("AccessReviewOverdue", e.ErrorId);
            Assert.Equal("3.1", e.Clause);
            Assert.Equal("AccessNotGranted", AccessRules.MayUse(new AccessGrant[0], AccessRight.Play, Now).ErrorId);
            Assert.Equal("AccessNotGranted", AccessRules.MayUse(new[] { Area("g", "a", "Play") }, AccessRight.Delete, Now).ErrorId);
            Assert.Equal("AccessNotGranted", AccessRules.MayUse(new[] { Share("s", "r", -1) }, AccessRight.Play, Now).ErrorId);
            Assert.Equal("AccessNotGranted", AccessRules.MayUse(new[] { Area("g", "a", "Play", revokedDaysAgo: 1) }, AccessRight.Play, Now).ErrorId);
        }

        [Fact]
        public void An_active_grant_wins_over_an_overdue_one_whatever_their_order()
        {
            var grants = new[] { Area("old", "a", "Play", reviewInDays: -1), Area("new", "a", "Play") };
            Assert.Equal("new", AccessRules.MayUse(grants, AccessRight.Play, Now).GrantId);
            Assert.Equal("new", AccessRules.MayUse(grants.Reverse(), AccessRight.Play, Now).GrantId);
        }

        [Fact]
        public void Visibility_follows_the_gate_an_overdue_or_revoked_grant_shows_no_area()
        {
            Assert.Null(AccessRules.VisibleAreas(true, new[] { "x" }, new[] { Area("g", "a", "Play") }, Now));
            var visible = AccessRules.VisibleAreas(false, new[] { "sup-area" }, new[]
            {
                Area("g1", "a-active", "Play"),
                Area("g2", "a-overdue", "Play+Download", reviewInDays: -1),
                Area("g3", "a-revoked", "Play", revokedDaysAgo: 1),
                Share("s", "rec-1", 5),
            }, Now);
            Assert.Equal(new[] { "a-active", "sup-area" }, visible);
            Assert.Empty(AccessRules.VisibleAreas(false, new string[0], new AccessGrant[0], Now));
        }

        /// <summary>For every grant set, an area is visible through grants exactly when the gate lets some right through a grant over it.</summary>
        [Fact]
        public void An_area_is_visible_through_grants_exactly_when_the_gate_would_let_something_through()
        {
            var rights = (AccessRight[])Enum.GetValues(typeof(AccessRight));
            foreach (var review in new[] { -10, 0, 10 })
            foreach (var revoked in new int?[] { null, 1 })
            foreach (var r in new[] { "Play", "Download+Play", "Copy" })
            {
                var g = Area("g", "area", r, review, revoked);
                var visible = AccessRules.VisibleAreas(false, null, new[] { g }, Now).Contains("area");
                var gateOpens = rights.Any(right => AccessRules.MayUse(new[] { g }, right, Now).Allowed);
                Assert.Equal(gateOpens, visible);
            }
        }

        [Fact]
        public void A_level_is_found_in_any_case_and_rights_beyond_it_are_refused()
        {
            var levels = ApprovedAccessLevels.From(new[] { ("area-1", "Supervisor", "Play+Download"), ("area-1", "Adviser", "Play"), ("area-1", "adviser", "Copy") });
            var level = levels.Find("area-1", "Desk", "supervisor");
            Assert.Equal("Supervisor", level.Name);
            Assert.Equal(new[] { AccessRight.Play, AccessRight.Download }.OrderBy(x => x), level.Rights.OrderBy(x => x));
            // one group named twice (two approved requests in force) has the rights of both
            Assert.Equal(new[] { AccessRight.Play, AccessRight.Copy }.OrderBy(x => x), levels.Find("area-1", "Desk", "Adviser").Rights.OrderBy(x => x));
            ApprovedAccessLevels.RequireWithin("Desk", level, new[] { AccessRight.Play });
            var e = Assert.Throws<PolicyException>(() => ApprovedAccessLevels.RequireWithin("Desk", level, new[] { AccessRight.Play, AccessRight.Delete }));
            Assert.Equal("RightNotInApprovedAccessLevel", e.ErrorId);
            Assert.Equal("AccessLevelNotApproved", Assert.Throws<PolicyException>(() => levels.Find("area-1", "Desk", "Manager")).ErrorId);
            Assert.Equal("AccessLevelNotApproved", Assert.Throws<PolicyException>(() => levels.Find("area-2", "Other", "Supervisor")).ErrorId);
            Assert.Equal("AccessLevelRequired", Assert.Throws<PolicyException>(() => levels.Find("area-1", "Desk", " ")).ErrorId);
        }

        [Fact]
        public void A_grant_is_within_its_level_only_when_the_area_approves_the_level_and_every_right()
        {
            var levels = ApprovedAccessLevels.From(new[] { ("area-1", "Supervisor", "Play+Download") });
            Assert.True(levels.IsWithin("area-1", "Supervisor", "Download+Play"));
            Assert.False(levels.IsWithin("area-1", "Supervisor", "Play+Delete"));
            Assert.False(levels.IsWithin("area-1", "", "Play"));
            Assert.False(levels.IsWithin("area-2", "Supervisor", "Play"));
            Assert.Null(levels.IsWithin(null, "", "Play"));
        }

        [Fact]
        public void A_nominee_sees_an_area_while_their_grant_stands_and_not_once_its_review_is_overdue()
        {
            using (var f = new RecordingFixture())
            {
                var store = f.T.Store;
                store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play }, "supervisor", f.T.Clock.UtcNow.AddDays(10));
                var areaId = store.ServiceAreas.Get("IT Service Desk").Id;
                IReadOnlyList<string> Visible(string who) => store.Database.Read(s => GrantRegister.VisibleAreas(s, who, f.T.Clock.UtcNow));
                Assert.Null(Visible(TempStore.Admin));
                Assert.Equal(new[] { areaId }, Visible("SUP@uni.test"));
                Assert.Empty(Visible("stranger@uni.test"));
                f.T.WithRole("lead@uni.test", RecordingRole.Supervisor, "Unapproved");
                Assert.Equal(new[] { store.ServiceAreas.Get("Unapproved").Id }, Visible("lead@uni.test"));
                f.T.Clock.Advance(TimeSpan.FromDays(11));
                Assert.Empty(Visible("sup@uni.test"));
            }
        }
    }
}
