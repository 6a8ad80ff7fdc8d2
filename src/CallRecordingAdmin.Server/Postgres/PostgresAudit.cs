using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Audit;
using Npgsql;

namespace CallRecordingAdmin.Server.Postgres
{
    /// <summary>The audit chain of a server store: appended by crec.append_audit as the session's login, verified here by the engine's rule.</summary>
    public static class PostgresAudit
    {
        /// <summary>
        /// Appends one event through crec.append_audit. The principal is not sent: the server takes it from the
        /// connection's login. Details are the engine's canonical JSON (AuditChain.DetailsJson).
        /// </summary>
        public static (long Sequence, string Hash) Append(NpgsqlConnection connection, string action, string targetType, string target,
            IDictionary<string, object> details, NpgsqlTransaction tx = null)
        {
            using (var cmd = new NpgsqlCommand("SELECT event_seq, event_hash FROM crec.append_audit(@action, @targetType, @target, @details)", connection, tx))
            {
                cmd.Parameters.AddWithValue("action", action ?? (object)DBNull.Value);
                cmd.Parameters.AddWithValue("targetType", targetType ?? "");
                cmd.Parameters.AddWithValue("target", target ?? "");
                cmd.Parameters.AddWithValue("details", AuditChain.DetailsJson(details));
                using (var r = cmd.ExecuteReader())
                {
                    r.Read();
                    return (r.GetInt64(0), r.GetString(1));
                }
            }
        }

        /// <summary>The store id the chain's genesis is derived from.</summary>
        public static string StoreId(NpgsqlConnection connection)
        {
            using (var cmd = new NpgsqlCommand("SELECT store_id FROM crec.v_store", connection))
            {
                return (string)cmd.ExecuteScalar();
            }
        }

        /// <summary>
        /// Walks the whole chain in sequence order, streaming, and recomputes each hash with the engine's canonical form
        /// (AuditChain.Canonical, AuditChain.Sha256Hex) from the engine's genesis: the first missing, reordered, unlinked
        /// or altered event is reported, as Test-AuditChain reports it for a SQLite store.
        /// </summary>
        public static AuditChainReport Verify(NpgsqlConnection connection)
        {
            var storeId = StoreId(connection);
            var report = new AuditChainReport { IsValid = true };
            var expectedPrev = AuditChain.Genesis(storeId);
            long expectedSeq = 1;
            using (var cmd = new NpgsqlCommand(
                "SELECT seq, format, occurred_at, principal, os_account, action, target_type, target, details, prev_hash, hash FROM crec.v_audit_event ORDER BY seq", connection))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    long seq = r.GetInt64(0);
                    int format = r.GetInt32(1);
                    string prev = r.GetString(9), hash = r.GetString(10), principal = r.GetString(3), osAccount = r.GetString(4);
                    report.EventCount++;
                    if (format < AuditChain.FormatWithOsAccount) report.EventsWithoutOsAccount++;
                    else if (!string.IsNullOrEmpty(osAccount) && !string.Equals(principal, osAccount, StringComparison.OrdinalIgnoreCase)) report.EventsWithOtherPrincipal++;
                    if (report.IsValid)
                    {
                        string problem = null;
                        if (seq != expectedSeq)
                        {
                            problem = seq > expectedSeq
                                ? "Event " + expectedSeq + (seq - expectedSeq > 1 ? " to " + (seq - 1) : "") + " is missing: the next event present is " + seq + "."
                                : "Event " + seq + " is out of order.";
                        }
                        else if (!string.Equals(prev, expectedPrev, StringComparison.Ordinal))
                        {
                            problem = "Event " + seq + " does not follow event " + (seq - 1) + ": its previous-hash does not match.";
                        }
                        else if (!string.Equals(AuditChain.Sha256Hex(AuditChain.Canonical(format, seq, r.GetString(2), principal, osAccount,
                                     r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), prev)), hash, StringComparison.Ordinal))
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
                    expectedPrev = hash;
                    expectedSeq = seq + 1;
                    report.HeadSequence = seq;
                    report.HeadHash = hash;
                }
            }
            return report;
        }
    }
}
