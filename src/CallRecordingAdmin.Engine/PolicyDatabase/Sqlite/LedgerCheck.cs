using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>
    /// (In PolicyDatabase/Sqlite/ because it is the SQLite implementation; its signatures name no SQLite type.)
    /// The row ledger as the engine uses it (issue 11): the state check of Test-AuditChain -State and
    /// Test-RecordingStore -Deep, the head written into a checkpoint, and the one rule that the purge, holds, grants,
    /// roles and extraction never act on a row that fails its hash (RowIntegrityFailed).
    /// </summary>
    internal static class LedgerCheck
    {
#pragma warning disable CS0618 // the ledger's SQL is in SqliteLedger; RecordingStore.Db is the database it runs on
        internal static LedgerReport Verify(RecordingStore store) => store.Db.Read(c => SqliteLedger.Verify(c, store.StoreId));
#pragma warning restore CS0618

        /// <summary>Adds the state check to a chain report: any finding makes the report invalid and is named in its problem.</summary>
        internal static void AddState(RecordingStore store, AuditChainReport report)
        {
            var state = Verify(store);
            report.State = state;
            if (state.IsValid) return;
            report.IsValid = false;
            var text = state.Findings.Count + " difference(s) between the tables and the row ledger; the first: " + state.Findings[0].Message;
            report.Problem = report.Problem == null ? text : report.Problem + " " + text;
        }

        /// <summary>
        /// Test-AuditChain -Checkpoint: a checkpoint that recorded the ledger's head must still find that block with that hash
        /// (it covers every row hash sealed up to it). Old checkpoints without a ledger head are left as they were.
        /// </summary>
        internal static void AddCheckpoint(RecordingStore store, AuditChainReport report, AuditCheckpoint checkpoint)
        {
            if (checkpoint?.LedgerBlock == null) return;
            string problem = null;
            if (checkpoint.LedgerBlock.Value > 0)
            {
#pragma warning disable CS0618
                var hash = store.Db.Read(c => SqliteLedger.BlockHash(c, checkpoint.LedgerBlock.Value));
#pragma warning restore CS0618
                if (hash == null) problem = "Ledger block " + checkpoint.LedgerBlock + ", the state the checkpoint recorded, no longer exists: the ledger was truncated.";
                else if (!string.Equals(hash, checkpoint.LedgerHash, System.StringComparison.Ordinal))
                    problem = "Ledger block " + checkpoint.LedgerBlock + " no longer has the hash the checkpoint recorded: the state's history was rewritten.";
            }
            report.CheckpointStateVerified = problem == null;
            if (problem == null) return;
            report.IsValid = false;
            report.CheckpointVerified = false;
            report.Problem = report.Problem == null ? problem : report.Problem + " " + problem;
        }

        /// <summary>The ledger's head, read in the change's own transaction.</summary>
        internal static (long Block, string Hash) Head(ChangeContext ctx, string storeId) => SqliteLedger.Head(ctx.Db, storeId);

        /// <summary>Test-RecordingStore -Deep: the state check as store findings (one Ok line when it holds).</summary>
        internal static IEnumerable<StoreFinding> Findings(RecordingStore store)
        {
            var state = Verify(store);
            if (state.IsValid)
            {
                yield return new StoreFinding("RowLedger", FindingSeverity.Ok,
                    "Every one of " + state.Rows + " rows matches the hash its last module transaction sealed (" + state.Blocks + " ledger blocks, head " + state.HeadBlock + ").", store.DatabasePath);
                yield break;
            }
            foreach (var f in state.Findings)
            {
                yield return new StoreFinding("RowLedger", FindingSeverity.Error, f.Kind + ": " + f.Message, f.Table == null ? store.DatabasePath : f.Table + ":" + f.RowKey);
            }
        }

        /// <summary>Refuses (RowIntegrityFailed) unless the row is the one the ledger last sealed, or this transaction changed it.</summary>
        internal static void Require(IPolicySession session, string table, string key, string doing) => SqliteLedger.Require(session, table, key, doing);

        /// <summary>The row's problem, or null when it is the one the ledger last sealed.</summary>
        internal static string Problem(IPolicySession session, string table, string key)
        {
            var s = (SqliteSession)session;
            return SqliteLedger.Problem(s.Connection, s.Transaction, table, key);
        }
    }
}
