using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.LegalHolds
{
    /// <summary>Legal holds in the policy database (issue 10 P2): find, query, insert, add recordings, the two halves of a release.</summary>
    public interface IHoldRepository
    {
        /// <summary>One hold with its recording count; null when there is none.</summary>
        LegalHold Find(string holdId);

        /// <summary>Holds by creation time: one (<paramref name="holdId"/>), or every unreleased one (and released ones with <paramref name="includeReleased"/>).</summary>
        IEnumerable<LegalHold> Query(string holdId, bool includeReleased);

        void Insert(LegalHold hold);

        /// <summary>Puts a recording on a hold; false when it was already on it.</summary>
        bool AddRecording(string holdId, string recordingId, DateTimeOffset at, string by);

        void RequestRelease(string holdId, DateTimeOffset at, string by, string reason);

        void Release(string holdId, DateTimeOffset at, string by);

        /// <summary>An investigation's status (a hold may serve only an approved one); null when there is no such investigation. P1's IInvestigationRepository may take this over.</summary>
        string InvestigationStatus(string investigationId);
    }
}
