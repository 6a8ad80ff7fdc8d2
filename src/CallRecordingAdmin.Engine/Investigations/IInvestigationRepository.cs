using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Investigations
{
    /// <summary>IT activity investigation requests (clause 3.2): reads and writes; who may decide is InvestigationRegister's and SeparationOfDuties' rule.</summary>
    public interface IInvestigationRepository
    {
        /// <summary>One request by id; null when there is none.</summary>
        InvestigationRequest Find(string investigationId);

        /// <summary>Requests by id and status (null: any), oldest first.</summary>
        IReadOnlyList<InvestigationRequest> Query(string investigationId, InvestigationStatus? status);

        /// <summary>Writes a new Pending request (a write session only).</summary>
        void Insert(InvestigationRequest request);

        /// <summary>Writes the DPO's decision (Approved or Denied).</summary>
        void Decide(string investigationId, InvestigationStatus decision, DateTimeOffset at, string by, string reason);
    }
}
