using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Retention
{
    /// <summary>What a purge did (or, as a forecast, would do) in one service area.</summary>
    public sealed class PurgeSummary
    {
        public string ServiceArea { get; set; }
        public DateTimeOffset AsOf { get; set; }
        /// <summary>True for -WhatIf or a future -AsOf: nothing was deleted.</summary>
        public bool Forecast { get; set; }
        /// <summary>Recordings past their expiry (held ones included).</summary>
        public long Candidates { get; set; }
        public long Purged { get; set; }
        public long SkippedOnHold { get; set; }
        public long BytesFreed { get; set; }
        /// <summary>Deletions a killed run had begun and this run finished.</summary>
        public long Resumed { get; set; }
        /// <summary>Recordings whose file could not be deleted: they stay PendingDelete (never Deleted) and the next run retries.</summary>
        public long DeleteFailed { get; set; }
    }

    /// <summary>
    /// Clause 2.5: deletes every recording past its expiry that is not on legal hold. Each recording moves
    /// Active → PendingDelete (commit) → file deleted → Deleted with its audit event (commit), in batches,
    /// so a run killed anywhere leaves only PendingDelete rows, which the next run finishes first. Two runs
    /// at once claim disjoint recordings (the claim is a conditional update), and a hold placed meanwhile is
    /// honoured because the claim re-checks holds inside its transaction.
    /// </summary>
    public sealed class RetentionPurge
    {
        public const int BatchSize = 500;
        private readonly RecordingStore _store;

        internal RetentionPurge(RecordingStore store) { _store = store; }

        /// <summary>
        /// Purges what has expired by <paramref name="asOf"/> (default now). A future <paramref name="asOf"/>, or
        /// <paramref name="forecast"/>, only reports: nothing is deleted before its real expiry. The role check and a
        /// forecast only read (no write lock), so they never queue behind another purge or an import.
        /// </summary>
        public IReadOnlyList<PurgeSummary> Run(IReadOnlyList<string> areas, DateTimeOffset? asOf, int? limit, bool forecast, Action<long, long> progress = null, Action<PolicyException> deleteFailed = null)
        {
            var now = _store.Clock.UtcNow;
            var cutoff = asOf ?? now;
            var reportOnly = forecast || cutoff > now;
            _store.Check("purge recordings", "Purge", rc => rc.Require(RecordingRole.Administrator, "purge recordings", null, null, "2.5"));

            // P1: IServiceAreaRepository.Resolve(selector) replaces this lookup once it lands.
            var areaIds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (id, name) in _store.Database.Read(s => s.Recordings.ServiceAreas())) areaIds[id] = name;
            if (areas != null && areas.Count > 0)
            {
                var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var a in areas)
                {
                    var match = areaIds.Where(p => string.Equals(p.Value, a.Trim(), StringComparison.OrdinalIgnoreCase) || p.Key == a.Trim()).Select(p => p.Key).FirstOrDefault();
                    if (match == null) throw new PolicyException("ServiceAreaNotFound", FailureKind.ObjectNotFound, "There is no service area named '" + a + "'.", a);
                    wanted.Add(match);
                }
                areaIds = areaIds.Where(p => wanted.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
            }

            var summaries = areaIds.ToDictionary(p => p.Key, p => new PurgeSummary { ServiceArea = p.Value, AsOf = cutoff, Forecast = reportOnly });
            if (!reportOnly)
            {
                // Deletions a killed run began: finished first, each through the one deletion path.
                var pending = _store.Database.Read(s => s.Recordings.PendingDeletes()).Where(x => areaIds.ContainsKey(x.AreaId)).ToList();
                foreach (var (id, areaId, bytes) in pending)
                {
                    var result = RecordingDeletion.Complete(_store, "purge recordings", new[] { (id, bytes) }, "Deletion finished after an interrupted run");
                    foreach (var f in result.Failures)
                    {
                        summaries[areaId].DeleteFailed++;
                        deleteFailed?.Invoke(f);
                    }
                    if (result.Finished.Count > 0) { summaries[areaId].Resumed++; summaries[areaId].Purged++; summaries[areaId].BytesFreed += bytes; }
                }
            }

            // Every area's expired, held and (for a forecast) freeable bytes in one query.
            foreach (var c in _store.Database.Read(s => s.Recordings.ExpiredCounts(cutoff)))
            {
                if (!summaries.TryGetValue(c.ServiceAreaId, out var s)) continue;
                s.Candidates = c.Expired;
                s.SkippedOnHold = c.OnHold;
                if (reportOnly)
                {
                    s.Purged = c.Expired - c.OnHold;
                    s.BytesFreed = c.UnheldStoredBytes;
                }
            }
            if (reportOnly) return summaries.Values.ToList();

            long total = summaries.Values.Sum(x => x.Candidates - x.SkippedOnHold);
            if (limit.HasValue) total = Math.Min(total, limit.Value);
            long purged = 0;
            foreach (var areaId in areaIds.Keys)
            {
                var s = summaries[areaId];
                while (!limit.HasValue || purged < limit.Value)
                {
                    var take = limit.HasValue ? (int)Math.Min(BatchSize, limit.Value - purged) : BatchSize;
                    // Claim a batch: re-checks expiry, state and holds inside the transaction (RetentionRules.IsDue).
                    var claimed = _store.Change("purge recordings", ctx => ctx.Db.Recordings.ClaimDue(areaId, cutoff, ctx.Now, take));
                    if (claimed.Count == 0) break;
                    FaultPoint.Reach(FaultPoint.PurgeAfterPending);
                    var result = RecordingDeletion.Complete(_store, "purge recordings", claimed, "Retention period ended (clause 2.5)", FaultPoint.PurgeAfterDelete);
                    s.Purged += result.Finished.Count;
                    s.BytesFreed += result.Finished.Sum(x => x.StoredBytes);
                    s.DeleteFailed += result.Failures.Count;
                    foreach (var f in result.Failures) deleteFailed?.Invoke(f);
                    purged += claimed.Count;
                    progress?.Invoke(purged, total);
                }
            }
            return summaries.Values.ToList();
        }
    }
}
