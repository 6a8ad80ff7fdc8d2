using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engine.Tests
{
    public class StoreTests
    {
        [Fact]
        public void A_new_store_is_at_the_latest_schema_and_its_creator_is_Administrator()
        {
            using (var t = new TempStore())
            {
                var summary = t.Store.Summary();
                Assert.Equal(Migrations.Latest, summary.SchemaVersion);
                Assert.Equal("Administrator", summary.Roles);
                Assert.True(File.Exists(Path.Combine(t.Store.Path, "master.key")));
                Assert.True(Directory.Exists(Path.Combine(t.Store.Path, "recordings")));
                using (var c = new SqliteConnection("Data Source=" + t.Store.DatabasePath + ";Pooling=False"))
                {
                    c.Open();
                    using (var cmd = c.CreateCommand())
                    {
                        cmd.CommandText = "PRAGMA journal_mode";
                        Assert.Equal("wal", (string)cmd.ExecuteScalar());
                    }
                }
            }
        }

        [Fact]
        public void The_master_key_is_readable_by_its_owner_only()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            using (var t = new TempStore())
            {
                var mode = File.GetUnixFileMode(t.Store.KeyPath);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
                Assert.Equal(FindingSeverity.Ok, t.Store.Test().Single(f => f.Check == "MasterKey").Severity);
                File.SetUnixFileMode(t.Store.KeyPath, mode | UnixFileMode.OtherRead);
                Assert.Equal(FindingSeverity.Warning, t.Store.Test().Single(f => f.Check == "MasterKey").Severity);
            }
        }

        [Fact]
        public void A_non_empty_folder_that_is_not_a_store_is_refused()
        {
            var folder = Path.Combine(Path.GetTempPath(), "crs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "notes.txt"), "x");
            try
            {
                var e = Assert.Throws<PolicyException>(() => RecordingStore.Create(folder, "a@b"));
                Assert.Equal("StoreFolderNotEmpty", e.ErrorId);
            }
            finally { Directory.Delete(folder, true); }
        }

        [Fact]
        public void Creating_a_store_where_one_exists_opens_it()
        {
            using (var t = new TempStore())
            {
                t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Kept", Retention = RetentionPeriod.FromMonths(3) });
                var again = RecordingStore.Create(t.Store.Path, TempStore.Admin);
                Assert.Equal(t.Store.StoreId, again.StoreId);
                Assert.Single(again.ServiceAreas.Get());
            }
        }

        [Fact]
        public void A_store_from_a_newer_module_is_refused_and_left_unchanged()
        {
            using (var t = new TempStore())
            {
                t.Sql("INSERT INTO schema_migration(version, name, applied_at) VALUES (" + (Migrations.Latest + 1) + ", 'future', '2030-01-01T00:00:00.0000000Z')");
                var e = Assert.Throws<PolicyException>(() => RecordingStore.Open(t.Store.Path, TempStore.Admin));
                Assert.Equal("StoreSchemaTooNew", e.ErrorId);
            }
        }

        [Fact]
        public void A_corrupt_database_gives_a_clear_error()
        {
            var folder = Path.Combine(Path.GetTempPath(), "crs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, RecordingStore.DatabaseFileName), Enumerable.Repeat((byte)0x5A, 8192).ToArray());
            try
            {
                var e = Assert.Throws<PolicyException>(() => RecordingStore.Open(folder, "a@b"));
                Assert.Equal("StoreDatabaseInvalid", e.ErrorId);
            }
            finally { SqliteConnection.ClearAllPools(); Directory.Delete(folder, true); }
        }

        [Fact]
        public void A_sqlite_database_that_is_not_a_store_is_named_as_such()
        {
            var folder = Path.Combine(Path.GetTempPath(), "crs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            using (var c = new SqliteConnection("Data Source=" + Path.Combine(folder, RecordingStore.DatabaseFileName) + ";Pooling=False"))
            {
                c.Open();
                using (var cmd = c.CreateCommand()) { cmd.CommandText = "CREATE TABLE other(x)"; cmd.ExecuteNonQuery(); }
            }
            try
            {
                var e = Assert.Throws<PolicyException>(() => RecordingStore.Open(folder, "a@b"));
                Assert.Equal("NotARecordingStore", e.ErrorId);
            }
            finally { SqliteConnection.ClearAllPools(); Directory.Delete(folder, true); }
        }

        [Fact]
        public void Opening_a_version_1_store_migrates_it_forward_keeping_its_data()
        {
            using (var t = new TempStore())
            {
                // Rebuild the database as migration 1 alone left it, with one area in it.
                var path = t.Store.DatabasePath;
                SqliteConnection.ClearAllPools();
                File.Delete(path);
                using (var c = new SqliteConnection("Data Source=" + path + ";Pooling=False"))
                {
                    c.Open();
                    using (var cmd = c.CreateCommand())
                    {
                        cmd.CommandText = "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);" +
                                          Migrations.All[0].Sql +
                                          "INSERT INTO schema_migration VALUES (1, 'v1', '2025-01-01T00:00:00.0000000Z');" +
                                          "INSERT INTO store_meta VALUES ('store_id', 'old-store'), ('created_at', '2025-01-01T00:00:00.0000000Z'), ('created_by', 'a@b'), ('key_fingerprint', ''), ('key_path', '');" +
                                          "INSERT INTO service_area VALUES ('area-1', 'Legacy Helpline', NULL, 3, 'Months', NULL, 0, '2025-01-01T00:00:00.0000000Z', 'a@b', '2025-01-01T00:00:00.0000000Z', 'a@b');";
                        cmd.ExecuteNonQuery();
                    }
                }
                var opened = RecordingStore.Open(t.Store.Path, "a@b", t.Clock);
                Assert.Equal(Migrations.Latest, opened.Summary().SchemaVersion);
                var area = opened.ServiceAreas.Get("Legacy Helpline");
                Assert.Equal("3 months", area.Retention);
                Assert.False(area.Authorised);
            }
        }

        [Fact]
        public void Two_writers_at_once_both_succeed_and_the_chain_holds()
        {
            using (var t = new TempStore())
            {
                var a = RecordingStore.Open(t.Store.Path, TempStore.Admin, t.Clock);
                var b = RecordingStore.Open(t.Store.Path, TempStore.Admin, t.Clock);
                Parallel.Invoke(
                    () => { for (var i = 0; i < 40; i++) a.ServiceAreas.Create(new ServiceAreaDraft { Name = "A" + i, Retention = RetentionPeriod.FromMonths(6) }); },
                    () => { for (var i = 0; i < 40; i++) b.ServiceAreas.Create(new ServiceAreaDraft { Name = "B" + i, Retention = RetentionPeriod.FromDays(30) }); });
                Assert.Equal(80, t.Store.ServiceAreas.Get().Count());
                var report = t.Store.Audit.Verify();
                Assert.True(report.IsValid, report.Problem);
                Assert.Equal(82, report.EventCount);
            }
        }
    }
}
