using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    /// <summary>Clause 2.2 as plain facts: a request's status at a moment, its expiry warning, its consultations; and the SQL filters written from them.</summary>
    public class RequestRulesTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

        [Theory]
        [InlineData(RequestStatus.Approved, null, RequestStatus.Approved)]
        [InlineData(RequestStatus.Approved, 1, RequestStatus.Approved)]
        [InlineData(RequestStatus.Approved, 0, RequestStatus.Expired)]      // the end is not part of the authorisation
        [InlineData(RequestStatus.Approved, -1, RequestStatus.Expired)]
        [InlineData(RequestStatus.Pending, -1, RequestStatus.Pending)]      // only an approved request expires
        [InlineData(RequestStatus.Denied, -1, RequestStatus.Denied)]
        [InlineData(RequestStatus.Stopped, -1, RequestStatus.Stopped)]
        public void An_approved_request_is_expired_once_its_end_has_come(RequestStatus stored, int? untilSeconds, RequestStatus expected)
        {
            var until = untilSeconds.HasValue ? Now.AddSeconds(untilSeconds.Value) : (DateTimeOffset?)null;
            Assert.Equal(expected, RequestRules.StatusAt(stored, until, Now));
        }

        [Fact]
        public void An_end_that_has_come_is_refused_and_a_future_one_is_not()
        {
            Assert.True(RequestRules.UntilHasPassed(Now, Now));
            Assert.True(RequestRules.UntilHasPassed(Now.AddDays(-1), Now));
            Assert.False(RequestRules.UntilHasPassed(Now.AddTicks(1), Now));
            Assert.False(RequestRules.UntilHasPassed(null, Now));
        }

        [Fact]
        public void A_request_expires_within_n_days_only_while_it_is_approved_and_time_limited()
        {
            Assert.True(RequestRules.ExpiresWithin(RequestStatus.Approved, Now.AddDays(30), Now, 30));
            Assert.False(RequestRules.ExpiresWithin(RequestStatus.Approved, Now.AddDays(30).AddTicks(1), Now, 30));
            Assert.False(RequestRules.ExpiresWithin(RequestStatus.Approved, null, Now, 30));
            Assert.False(RequestRules.ExpiresWithin(RequestStatus.Approved, Now, Now, 30));      // already expired
            Assert.False(RequestRules.ExpiresWithin(RequestStatus.Pending, Now.AddDays(1), Now, 30));
        }

        private static RequestConsultation C(ConsultationTeam team, ConsultationOutcome outcome, int minute) =>
            new RequestConsultation { Team = team, Outcome = outcome, RecordedAt = Now.AddMinutes(minute) };

        [Fact]
        public void A_sensitive_request_needs_both_security_teams_and_the_latest_view_of_each_team_counts()
        {
            Assert.Empty(RequestRules.MissingConsultations(false, false, false, null));
            Assert.Equal(new[] { ConsultationTeam.SecurityTeam, ConsultationTeam.PciDssTeam }, RequestRules.MissingConsultations(false, false, true, null));
            Assert.Equal(new[] { ConsultationTeam.PciDssTeam },
                RequestRules.MissingConsultations(true, false, false, new[] { C(ConsultationTeam.SecurityTeam, ConsultationOutcome.Supported, 1) }));

            var changedMind = new[] { C(ConsultationTeam.SecurityTeam, ConsultationOutcome.NotSupported, 1), C(ConsultationTeam.SecurityTeam, ConsultationOutcome.SupportedWithMitigations, 2) };
            Assert.Empty(RequestRules.Opposed(changedMind));
            var turnedAgainst = new[] { C(ConsultationTeam.PciDssTeam, ConsultationOutcome.Supported, 1), C(ConsultationTeam.PciDssTeam, ConsultationOutcome.NotSupported, 2) };
            Assert.Equal(new[] { ConsultationTeam.PciDssTeam }, RequestRules.Opposed(turnedAgainst));
        }

        /// <summary>Get-RecordingRequest's -Status and -ExpiringWithinDays filter in SQL; the SQL must select exactly what the rule says, at every moment.</summary>
        [Fact]
        public void The_databases_status_filters_select_the_same_requests_as_the_rule()
        {
            using (var t = new TempStore(Now))
            {
                t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Fundraising", Retention = RetentionPeriod.FromMonths(6) });
                var requester = t.As("requester@uni.test");
                var nsm = t.WithRole("nsm@uni.test", RecordingRole.NetworkServicesManager);
                RecordingRequest Make(int? untilDays) => requester.Requests.Create(new RecordingRequestDraft
                {
                    ServiceArea = "Fundraising", BusinessReason = "Verify agreements.", Purposes = new[] { Purpose.CustomerAgreement },
                    AccessLevels = AccessLevel.Parse("Supervisor=Play"), Retention = RetentionPeriod.FromMonths(3),
                    Until = untilDays.HasValue ? Now.AddDays(untilDays.Value) : (DateTimeOffset?)null, DpiaReference = "DPIA-1", DpoAdvice = "Fine.",
                });
                foreach (var days in new int?[] { null, 1, 10, 40, 100 }) nsm.Requests.Approve(Make(days).RequestId, null, null);
                nsm.Requests.Deny(Make(5).RequestId, "No.");
                nsm.Requests.Stop(nsm.Requests.Approve(Make(20).RequestId, null, null).RequestId, "Ended early.");
                Make(null);
                Make(3);

                foreach (var offset in new[] { 0.0, 1.0, 9.5, 10.0, 39.0, 41.0, 99.0, 100.0, 200.0 })
                {
                    t.Clock.UtcNow = Now.AddDays(offset);
                    var all = t.Store.Requests.Get(new RecordingRequestQuery()).ToList();
                    Assert.All(all, r => Assert.Equal(RequestRules.StatusAt(Stored(r.Status), r.Until, t.Clock.UtcNow), r.Status));
                    foreach (RequestStatus status in Enum.GetValues(typeof(RequestStatus)))
                    {
                        var bySql = t.Store.Requests.Get(new RecordingRequestQuery { Status = status }).Select(r => r.RequestId).ToList();
                        var byRule = all.Where(r => r.Status == status).Select(r => r.RequestId).ToList();
                        Assert.True(byRule.SequenceEqual(bySql), "day " + offset + ", " + status);
                    }
                    foreach (var within in new[] { 0, 1, 9, 30, 60 })
                    {
                        var bySql = t.Store.Requests.Get(new RecordingRequestQuery { ExpiringWithinDays = within }).Select(r => r.RequestId).ToList();
                        var byRule = all.Where(r => RequestRules.ExpiresWithin(Stored(r.Status), r.Until, t.Clock.UtcNow, within)).Select(r => r.RequestId).ToList();
                        Assert.True(byRule.SequenceEqual(bySql), "day " + offset + ", within " + within);
                    }
                }
            }
        }

        // Expired is never stored: the row of an expired request says Approved.
        private static RequestStatus Stored(RequestStatus shown) => shown == RequestStatus.Expired ? RequestStatus.Approved : shown;

        /// <summary>Get-RecordingRequest reads every request, its levels, consultations and history in one session, whatever the count.</summary>
        [Fact]
        public void Listing_requests_gives_each_its_own_levels_consultations_and_history()
        {
            using (var t = new TempStore(Now))
            {
                t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Fundraising", Retention = RetentionPeriod.FromMonths(6) });
                t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Library", Retention = RetentionPeriod.FromDays(30) });
                var requester = t.As("requester@uni.test");
                var security = t.WithRole("sec@uni.test", RecordingRole.SecurityTeam);
                var made = new List<RecordingRequest>();
                for (var i = 0; i < 6; i++)
                {
                    made.Add(requester.Requests.Create(new RecordingRequestDraft
                    {
                        ServiceArea = i % 2 == 0 ? "Fundraising" : "Library", BusinessReason = "Reason " + i, Purposes = new[] { Purpose.Training },
                        AccessLevels = AccessLevel.Parse("Group" + i + "=Play; Other" + i + "=Play+Download"), Retention = RetentionPeriod.FromDays(10 + i),
                    }));
                    if (i % 3 == 0) security.Requests.AddConsultation(made[i].RequestId, ConsultationTeam.SecurityTeam, ConsultationOutcome.Supported, null, "ok " + i);
                }
                var listed = t.Store.Requests.Get(new RecordingRequestQuery()).ToList();
                Assert.Equal(made.Select(r => r.RequestId), listed.Select(r => r.RequestId));
                for (var i = 0; i < 6; i++)
                {
                    var one = t.Store.Requests.Get(new RecordingRequestQuery { RequestId = made[i].RequestId }).Single();
                    Assert.Equal("Group" + i + "=Play; Other" + i + "=Play+Download", listed[i].AccessLevels);
                    Assert.Equal(one.AccessLevels, listed[i].AccessLevels);
                    Assert.Equal(one.Consultations, listed[i].Consultations);
                    Assert.Equal(one.History, listed[i].History);
                    Assert.Equal(i % 3 == 0 ? "SecurityTeam: Supported" : "", listed[i].Consultations);
                    Assert.Contains("NewRecordingRequest by requester@uni.test", listed[i].History);
                    Assert.Equal(i % 3 == 0 ? 2 : 1, listed[i].History.Split('\n').Length);
                }
                Assert.Equal(3, t.Store.Requests.Get(new RecordingRequestQuery { ServiceArea = "lib*" }).Count());
            }
        }
    }
}
