using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>
    /// The audit log: every change appends one event in the change's own transaction. Each event's hash
    /// is SHA-256 over its canonical form, which includes the previous event's hash, so an edited,
    /// deleted or reordered row breaks the chain; a checkpoint kept outside the database also catches a
    /// truncated or rewritten tail.
    /// </summary>
    public static class AuditChain
    {
        public static string Genesis(string storeId) => Sha256Hex("CallRecordingAdmin audit genesis " + storeId);

        /// <summary>The canonical form of events written before migration 5: no operating-system account.</summary>
        public const int FormatWithoutOsAccount = 1;
        /// <summary>The canonical form since migration 5: the operating-system account is hashed beside the principal.</summary>
        public const int FormatWithOsAccount = 2;

        /// <summary>The exact text an event's hash covers (format 1): each field length-prefixed, so no field can run into the next.</summary>
        public static string Canonical(long seq, string occurredAt, string principal, string action, string targetType, string target, string details, string prevHash) =>
            Fields(seq.ToString(CultureInfo.InvariantCulture), occurredAt, principal, action, targetType, target, details, prevHash);

        /// <summary>
        /// The canonical text of an event in the given format. Format 2 begins with a version field and hashes the
        /// operating-system account, so an event cannot be passed off as format 1 (dropping its account) without its hash failing.
        /// </summary>
        public static string Canonical(int format, long seq, string occurredAt, string principal, string osAccount, string action, string targetType, string target, string details, string prevHash)
        {
            if (format <= FormatWithoutOsAccount)
            {
                return Canonical(seq, occurredAt, principal, action, targetType, target, details, prevHash);
            }
            return Fields("v" + format.ToString(CultureInfo.InvariantCulture), seq.ToString(CultureInfo.InvariantCulture), occurredAt, principal, osAccount ?? "",
                action, targetType, target, details, prevHash);
        }

        private static string Fields(params string[] fields)
        {
            var sb = new StringBuilder(256);
            foreach (var field in fields)
            {
                sb.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
            }
            return sb.ToString();
        }

        public static string Sha256Hex(string text)
        {
            using (var sha = SHA256.Create())
            {
                return Text.Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(text)));
            }
        }

        /// <summary>
        /// <see cref="Sha256Hex"/> for a whole chain walk: one SHA-256 instance and one UTF-8 buffer, and the digest
        /// compared with the stored lower-case hex without building a string.
        /// </summary>
        internal sealed class ChainHasher : IDisposable
        {
            private readonly SHA256 _sha = SHA256.Create();
            private byte[] _buffer = new byte[1024];

            /// <summary>True when the SHA-256 of <paramref name="text"/>'s UTF-8 bytes, in lower-case hex, is exactly <paramref name="hex"/> (what Sha256Hex(text) == hex said).</summary>
            public bool Matches(string text, string hex)
            {
                if (hex == null || hex.Length != 64) return false;
                var needed = Encoding.UTF8.GetMaxByteCount(text.Length);
                if (_buffer.Length < needed) _buffer = new byte[Math.Max(needed, _buffer.Length * 2)];
                var count = Encoding.UTF8.GetBytes(text, 0, text.Length, _buffer, 0);
                var digest = _sha.ComputeHash(_buffer, 0, count);
                for (var i = 0; i < digest.Length; i++)
                {
                    if (hex[2 * i] != LowerHex[digest[i] >> 4] || hex[2 * i + 1] != LowerHex[digest[i] & 0xF]) return false;
                }
                return true;
            }

            private const string LowerHex = "0123456789abcdef";

            public void Dispose() => _sha.Dispose();
        }

        /// <summary>Compact JSON with keys in ordinal order; null values are left out.</summary>
        public static string DetailsJson(IDictionary<string, object> details)
        {
            if (details == null || details.Count == 0)
            {
                return "{}";
            }
            var sorted = new SortedDictionary<string, object>(StringComparer.Ordinal);
            foreach (var pair in details)
            {
                if (pair.Value != null)
                {
                    sorted[pair.Key] = pair.Value is DateTimeOffset d ? Timestamp.ToText(d) : pair.Value;
                }
            }
            return JsonSerializer.Serialize(sorted);
        }

        /// <summary>The last event written in a transaction, so that the next append need not read it back.</summary>
        internal sealed class Head
        {
            public long Sequence;
            public string Hash;
        }

        /// <summary>
        /// The event that follows (<paramref name="prevSeq"/>, <paramref name="prevHash"/>) — the genesis hash and 0 for the
        /// first — in the current canonical format, with its hash. Pure: the repository reads the head and writes the row.
        /// </summary>
        internal static AuditEvent Next(long prevSeq, string prevHash, DateTimeOffset now,
            string principal, string osAccount, string action, string targetType, string target, IDictionary<string, object> details)
        {
            var e = new AuditEvent
            {
                Sequence = prevSeq + 1,
                OccurredAt = now,
                Principal = principal,
                OsAccount = osAccount ?? "",
                Format = FormatWithOsAccount,
                Action = action,
                TargetType = targetType ?? "",
                Target = target ?? "",
                Details = DetailsJson(details),
                PreviousHash = prevHash,
            };
            var occurredAt = Timestamp.ToText(now);
            e.OccurredAt = Timestamp.Parse(occurredAt);
            e.Hash = Sha256Hex(Canonical(e.Format, e.Sequence, occurredAt, e.Principal, e.OsAccount, e.Action, e.TargetType, e.Target, e.Details, e.PreviousHash));
            return e;
        }

        /// <summary>Walks the whole chain once, streaming, and reports the first link that does not hold.</summary>
        internal static AuditChainReport Verify(IAuditRepository events, string storeId, AuditCheckpoint checkpoint)
        {
            var report = new AuditChainReport { IsValid = true };
            var expectedPrev = Genesis(storeId);
            long expectedSeq = 1;
            string checkpointHashSeen = null;
            var newestFormat = 0;
            using (var hasher = new ChainHasher())
            foreach (var row in events.Range(1))
            {
                long seq = row.Sequence;
                int format = row.Format;
                string prev = row.PreviousHash, hash = row.Hash, principal = row.Principal, osAccount = row.OsAccount;
                var canonical = Canonical(format, seq, row.OccurredAt, principal, osAccount, row.Action, row.TargetType, row.Target, row.Details, prev);
                report.EventCount++;
                if (format < FormatWithOsAccount) report.EventsWithoutOsAccount++;
                else if (AuditEvent.Differs(principal, osAccount)) report.EventsWithOtherPrincipal++;
                if (report.IsValid)
                {
                    string problem = null;
                    if (format < newestFormat)
                    {
                        problem = "Event " + seq + " is in canonical format " + format + " after an event in format " + newestFormat +
                                  ": events are never written in an older format, so it was rewritten to hide its operating-system account.";
                    }
                    else if (seq != expectedSeq)
                    {
                        problem = seq > expectedSeq
                            ? "Event " + expectedSeq + (seq - expectedSeq > 1 ? " to " + (seq - 1) : "") + " is missing: the next event present is " + seq + "."
                            : "Event " + seq + " is out of order.";
                    }
                    else if (!string.Equals(prev, expectedPrev, StringComparison.Ordinal))
                    {
                        problem = "Event " + seq + " does not follow event " + (seq - 1) + ": its previous-hash does not match (a row was deleted, inserted or reordered, or event " + (seq - 1) + " was altered).";
                    }
                    else if (!hasher.Matches(canonical, hash))
                    {
                        problem = "Event " + seq + " was altered after it was written: its content no longer matches its hash.";
                    }
                    if (problem != null)
                    {
                        report.IsValid = false;
                        report.FirstBrokenSequence = Math.Min(seq, expectedSeq);
                        report.Problem = problem;
                    }
                }
                if (checkpoint != null && seq == checkpoint.Sequence)
                {
                    checkpointHashSeen = hash;
                }
                newestFormat = Math.Max(newestFormat, format);
                expectedPrev = hash;
                expectedSeq = seq + 1;
                report.HeadSequence = seq;
                report.HeadHash = hash;
            }

            if (checkpoint != null)
            {
                report.CheckpointPath = checkpoint.Path;
                report.CheckpointSequence = checkpoint.Sequence;
                string problem = null;
                if (!string.Equals(checkpoint.StoreId, storeId, StringComparison.OrdinalIgnoreCase))
                {
                    problem = "The checkpoint belongs to store " + checkpoint.StoreId + ", not to this store (" + storeId + ").";
                }
                else if (report.HeadSequence < checkpoint.Sequence)
                {
                    problem = "The log ends at event " + report.HeadSequence + " but the checkpoint of " + Timestamp.ToText(checkpoint.WrittenAt) +
                              " saw event " + checkpoint.Sequence + ": the log was truncated.";
                }
                else if (!string.Equals(checkpointHashSeen, checkpoint.Hash, StringComparison.Ordinal))
                {
                    problem = "Event " + checkpoint.Sequence + " no longer has the hash the checkpoint recorded: the log was rewritten.";
                }
                report.CheckpointVerified = problem == null;
                if (problem != null)
                {
                    report.IsValid = false;
                    report.Problem = report.Problem == null ? problem : report.Problem + " " + problem;
                    if (!report.FirstBrokenSequence.HasValue)
                    {
                        report.FirstBrokenSequence = Math.Min(checkpoint.Sequence, report.HeadSequence + 1);
                    }
                }
            }
            return report;
        }

        public static void WriteCheckpoint(AuditCheckpoint checkpoint, string path, Store.RecordingStore store = null)
        {
            var json = JsonSerializer.Serialize(new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = "CallRecordingAdmin.AuditCheckpoint/1",
                ["storeId"] = checkpoint.StoreId,
                ["sequence"] = checkpoint.Sequence,
                ["hash"] = checkpoint.Hash,
                ["writtenAt"] = Timestamp.ToText(checkpoint.WrittenAt),
                ["writtenBy"] = checkpoint.WrittenBy,
                ["ledgerBlock"] = checkpoint.LedgerBlock,
                ["ledgerHash"] = checkpoint.LedgerHash,
            }, new JsonSerializerOptions { WriteIndented = true });
            var full = System.IO.Path.GetFullPath(path);
            Store.SafeOutput.WriteAllText(store, full, json);
            checkpoint.Path = full;
        }

        public static AuditCheckpoint ReadCheckpoint(string path)
        {
            try
            {
                using (var doc = JsonDocument.Parse(File.ReadAllText(path)))
                {
                    var root = doc.RootElement;
                    return new AuditCheckpoint
                    {
                        StoreId = root.GetProperty("storeId").GetString(),
                        Sequence = root.GetProperty("sequence").GetInt64(),
                        Hash = root.GetProperty("hash").GetString(),
                        WrittenAt = Timestamp.Parse(root.GetProperty("writtenAt").GetString()),
                        WrittenBy = root.GetProperty("writtenBy").GetString(),
                        Path = System.IO.Path.GetFullPath(path),
                        LedgerBlock = root.TryGetProperty("ledgerBlock", out var lb) && lb.ValueKind == JsonValueKind.Number ? lb.GetInt64() : (long?)null,
                        LedgerHash = root.TryGetProperty("ledgerHash", out var lh) && lh.ValueKind == JsonValueKind.String ? lh.GetString() : null,
                    };
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new PolicyException("CheckpointUnreadable", FailureKind.ReadError, "The audit checkpoint '" + path + "' could not be read: " + e.Message, path, null, e);
            }
            catch (Exception e) when (e is JsonException || e is KeyNotFoundException || e is InvalidOperationException || e is FormatException)
            {
                throw new PolicyException("CheckpointInvalid", FailureKind.InvalidData, "'" + path + "' is not an audit checkpoint written by Export-AuditCheckpoint.", path, null, e);
            }
        }
    }
}
