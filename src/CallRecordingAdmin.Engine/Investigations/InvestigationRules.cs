using System;

namespace CallRecordingAdmin.Engine.Investigations
{
    /// <summary>Clause 3.2: an investigation request waits for the DPO's decision; one pending for more than 30 days is reported.</summary>
    public static class InvestigationRules
    {
        public const int DecisionDays = 30;

        public static bool IsAwaitingDecisionTooLong(InvestigationStatus status, DateTimeOffset requestedAt, DateTimeOffset now) =>
            status == InvestigationStatus.Pending && requestedAt.AddDays(DecisionDays) < now;
    }
}
