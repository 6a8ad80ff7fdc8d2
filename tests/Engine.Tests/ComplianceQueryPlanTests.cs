using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// The compliance report answers over a million recordings, access-log rows and audit events because its queries
    /// read indexes (migration 11), not tables. SQLite picks a plan silently, so these tests read the plans: a rule's
    /// SQL that drifts from the partial index built from it, or an index that is dropped, fails here, not in production.
    /// </summary>
    public sealed class ComplianceQueryPlanTests
    {
        private static List<string> Plan(TempStore t, string sql, params (string, object)[] args)
        {
            using (var c = new SqliteConnection("Data Source=" + t.Store.DatabasePath + ";Pooling=False"))
            {
                c.Open();
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
                    foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
                    var lines = new List<string>();
                    using (var r = cmd.ExecuteReader()) while (r.Read()) lines.Add(r.GetString(3));
                    return lines;
                }
            }
        }

        [Fact]
        public void Allowed_access_without_a_purpose_is_counted_from_the_partial_index_built_from_the_same_rule()
        {
            using (var t = new TempStore())
            {
                Assert.Contains(AccessRules.LacksPurposeSql, SqliteComplianceRepository.AccessWithoutPurposeWhere);
                var plan = Plan(t, SqliteComplianceRepository.AccessWithoutPurposeSql);
                Assert.Contains(plan, l => l.Contains("INDEX access_log_without_purpose"));
                Assert.DoesNotContain(plan, l => l.StartsWith("SCAN access_log", StringComparison.Ordinal) && !l.Contains("INDEX"));
            }
        }

        [Fact]
        public void Who_acted_under_which_account_is_read_from_the_principal_index_only()
        {
            using (var t = new TempStore())
            {
                foreach (var sql in new[] { SqliteComplianceRepository.NextPrincipalSql, SqliteComplianceRepository.NextOsAccountSql, SqliteComplianceRepository.EventsOfSql })
                {
                    var plan = Plan(t, sql, ("$p", "a"), ("$o", "b"));
                    Assert.True(plan.Any(l => l.Contains("COVERING INDEX audit_event_principal")), sql + ": " + string.Join(" | ", plan));
                }
            }
        }

        [Fact]
        public void The_index_probes_find_the_same_principal_and_account_pairs_as_reading_every_event()
        {
            using (var t = new TempStore(sharedOsAccount: false))
            {
                using (var tx = t.Store.Database.Write())
                {
                    void Event(string principal, string os) => tx.Audit.Append(t.Store.StoreId, t.Clock.UtcNow, principal, os, "Probe", "Test", "x", null);
                    Event("ada@uni.test", "ada@uni.test"); Event("ada@uni.test", "ada@uni.test"); Event("ADA@uni.test", "Ada@Uni.Test");
                    Event("ada@uni.test", "svc@vm"); Event("Ada@uni.test", "SVC@vm");
                    Event("bo@uni.test", null); Event("bo@uni.test", "");
                    Event("cy@uni.test", "svc@vm"); Event("cy@uni.test", "cy@uni.test"); Event("zz@uni.test", "a b");
                    tx.Commit();
                }
                var all = new List<(string P, string O, long Seq)>();
                using (var c = new SqliteConnection("Data Source=" + t.Store.DatabasePath + ";Pooling=False"))
                {
                    c.Open();
                    using (var cmd = c.CreateCommand())
                    {
                        cmd.CommandText = "SELECT principal, os_account, seq FROM audit_event";
                        using (var r = cmd.ExecuteReader()) while (r.Read()) all.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2)));
                    }
                }
                string Key(string p, string o) => p.ToUpperInvariant() + "\n" + o.ToUpperInvariant();
                var expected = all.Where(e => !string.IsNullOrEmpty(e.O)).GroupBy(e => Key(e.P, e.O)).ToDictionary(g => g.Key, g => (Count: (long)g.Count(), Last: g.Max(e => e.Seq)));

                using (var session = t.Store.Database.Read())
                {
                    var pairs = session.Compliance.PrincipalOsAccounts();
                    Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), pairs.Select(p => Key(p.Principal, p.OsAccount)).OrderBy(k => k, StringComparer.Ordinal));
                    foreach (var p in pairs)
                    {
                        Assert.Equal(expected[Key(p.Principal, p.OsAccount)], session.Compliance.EventsOf(p.Principal, p.OsAccount));
                    }
                    Assert.Equal(2, session.Compliance.EventsOf("ada@uni.test", "svc@vm").Count);
                }
            }
        }
    }
}
