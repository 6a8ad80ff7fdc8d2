using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Server.Postgres;
using Npgsql;
using Xunit;

namespace CallRecordingAdmin.Server.Tests
{
    /// <summary>
    /// The server's audit chain against a real PostgreSQL, through the logins a person would use with psql. One class:
    /// the tests run one after another (installing creates the cluster-wide roles crec_owner and crec_user).
    /// </summary>
    public sealed class AuditChainServerTests
    {
        private const string InsufficientPrivilege = "42501";

        [PostgresFact]
        public void PostgreSqlHashesTheSameCanonicalBytesAsTheEngine()
        {
            using var store = new PgStore();
            var alice = store.CreateLogin("alice", "alice@uni.example", "UNI\\alice");
            using var c = alice.Open();
            var cases = new[]
            {
                (1L, "2026-11-28T14:00:00.0000000Z", "alice@uni.example", "UNI\\alice", "AccessGranted", "Recording", "42", "{}", AuditChain.Genesis("x")),
                (2L, "2026-01-01T00:00:00.1234567Z", "Zoë Ångström", "", "RequestDecided", "", "", "{\"a\":\"b:c\\n\"}", new string('f', 64)),
                // Outside the Basic Multilingual Plane: .NET counts 2 UTF-16 code units, the server must too.
                (987654321L, "2026-11-28T14:00:00.9999999Z", "😀 王小明", "DOMAIN\\王", "Purge", "ServiceArea", "area 😀😀 / 中文", "{\"note\":\"🎧 ünïcödé\"}", "0"),
                (3L, "t", "a:b", "1:", "X", "Y", "9:9\n", "{\"k\":[1,2,{\"z\":null}]}", ""),
            };
            foreach (var (seq, at, principal, os, action, type, target, details, prev) in cases)
            {
                var expectedText = AuditChain.Canonical(AuditChain.FormatWithOsAccount, seq, at, principal, os, action, type, target, details, prev);
                using var cmd = new NpgsqlCommand("SELECT crec.audit_canonical(@s, @at, @p, @os, @a, @tt, @t, @d, @prev), crec.audit_hash(crec.audit_canonical(@s, @at, @p, @os, @a, @tt, @t, @d, @prev))", c);
                cmd.Parameters.AddWithValue("s", seq); cmd.Parameters.AddWithValue("at", at); cmd.Parameters.AddWithValue("p", principal);
                cmd.Parameters.AddWithValue("os", os); cmd.Parameters.AddWithValue("a", action); cmd.Parameters.AddWithValue("tt", type);
                cmd.Parameters.AddWithValue("t", target); cmd.Parameters.AddWithValue("d", details); cmd.Parameters.AddWithValue("prev", prev);
                using var r = cmd.ExecuteReader();
                Assert.True(r.Read());
                Assert.Equal(expectedText, r.GetString(0));
                Assert.Equal(AuditChain.Sha256Hex(expectedText), r.GetString(1));
            }
        }

        [PostgresFact]
        public void AnAppendTakesThePrincipalFromTheLoginAndTheEngineVerifiesTheChain()
        {
            using var store = new PgStore();
            var alice = store.CreateLogin("alice", "alice@uni.example", "UNI\\alice");
            var bob = store.CreateLogin("bob", "Bob Ørsted 😀", "UNI\\bob");
            using (var a = alice.Open())
            {
                var first = PostgresAudit.Append(a, "AccessGranted", "Recording", "rec 中文 😀", new Dictionary<string, object> { ["purpose"] = "Complaint №7 🎧", ["hours"] = 24 });
                Assert.Equal(1, first.Sequence);
            }
            using (var b = bob.Open())
            {
                var second = PostgresAudit.Append(b, "RequestDecided", "", "", null);
                Assert.Equal(2, second.Sequence);
            }
            using var admin = store.Admin();
            Assert.Equal(store.StoreId, PostgresAudit.StoreId(admin));
            var rows = Rows(admin, "SELECT principal || '|' || os_account || '|' || db_role || '|' || prev_hash FROM crec.audit_event ORDER BY seq");
            Assert.Equal("alice@uni.example|UNI\\alice|" + alice.Role + "|" + AuditChain.Genesis(store.StoreId), rows[0]);
            Assert.StartsWith("Bob Ørsted 😀|UNI\\bob|" + bob.Role + "|", rows[1]);
            var report = PostgresAudit.Verify(admin);
            Assert.True(report.IsValid, report.Problem);
            Assert.Equal(2, report.EventCount);
            Assert.Equal(2, report.HeadSequence);
            Assert.Equal(Rows(admin, "SELECT hash FROM crec.audit_head")[0], report.HeadHash);
        }

