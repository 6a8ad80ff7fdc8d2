using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// The row ledger on SQLite (issue 11). TEMP triggers, made on each connection the module writes through and
    /// invisible to any other client, note the key of every row a module transaction inserts, updates or deletes in
    /// temp.ledger_pending; <see cref="Seal"/>, run by the write session just before it commits, hashes those rows
    /// in their canonical form (<see cref="LedgerCanonical"/>), appends one ledger_entry per row (its hash, or null for a
    /// deletion) and one ledger_block for the transaction: the previous block's hash, the audit events the
    /// transaction wrote (their range and the last one's hash) and the Merkle root of its entries. A change made
    /// with any other client (the sqlite3 shell) fires no TEMP trigger, so it is never sealed: it stays a difference
    /// between a row and its last entry, which <see cref="Verify"/> and <see cref="Require"/> find.
    /// </summary>
    internal static class SqliteLedger
    {
        public const int MigrationVersion = 9;
        public const string MigrationName = "Row ledger: every audited row hashed, every module transaction a chained block (issue 11)";

        public const string MigrationSql = @"
CREATE TABLE ledger_block (
    block           INTEGER PRIMARY KEY,
    prev_hash       TEXT NOT NULL,
    first_seq       INTEGER NOT NULL,
    last_seq        INTEGER NOT NULL,
    last_event_hash TEXT NOT NULL,
    entry_count     INTEGER NOT NULL,
    entries_root    TEXT NOT NULL,
    committed_at    TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE TABLE ledger_entry (
    block    INTEGER NOT NULL,
    tbl      TEXT NOT NULL,
    rk       TEXT NOT NULL,
    row_hash TEXT,
    PRIMARY KEY (tbl, rk, block)
) WITHOUT ROWID;
CREATE INDEX ledger_entry_block ON ledger_entry(block);
CREATE TRIGGER ledger_block_no_update BEFORE UPDATE ON ledger_block
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_block_no_delete BEFORE DELETE ON ledger_block
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
";

        /// <summary>The append-only triggers the migrations made: the state check reports one that is missing.</summary>
        public static readonly IReadOnlyList<string> AppendOnlyTriggers = new[]
        {
            "audit_event_no_update", "audit_event_no_delete", "access_log_no_update", "access_log_no_delete",
            "staff_notification_no_update", "staff_notification_no_delete", "notification_measure_no_update", "notification_measure_no_delete",
            "ledger_block_no_update", "ledger_block_no_delete", "ledger_entry_no_update", "ledger_entry_no_delete",
        };

        // ---- keys ----------------------------------------------------------------------------------------------

        private static string Part(string part, string prefix) =>
            part.StartsWith("ifnull(", StringComparison.Ordinal) ? "ifnull(" + prefix + part.Substring(7) : prefix + part;

        /// <summary>The SQL expression of a row's ledger key: its one key column as text, or a JSON array of its parts.</summary>
        internal static string KeySql(LedgerTable t, string prefix) =>
            t.Key.Count == 1 ? "CAST(" + Part(t.Key[0], prefix) + " AS TEXT)" : "json_array(" + string.Join(", ", t.Key.Select(k => Part(k, prefix))) + ")";

        /// <summary>The WHERE clause that finds the row of key $k (using the table's primary key or unique index).</summary>
        private static string LookupSql(LedgerTable t) =>
            t.Key.Count == 1 ? Part(t.Key[0], "") + " = $k"
                : string.Join(" AND ", t.Key.Select((k, i) => Part(k, "") + " = json_extract($k, '$[" + i.ToString(CultureInfo.InvariantCulture) + "]')"));

        // ---- the TEMP triggers ---------------------------------------------------------------------------------

        private static bool HasLedger(SqliteConnection c, SqliteTransaction tx) =>
            Convert.ToInt64(SqliteDatabase.Scalar(c, tx, "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'ledger_entry'")) > 0;

        private static bool HasPending(SqliteConnection c, SqliteTransaction tx) =>
            Convert.ToInt64(SqliteDatabase.Scalar(c, tx, "SELECT count(*) FROM sqlite_temp_master WHERE type = 'table' AND name = 'ledger_pending'")) > 0;

        /// <summary>Makes the TEMP pending table and triggers on this connection (once; they live as long as it), when the store has a ledger.</summary>
        internal static void Install(SqliteConnection c, SqliteTransaction tx)
        {
            if (HasPending(c, tx) || !HasLedger(c, tx)) return;
            var sql = new StringBuilder("CREATE TEMP TABLE ledger_pending (tbl TEXT NOT NULL, rk TEXT NOT NULL, PRIMARY KEY (tbl, rk)) WITHOUT ROWID;\n");
            foreach (var t in LedgerCanonical.Tables)
            {
                var name = t.Name;
                sql.Append("CREATE TEMP TRIGGER ledger_i_").Append(name).Append(" AFTER INSERT ON main.").Append(name)
                   .Append(" BEGIN INSERT OR IGNORE INTO ledger_pending(tbl, rk) VALUES ('").Append(name).Append("', ").Append(KeySql(t, "NEW.")).Append("); END;\n");
                sql.Append("CREATE TEMP TRIGGER ledger_u_").Append(name).Append(" AFTER UPDATE ON main.").Append(name)
                   .Append(" BEGIN INSERT OR IGNORE INTO ledger_pending(tbl, rk) VALUES ('").Append(name).Append("', ").Append(KeySql(t, "OLD."))
                   .Append("), ('").Append(name).Append("', ").Append(KeySql(t, "NEW.")).Append("); END;\n");
                sql.Append("CREATE TEMP TRIGGER ledger_d_").Append(name).Append(" AFTER DELETE ON main.").Append(name)
                   .Append(" BEGIN INSERT OR IGNORE INTO ledger_pending(tbl, rk) VALUES ('").Append(name).Append("', ").Append(KeySql(t, "OLD.")).Append("); END;\n");
            }
            SqliteDatabase.Execute(c, tx, sql.ToString());
        }

        // ---- hashing rows --------------------------------------------------------------------------------------

        /// <summary>Reads one row (null when there is none) and hashes it; one prepared command per table, reused.</summary>
        private sealed class RowReader : IDisposable
        {
            private readonly SqliteConnection _c;
            private readonly SqliteTransaction _tx;
            private readonly Dictionary<string, SqliteCommand> _commands = new Dictionary<string, SqliteCommand>(StringComparer.Ordinal);

            public RowReader(SqliteConnection c, SqliteTransaction tx) { _c = c; _tx = tx; }

            public bool TryHash(LedgerTable t, string key, out string hash)
            {
                if (!_commands.TryGetValue(t.Name, out var cmd))
                {
                    cmd = SqliteDatabase.Command(_c, _tx, "SELECT * FROM main." + t.Name + " WHERE " + LookupSql(t), ("$k", ""));
                    _commands[t.Name] = cmd;
                }
                cmd.Parameters["$k"].Value = key;
                using (var r = cmd.ExecuteReader())
                {
                    if (!r.Read()) { hash = null; return false; }
                    hash = HashOf(t, r, 0);
                    return true;
                }
            }

            public void Dispose()
            {
                foreach (var cmd in _commands.Values) cmd.Dispose();
            }
        }

        private static string HashOf(LedgerTable t, SqliteDataReader r, int from)
        {
            var columns = new List<KeyValuePair<string, object>>(r.FieldCount);
            for (var i = from; i < r.FieldCount; i++) columns.Add(new KeyValuePair<string, object>(r.GetName(i), r.GetValue(i)));
            return LedgerCanonical.RowHash(t, columns);
        }

        // ---- sealing a transaction -----------------------------------------------------------------------------

        /// <summary>Called by the write session just before it commits: seals what the transaction changed into one block.</summary>
        internal static void Seal(SqliteConnection c, SqliteTransaction tx)
        {
            if (!HasPending(c, tx)) return;
            var pending = new List<(string Table, string Key)>();
            using (var cmd = SqliteDatabase.Command(c, tx, "SELECT tbl, rk FROM temp.ledger_pending"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) pending.Add((r.GetString(0), r.GetString(1)));
            }
            if (pending.Count == 0) return;
            var entries = new List<(string Table, string Key, string Hash)>(pending.Count);
            using (var rows = new RowReader(c, tx))
            {
                foreach (var (table, key) in pending)
                {
                    rows.TryHash(LedgerCanonical.Table(table), key, out var hash);
                    entries.Add((table, key, hash));
                }
            }
            AppendBlock(c, tx, entries);
            SqliteDatabase.Execute(c, tx, "DELETE FROM temp.ledger_pending");
        }

        /// <summary>Appends one block of entries after the last block, covering the audit events written since it.</summary>
        private static (long Block, string Hash, string Root) AppendBlock(SqliteConnection c, SqliteTransaction tx, List<(string Table, string Key, string Hash)> entries)
        {
            entries.Sort((a, b) => LedgerCanonical.CompareEntries((a.Table, a.Key), (b.Table, b.Key)));
            var root = LedgerCanonical.MerkleRoot(entries.Select(e => LedgerCanonical.Leaf(e.Table, e.Key, e.Hash)).ToList());
            long block = 1, prevLast = 0;
            string prevHash = null;
            using (var cmd = SqliteDatabase.Command(c, tx, "SELECT block, hash, last_seq FROM ledger_block ORDER BY block DESC LIMIT 1"))
            using (var r = cmd.ExecuteReader())
            {
                if (r.Read()) { block = r.GetInt64(0) + 1; prevHash = r.GetString(1); prevLast = r.GetInt64(2); }
            }
            if (prevHash == null)
            {
                prevHash = LedgerCanonical.Genesis(SqliteDatabase.Scalar(c, tx, "SELECT value FROM store_meta WHERE key = 'store_id'") as string ?? "");
            }
            long lastSeq = prevLast;
            string lastHash = "", at = "";
            using (var cmd = SqliteDatabase.Command(c, tx, "SELECT seq, hash, occurred_at FROM audit_event ORDER BY seq DESC LIMIT 1"))
            using (var r = cmd.ExecuteReader())
            {
                if (r.Read()) { lastSeq = r.GetInt64(0); lastHash = r.GetString(1); at = r.GetString(2); }
            }
            var hash = LedgerCanonical.Sha256Hex(LedgerCanonical.CanonicalBlock(block, prevHash, prevLast + 1, lastSeq, lastHash, entries.Count, root, at));
            SqliteDatabase.Execute(c, tx,
                "INSERT INTO ledger_block(block, prev_hash, first_seq, last_seq, last_event_hash, entry_count, entries_root, committed_at, hash) VALUES ($b, $p, $f, $l, $lh, $n, $root, $at, $h)",
                ("$b", block), ("$p", prevHash), ("$f", prevLast + 1), ("$l", lastSeq), ("$lh", lastHash), ("$n", (long)entries.Count), ("$root", root), ("$at", at), ("$h", hash));
            using (var insert = SqliteDatabase.Command(c, tx, "INSERT INTO ledger_entry(block, tbl, rk, row_hash) VALUES ($b, $t, $k, $h)", ("$b", block), ("$t", ""), ("$k", ""), ("$h", "")))
            {
                foreach (var e in entries)
                {
                    insert.Parameters["$t"].Value = e.Table;
                    insert.Parameters["$k"].Value = e.Key;
                    insert.Parameters["$h"].Value = (object)e.Hash ?? DBNull.Value;
                    insert.ExecuteNonQuery();
                }
            }
            return (block, hash, root);
        }

        /// <summary>
        /// Migration 9 on a store that already has rows: hashes every row as it stands, records that as a LedgerBaseline
        /// audit event and seals it as the first block. What happened before cannot be proven; the event says so.
        /// </summary>
        internal static void Baseline(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now)
        {
            var hasMeta = Convert.ToInt64(SqliteDatabase.Scalar(c, tx, "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = 'store_meta'")) > 0;
            var storeId = hasMeta ? SqliteDatabase.Scalar(c, tx, "SELECT value FROM store_meta WHERE key = 'store_id'") as string : null;
            if (storeId == null) return; // a new store: its first rows are sealed by the transaction that writes them
            var entries = new List<(string Table, string Key, string Hash)>();
            foreach (var t in LedgerCanonical.Tables)
            {
                using (var cmd = SqliteDatabase.Command(c, tx, "SELECT " + KeySql(t, "") + " AS ledger_rk, * FROM main." + t.Name))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read()) entries.Add((t.Name, r.GetString(0), HashOf(t, r, 1)));
                }
            }
            entries.Sort((a, b) => LedgerCanonical.CompareEntries((a.Table, a.Key), (b.Table, b.Key)));
            var root = LedgerCanonical.MerkleRoot(entries.Select(e => LedgerCanonical.Leaf(e.Table, e.Key, e.Hash)).ToList());
            var account = Principal.OperatingSystemAccount();
            long prevSeq = 0;
            var prevHash = AuditChain.Genesis(storeId);
            using (var cmd = SqliteDatabase.Command(c, tx, "SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1"))
            using (var r = cmd.ExecuteReader())
            {
                if (r.Read()) { prevSeq = r.GetInt64(0); prevHash = r.GetString(1); }
            }
            var e = AuditChain.Next(prevSeq, prevHash, now, account, account, "LedgerBaseline", "RecordingStore", storeId, new Dictionary<string, object>
            {
                ["rows"] = entries.Count,
                ["entriesRoot"] = root,
                ["migration"] = MigrationVersion,
                ["note"] = "Every row as it stood when the row ledger was added. Changes made before this event cannot be proven or disproven by the ledger; the audit chain before it is the only record of them.",
            });
            SqliteDatabase.Execute(c, tx,
                "INSERT INTO audit_event(seq, occurred_at, principal, os_account, format, action, target_type, target, details, prev_hash, hash) VALUES ($s, $o, $p, $os, $f, $a, $tt, $t, $d, $ph, $h)",
                ("$s", e.Sequence), ("$o", Timestamp.ToText(now)), ("$p", e.Principal), ("$os", e.OsAccount), ("$f", e.Format), ("$a", e.Action), ("$tt", e.TargetType),
                ("$t", e.Target), ("$d", e.Details), ("$ph", e.PreviousHash), ("$h", e.Hash));
            AppendBlock(c, tx, entries);
        }

        // ---- checks --------------------------------------------------------------------------------------------

        /// <summary>Why the row of <paramref name="key"/> in <paramref name="table"/> is not the one the ledger last sealed; null when it is (or when this transaction changed it).</summary>
        internal static string Problem(SqliteConnection c, SqliteTransaction tx, string table, string key)
        {
            var t = LedgerCanonical.Table(table) ?? throw new ArgumentException("Not a ledger table: " + table, nameof(table));
            if (!HasLedger(c, tx)) return null;
            if (HasPending(c, tx) && Convert.ToInt64(SqliteDatabase.Scalar(c, tx, "SELECT count(*) FROM temp.ledger_pending WHERE tbl = $t AND rk = $k", ("$t", table), ("$k", key))) > 0)
            {
                return null; // changed by this transaction: sealed when it commits
            }
            string sealedHash = null;
            long? block = null;
            using (var cmd = SqliteDatabase.Command(c, tx, "SELECT row_hash, block FROM ledger_entry WHERE tbl = $t AND rk = $k ORDER BY block DESC LIMIT 1", ("$t", table), ("$k", key)))
            using (var r = cmd.ExecuteReader())
            {
                if (r.Read()) { sealedHash = r.IsDBNull(0) ? null : r.GetString(0); block = r.GetInt64(1); }
            }
            string hash;
            bool exists;
            using (var rows = new RowReader(c, tx)) exists = rows.TryHash(t, key, out hash);
            return Describe(table, key, exists, hash, block.HasValue, sealedHash, block, c, tx);
        }

        private static string Describe(string table, string key, bool exists, string hash, bool known, string sealedHash, long? block, SqliteConnection c, SqliteTransaction tx)
        {
            if (!exists && (!known || sealedHash == null)) return null;
            if (exists && known && sealedHash != null && string.Equals(hash, sealedHash, StringComparison.Ordinal)) return null;
            var evt = block.HasValue ? EventOf(c, tx, block.Value) : "";
            if (!exists) return table + " row " + key + " was deleted outside the module: the ledger's block " + block + evt + " says it exists.";
            if (!known) return table + " row " + key + " was inserted outside the module: no module transaction wrote it.";
            if (sealedHash == null) return table + " row " + key + " exists but the ledger's block " + block + evt + " deleted it: it was put back outside the module.";
            return table + " row " + key + " was changed outside the module: its content no longer matches the hash sealed by block " + block + evt + ".";
        }

        private static string EventOf(SqliteConnection c, SqliteTransaction tx, long block)
        {
            var seq = SqliteDatabase.Scalar(c, tx, "SELECT last_seq FROM ledger_block WHERE block = $b", ("$b", block));
            return seq == null ? "" : " (audit event " + Convert.ToString(seq, CultureInfo.InvariantCulture) + ")";
        }

        /// <summary>
        /// Why the holds on a recording cannot be trusted, or null: every hold link the ledger ever sealed for it and every
        /// one there is now must be the one sealed (a link deleted outside the module would let the purge delete a held
        /// recording), and so must each of their holds (a released_at set outside the module).
        /// </summary>
        internal static string HoldProblem(SqliteConnection c, SqliteTransaction tx, string recordingId)
        {
            if (!HasLedger(c, tx)) return null;
            var keys = new SortedSet<string>(StringComparer.Ordinal);
            using (var cmd = SqliteDatabase.Command(c, tx,
                       "SELECT DISTINCT rk FROM ledger_entry WHERE tbl = 'legal_hold_recording' AND substr(rk, -length(',' || json_quote($r) || ']')) = ',' || json_quote($r) || ']' " +
                       "UNION SELECT json_array(hold_id, recording_id) FROM legal_hold_recording WHERE recording_id = $r", ("$r", recordingId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) keys.Add(r.GetString(0));
            }
            foreach (var key in keys)
            {
                var problem = Problem(c, tx, "legal_hold_recording", key);
                if (problem != null) return problem;
                var holdId = KeyPart(key, 0);
                if (holdId != null && (problem = Problem(c, tx, "legal_hold", holdId)) != null) return problem;
            }
            return null;
        }

        /// <summary>Refuses to act on a row that fails its hash (RowIntegrityFailed): the rule behind the purge, holds, grants, roles and extraction.</summary>
        internal static void Require(SqliteConnection c, SqliteTransaction tx, string table, string key, string doing)
        {
            var problem = Problem(c, tx, table, key);
            if (problem != null)
            {
                throw new PolicyException("RowIntegrityFailed", FailureKind.InvalidData,
                    "Refused to " + doing + ": " + problem + " Test-AuditChain -State lists every such row; restore the store from a backup or investigate before acting on it.", key);
            }
        }

        internal static void Require(IPolicySession session, string table, string key, string doing)
        {
            var s = (SqliteSession)session;
            Require(s.Connection, s.Transaction, table, key, doing);
        }

        /// <summary>The newest block (0 and the genesis hash when there is none).</summary>
        internal static (long Block, string Hash) Head(SqliteConnection c, SqliteTransaction tx, string storeId)
        {
            if (!HasLedger(c, tx)) return (0, null);
            using (var cmd = SqliteDatabase.Command(c, tx, "SELECT block, hash FROM ledger_block ORDER BY block DESC LIMIT 1"))
            using (var r = cmd.ExecuteReader())
            {
                return r.Read() ? (r.GetInt64(0), r.GetString(1)) : (0L, LedgerCanonical.Genesis(storeId));
            }
        }

        /// <summary>The hash of block <paramref name="block"/>, or null when there is no such block (or no ledger).</summary>
        internal static string BlockHash(SqliteConnection c, long block) =>
            HasLedger(c, null) ? SqliteDatabase.Scalar(c, null, "SELECT hash FROM ledger_block WHERE block = $b", ("$b", block)) as string : null;

        internal static (long Block, string Hash) Head(IPolicySession session, string storeId)
        {
            var s = (SqliteSession)session;
            return Head(s.Connection, s.Transaction, storeId);
        }

        /// <summary>
        /// The whole state check (Test-AuditChain -State, Test-RecordingStore -Deep): the blocks chain and each is tied to
        /// its audit event; each block's entries give its Merkle root; every row of every audited table is the one its
        /// last entry sealed, every row the ledger says exists exists and no other does; each access-log row names its
        /// own audit event; the append-only triggers are in place. Streams each table once.
        /// </summary>
        internal static LedgerReport Verify(SqliteConnection c, string storeId)
        {
            var report = new LedgerReport();
            var findings = report.Findings;
            if (!HasLedger(c, null))
            {
                findings.Add(new LedgerFinding("LedgerMissing", null, null, null, null, "The store has no row ledger (ledger_block, ledger_entry): it was dropped, or the store predates migration 9."));
                return report;
            }

            // The genesis is bound to the store id the database holds (store_meta is itself a ledgered row).
            storeId = SqliteDatabase.Scalar(c, null, "SELECT value FROM store_meta WHERE key = 'store_id'") as string ?? storeId;
            // 1. Blocks: consecutive, chained, each tied to the audit event it names.
            var blocks = new Dictionary<long, (string Root, long Count, long LastSeq)>();
            long expected = 1, prevLast = 0;
            var prevHash = LedgerCanonical.Genesis(storeId);
            using (var cmd = SqliteDatabase.Command(c, null, @"SELECT b.block, b.prev_hash, b.first_seq, b.last_seq, b.last_event_hash, b.entry_count, b.entries_root, b.committed_at, b.hash, e.hash
                                                               FROM ledger_block b LEFT JOIN audit_event e ON e.seq = b.last_seq ORDER BY b.block"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    long block = r.GetInt64(0), first = r.GetInt64(2), last = r.GetInt64(3), count = r.GetInt64(5);
                    string prev = r.GetString(1), lastEventHash = r.GetString(4), root = r.GetString(6), at = r.GetString(7), hash = r.GetString(8);
                    var eventHash = r.IsDBNull(9) ? null : r.GetString(9);
                    blocks[block] = (root, count, last);
                    string problem = null;
                    if (block != expected) problem = "Ledger block " + expected + (block - expected > 1 ? " to " + (block - 1) : "") + " is missing: the next block present is " + block + ".";
                    else if (!string.Equals(prev, prevHash, StringComparison.Ordinal)) problem = "Ledger block " + block + " does not follow block " + (block - 1) + ": its previous-hash does not match.";
                    else if (!string.Equals(hash, LedgerCanonical.Sha256Hex(LedgerCanonical.CanonicalBlock(block, prev, first, last, lastEventHash, count, root, at)), StringComparison.Ordinal))
                        problem = "Ledger block " + block + " was altered: its content no longer matches its hash.";
                    else if (first != prevLast + 1 || last < prevLast) problem = "Ledger block " + block + " claims audit events " + first + " to " + last + ", but the block before it ended at event " + prevLast + ".";
                    else if (last > 0 && !string.Equals(eventHash, lastEventHash, StringComparison.Ordinal))
                        problem = "Ledger block " + block + " was sealed with audit event " + last + ", which " + (eventHash == null ? "no longer exists." : "no longer has the hash it had.");
                    if (problem != null) findings.Add(new LedgerFinding("LedgerBlockBroken", "ledger_block", block.ToString(CultureInfo.InvariantCulture), null, last, problem));
                    expected = block + 1;
                    prevHash = hash;
                    prevLast = last;
                    report.Blocks++;
                    report.HeadBlock = block;
                    report.HeadHash = hash;
                }
            }
            if (report.HeadHash == null) report.HeadHash = prevHash;

            // 2. Each block's entries give its Merkle root.
            long current = -1;
            var leaves = new List<(string Table, string Key, string Hash)>();
            void Close()
            {
                if (current < 0) return;
                leaves.Sort((a, b) => LedgerCanonical.CompareEntries((a.Table, a.Key), (b.Table, b.Key)));
                var root = LedgerCanonical.MerkleRoot(leaves.Select(e => LedgerCanonical.Leaf(e.Table, e.Key, e.Hash)).ToList());
                if (!blocks.TryGetValue(current, out var b))
                    findings.Add(new LedgerFinding("LedgerEntryOrphan", "ledger_entry", current.ToString(CultureInfo.InvariantCulture), null, null, leaves.Count + " ledger entries name block " + current + ", which does not exist."));
                else if (b.Count != leaves.Count || !string.Equals(b.Root, root, StringComparison.Ordinal))
                    findings.Add(new LedgerFinding("LedgerEntriesAltered", "ledger_block", current.ToString(CultureInfo.InvariantCulture), null, b.LastSeq,
                        "The entries of ledger block " + current + " were altered: " + leaves.Count + " entries (the block sealed " + b.Count + ") whose Merkle root is not the block's."));
                leaves.Clear();
            }
            var seen = new HashSet<long>();
            using (var cmd = SqliteDatabase.Command(c, null, "SELECT block, tbl, rk, row_hash FROM ledger_entry ORDER BY block"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    var block = r.GetInt64(0);
                    if (block != current) { Close(); current = block; seen.Add(block); }
                    leaves.Add((r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
                    report.Entries++;
                }
            }
            Close();
            foreach (var b in blocks.Where(b => b.Value.Count > 0 && !seen.Contains(b.Key)))
                findings.Add(new LedgerFinding("LedgerEntriesAltered", "ledger_block", b.Key.ToString(CultureInfo.InvariantCulture), null, b.Value.LastSeq,
                    "Every entry of ledger block " + b.Key + " was deleted (it sealed " + b.Value.Count + ")."));

            // 3. Every row of every audited table against its last entry.
            foreach (var t in LedgerCanonical.Tables)
            {
                var sealedRows = new Dictionary<string, (string Hash, long Block)>(StringComparer.Ordinal);
                using (var cmd = SqliteDatabase.Command(c, null, "SELECT rk, row_hash, block FROM ledger_entry WHERE tbl = $t ORDER BY rk, block", ("$t", t.Name)))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read()) sealedRows[r.GetString(0)] = (r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2));
                }
                var hasTable = Convert.ToInt64(SqliteDatabase.Scalar(c, null, "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name = $t", ("$t", t.Name))) > 0;
                if (hasTable)
                {
                    using (var cmd = SqliteDatabase.Command(c, null, "SELECT " + KeySql(t, "") + " AS ledger_rk, * FROM main." + t.Name))
                    using (var r = cmd.ExecuteReader())
                    {
                        while (r.Read())
                        {
                            report.Rows++;
                            var key = r.IsDBNull(0) ? "" : r.GetString(0);
                            var hash = HashOf(t, r, 1);
                            var known = sealedRows.TryGetValue(key, out var s);
                            if (known) sealedRows.Remove(key);
                            if (known && s.Hash != null && string.Equals(s.Hash, hash, StringComparison.Ordinal)) continue;
                            long? seq = known && blocks.TryGetValue(s.Block, out var b) ? b.LastSeq : (long?)null;
                            if (!known)
                                findings.Add(new LedgerFinding("RowInsertedOutside", t.Name, key, null, null, t.Name + " row " + key + " was inserted outside the module: no module transaction wrote it."));
                            else if (s.Hash == null)
                                findings.Add(new LedgerFinding("RowRestoredOutside", t.Name, key, null, seq, t.Name + " row " + key + " exists, but ledger block " + s.Block + " (audit event " + seq + ") recorded its deletion."));
                            else
                                findings.Add(new LedgerFinding("RowChangedOutside", t.Name, key, null, seq, t.Name + " row " + key + " was changed outside the module: its content no longer matches the hash sealed by ledger block " + s.Block + " (audit event " + seq + ")."));
                        }
                    }
                }
                foreach (var gone in sealedRows.Where(p => p.Value.Hash != null))
                {
                    long? seq = blocks.TryGetValue(gone.Value.Block, out var b) ? b.LastSeq : (long?)null;
                    findings.Add(new LedgerFinding("RowDeletedOutside", t.Name, gone.Key, null, seq,
                        t.Name + " row " + gone.Key + " was deleted outside the module: ledger block " + gone.Value.Block + " (audit event " + seq + ") sealed it and no module transaction deleted it."));
                }
            }

            // 4. Each access-log row names its own audit event.
            using (var cmd = SqliteDatabase.Command(c, null, "SELECT l.id, l.audit_seq, l.audit_hash, e.hash FROM access_log l LEFT JOIN audit_event e ON e.seq = l.audit_seq WHERE e.hash IS NULL OR e.hash <> l.audit_hash"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    var id = Convert.ToString(r.GetValue(0), CultureInfo.InvariantCulture);
                    var seq = r.IsDBNull(1) ? (long?)null : r.GetInt64(1);
                    findings.Add(new LedgerFinding("AccessLogEventMismatch", "access_log", id, "audit_hash", seq,
                        "access_log row " + id + " names audit event " + seq + (r.IsDBNull(3) ? ", which does not exist." : " with a hash that is not that event's.")));
                }
            }

            // 5. The append-only triggers.
            var triggers = new HashSet<string>(StringComparer.Ordinal);
            using (var cmd = SqliteDatabase.Command(c, null, "SELECT name FROM main.sqlite_master WHERE type = 'trigger'"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) triggers.Add(r.GetString(0));
            }
            foreach (var missing in AppendOnlyTriggers.Where(n => !triggers.Contains(n)))
            {
                findings.Add(new LedgerFinding("AppendOnlyTriggerMissing", "sqlite_master", missing, null, null,
                    "The append-only trigger " + missing + " was dropped outside the module: rows of its table can be changed without the database refusing."));
            }
            return report;
        }

        /// <summary>
        /// Tests only: runs <paramref name="sql"/> in a transaction sealed as a module transaction is (the TEMP triggers
        /// on, the ledger block appended at commit), to set up a state the module itself could have written (an
        /// interrupted purge, a store from before a column existed) without its rows reading as tampered. Tampering
        /// tests use a plain connection instead. Sealed blocks carry no audit event of their own.
        /// </summary>
        internal static object ExecuteAsModule(string databasePath, string sql)
        {
            var cs = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, DefaultTimeout = 60 }.ToString();
            using (var c = new SqliteConnection(cs))
            {
                c.Open();
                SqliteDatabase.Execute(c, null, "PRAGMA foreign_keys=ON;");
                using (var tx = c.BeginTransaction(System.Data.IsolationLevel.Serializable, deferred: false))
                {
                    Install(c, tx);
                    var result = SqliteDatabase.Execute(c, tx, sql);
                    Seal(c, tx);
                    tx.Commit();
                    return result;
                }
            }
        }

        /// <summary>The recording id in a legal_hold_recording key (a JSON array [hold_id, recording_id]).</summary>
        internal static string KeyPart(string key, int index)
        {
            try
            {
                using (var doc = JsonDocument.Parse(key))
                {
                    return doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() > index ? doc.RootElement[index].ToString() : null;
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
