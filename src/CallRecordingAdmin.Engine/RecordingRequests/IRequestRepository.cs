using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.RecordingRequests
{
    /// <summary>
    /// Recording requests with their levels, consultations and history loaded set-based (one query each for all the
    /// requests a query returns, never one per request), and the authorisation windows <see cref="AreaRules"/> reasons
    /// over. The requests it returns carry their STORED status; RequestRegister applies <see cref="RequestRules.StatusAt"/>.
    /// </summary>
    public interface IRequestRepository
    {
        /// <summary>One request by id, with its levels, consultations and history; null when there is none.</summary>
        RecordingRequest Find(string requestId);

        /// <summary>
        /// The requests <paramref name="query"/> selects at <paramref name="now"/> (its status filters follow
        /// <see cref="RequestRules.StatusAt"/> and <see cref="RequestRules.ExpiresWithin"/>), ordered by when they were made.
        /// </summary>
        IReadOnlyList<RecordingRequest> Query(RecordingRequestQuery query, DateTimeOffset now);

        /// <summary>The consultations recorded on a request, oldest first.</summary>
        IReadOnlyList<RequestConsultation> Consultations(string requestId);

        /// <summary>The approved and stopped requests of the given areas (every area when null) as windows, by area id, in order of their effective date.</summary>
        IReadOnlyDictionary<string, IReadOnlyList<AuthorisationWindow>> Windows(IReadOnlyCollection<string> areaIds);

        /// <summary>Writes a new Pending request with its levels (a write session only).</summary>
        void Insert(RecordingRequest request, string serviceAreaId, RetentionPeriod retention, IReadOnlyList<AccessLevel> levels);

        /// <summary>Writes the completed fields of a pending request; a null value is left as it is, "" clears it.</summary>
        void Complete(string requestId, string businessReason, string dpiaReference, string dpoAdvice, string notes);

        /// <summary>Writes one consultation (a write session only).</summary>
        void AddConsultation(RequestConsultation consultation);

        /// <summary>Writes the decision: Approved (with the date the authorisation takes effect) or Denied.</summary>
        void Decide(string requestId, RequestStatus decision, DateTimeOffset at, string by, string comment, DateTimeOffset? effectiveFrom);

        /// <summary>Writes that an approved request was stopped early.</summary>
        void Stop(string requestId, DateTimeOffset at, string by, string reason);
    }
}
