using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>The logical type of a column in the row ledger's canonical form (what a value means, not how a dialect stores it).</summary>
    public enum LedgerType
    {
        /// <summary>Text (ids, names, and timestamps in the module's one text form, Timestamp.ToText).</summary>
        Text,
        /// <summary>A whole number.</summary>
        Integer,
        /// <summary>A floating-point number (hashed as its IEEE-754 bits).</summary>
        Real,
        /// <summary>A flag: SQLite stores 0/1, PostgreSQL a boolean; both hash as the integer 0 or 1.</summary>
        Boolean,
    }

    /// <summary>
    /// One table under the row ledger: its name, the columns that identify a row (its key, as the ledger names it)
    /// and the logical type of every column that is not text. Declared here, in C#, so that the canonical form of a
    /// row is the same whatever dialect stores it (SQLite's type affinity today, PostgreSQL's types later).
    /// </summary>
    public sealed class LedgerTable
    {
        internal LedgerTable(string name, string[] key, params (string Column, LedgerType Type)[] typed)
        {
            Name = name;
            Key = key;
            Types = typed.ToDictionary(t => t.Column, t => t.Type, StringComparer.Ordinal);
        }

        public string Name { get; }
        /// <summary>The key's parts: column names, or an expression over one ('ifnull(user_id, '')') where the table has no primary key.</summary>
        public IReadOnlyList<string> Key { get; }
        /// <summary>Columns that are not text; every other column is <see cref="LedgerType.Text"/>.</summary>
        public IReadOnlyDictionary<string, LedgerType> Types { get; }

        public LedgerType TypeOf(string column) => Types.TryGetValue(column, out var t) ? t : LedgerType.Text;
    }

    /// <summary>
    /// The row ledger's pure part: which tables it covers, the canonical form of a row and its hash, the Merkle root of
    /// a block's entries and the hash of a block. No SQL here: PolicyDatabase/Sqlite/SqliteLedger.cs reads and writes.
    /// </summary>
    /// <remarks>
    /// Canonical row, format 1 ("crledger-row/1"): the table name, then every column whose value is not null, in ordinal
    /// order of column name, each as <c>name:tag:length:value\n</c>; tag t (text, UTF-8), i (integer, decimal), r (real,
    /// the 16 hex digits of its IEEE-754 bits), x (bytes, hex). A value is converted to its column's declared type
    /// when it can be (an integer in a real column hashes as a real); one that cannot keeps the tag of what it is, so
    /// its hash differs. Null columns are left out, so a migration that adds a nullable column leaves every hash as it
    /// was. The row hash is SHA-256 of the UTF-8 bytes, lower-case hex.
    /// </remarks>
    public static class LedgerCanonical
    {
        public const string RowFormat = "crledger-row/1";
        public const string BlockFormat = "crledger-block/1";

        private static readonly string[] Id = { "id" };

        /// <summary>Every table whose rows the module acts on. Not here: audit_event (its own chain), the ledger's tables, schema_migration.</summary>
        public static readonly IReadOnlyList<LedgerTable> Tables = new[]
        {
            new LedgerTable("store_meta", new[] { "key" }),
            new LedgerTable("service_area", Id, ("retention_value", LedgerType.Integer), ("automated_notice", LedgerType.Boolean)),
            new LedgerTable("role_assignment", Id),
            new LedgerTable("recorded_extension", Id, ("labelled", LedgerType.Boolean)),
            new LedgerTable("recording_request", Id, ("retention_value", LedgerType.Integer), ("special_category_data", LedgerType.Boolean),
                ("identity_validation", LedgerType.Boolean), ("payment_card_data", LedgerType.Boolean)),
            new LedgerTable("request_access_level", new[] { "request_id", "staff_group" }),
            new LedgerTable("request_consultation", Id),
            new LedgerTable("recording", Id, ("duration_seconds", LedgerType.Real), ("size_bytes", LedgerType.Integer), ("stored_bytes", LedgerType.Integer)),
            new LedgerTable("access_grant", Id),
            new LedgerTable("access_log", Id, ("id", LedgerType.Integer), ("audit_seq", LedgerType.Integer)),
            new LedgerTable("legal_hold", Id),
            new LedgerTable("legal_hold_recording", new[] { "hold_id", "recording_id" }),
            new LedgerTable("investigation_request", Id),
            new LedgerTable("subject_access_request", Id, ("extended", LedgerType.Boolean), ("recordings_exported", LedgerType.Integer)),
            new LedgerTable("service_area_member", Id),
            new LedgerTable("staff_notification", Id),
            new LedgerTable("notification_measure", Id),
            new LedgerTable("mail_outbox", Id),
            new LedgerTable("call_participant", new[] { "recording_id", "directory_call_id", "role", "ifnull(user_id, '')", "ifnull(phone_number, '')" }),
        };

        private static readonly Dictionary<string, LedgerTable> ByName = Tables.ToDictionary(t => t.Name, StringComparer.Ordinal);

        public static LedgerTable Table(string name) => ByName.TryGetValue(name, out var t) ? t : null;

        /// <summary>The canonical text of one row: <paramref name="columns"/> are (name, value as the database returned it; null or DBNull for null).</summary>
        public static string CanonicalRow(LedgerTable table, IEnumerable<KeyValuePair<string, object>> columns)
        {
            var sb = new StringBuilder(512);
            sb.Append(RowFormat).Append('\n').Append(table.Name).Append('\n');
            foreach (var pair in columns.Where(p => p.Value != null && !(p.Value is DBNull)).OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var (tag, text) = Encode(table.TypeOf(pair.Key), pair.Value);
                sb.Append(pair.Key).Append(':').Append(tag).Append(':').Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(text).Append('\n');
            }
            return sb.ToString();
        }

        private static (char Tag, string Text) Encode(LedgerType type, object value)
        {
            switch (type)
            {
                case LedgerType.Integer:
                case LedgerType.Boolean:
                    if (value is long l) return ('i', l.ToString(CultureInfo.InvariantCulture));
                    if (value is int n) return ('i', n.ToString(CultureInfo.InvariantCulture));
                    if (value is bool b) return ('i', b ? "1" : "0");
                    break;
                case LedgerType.Real:
                    if (value is double d) return ('r', Bits(d));
                    if (value is float f) return ('r', Bits(f));
                    if (value is long whole) return ('r', Bits(whole));
                    break;
            }
            switch (value)
            {
                case string s: return ('t', s);
                case long l: return ('i', l.ToString(CultureInfo.InvariantCulture));
                case int n: return ('i', n.ToString(CultureInfo.InvariantCulture));
                case double d: return ('r', Bits(d));
                case byte[] bytes: return ('x', Text.Hex(bytes));
                default: return ('t', Convert.ToString(value, CultureInfo.InvariantCulture));
            }
        }

        private static string Bits(double d) => BitConverter.DoubleToInt64Bits(d).ToString("x16", CultureInfo.InvariantCulture);

        public static string Sha256Hex(string text) => AuditChain.Sha256Hex(text);

        public static string RowHash(LedgerTable table, IEnumerable<KeyValuePair<string, object>> columns) => Sha256Hex(CanonicalRow(table, columns));

        /// <summary>One entry of a block: a row written (its hash) or deleted (null hash).</summary>
        public static byte[] Leaf(string table, string key, string rowHash)
        {
            using (var sha = SHA256.Create())
            {
                var text = Encoding.UTF8.GetBytes(Fields(table, key, rowHash ?? "deleted"));
                var input = new byte[text.Length + 1];
                input[0] = 0; // RFC 6962: leaves and nodes are hashed with different prefixes, so a node is never passed off as a leaf
                Buffer.BlockCopy(text, 0, input, 1, text.Length);
                return sha.ComputeHash(input);
            }
        }

        /// <summary>The order entries of one block are hashed in: table, then key, ordinal.</summary>
        public static int CompareEntries((string Table, string Key) a, (string Table, string Key) b)
        {
            var c = string.CompareOrdinal(a.Table, b.Table);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        }

        /// <summary>The Merkle tree head (RFC 6962, section 2.1) of leaves already in entry order; the hash of the empty string for none.</summary>
        public static string MerkleRoot(IReadOnlyList<byte[]> leaves)
        {
            using (var sha = SHA256.Create())
            {
                if (leaves.Count == 0) return Text.Hex(sha.ComputeHash(new byte[0]));
                return Text.Hex(Mth(sha, leaves, 0, leaves.Count));
            }
        }

        private static byte[] Mth(SHA256 sha, IReadOnlyList<byte[]> leaves, int start, int count)
        {
            if (count == 1) return leaves[start];
            var k = 1;
            while (k * 2 < count) k *= 2;
            var left = Mth(sha, leaves, start, k);
            var right = Mth(sha, leaves, start + k, count - k);
            var input = new byte[1 + left.Length + right.Length];
            input[0] = 1;
            Buffer.BlockCopy(left, 0, input, 1, left.Length);
            Buffer.BlockCopy(right, 0, input, 1 + left.Length, right.Length);
            return sha.ComputeHash(input);
        }

        public static string Genesis(string storeId) => Sha256Hex("CallRecordingAdmin ledger genesis " + storeId);

        /// <summary>The text a block's hash covers: each field length-prefixed, as the audit chain's events are.</summary>
        public static string CanonicalBlock(long block, string previousHash, long firstSequence, long lastSequence, string lastEventHash, long entryCount, string entriesRoot, string committedAt) =>
            Fields(BlockFormat, block.ToString(CultureInfo.InvariantCulture), previousHash, firstSequence.ToString(CultureInfo.InvariantCulture),
                lastSequence.ToString(CultureInfo.InvariantCulture), lastEventHash ?? "", entryCount.ToString(CultureInfo.InvariantCulture), entriesRoot, committedAt);

        private static string Fields(params string[] fields)
        {
            var sb = new StringBuilder(256);
            foreach (var field in fields)
            {
                sb.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
            }
            return sb.ToString();
        }
    }
}