        [PostgresFact]
        public void TheVerifierFindsAnEventAlteredOrRemovedByTheDatabaseOwner()
        {
            using var store = new PgStore();
            var alice = store.CreateLogin("alice", "alice@uni.example");
            using (var a = alice.Open())
            {
                for (var i = 0; i < 5; i++) PostgresAudit.Append(a, "AccessGranted", "Recording", "r" + i, null);
            }
            using var admin = store.Admin();
            Assert.True(PostgresAudit.Verify(admin).IsValid);
            PgStore.Execute(admin, "UPDATE crec.audit_event SET target = 'other' WHERE seq = 3");
            var altered = PostgresAudit.Verify(admin);
            Assert.False(altered.IsValid);
            Assert.Equal(3, altered.FirstBrokenSequence);
            Assert.Contains("altered", altered.Problem);
            PgStore.Execute(admin, "UPDATE crec.audit_event SET target = 'r2' WHERE seq = 3");
            Assert.True(PostgresAudit.Verify(admin).IsValid);
            PgStore.Execute(admin, "DELETE FROM crec.audit_event WHERE seq = 4");
            var removed = PostgresAudit.Verify(admin);
            Assert.False(removed.IsValid);
            Assert.Equal(4, removed.FirstBrokenSequence);
            Assert.Contains("missing", removed.Problem);
        }

        [PostgresFact]
        public void TwoLoginsAppendingAtOnceLeaveOneChainWithoutGaps()
        {
            using var store = new PgStore();
            var logins = new[] { store.CreateLogin("alice", "alice@uni.example"), store.CreateLogin("bob", "bob@uni.example") };
            const int connections = 4, appends = 200;
            Parallel.For(0, connections, new ParallelOptions { MaxDegreeOfParallelism = connections }, i =>
            {
                using var c = logins[i % 2].Open();
                for (var n = 0; n < appends; n++)
                {
                    // Half in explicit transactions that also read the view, half autocommit.
                    if (n % 2 == 0)
                    {
                        using var tx = c.BeginTransaction();
                        PostgresAudit.Append(c, "AccessGranted", "Recording", i + "/" + n, new Dictionary<string, object> { ["n"] = n }, tx);
                        tx.Commit();
                    }
                    else
                    {
                        PostgresAudit.Append(c, "AccessGranted", "Recording", i + "/" + n, null);
                    }
                }
            });
            using var admin = store.Admin();
            var seqs = Rows(admin, "SELECT seq::text AS s FROM crec.audit_event ORDER BY seq").Select(long.Parse).ToList();
            Assert.Equal(Enumerable.Range(1, connections * appends).Select(x => (long)x), seqs);
            Assert.Equal(new[] { "alice@uni.example|400", "bob@uni.example|400" },
                Rows(admin, "SELECT principal || '|' || count(*) FROM crec.audit_event GROUP BY principal ORDER BY principal"));
            // Every connection's own appends are in the chain in the order it made them.
            var targets = Rows(admin, "SELECT target FROM crec.audit_event ORDER BY seq");
            for (var i = 0; i < connections; i++)
            {
                Assert.Equal(Enumerable.Range(0, appends).Select(n => i + "/" + n), targets.Where(t => t.StartsWith(i + "/", StringComparison.Ordinal)));
            }
            var report = PostgresAudit.Verify(admin);
            Assert.True(report.IsValid, report.Problem);
            Assert.Equal(connections * appends, report.EventCount);
        }

