using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>
    /// One difference between the store's state and its row ledger: a row changed, inserted or deleted outside the
    /// module, a broken ledger block, an access-log row that names another audit event, a dropped append-only trigger.
    /// </summary>
    public sealed class LedgerFinding
    {
        public LedgerFinding(string kind, string table, string rowKey, string column, long? auditSequence, string message)
        {
            Kind = kind;
            Table = table;
            RowKey = rowKey;
            Column = column;
            AuditSequence = auditSequence;
            Message = message;
        }

        /// <summary>RowChangedOutside, RowInsertedOutside, RowDeletedOutside, RowRestoredOutside, LedgerBlockBroken, LedgerEntriesAltered, LedgerEntryOrphan, AccessLogEventMismatch, AppendOnlyTriggerMissing or LedgerMissing.</summary>
        public string Kind { get; }
        public string Table { get; }
        /// <summary>The row's id (a JSON array of its key's parts where the key has several).</summary>
        public string RowKey { get; }
        /// <summary>The column, where the check can name one (the row hash covers the whole row, so a changed row names none).</summary>
        public string Column { get; }
        /// <summary>The audit event the row contradicts: the last event of the transaction that last sealed it.</summary>
        public long? AuditSequence { get; }
        public string Message { get; }

        public override string ToString() => Message;
    }

    /// <summary>What the state check found, and the ledger's head (block number and hash), which Export-AuditCheckpoint writes out.</summary>
    public sealed class LedgerReport
    {
        public long Blocks { get; set; }
        public long Entries { get; set; }
        public long Rows { get; set; }
        public long HeadBlock { get; set; }
        public string HeadHash { get; set; }
        public List<LedgerFinding> Findings { get; } = new List<LedgerFinding>();
        public bool IsValid => Findings.Count == 0;
    }
}
