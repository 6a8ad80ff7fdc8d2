using System.Collections.Generic;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>Reading and verifying the audit chain: Administrators and Auditors only.</summary>
    public sealed class AuditLog
    {
        private readonly RecordingStore _store;

        internal AuditLog(RecordingStore store) { _store = store; }

        private void RequireReader(string doing) =>
            _store.Check(doing, null, ctx => ctx.RequireAny(doing, null, null, RecordingRole.Administrator, RecordingRole.Auditor));

        public IEnumerable<AuditEvent> Get(AuditQuery query)
        {
            RequireReader("read the audit log");
            return Events(query ?? new AuditQuery());
        }

        /// <summary>Streams within one read session, closed when the enumeration ends or is abandoned.</summary>
        private IEnumerable<AuditEvent> Events(AuditQuery query)
        {
            using (var session = _store.Database.Read())
            {
                foreach (var e in session.Audit.Query(query)) yield return e;
            }
        }

        public AuditChainReport Verify(string checkpointPath = null, bool state = false)
        {
            RequireReader("verify the audit chain");
            var checkpoint = checkpointPath == null ? null : AuditChain.ReadCheckpoint(checkpointPath);
            var report = _store.Database.Read(session => AuditChain.Verify(session.Audit, _store.StoreId, checkpoint));
            LedgerCheck.AddCheckpoint(_store, report, checkpoint); // the checkpoint's state digest (issue 11)
            if (state) LedgerCheck.AddState(_store, report);
            // The outcome is recorded (hashed with the rest) so the compliance report need not walk a million events itself.
            _store.Change("record the audit chain check (Test-AuditChain)", ctx => ctx.Audit(AuditRules.ChainCheckAction, "AuditChain", _store.StoreId, new Dictionary<string, object>
            {
                ["valid"] = report.IsValid,
                ["events"] = report.EventCount,
                ["head"] = report.HeadSequence,
                ["firstBroken"] = report.FirstBrokenSequence,
                ["problem"] = report.Problem,
                ["checkpointSequence"] = report.CheckpointSequence,
                ["checkpointVerified"] = report.CheckpointVerified,
                ["stateFindings"] = report.State?.Findings.Count,
            }));
            return report;
        }

        /// <summary>Records the export as an event, then writes that event's sequence and hash to <paramref name="path"/>.</summary>
        public AuditCheckpoint ExportCheckpoint(string path)
        {
            var full = System.IO.Path.GetFullPath(path);
            StorePaths.Checked(_store, "export an audit checkpoint", full);
            var head = _store.Change("export an audit checkpoint", ctx =>
            {
                ctx.RequireAny("export an audit checkpoint", null, null, RecordingRole.Administrator, RecordingRole.Auditor);
                var ledger = LedgerCheck.Head(ctx, _store.StoreId);
                return (Event: ctx.Audit("ExportAuditCheckpoint", "AuditCheckpoint", full, new Dictionary<string, object> { ["ledgerBlock"] = ledger.Block, ["ledgerHash"] = ledger.Hash }), Ledger: ledger);
            });
            var checkpoint = new AuditCheckpoint
            {
                StoreId = _store.StoreId, Sequence = head.Event.Sequence, Hash = head.Event.Hash, WrittenAt = head.Event.OccurredAt, WrittenBy = _store.Identity,
                LedgerBlock = head.Ledger.Block, LedgerHash = head.Ledger.Hash,
            };
            AuditChain.WriteCheckpoint(checkpoint, full, _store);
            return checkpoint;
        }
    }
}