        [PostgresFact]
        public void ARolledBackAppendLeavesNoGap()
        {
            using var store = new PgStore();
            var alice = store.CreateLogin("alice", "alice@uni.example");
            using (var c = alice.Open())
            {
                PostgresAudit.Append(c, "A", "", "", null);
                using (var tx = c.BeginTransaction())
                {
                    Assert.Equal(2, PostgresAudit.Append(c, "B", "", "", null, tx).Sequence);
                    tx.Rollback();
                }
                Assert.Equal(2, PostgresAudit.Append(c, "C", "", "", null).Sequence);
            }
            using var admin = store.Admin();
            Assert.Equal(new[] { "1 A", "2 C" }, Rows(admin, "SELECT seq || ' ' || action FROM crec.audit_event ORDER BY seq"));
            Assert.True(PostgresAudit.Verify(admin).IsValid);
        }

        [PostgresFact]
        public void ALoginWithTheUserRoleCannotWriteAnyTableDirectly()
        {
            using var store = new PgStore();
            var alice = store.CreateLogin("alice", "alice@uni.example");
            using (var c = alice.Open()) PostgresAudit.Append(c, "AccessGranted", "Recording", "1", null);
            using var a = alice.Open();
            foreach (var sql in new[]
            {
                "INSERT INTO crec.audit_event(seq, occurred_at, principal, os_account, db_role, format, action, target_type, target, details, prev_hash, hash) " +
                    "VALUES (2, 't', 'dpo@uni.example', '', 'x', 2, 'AccessGranted', '', '', '{}', 'p', 'h')",
                "UPDATE crec.audit_event SET principal = 'dpo@uni.example'",
                "DELETE FROM crec.audit_event",
                "SELECT count(*) FROM crec.audit_event",
                "UPDATE crec.audit_head SET seq = 0",
                "INSERT INTO crec.principal_map(db_role, principal) VALUES ('postgres', 'x')",
                "UPDATE crec.principal_map SET principal = 'dpo@uni.example'",
                "TRUNCATE crec.audit_event",
                "CREATE TABLE crec.mine(x int)",
                "CREATE FUNCTION crec.append_audit(a text, b text, c text, d text, e text) RETURNS int LANGUAGE sql RETURN 1",
            })
            {
                var e = Assert.Throws<PostgresException>(() => PgStore.Execute(a, sql));
                Assert.True(e.SqlState == InsufficientPrivilege, sql + " -> " + e.SqlState + " " + e.MessageText);
            }
            // What the role does give: the views, and the chain is whole.
            Assert.Equal(1L, PgStore.Scalar(a, "SELECT count(*) FROM crec.v_audit_event"));
            using var admin = store.Admin();
            Assert.Equal("alice@uni.example", Rows(admin, "SELECT principal FROM crec.audit_event")[0]);
            Assert.True(PostgresAudit.Verify(admin).IsValid);
        }

        [PostgresFact]
        public void ALoginCannotActAsAnotherPrincipal()
        {
            using var store = new PgStore();
            var alice = store.CreateLogin("alice", "alice@uni.example");
            var dpo = store.CreateLogin("dpo", "dpo@uni.example");
            using (var admin = store.Admin())
            {
                // Even a login that is a member of another person's role (a careless grant) stays itself: session_user, not current_user.
                PgStore.Execute(admin, "GRANT " + dpo.Role + " TO " + alice.Role);
            }
            using (var a = alice.Open())
            {
                // There is no principal parameter to forge.
                var noSuchFunction = Assert.Throws<PostgresException>(() =>
                    PgStore.Execute(a, "SELECT crec.append_audit('AccessGranted', 'Recording', '1', '{}', 'dpo@uni.example')"));
                Assert.Equal("42883", noSuchFunction.SqlState);
                PgStore.Execute(a, "SET ROLE " + dpo.Role);
                Assert.Equal(dpo.Role, PgStore.Scalar(a, "SELECT current_user"));
                PostgresAudit.Append(a, "AccessGranted", "Recording", "as-dpo?", null);
                PgStore.Execute(a, "RESET ROLE");
                var impersonate = Assert.Throws<PostgresException>(() => PgStore.Execute(a, "SET SESSION AUTHORIZATION " + dpo.Role));
                Assert.Equal(InsufficientPrivilege, impersonate.SqlState);
                // A search_path of the caller's own cannot redirect the function (it fixes search_path = crec, pg_temp).
                PgStore.Execute(a, "CREATE TEMP TABLE principal_map(db_role name, principal text, os_account text)");
                PgStore.Execute(a, "INSERT INTO pg_temp.principal_map VALUES (session_user, 'dpo@uni.example', '')");
                PgStore.Execute(a, "SET search_path = pg_temp, crec");
                PostgresAudit.Append(a, "AccessGranted", "Recording", "temp-map?", null);
            }
            using var check = store.Admin();
            Assert.Equal(new[] { "alice@uni.example " + alice.Role, "alice@uni.example " + alice.Role },
                Rows(check, "SELECT principal || ' ' || db_role FROM crec.audit_event ORDER BY seq"));
            Assert.True(PostgresAudit.Verify(check).IsValid);
        }

