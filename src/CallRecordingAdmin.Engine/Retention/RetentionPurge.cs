using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
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
        /// <summary>Recordings not deleted because their row, or a hold on them, is not what the row ledger sealed (RowIntegrityFailed): changed outside the module.</summary>
        public long IntegrityFailed { get; set; }
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
                    var tampered = _store.Change("purge recordings", ctx => LedgerGuard.PurgeProblem(ctx, id));
                    if (tampered != null)
                    {
                        summaries[areaId].IntegrityFailed++;
                        deleteFailed?.Invoke(LedgerGuard.RefuseDeletion(_store, id, tampered));
                        continue;
                    }
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
            var refused = new HashSet<string>(StringComparer.Ordinal);
            foreach (var areaId in areaIds.Keys)
            {
                var s = summaries[areaId];
                while (!limit.HasValue || purged < limit.Value)
                {
                    var take = limit.HasValue ? (int)Math.Min(BatchSize, limit.Value - purged) : BatchSize;
                    // Claim a batch: re-checks expiry, state and holds inside the transaction (RetentionRules.IsDue); the row ledger
                    // (issue 11): a recording whose row, or a hold on it, is not what the module sealed is never claimed.
                    var tamperedNow = new List<(string Id, string Problem)>();
                    var claimed = _store.Change("purge recordings", ctx =>
                    {
                        tamperedNow.Clear();
                        var batch = new List<(string RecordingId, long StoredBytes)>();
                        foreach (var (id, bytes) in ctx.Db.Recordings.DueCandidates(areaId, cutoff, ctx.Now, take + refused.Count))
                        {
                            if (batch.Count >= take) break;
                            if (refused.Contains(id)) continue;
                            var problem = LedgerGuard.PurgeProblem(ctx, id);
                            if (problem != null) { tamperedNow.Add((id, problem)); continue; }
                            if (ctx.Db.Recordings.Claim(id)) batch.Add((id, bytes));
                        }
                        return (IReadOnlyList<(string RecordingId, long StoredBytes)>)batch;
                    });
                    foreach (var (id, problem) in tamperedNow)
                    {
                        refused.Add(id);
                        s.IntegrityFailed++;
                        deleteFailed?.Invoke(LedgerGuard.RefuseDeletion(_store, id, problem));
                    }
                    if (claimed.Count == 0 && tamperedNow.Count == 0) break;
                    if (claimed.Count == 0) continue;
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
