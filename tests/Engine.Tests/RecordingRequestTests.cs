using System;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    public class RecordingRequestTests : IDisposable
    {
        private readonly TempStore _t = new TempStore();
        private readonly RecordingStore _requester, _nsm, _security, _pci;

        public RecordingRequestTests()
        {
            _t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Fundraising", Retention = RetentionPeriod.FromMonths(12) });
            _requester = _t.As("head.fundraising@uni.test");
            _nsm = _t.WithRole("nsm@uni.test", RecordingRole.NetworkServicesManager);
            _security = _t.WithRole("sec@uni.test", RecordingRole.SecurityTeam);
            _pci = _t.WithRole("pci@uni.test", RecordingRole.PciDssTeam);
        }

        public void Dispose() => _t.Dispose();

        private RecordingRequest Make(bool cardData = false, string dpia = "DPIA-1", string dpo = "Proportionate.", DateTimeOffset? until = null, int months = 3) =>
            _requester.Requests.Create(new RecordingRequestDraft
            {
                ServiceArea = "Fundraising",
                BusinessReason = "Verify donors' agreements to regular gifts.",
                Purposes = new[] { Purpose.CustomerAgreement, Purpose.DisputeOrComplaint },
                AccessLevels = AccessLevel.Parse("Supervisor=Play+Download; Caller=Play"),
                Retention = RetentionPeriod.FromMonths(months),
                Until = until,
                DpiaReference = dpia,
                DpoAdvice = dpo,
                PaymentCardData = cardData,
                RelatedRegimes = new[] { RelatedRegime.PECR },
            });

        private static string Refusal(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        [Fact]
        public void A_complete_request_is_approved_and_authorises_the_area_with_its_retention()
        {
            var r = Make();
            Assert.Equal(RequestStatus.Pending, r.Status);
            Assert.Equal("Caller=Play; Supervisor=Play+Download", r.AccessLevels);
            Assert.Equal("CustomerAgreement, DisputeOrComplaint", r.Purposes);
            Assert.False(_t.Store.ServiceAreas.Get("Fundraising").Authorised);
            var approved = _nsm.Requests.Approve(r.RequestId, "ok", null);
            Assert.Equal(RequestStatus.Approved, approved.Status);
            Assert.Equal("nsm@uni.test", approved.DecidedBy);
            var area = _t.Store.ServiceAreas.Get("Fundraising");
            Assert.True(area.Authorised);
            Assert.Equal(r.RequestId, area.AuthorisingRequestId);
            Assert.Equal("3 months", area.Retention);
            Assert.Contains("ApproveRecordingRequest by nsm@uni.test", approved.History);
        }

        [Fact]
        public void Missing_DPIA_or_DPO_advice_blocks_approval_until_completed()
        {
            var r = Make(dpia: null, dpo: null);
            Assert.Equal("DpiaRequired", Refusal(() => _nsm.Requests.Approve(r.RequestId, null, null)));
            _requester.Requests.Update(r.RequestId, new RecordingRequestChange { DpiaReference = "DPIA-7" });
            Assert.Equal("DpoAdviceRequired", Refusal(() => _nsm.Requests.Approve(r.RequestId, null, null)));
            _requester.Requests.Update(r.RequestId, new RecordingRequestChange { DpoAdvice = "Fine with 3 months." });
            Assert.Equal(RequestStatus.Approved, _nsm.Requests.Approve(r.RequestId, null, null).Status);
        }

        [Fact]
        public void Payment_card_data_needs_supporting_Security_and_PCI_DSS_consultations()
        {
            var r = Make(cardData: true);
            var e = Assert.Throws<PolicyException>(() => _nsm.Requests.Approve(r.RequestId, null, null));
            Assert.Equal("SecurityConsultationRequired", e.ErrorId);
            Assert.Equal("2.2", e.Clause);
            Assert.Contains("SecurityTeam, PciDssTeam", e.Message);
            _security.Requests.AddConsultation(r.RequestId, ConsultationTeam.SecurityTeam, ConsultationOutcome.Supported, null, null);
            Assert.Equal("SecurityConsultationRequired", Refusal(() => _nsm.Requests.Approve(r.RequestId, null, null)));
            Assert.Equal("MitigationRequired", Refusal(() => _pci.Requests.AddConsultation(r.RequestId, ConsultationTeam.PciDssTeam, ConsultationOutcome.SupportedWithMitigations, null, null)));
            _pci.Requests.AddConsultation(r.RequestId, ConsultationTeam.PciDssTeam, ConsultationOutcome.SupportedWithMitigations, new[] { "Pause during card capture" }, null);
            var approved = _nsm.Requests.Approve(r.RequestId, null, null);
            Assert.Equal(RequestStatus.Approved, approved.Status);
            Assert.Contains("PciDssTeam: SupportedWithMitigations (Pause during card capture)", approved.Consultations);
        }

        [Fact]
        public void Only_the_teams_own_members_record_consultations()
        {
            var r = Make(cardData: true);
            var e = Assert.Throws<PolicyException>(() => _security.Requests.AddConsultation(r.RequestId, ConsultationTeam.PciDssTeam, ConsultationOutcome.Supported, null, null));
            Assert.Equal("AccessDenied", e.ErrorId);
        }

        [Fact]
        public void A_consultation_that_does_not_support_the_request_blocks_it_until_a_later_one_does()
        {
            var r = Make(cardData: true);
            _security.Requests.AddConsultation(r.RequestId, ConsultationTeam.SecurityTeam, ConsultationOutcome.NotSupported, null, "No masking");
            _pci.Requests.AddConsultation(r.RequestId, ConsultationTeam.PciDssTeam, ConsultationOutcome.Supported, null, null);
            Assert.Equal("ConsultationNotSupported", Refusal(() => _nsm.Requests.Approve(r.RequestId, null, null)));
            _t.Clock.Advance(TimeSpan.FromHours(1));
            _security.Requests.AddConsultation(r.RequestId, ConsultationTeam.SecurityTeam, ConsultationOutcome.SupportedWithMitigations, new[] { "DTMF masking" }, null);
            Assert.Equal(RequestStatus.Approved, _nsm.Requests.Approve(r.RequestId, null, null).Status);
        }

        [Fact]
        public void The_requester_cannot_approve_their_own_request()
        {
            var r = _nsm.Requests.Create(new RecordingRequestDraft
            {
                ServiceArea = "Fundraising", BusinessReason = "x", Purposes = new[] { Purpose.Training },
                AccessLevels = AccessLevel.Parse("Supervisor=Play"), Retention = RetentionPeriod.FromMonths(1), DpiaReference = "D", DpoAdvice = "A",
            });
            Assert.Equal("SeparationOfDuties", Refusal(() => _nsm.Requests.Approve(r.RequestId, null, null)));
        }

        [Fact]
        public void Only_a_Network_Services_Manager_decides_and_only_pending_requests()
        {
            var r = Make();
            Assert.Equal("AccessDenied", Refusal(() => _t.Store.Requests.Approve(r.RequestId, null, null)));
            _nsm.Requests.Deny(r.RequestId, "Not proportionate");
            Assert.Equal("RequestNotPending", Refusal(() => _nsm.Requests.Approve(r.RequestId, null, null)));
            Assert.Equal("RequestNotPending", Refusal(() => _nsm.Requests.Deny(r.RequestId, "again")));
            Assert.Equal(RequestStatus.Denied, _t.Store.Requests.Get(new RecordingRequestQuery { RequestId = r.RequestId }).Single().Status);
        }

        [Fact]
        public void Creation_refuses_too_long_retention_a_past_end_date_and_missing_justification()
        {
            Assert.Equal("RetentionExceedsPolicyMaximum", Refusal(() => Make(months: 13)));
            Assert.Equal("RequestUntilInPast", Refusal(() => Make(until: _t.Clock.UtcNow.AddDays(-1))));
            Assert.Equal("PurposeRequired", Refusal(() => _requester.Requests.Create(new RecordingRequestDraft
            {
                ServiceArea = "Fundraising", BusinessReason = "x", Purposes = new Purpose[0], AccessLevels = AccessLevel.Parse("A=Play"), Retention = RetentionPeriod.FromMonths(1),
            })));
            Assert.Equal("AccessLevelInvalid", Refusal(() => AccessLevel.Parse("Supervisor=Play+Fly")));
            Assert.Equal("AccessLevelInvalid", Refusal(() => AccessLevel.Parse("just text")));
        }

        [Fact]
        public void A_time_limited_authorisation_expires_by_itself()
        {
            var r = Make(until: _t.Clock.UtcNow.AddDays(20));
            _nsm.Requests.Approve(r.RequestId, null, null);
            Assert.Single(_t.Store.Requests.Get(new RecordingRequestQuery { ExpiringWithinDays = 30 }));
            Assert.Empty(_t.Store.Requests.Get(new RecordingRequestQuery { ExpiringWithinDays = 10 }));
            Assert.True(_t.Store.ServiceAreas.Get("Fundraising").Authorised);

            _t.Clock.Advance(TimeSpan.FromDays(21));
            Assert.Equal(RequestStatus.Expired, _t.Store.Requests.Get(new RecordingRequestQuery { RequestId = r.RequestId }).Single().Status);
            Assert.Single(_t.Store.Requests.Get(new RecordingRequestQuery { Status = RequestStatus.Expired }));
            Assert.Empty(_t.Store.Requests.Get(new RecordingRequestQuery { Status = RequestStatus.Approved }));
            Assert.False(_t.Store.ServiceAreas.Get("Fundraising").Authorised);
            Assert.Equal("RequestNotApproved", Refusal(() => _nsm.Requests.Stop(r.RequestId, "late")));
        }

        [Fact]
        public void Stopping_ends_the_authorisation_at_once()
        {
            var r = Make();
            _nsm.Requests.Approve(r.RequestId, null, null);
            var stopped = _nsm.Requests.Stop(r.RequestId, "Campaign ended");
            Assert.Equal(RequestStatus.Stopped, stopped.Status);
            Assert.Equal("Campaign ended", stopped.StopReason);
            Assert.False(_t.Store.ServiceAreas.Get("Fundraising").Authorised);
        }

        [Fact]
        public void A_paper_approval_is_brought_in_with_its_past_effective_date()
        {
            var r = Make();
            var from = new DateTimeOffset(2024, 2, 6, 0, 0, 0, TimeSpan.Zero);
            var approved = _nsm.Requests.Approve(r.RequestId, "Signed by the Director", from, "NS/2024/03");
            Assert.Equal(from, approved.EffectiveFrom);
            Assert.Equal(_t.Clock.UtcNow, approved.DecidedAt);
            var ev = _t.Store.Audit.Get(new CallRecordingAdmin.Engine.Audit.AuditQuery { Action = "ApproveRecordingRequest" }).Single();
            Assert.Contains("\"effectiveFrom\":\"2024-02-06T00:00:00.0000000Z\"", ev.Details);
            Assert.Contains("\"decidedAt\":\"2026-11-28T09:00:00.0000000Z\"", ev.Details);
            Assert.Equal("EffectiveFromInFuture", Refusal(() => _nsm.Requests.Approve(Make().RequestId, null, _t.Clock.UtcNow.AddDays(1))));
        }
    }
}