        [PostgresFact]
        public void AnUnmappedLoginIsRefusedAndALoginWithoutTheUserRoleCannotCallAtAll()
        {
            using var store = new PgStore();
            var mallory = store.CreateLogin("mallory");                              // crec_user, not in the map
            var eve = store.CreateLogin("eve", grantUserRole: false);                 // a login of the cluster, nothing more
            using (var m = mallory.Open())
            {
                var e = Assert.Throws<PostgresException>(() => PostgresAudit.Append(m, "AccessGranted", "Recording", "1", null));
                Assert.Equal(InsufficientPrivilege, e.SqlState);
                Assert.Contains("not mapped", e.MessageText);
                Assert.Contains(mallory.Role, e.MessageText);
            }
            using (var ev = eve.Open())
            {
                var e = Assert.Throws<PostgresException>(() => PostgresAudit.Append(ev, "AccessGranted", "Recording", "1", null));
                Assert.Equal(InsufficientPrivilege, e.SqlState);
                var view = Assert.Throws<PostgresException>(() => PgStore.Scalar(ev, "SELECT count(*) FROM crec.v_audit_event"));
                Assert.Equal(InsufficientPrivilege, view.SqlState);
            }
            // The password is checked: the server, not the client, says who connects.
            var wrong = new NpgsqlConnectionStringBuilder(mallory.ConnectionString) { Password = "not-" + mallory.Password };
            var auth = Assert.Throws<PostgresException>(() => PgStore.Open(wrong.ConnectionString).Dispose());
            Assert.Equal("28P01", auth.SqlState);
            using var admin = store.Admin();
            Assert.Equal(0L, PgStore.Scalar(admin, "SELECT count(*) FROM crec.audit_event"));
        }

        [PostgresFact]
        public void TheFunctionChecksItsInputsForAPsqlCaller()
        {
            using var store = new PgStore();
            var alice = store.CreateLogin("alice", "alice@uni.example");
            using var a = alice.Open();
            foreach (var (action, type, target, details) in new[]
            {
                ("", "", "", "{}"), ("Drop table", "", "", "{}"), (new string('A', 65), "", "", "{}"), ("A", "1x", "", "{}"),
                ("A", "", "line\nbreak", "{}"), ("A", "", new string('t', 1025), "{}"), ("A", "", "", "not json"), ("A", "", "", "[1]"),
                ("A", "", "", "{\"x\":\"" + new string('d', 65536) + "\"}"),
            })
            {
                using var cmd = new NpgsqlCommand("SELECT * FROM crec.append_audit(@a, @tt, @t, @d)", a);
                cmd.Parameters.AddWithValue("a", action); cmd.Parameters.AddWithValue("tt", type);
                cmd.Parameters.AddWithValue("t", target); cmd.Parameters.AddWithValue("d", details);
                var e = Assert.Throws<PostgresException>(() => cmd.ExecuteNonQuery());
                Assert.Equal("22023", e.SqlState);
            }
            using var admin = store.Admin();
            Assert.Equal(0L, PgStore.Scalar(admin, "SELECT count(*) FROM crec.audit_event"));
        }

        private static List<string> Rows(NpgsqlConnection c, string sql)
        {
            var rows = new List<string>();
            using var cmd = new NpgsqlCommand(sql, c);
            using var r = cmd.ExecuteReader();
            while (r.Read()) rows.Add(r.GetString(0));
            return rows;
        }
    }
}
