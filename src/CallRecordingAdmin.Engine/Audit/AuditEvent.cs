using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>One row of the append-only, hash-chained audit log.</summary>
    public sealed class AuditEvent
    {
        public long Sequence { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public string Principal { get; set; }
        /// <summary>The operating-system account that ran the change (hashed with the event); null for events written before migration 5.</summary>
        public string OsAccount { get; set; }
        /// <summary>True when the acting principal is not the operating-system account (-Identity named someone else).</summary>
        public bool PrincipalDiffersFromOsAccount => Differs(Principal, OsAccount);
        /// <summary>The canonical form the hash covers: 1 before migration 5, 2 with the operating-system account.</summary>
        public int Format { get; set; }
        public string Action { get; set; }
        public string TargetType { get; set; }
        public string Target { get; set; }
        /// <summary>The event's details as compact JSON with sorted keys.</summary>
        public string Details { get; set; }
        public string PreviousHash { get; set; }
        public string Hash { get; set; }

        internal static bool Differs(string principal, string osAccount) =>
            !string.IsNullOrEmpty(osAccount) && !string.Equals(principal, osAccount, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What Test-AuditChain found.</summary>
    public sealed class AuditChainReport
    {
        public bool IsValid { get; set; }
        public long EventCount { get; set; }
        public long HeadSequence { get; set; }
        public string HeadHash { get; set; }
        /// <summary>The first sequence number at which the chain does not hold; null when it holds.</summary>
        public long? FirstBrokenSequence { get; set; }
        public string Problem { get; set; }
        public string CheckpointPath { get; set; }
        public long? CheckpointSequence { get; set; }
        /// <summary>True when a checkpoint was given and the chain still contains it unchanged.</summary>
        public bool? CheckpointVerified { get; set; }
        /// <summary>Events whose acting principal is not the operating-system account that ran them (-Identity named someone else).</summary>
        public long EventsWithOtherPrincipal { get; set; }
        /// <summary>Events written before migration 5, which carry no operating-system account.</summary>
        public long EventsWithoutOsAccount { get; set; }
        /// <summary>The row ledger's check (Test-AuditChain -State): null when not asked for.</summary>
        public LedgerReport State { get; set; }
        /// <summary>Every difference the state check found between the tables and the ledger (empty when it held or was not run).</summary>
        public IReadOnlyList<LedgerFinding> StateFindings => State?.Findings ?? (IReadOnlyList<LedgerFinding>)new LedgerFinding[0];
        /// <summary>True when a checkpoint with a ledger head was given and the ledger still holds that block unchanged.</summary>
        public bool? CheckpointStateVerified { get; set; }
    }

    /// <summary>The head of the chain written outside the database (Export-AuditCheckpoint).</summary>
    public sealed class AuditCheckpoint
    {
        public string StoreId { get; set; }
        public long Sequence { get; set; }
        public string Hash { get; set; }
        public DateTimeOffset WrittenAt { get; set; }
        public string WrittenBy { get; set; }
        public string Path { get; set; }
        /// <summary>The row ledger's head block at the checkpoint (the state digest); null in a checkpoint written before the ledger.</summary>
        public long? LedgerBlock { get; set; }
        /// <summary>That block's hash: it covers every row hash sealed up to it.</summary>
        public string LedgerHash { get; set; }
    }

    /// <summary>Filters for Get-AuditEvent.</summary>
    public sealed class AuditQuery
    {
        public DateTimeOffset? After { get; set; }
        public DateTimeOffset? Before { get; set; }
        public string Principal { get; set; }
        public string Action { get; set; }
        public string Target { get; set; }
        public long? AfterSequence { get; set; }
        public int? First { get; set; }
    }
}
