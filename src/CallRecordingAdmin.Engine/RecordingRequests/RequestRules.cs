using System;
using System.Collections.Generic;
using System.Linq;

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
