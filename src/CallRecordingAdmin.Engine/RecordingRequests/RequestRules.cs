using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.RecordingRequests
{
    /// <summary>
    /// Clause 2.2's consultations: a request involving special category data, identity validation or payment
    /// card data needs the IT Services Security team and the Finance PCI DSS team on record, and no team's
    /// latest view may be NotSupported. Approval refuses on these rules; the compliance report re-applies them
    /// to approved requests, so that data changed after approval is found.
    /// </summary>
    public static class RequestRules
    {
        /// <summary>The day the Call Recording Policy took effect (06/02/2024): no authorisation under it can be older.</summary>
        public static readonly DateTimeOffset PolicyEffectiveFrom = new DateTimeOffset(2024, 2, 6, 0, 0, 0, TimeSpan.Zero);

        /// <summary>How far before the decision an EffectiveFrom may lie without being a backdating (clock skew, the minutes of a meeting).</summary>
        public static readonly TimeSpan BackdatingTolerance = TimeSpan.FromMinutes(5);

        /// <summary>
        /// Clause 2.1/2.2: an approval takes effect when it is decided. An earlier EffectiveFrom brings in an authorisation that
        /// existed on paper before the request was entered here, or backdates the decision: either way it needs the paper approval's
        /// reference (kept on the request and in the audit event), and it can never precede the policy itself (06/02/2024) nor lie in
        /// the future. Returns the reference, checked, or null when no backdating happens.
        /// </summary>
        public static string CheckEffectiveFrom(DateTimeOffset effectiveFrom, DateTimeOffset decidedAt, string reference, string requestId)
        {
            if (effectiveFrom > decidedAt)
            {
                throw new PolicyException("EffectiveFromInFuture", FailureKind.InvalidArgument,
                    "-EffectiveFrom brings in an authorisation that already exists and must lie in the past; " + Timestamp.ToText(effectiveFrom) + " is in the future.", effectiveFrom);
            }
            if (effectiveFrom < PolicyEffectiveFrom)
            {
                throw new PolicyException("EffectiveFromBeforePolicy", FailureKind.InvalidArgument,
                    "-EffectiveFrom " + Timestamp.ToText(effectiveFrom) + " is before the Call Recording Policy took effect (06/02/2024); no approval under it can be older. Nothing was approved.", effectiveFrom, "2.2");
            }
            var backdated = effectiveFrom < decidedAt - BackdatingTolerance;
            if (!backdated) return Text.Optional(reference, "Reference", Text.NameMax);
            if (string.IsNullOrWhiteSpace(reference))
            {
                throw new PolicyException("PaperReferenceRequired", FailureKind.InvalidArgument,
                    "approving request " + requestId + " with -EffectiveFrom " + Timestamp.ToText(effectiveFrom) + " backdates it before the decision: give the paper approval's reference (-Reference) so that the record shows what authorised it. Nothing was approved.", requestId, "2.2");
            }
            return Text.Check(reference.Trim(), "Reference", Text.NameMax);
        }

        /// <summary>
        /// Where a request stands at <paramref name="now"/>: an approved, time-limited request is Expired once its end
        /// has passed (Expired is never stored). Get-RecordingRequest's Status and its -Status/-ExpiringWithinDays
        /// filters (SQL written from this rule in the database layer, tested against it) all use it.
        /// </summary>
        public static RequestStatus StatusAt(RequestStatus stored, DateTimeOffset? until, DateTimeOffset now) =>
            stored == RequestStatus.Approved && UntilHasPassed(until, now) ? RequestStatus.Expired : stored;

        /// <summary>True when a time-limited request's end has come: a request may not be made or approved with an end that has passed.</summary>
        public static bool UntilHasPassed(DateTimeOffset? until, DateTimeOffset now) => ServiceAreas.AreaRules.HasEnded(until, now);

        /// <summary>True when the request is approved at <paramref name="now"/> and its end falls within <paramref name="days"/> days.</summary>
        public static bool ExpiresWithin(RequestStatus stored, DateTimeOffset? until, DateTimeOffset now, int days) =>
            StatusAt(stored, until, now) == RequestStatus.Approved && until.HasValue && until.Value <= now.AddDays(days);

        public static bool NeedsSecurityConsultation(bool specialCategoryData, bool identityValidation, bool paymentCardData) =>
            specialCategoryData || identityValidation || paymentCardData;

        /// <summary>Each team's latest consultation.</summary>
        public static IReadOnlyDictionary<ConsultationTeam, RequestConsultation> Latest(IEnumerable<RequestConsultation> consultations) =>
            (consultations ?? Enumerable.Empty<RequestConsultation>()).GroupBy(c => c.Team)
                .ToDictionary(g => g.Key, g => g.OrderBy(c => c.RecordedAt).Last());

        /// <summary>The teams whose consultation a sensitive request lacks (none for a request that is not sensitive).</summary>
        public static IReadOnlyList<ConsultationTeam> MissingConsultations(bool specialCategoryData, bool identityValidation, bool paymentCardData, IEnumerable<RequestConsultation> consultations)
        {
            if (!NeedsSecurityConsultation(specialCategoryData, identityValidation, paymentCardData)) return new ConsultationTeam[0];
            var latest = Latest(consultations);
            return new[] { ConsultationTeam.SecurityTeam, ConsultationTeam.PciDssTeam }.Where(t => !latest.ContainsKey(t)).ToList();
        }

        /// <summary>The teams whose latest consultation does not support the request.</summary>
        public static IReadOnlyList<ConsultationTeam> Opposed(IEnumerable<RequestConsultation> consultations) =>
            Latest(consultations).Values.Where(c => c.Outcome == ConsultationOutcome.NotSupported).Select(c => c.Team).OrderBy(t => t).ToList();
    }
}
