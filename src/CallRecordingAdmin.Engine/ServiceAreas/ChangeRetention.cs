using System.Collections.Generic;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>
    /// Clause 2.5: the one way an area's retention changes, for Set-ServiceArea -RetentionDays/-RetentionMonths and for
    /// the approval of a request (whose retention becomes the area's). The period is a <see cref="RetentionPeriod"/>
    /// (checked when made), the area's row is written by <see cref="IServiceAreaRepository.SetRetention"/> (its only
    /// writer), the expiry of the area's recordings is recomputed, and both callers' audit events carry the same details.
    /// </summary>
    internal static class ChangeRetention
    {
        /// <summary>
        /// Gives <paramref name="area"/> the retention <paramref name="to"/> and reschedules its recordings, in the change's
        /// transaction. Adds to <paramref name="auditDetails"/>: <c>retention</c> ("6 months -> 100 days"; null when the period
        /// is unchanged) and <c>recordingsRescheduled</c> (how many recordings' expiry moved).
        /// </summary>
        internal static int Apply(ChangeContext ctx, ServiceArea area, RetentionPeriod to, IDictionary<string, object> auditDetails)
        {
            ctx.Db.ServiceAreas.SetRetention(area.Id, to, ctx.Now, ctx.Principal);
            var rescheduled = Recordings.RecordingRegister.RecomputeExpiry(ctx, area.Id, to);
            auditDetails["retention"] = area.Retention == to.ToString() ? null : area.Retention + " -> " + to;
            auditDetails["recordingsRescheduled"] = rescheduled;
            return rescheduled;
        }
    }
}
