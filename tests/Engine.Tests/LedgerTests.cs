using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// Issue 11: every row under the audit chain. Each tamper of the issue, made with raw SQL on the real store file as
    /// the sqlite3 shell would, is found by the state check (naming table, row and audit event), and the purge, the
    /// access gate and the role check refuse to act on the tampered row (RowIntegrityFailed). Changes the module makes
    /// are never reported (and TempStore.Dispose checks that of every store the suite builds).
    /// </summary>
    public class LedgerTests
    {
        private static DateTimeOffset Now(RecordingFixture f) => f.T.Clock.UtcNow;

        private static object Scalar(TempStore t, string sql)
        {
            using (var c = new SqliteConnection("Data Source=" + t.Store.DatabasePath + ";Pooling=False"))
            {
                c.Open();
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = sql;
                    return cmd.ExecuteScalar();
                }
            }
        }

        private static LedgerFinding Single(TempStore t, string kind, string table, string key)
        {
            var report = t.Ledger();
            Assert.False(report.IsValid);
            var found = report.Findings.Where(f => f.Kind == kind && f.Table == table && f.RowKey == key).ToList();
            Assert.True(found.Count == 1, "expected one " + kind + " on " + table + " " + key + "; got: " + string.Join(" | ", report.Findings.Select(f => f.Kind + " " + f.Table + " " + f.RowKey)));
            return found[0];
        }

        [Fact]
        public void Changes_the_module_makes_are_never_reported_and_every_transaction_is_a_chained_block()
        {
            using (var f = new RecordingFixture())
            {
                var a = f.Import("c1", Now(f).AddDays(-1));
                f.Import("c2", Now(f).AddDays(-2));
                var old = f.ImportWhenRecorded("c3", Now(f).AddDays(-200));
                f.NominateAdmin(AccessRight.Play, AccessRight.Download);
                f.T.Store.Recordings.Save(a.RecordingId, Path.Combine(f.T.Folder, "a.wav"), new AccessPurpose(Purpose.Training, "coaching"), false);
                var hold = f.T.Store.Holds.Create("CASE-9", CallRecordingAdmin.Engine.LegalHolds.HoldKind.Complaint, "complaint", null, null);
                f.T.Store.Holds.Add(hold.HoldId, a.RecordingId);
                var purged = f.T.Store.Purge.Run(null, null, null, false).Single(s => s.ServiceArea == "IT Service Desk");
                Assert.Equal(1, purged.Purged);
                Assert.Equal(RecordingState.Deleted, f.T.Store.Recordings.Get(new RecordingQuery { RecordingId = old.RecordingId }).Single().State);

                var report = f.T.Ledger();
                Assert.True(report.IsValid, string.Join(" | ", report.Findings));
                Assert.True(report.Blocks > 10);
                Assert.True(report.Rows > 10);
                var chain = f.T.Store.Audit.Verify(null, state: true);
                Assert.True(chain.IsValid, chain.Problem);
                Assert.NotNull(chain.State);
                Assert.Empty(chain.StateFindings);
            }
        }

        [Fact]
        public void An_expiry_moved_earlier_outside_the_module_never_deletes_early_and_is_reported()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.Import("c1", Now(f).AddDays(-1));
                f.T.RawSql("UPDATE recording SET expires_at = '2020-01-01T00:00:00.0000000Z' WHERE id = '" + rec.RecordingId + "'");
                var failures = new List<PolicyException>();
                var s = f.T.Store.Purge.Run(null, null, null, false, null, failures.Add).Single(x => x.ServiceArea == "IT Service Desk");
                Assert.Equal(0, s.Purged);
                Assert.Equal(1, s.IntegrityFailed);
                Assert.Equal("RowIntegrityFailed", Assert.Single(failures).ErrorId);
                Assert.Equal(RecordingState.Active, f.T.Store.Recordings.Get(new RecordingQuery { RecordingId = rec.RecordingId }).Single().State);
                Assert.True(File.Exists(f.T.Store.Recordings.StoredFile(rec.RecordingId)));
                // the refusal is in the audit log
                Assert.Contains(f.T.Store.Audit.Get(new AuditQuery { Action = "Refused" }), e => e.Target == rec.RecordingId && e.Details.Contains("RowIntegrityFailed"));
                var finding = Single(f.T, "RowChangedOutside", "recording", rec.RecordingId);
                Assert.NotNull(finding.AuditSequence);
                Assert.Contains("ImportRecording", f.T.Store.Audit.Get(new AuditQuery { AfterSequence = finding.AuditSequence - 1, First = 1 }).Single().Action);
                // a second run refuses it again and still deletes nothing
                Assert.Equal(0, f.T.Store.Purge.Run(null, null, null, false).Single(x => x.ServiceArea == "IT Service Desk").Purged);
            }
        }

        [Fact]
        public void An_expiry_moved_later_outside_the_module_is_reported()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.Import("c1", Now(f).AddDays(-1));
                f.T.RawSql("UPDATE recording SET expires_at = '2099-01-01T00:00:00.0000000Z' WHERE id = '" + rec.RecordingId + "'");
                Single(f.T, "RowChangedOutside", "recording", rec.RecordingId);
                var chain = f.T.Store.Audit.Verify(null, state: true);
                Assert.False(chain.IsValid);
                Assert.Contains(rec.RecordingId, chain.Problem);
            }
        }

        [Fact]
        public void A_hold_link_deleted_outside_the_module_does_not_let_the_purge_delete_the_held_recording()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.ImportWhenRecorded("c1", Now(f).AddDays(-200));
                var hold = f.T.Store.Holds.Create("CASE-1", CallRecordingAdmin.Engine.LegalHolds.HoldKind.Complaint, "complaint", null, null);
                f.T.Store.Holds.Add(hold.HoldId, rec.RecordingId);
                f.T.RawSql("DELETE FROM legal_hold_recording WHERE recording_id = '" + rec.RecordingId + "'");
                var s = f.T.Store.Purge.Run(null, null, null, false).Single(x => x.ServiceArea == "IT Service Desk");
                Assert.Equal(0, s.Purged);
                Assert.Equal(1, s.IntegrityFailed);
                Assert.Equal(RecordingState.Active, f.T.Store.Recordings.Get(new RecordingQuery { RecordingId = rec.RecordingId }).Single().State);
                var key = "[\"" + hold.HoldId + "\",\"" + rec.RecordingId + "\"]";
                Assert.NotNull(Single(f.T, "RowDeletedOutside", "legal_hold_recording", key).AuditSequence);
            }
        }

        [Fact]
        public void A_hold_released_outside_the_module_does_not_let_the_purge_delete_the_held_recording()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.ImportWhenRecorded("c1", Now(f).AddDays(-200));
                var hold = f.T.Store.Holds.Create("CASE-1", CallRecordingAdmin.Engine.LegalHolds.HoldKind.Complaint, "complaint", null, null);
                f.T.Store.Holds.Add(hold.HoldId, rec.RecordingId);
                f.T.RawSql("UPDATE legal_hold SET released_at = '2026-01-01T00:00:00.0000000Z', released_by = 'x@uni.test'");
                Assert.Equal(0, f.T.Store.Purge.Run(null, null, null, false).Single(x => x.ServiceArea == "IT Service Desk").Purged);
                Assert.Equal(RecordingState.Active, f.T.Store.Recordings.Get(new RecordingQuery { RecordingId = rec.RecordingId }).Single().State);
                Single(f.T, "RowChangedOutside", "legal_hold", hold.HoldId);
                // and the hold itself is not acted on
                Assert.Equal("RowIntegrityFailed", Assert.Throws<PolicyException>(() => f.T.Store.Holds.Add(hold.HoldId, rec.RecordingId)).ErrorId);
            }
        }

        [Fact]
        public void Rights_added_to_a_grant_outside_the_module_do_not_open_the_recording()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.Import("c1", Now(f).AddDays(-1));
                f.NominateAdmin(AccessRight.Play);
                var grant = f.T.Store.Grants.Get(new GrantQuery { Principal = TempStore.Admin }).Single();
                f.T.RawSql("UPDATE access_grant SET rights = 'Play+Download' WHERE id = '" + grant.GrantId + "'");
                var e = Assert.Throws<PolicyException>(() => f.T.Store.Recordings.Save(rec.RecordingId, Path.Combine(f.T.Folder, "o.wav"), new AccessPurpose(Purpose.Training, "t"), false));
                Assert.Equal("RowIntegrityFailed", e.ErrorId);
                Assert.False(File.Exists(Path.Combine(f.T.Folder, "o.wav")));
                Assert.Equal("Refused", Convert.ToString(Scalar(f.T, "SELECT outcome FROM access_log ORDER BY id DESC LIMIT 1")));
                Assert.Contains("RowIntegrityFailed", Convert.ToString(Scalar(f.T, "SELECT detail FROM access_log ORDER BY id DESC LIMIT 1")));
                Single(f.T, "RowChangedOutside", "access_grant", grant.GrantId);
            }
        }

        [Fact]
        public void A_grant_inserted_outside_the_module_does_not_open_the_recording()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.Import("c1", Now(f).AddDays(-1));
                var areaId = Convert.ToString(Scalar(f.T, "SELECT service_area_id FROM recording WHERE id = '" + rec.RecordingId + "'"));
                f.T.RawSql("INSERT INTO access_grant(id, principal, service_area_id, rights, reason, granted_at, granted_by, reviewed_at, reviewed_by, access_level) " +
                           "VALUES ('grant-forged', 'mallory@uni.test', '" + areaId + "', 'Play+Download', 'x', '2026-11-01T00:00:00.0000000Z', 'admin@uni.test', '2026-11-01T00:00:00.0000000Z', 'admin@uni.test', 'Supervisor')");
                var mallory = f.T.Store.As("mallory@uni.test");
                var e = Assert.Throws<PolicyException>(() => mallory.Recordings.Save(rec.RecordingId, Path.Combine(f.T.Folder, "m.wav"), new AccessPurpose(Purpose.Training, "t"), false));
                Assert.Contains(e.ErrorId, new[] { "RowIntegrityFailed", "RecordingNotFound" });
                Assert.False(File.Exists(Path.Combine(f.T.Folder, "m.wav")));
                Single(f.T, "RowInsertedOutside", "access_grant", "grant-forged");
            }
        }

        [Fact]
        public void An_Administrator_role_inserted_outside_the_module_is_refused_and_reported()
        {
            using (var f = new RecordingFixture())
            {
                f.T.RawSql("INSERT INTO role_assignment(id, principal, role, service_area_id, assigned_at, assigned_by) VALUES ('role-forged', 'mallory@uni.test', 'Administrator', NULL, '2026-11-01T00:00:00.0000000Z', 'admin@uni.test')");
                var e = Assert.Throws<PolicyException>(() => f.T.Store.As("mallory@uni.test").Purge.Run(null, null, null, false));
                Assert.Equal("RowIntegrityFailed", e.ErrorId);
                // the refusal is logged (the purge's refusals go to the access log)
                Assert.Equal("mallory@uni.test|Refused", Convert.ToString(Scalar(f.T, "SELECT principal || '|' || outcome FROM access_log ORDER BY id DESC LIMIT 1")));
                Assert.Contains("RowIntegrityFailed", Convert.ToString(Scalar(f.T, "SELECT detail FROM access_log ORDER BY id DESC LIMIT 1")));
                Assert.Null(Single(f.T, "RowInsertedOutside", "role_assignment", "role-forged").AuditSequence);
            }
        }

        [Fact]
        public void A_recording_moved_to_another_area_outside_the_module_is_reported_and_not_opened()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.Import("c1", Now(f).AddDays(-1));
                f.NominateAdmin(AccessRight.Download);
                f.T.RawSql("UPDATE recording SET service_area_id = (SELECT id FROM service_area WHERE name = 'Unapproved') WHERE id = '" + rec.RecordingId + "'");
                Single(f.T, "RowChangedOutside", "recording", rec.RecordingId);
                var e = Assert.Throws<PolicyException>(() => f.T.Store.Recordings.Save(rec.RecordingId, Path.Combine(f.T.Folder, "o.wav"), new AccessPurpose(Purpose.Training, "t"), false));
                Assert.Contains(e.ErrorId, new[] { "RowIntegrityFailed", "AccessNotGranted" });
            }
        }

        [Fact]
        public void Dropped_append_only_triggers_and_an_edited_or_deleted_access_log_row_are_reported()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.Import("c1", Now(f).AddDays(-1));
                f.NominateAdmin(AccessRight.Download);
                f.T.Store.Recordings.Save(rec.RecordingId, Path.Combine(f.T.Folder, "o.wav"), new AccessPurpose(Purpose.Training, "t"), false);
                f.T.Store.Recordings.Save(rec.RecordingId, Path.Combine(f.T.Folder, "o.wav"), new AccessPurpose(Purpose.Training, "again"), true);
                var last = Convert.ToInt64(Scalar(f.T, "SELECT max(id) FROM access_log"));
                var first = Convert.ToInt64(Scalar(f.T, "SELECT min(id) FROM access_log"));
                f.T.RawSql("DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;" +
                           "UPDATE access_log SET principal = 'someone.else@uni.test' WHERE id = " + last + "; DELETE FROM access_log WHERE id = " + first + ";");
                var report = f.T.Ledger();
                Assert.Contains(report.Findings, x => x.Kind == "AppendOnlyTriggerMissing" && x.RowKey == "access_log_no_update");
                Assert.Contains(report.Findings, x => x.Kind == "AppendOnlyTriggerMissing" && x.RowKey == "access_log_no_delete");
                Assert.NotNull(Single(f.T, "RowChangedOutside", "access_log", last.ToString()).AuditSequence);
                Single(f.T, "RowDeletedOutside", "access_log", first.ToString());
            }
        }

        [Fact]
        public void An_access_log_row_that_names_another_audit_event_is_reported()
        {
            using (var f = new RecordingFixture())
            {
                f.Import("c1", Now(f).AddDays(-1));
                // a row sealed as if the module wrote it, but naming an event that is not its own: the cross-check finds it
                f.T.Sql("INSERT INTO access_log(occurred_at, principal, action, outcome, audit_seq, audit_hash) VALUES ('2026-11-28T09:00:00.0000000Z', 'x@uni.test', 'Play', 'Allowed', 2, 'not-the-hash')");
                var id = Convert.ToString(Scalar(f.T, "SELECT max(id) FROM access_log"));
                var finding = Single(f.T, "AccessLogEventMismatch", "access_log", id);
                Assert.Equal("audit_hash", finding.Column);
                Assert.Equal(2, finding.AuditSequence);
                f.T.RawSql("SELECT 1"); // exempt this store from the self-check: it holds a mismatch on purpose
            }
        }

        [Fact]
        public void The_ledger_itself_cannot_be_rewritten_to_match_a_tamper()
        {
            using (var f = new RecordingFixture())
            {
                var rec = f.Import("c1", Now(f).AddDays(-1));
                // the tamperer changes the row and writes the entry the ledger would have: the block's Merkle root no longer matches
                f.T.RawSql("UPDATE recording SET expires_at = '2020-01-01T00:00:00.0000000Z' WHERE id = '" + rec.RecordingId + "';" +
                           "DROP TRIGGER ledger_entry_no_update; UPDATE ledger_entry SET row_hash = 'x' WHERE tbl = 'recording' AND rk = '" + rec.RecordingId + "';");
                var report = f.T.Ledger();
                Assert.Contains(report.Findings, x => x.Kind == "LedgerEntriesAltered");
                Assert.Contains(report.Findings, x => x.Kind == "AppendOnlyTriggerMissing" && x.RowKey == "ledger_entry_no_update");
            }
        }

        [Fact]
        public void A_checkpoint_holds_the_state_digest_and_a_rewritten_ledger_fails_it()
        {
            using (var f = new RecordingFixture())
            {
                f.Import("c1", Now(f).AddDays(-1));
                var path = Path.Combine(f.T.Folder, "checkpoint.json");
                var cp = f.T.Store.Audit.ExportCheckpoint(path);
                Assert.True(cp.LedgerBlock > 0);
                Assert.Equal(64, cp.LedgerHash.Length);
                Assert.Contains("ledgerHash", File.ReadAllText(path));
                var ok = f.T.Store.Audit.Verify(path, state: true);
                Assert.True(ok.IsValid, ok.Problem);
                Assert.True(ok.CheckpointStateVerified);
                f.T.RawSql("DROP TRIGGER ledger_block_no_update; UPDATE ledger_block SET hash = 'rewritten' WHERE block = " + cp.LedgerBlock);
                var bad = f.T.Store.Audit.Verify(path);
                Assert.False(bad.IsValid);
                Assert.False(bad.CheckpointStateVerified);
                Assert.Contains("Ledger block " + cp.LedgerBlock, bad.Problem);
            }
        }

        [Fact]
        public void Migration_9_seals_an_existing_store_as_a_baseline_event_and_then_catches_changes()
        {
            using (var t = new TempStore())
            {
                var path = t.Store.DatabasePath;
                SqliteConnection.ClearAllPools();
                File.Delete(path);
                using (var c = new SqliteConnection("Data Source=" + path + ";Pooling=False"))
                {
                    c.Open();
                    using (var cmd = c.CreateCommand())
                    {
                        cmd.CommandText = "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);" +
                                          string.Concat(Migrations.All.Where(m => m.Version < 9).Select(m => m.Sql)) +
                                          "INSERT INTO schema_migration VALUES (8, 'v8', '2025-01-01T00:00:00.0000000Z');" +
                                          "INSERT INTO store_meta VALUES ('store_id', 'old-store'), ('created_at', '2025-01-01T00:00:00.0000000Z'), ('created_by', 'a@b'), ('key_fingerprint', ''), ('key_path', ''), ('shared_os_account', '1');" +
                                          "INSERT INTO role_assignment VALUES ('role-1', 'a@b', 'Administrator', NULL, '2025-01-01T00:00:00.0000000Z', 'a@b');" +
                                          "INSERT INTO service_area VALUES ('area-1', 'Legacy Helpline', NULL, 3, 'Months', NULL, 0, '2025-01-01T00:00:00.0000000Z', 'a@b', '2025-01-01T00:00:00.0000000Z', 'a@b');";
                        cmd.ExecuteNonQuery();
                    }
                }
                var opened = RecordingStore.Open(t.Store.Path, "a@b", t.Clock);
                var baseline = opened.Audit.Get(new AuditQuery { Action = "LedgerBaseline" }).Single();
                Assert.Contains("cannot be proven", baseline.Details);
                Assert.Contains("\"rows\":8", baseline.Details); // six store_meta rows, the role, the area
                var report = LedgerCheck.Verify(opened);
                Assert.True(report.IsValid, string.Join(" | ", report.Findings));
                Assert.Equal(1, report.Blocks);
                opened.ServiceAreas.Get("Legacy Helpline");
                t.RawSql("UPDATE service_area SET retention_value = 12 WHERE id = 'area-1'");
                Assert.Contains(LedgerCheck.Verify(opened).Findings, x => x.Kind == "RowChangedOutside" && x.RowKey == "area-1" && x.AuditSequence == baseline.Sequence);
            }
        }

        [Fact]
        public void The_canonical_row_is_typed_column_named_and_leaves_nulls_out()
        {
            var table = LedgerCanonical.Table("recording");
            var a = LedgerCanonical.CanonicalRow(table, new Dictionary<string, object> { ["id"] = "r1", ["duration_seconds"] = 3L, ["agent"] = null, ["size_bytes"] = 10L });
            var b = LedgerCanonical.CanonicalRow(table, new Dictionary<string, object> { ["size_bytes"] = 10L, ["duration_seconds"] = 3.0, ["id"] = "r1" });
            Assert.Equal(a, b); // column order and an integer stored in a real column do not matter; a null column is left out
            Assert.StartsWith("crledger-row/1\nrecording\n", a);
            Assert.Contains("size_bytes:i:2:10\n", a);
            // the text "10" is not the integer 10
            Assert.NotEqual(LedgerCanonical.RowHash(table, new Dictionary<string, object> { ["size_bytes"] = 10L }),
                LedgerCanonical.RowHash(table, new Dictionary<string, object> { ["size_bytes"] = "10" }));
            // a value cannot run into the next column
            Assert.NotEqual(LedgerCanonical.RowHash(table, new Dictionary<string, object> { ["a"] = "x\nb:t:1:y" }),
                LedgerCanonical.RowHash(table, new Dictionary<string, object> { ["a"] = "x", ["b"] = "y" }));
        }

        [Fact]
        public void The_Merkle_root_follows_RFC_6962()
        {
            var leaves = Enumerable.Range(0, 5).Select(i => LedgerCanonical.Leaf("t", i.ToString(), "h")).ToList();
            var root5 = LedgerCanonical.MerkleRoot(leaves);
            Assert.NotEqual(root5, LedgerCanonical.MerkleRoot(leaves.Take(4).ToList()));
            Assert.NotEqual(root5, LedgerCanonical.MerkleRoot(new[] { leaves[1], leaves[0], leaves[2], leaves[3], leaves[4] }));
            Assert.Equal(CallRecordingAdmin.Engine.Audit.AuditChain.Sha256Hex(""), LedgerCanonical.MerkleRoot(new byte[0][]));
        }
    }
}
