using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;
using Xunit;

namespace Engine.Tests
{
    public class AuditChainTests
    {
        private const string DropGuards = "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;";

        private static TempStore StoreWithEvents(int areas = 4)
        {
            var t = new TempStore();
            for (var i = 0; i < areas; i++)
            {
                t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Area " + i, Retention = RetentionPeriod.FromMonths(6) });
            }
            return t; // 2 creation events + one per area
        }

        [Fact]
        public void Every_change_writes_one_chained_event()
        {
            using (var t = StoreWithEvents())
            {
                var events = t.Store.Audit.Get(new AuditQuery()).ToList();
                Assert.Equal(6, events.Count);
                Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, events.Select(e => e.Sequence));
                for (var i = 1; i < events.Count; i++) Assert.Equal(events[i - 1].Hash, events[i].PreviousHash);
                Assert.Equal(new[] { "NewRecordingStore", "AddRecordingRole", "NewServiceArea" }, events.Select(e => e.Action).Distinct());
                Assert.True(t.Store.Audit.Verify().IsValid);
            }
        }

        [Fact]
        public void The_database_refuses_to_update_or_delete_audit_events()
        {
            using (var t = StoreWithEvents())
            {
                Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => t.Sql("UPDATE audit_event SET principal = 'x' WHERE seq = 2"));
                Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => t.Sql("DELETE FROM audit_event WHERE seq = 2"));
            }
        }

        [Fact]
        public void An_edited_row_is_reported_at_its_sequence()
        {
            using (var t = StoreWithEvents())
            {
                t.RawSql(DropGuards + "UPDATE audit_event SET principal = 'someone.else@uni.test' WHERE seq = 4");
                var report = t.Store.Audit.Verify();
                Assert.False(report.IsValid);
                Assert.Equal(4, report.FirstBrokenSequence);
                Assert.Contains("altered", report.Problem);
            }
        }

        [Fact]
        public void A_deleted_row_is_reported()
        {
            using (var t = StoreWithEvents())
            {
                t.RawSql(DropGuards + "DELETE FROM audit_event WHERE seq = 3");
                var report = t.Store.Audit.Verify();
                Assert.False(report.IsValid);
                Assert.Equal(3, report.FirstBrokenSequence);
                Assert.Contains("missing", report.Problem);
            }
        }

        [Fact]
        public void Reordered_rows_are_reported()
        {
            using (var t = StoreWithEvents())
            {
                // Swap the content of events 3 and 4, keeping the sequence numbers in place.
                t.RawSql(DropGuards +
                      "UPDATE audit_event SET seq = -3 WHERE seq = 3; UPDATE audit_event SET seq = 3 WHERE seq = 4; UPDATE audit_event SET seq = 4 WHERE seq = -3;");
                var report = t.Store.Audit.Verify();
                Assert.False(report.IsValid);
                Assert.Equal(3, report.FirstBrokenSequence);
            }
        }

        [Fact]
        public void A_truncated_tail_passes_the_chain_but_not_the_checkpoint()
        {
            using (var t = StoreWithEvents())
            {
                var file = Path.Combine(t.Folder, "checkpoint.json");
                var checkpoint = t.Store.Audit.ExportCheckpoint(file);
                Assert.Equal(7, checkpoint.Sequence);
                Assert.True(t.Store.Audit.Verify(file).CheckpointVerified);

                t.RawSql(DropGuards + "DELETE FROM audit_event WHERE seq >= 6");
                Assert.True(t.Store.Audit.Verify().IsValid, "a chain alone cannot see a cut tail");
                var report = t.Store.Audit.Verify(file);
                Assert.False(report.IsValid);
                Assert.False(report.CheckpointVerified);
                Assert.Contains("truncated", report.Problem);
            }
        }

        [Fact]
        public void A_rewritten_tail_with_fresh_hashes_is_caught_by_the_checkpoint()
        {
            using (var t = StoreWithEvents())
            {
                var file = Path.Combine(t.Folder, "checkpoint.json");
                t.Store.Audit.ExportCheckpoint(file);
                // Cut the tail, then write new events through the engine: the chain is consistent again.
                t.RawSql(DropGuards + "DELETE FROM audit_event WHERE seq >= 5; CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN SELECT RAISE(ABORT, 'no'); END;");
                for (var i = 0; i < 4; i++) t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Forged " + i, Retention = RetentionPeriod.FromDays(10) });
                Assert.True(t.Store.Audit.Verify().IsValid);
                var report = t.Store.Audit.Verify(file);
                Assert.False(report.IsValid);
                Assert.Contains("rewritten", report.Problem);
            }
        }

        [Fact]
        public void A_checkpoint_of_another_store_is_not_accepted_as_proof()
        {
            using (var a = StoreWithEvents())
            using (var b = StoreWithEvents())
            {
                var file = Path.Combine(a.Folder, "checkpoint.json");
                a.Store.Audit.ExportCheckpoint(file);
                var report = b.Store.Audit.Verify(file);
                Assert.False(report.IsValid);
                Assert.Contains("belongs to store", report.Problem);
            }
        }

        [Fact]
        public void A_file_that_is_not_a_checkpoint_is_refused()
        {
            using (var t = StoreWithEvents(1))
            {
                var file = Path.Combine(t.Folder, "nonsense.json");
                File.WriteAllText(file, "{ \"hello\": 1 }");
                Assert.Equal("CheckpointInvalid", Assert.Throws<PolicyException>(() => t.Store.Audit.Verify(file)).ErrorId);
            }
        }

        [Fact]
        public void The_canonical_form_cannot_be_shifted_between_fields()
        {
            var a = AuditChain.Canonical(1, "t", "ab", "c", "x", "y", "{}", "h");
            var b = AuditChain.Canonical(1, "t", "a", "bc", "x", "y", "{}", "h");
            Assert.NotEqual(AuditChain.Sha256Hex(a), AuditChain.Sha256Hex(b));
        }
    }
}
