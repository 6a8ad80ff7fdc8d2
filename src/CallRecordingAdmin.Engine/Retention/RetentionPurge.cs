using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
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

        private const string HeldClause = RetentionRules.HeldSql;

        /// <summary>
        /// Purges what has expired by <paramref name="asOf"/> (default now). A future <paramref name="asOf"/>, or
        /// <paramref name="forecast"/>, only reports: nothing is deleted before its real expiry.
        /// </summary>
        public IReadOnlyList<PurgeSummary> Run(IReadOnlyList<string> areas, DateTimeOffset? asOf, int? limit, bool forecast, Action<long, long> progress = null, Action<PolicyException> deleteFailed = null)
        {
            var now = _store.Clock.UtcNow;
            var cutoff = asOf ?? now;
            var reportOnly = forecast || cutoff > now;
            _store.Change("purge recordings", "Purge", ctx => { ctx.Require(RecordingRole.Administrator, "purge recordings", null, null, "2.5"); return 0; });

            var areaIds = new Dictionary<string, string>(StringComparer.Ordinal);
            _store.Db.Read(c =>
            {
                using (var cmd = PolicyDb.Command(c, null, "SELECT id, name FROM service_area ORDER BY name COLLATE NOCASE"))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read()) areaIds[r.GetString(0)] = r.GetString(1);
                }
                return 0;
            });
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
            var recordings = _store.Recordings;
            if (!reportOnly)
            {
                foreach (var (id, areaId, bytes) in Pending(areaIds.Keys))
                {
                    var tampered = _store.Change("purge recordings", ctx => LedgerGuard.PurgeProblem(ctx, id));
                    if (tampered != null)
                    {
                        summaries[areaId].IntegrityFailed++;
                        deleteFailed?.Invoke(LedgerGuard.RefuseDeletion(_store, id, tampered));
                        continue;
                    }
                    var failure = RecordingDeletion.DeleteFile(_store, id);
                    if (failure != null)
                    {
                        RecordingDeletion.RecordFailures(_store, "purge recordings", new[] { failure });
                        summaries[areaId].DeleteFailed++;
                        deleteFailed?.Invoke(failure);
                        continue;
                    }
                    var finished = _store.Change("purge recordings", ctx => RecordingDeletion.Finish(ctx, id, ctx.Principal, "Deletion finished after an interrupted run", bytes));
                    if (finished) { summaries[areaId].Resumed++; summaries[areaId].Purged++; summaries[areaId].BytesFreed += bytes; }
                }
            }

            foreach (var areaId in areaIds.Keys)
            {
                var s = summaries[areaId];
                _store.Db.Read(c =>
                {
                    var args = new[] { ("$a", (object)areaId), ("$cut", Timestamp.ToText(cutoff)) };
                    s.Candidates = Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM recording r WHERE r.service_area_id = $a AND r.state = 'Active' AND r.expires_at <= $cut", args));
                    s.SkippedOnHold = Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM recording r WHERE r.service_area_id = $a AND r.state = 'Active' AND r.expires_at <= $cut AND " + HeldClause, args));
                    if (reportOnly)
                    {
                        s.Purged = s.Candidates - s.SkippedOnHold;
                        s.BytesFreed = Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT ifnull(sum(r.stored_bytes), 0) FROM recording r WHERE r.service_area_id = $a AND r.state = 'Active' AND r.expires_at <= $cut AND NOT " + HeldClause, args));
                    }
                    return 0;
                });
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
                    // Claim a batch: re-checks expiry, state and holds inside the transaction.
                    var tamperedNow = new List<(string Id, string Problem)>();
                    var claimed = _store.Change("purge recordings", ctx =>
                    {
                        var batch = new List<(string Id, long Bytes)>();
                        using (var cmd = ctx.Command("SELECT r.id, r.stored_bytes FROM recording r WHERE r.service_area_id = $a AND r.expires_at <= $cut AND " + RetentionRules.DueSql("$now") + " ORDER BY r.expires_at LIMIT " + (take + refused.Count),
                                   ("$a", areaId), ("$cut", Timestamp.ToText(cutoff)), ("$now", Timestamp.ToText(ctx.Now))))
                        using (var r = cmd.ExecuteReader())
                        {
                            while (r.Read() && batch.Count < take)
                            {
                                if (!refused.Contains(r.GetString(0))) batch.Add((r.GetString(0), r.GetInt64(1)));
                            }
                        }
                        // The row ledger (issue 11): a recording whose row, or a hold on it, is not what the module sealed is never claimed.
                        foreach (var (id, _) in batch.ToList())
                        {
                            var problem = LedgerGuard.PurgeProblem(ctx, id);
                            if (problem == null) continue;
                            batch.RemoveAll(b => b.Id == id);
                            tamperedNow.Add((id, problem));
                        }
                        using (var claim = ctx.Command("UPDATE recording SET state = 'PendingDelete' WHERE id = $id AND state = 'Active'", ("$id", "")))
                        {
                            foreach (var (id, _) in batch)
                            {
                                claim.Parameters["$id"].Value = id;
                                claim.ExecuteNonQuery();
                            }
                        }
                        return batch;
                    });
                    foreach (var (id, problem) in tamperedNow)
                    {
                        refused.Add(id);
                        s.IntegrityFailed++;
                        deleteFailed?.Invoke(LedgerGuard.RefuseDeletion(_store, id, problem));
                    }
                    if (claimed.Count == 0 && tamperedNow.Count == 0) break;
                    if (claimed.Count == 0) continue;
                    var failures = new List<PolicyException>();
                    FaultPoint.Reach(FaultPoint.PurgeAfterPending);
                    foreach (var (id, _) in claimed)
                    {
                        var failure = RecordingDeletion.DeleteFile(_store, id);
                        if (failure != null) failures.Add(failure);
                    }
                    var failed = new HashSet<string>(failures.Select(f => (string)f.Target), StringComparer.Ordinal);
                    FaultPoint.Reach(FaultPoint.PurgeAfterDelete);
                    _store.Change("purge recordings", ctx =>
                    {
                        foreach (var (id, bytes) in claimed)
                        {
                            if (failed.Contains(id)) continue;
                            if (RecordingDeletion.Finish(ctx, id, ctx.Principal, "Retention period ended (clause 2.5)", bytes))
                            {
                                s.Purged++;
                                s.BytesFreed += bytes;
                            }
                        }
                        foreach (var f in failures) RecordingDeletion.RecordFailure(ctx, (string)f.Target, "purge recordings", f);
                        return 0;
                    });
                    s.DeleteFailed += failures.Count;
                    foreach (var f in failures) deleteFailed?.Invoke(f);
                    purged += claimed.Count;
                    progress?.Invoke(purged, total);
                }
            }
            return summaries.Values.ToList();
        }

        private IEnumerable<(string Id, string AreaId, long Bytes)> Pending(IEnumerable<string> areaIds)
        {
            var set = new HashSet<string>(areaIds);
            return _store.Db.Read(c =>
            {
                var list = new List<(string, string, long)>();
                using (var cmd = PolicyDb.Command(c, null, "SELECT id, service_area_id, stored_bytes FROM recording WHERE state = 'PendingDelete'"))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read()) if (set.Contains(r.GetString(1))) list.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
                }
                return list;
            });
        }
    }
}
