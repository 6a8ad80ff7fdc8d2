using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engine.Tests
{
    /// <summary>Issue 9, section 6: the operating-system account on every audit event, and separation of duties by person.</summary>
    public class WhoDidItTests
    {
        private const string DropGuards = "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;";

        [Fact]
        public void Every_event_records_the_os_account_inside_its_hash()
        {
            using (var t = new TempStore())
            {
                var bob = t.Store.WithOsAccount("bob@host");
                bob.ServiceAreas.Create(new ServiceAreaDraft { Name = "A", Retention = RetentionPeriod.FromMonths(1) });
                var events = t.Store.Audit.Get(new AuditQuery()).ToList();
                Assert.All(events, e => Assert.Equal(AuditChain.FormatWithOsAccount, e.Format));
                Assert.All(events.Take(2), e => Assert.Equal(Principal.OperatingSystemAccount(), e.OsAccount));
                var last = events.Last();
                Assert.Equal("bob@host", last.OsAccount);
                Assert.Equal(TempStore.Admin, last.Principal);
                Assert.True(last.PrincipalDiffersFromOsAccount);

                var report = t.Store.Audit.Verify();
                Assert.True(report.IsValid);
                Assert.Equal(events.Count(e => !string.Equals(e.Principal, e.OsAccount, StringComparison.OrdinalIgnoreCase)), report.EventsWithOtherPrincipal);
                Assert.True(report.EventsWithOtherPrincipal >= 1);
                Assert.Equal(0, report.EventsWithoutOsAccount);

                t.RawSql(DropGuards + "UPDATE audit_event SET os_account = 'alice@host' WHERE seq = " + last.Sequence);
                var tampered = t.Store.Audit.Verify();
                Assert.False(tampered.IsValid);
                Assert.Equal(last.Sequence, tampered.FirstBrokenSequence);
            }
        }

        [Fact]
        public void An_event_rewritten_into_the_old_format_to_drop_its_account_is_caught()
        {
            using (var t = new TempStore())
            {
                var e = t.Store.Audit.Get(new AuditQuery()).Last();
                // Rewritten as a format-1 event with a correct format-1 hash: it would verify alone, but no event follows format 2 in format 1.
                var hash = AuditChain.Sha256Hex(AuditChain.Canonical(e.Sequence, Timestamp.ToText(e.OccurredAt), e.Principal, e.Action, e.TargetType, e.Target, e.Details, e.PreviousHash));
                t.RawSql(DropGuards + "UPDATE audit_event SET format = 1, os_account = NULL, hash = '" + hash + "' WHERE seq = " + e.Sequence);
                var report = t.Store.Audit.Verify();
                Assert.False(report.IsValid);
                Assert.Contains("older format", report.Problem.Replace("in canonical format 1 after an event in format 2", "older format"));
            }
        }

        [Fact]
        public void Events_written_before_migration_5_keep_verifying_and_new_ones_carry_the_account()
        {
            using (var t = new TempStore())
            {
                var path = t.Store.DatabasePath;
                File.Delete(path);
                // A version-4 store as the old module wrote it: events hashed in the format without an account.
                using (var c = new SqliteConnection("Data Source=" + path + ";Pooling=False"))
                {
                    c.Open();
                    var sql = "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);" +
                              string.Concat(Migrations.All.Where(m => m.Version <= 4).Select(m => m.Sql + ";INSERT INTO schema_migration VALUES (" + m.Version + ", 'v', '2025-01-01T00:00:00.0000000Z');")) +
                              "INSERT INTO store_meta VALUES ('store_id', 'old-store'), ('created_at', '2025-01-01T00:00:00.0000000Z'), ('created_by', 'a@b'), ('key_fingerprint', ''), ('key_path', '');" +
                              "INSERT INTO role_assignment VALUES ('role-1', 'a@b', 'Administrator', NULL, '2025-01-01T00:00:00.0000000Z', 'a@b');";
                    var prev = AuditChain.Genesis("old-store");
                    for (var seq = 1; seq <= 3; seq++)
                    {
                        var at = "2025-01-0" + seq + "T00:00:00.0000000Z";
                        var hash = AuditChain.Sha256Hex(AuditChain.Canonical(seq, at, "a@b", "OldAction", "Thing", "t" + seq, "{}", prev));
                        sql += "INSERT INTO audit_event(seq, occurred_at, principal, action, target_type, target, details, prev_hash, hash) VALUES (" +
                               seq + ", '" + at + "', 'a@b', 'OldAction', 'Thing', 't" + seq + "', '{}', '" + prev + "', '" + hash + "');";
                        prev = hash;
                    }
                    using (var cmd = c.CreateCommand())
                    {
                        cmd.CommandText = sql;
                        cmd.ExecuteNonQuery();
                    }
                }
                var opened = RecordingStore.Open(t.Store.Path, "a@b", t.Clock);
                Assert.Equal(Migrations.Latest, opened.Summary().SchemaVersion);
                Assert.False(opened.SharedOsAccount);
                opened.ServiceAreas.Create(new ServiceAreaDraft { Name = "After", Retention = RetentionPeriod.FromMonths(1) });
                var events = opened.Audit.Get(new AuditQuery()).ToList();
                // the three old events, migration 9's LedgerBaseline (issue 11), the new area
                Assert.Equal(new[] { 1, 1, 1, 2, 2 }, events.Select(e => e.Format));
                Assert.Equal("LedgerBaseline", events[3].Action);
                Assert.Null(events[0].OsAccount);
                Assert.False(events[0].PrincipalDiffersFromOsAccount);
                Assert.Equal(opened.OsAccount, events[4].OsAccount);
                var report = opened.Audit.Verify();
                Assert.True(report.IsValid, report.Problem);
                Assert.Equal(3, report.EventsWithoutOsAccount);
            }
        }

        [Theory]
        [InlineData("nsm@uni", "bob@host", "req@uni", "bob@host", false, true)]   // one account, two names
        [InlineData("nsm@uni", "bob@host", "req@uni", "bob@host", true, false)]   // a -SharedOsAccount store compares names only
        [InlineData("nsm@uni", "nsm@host", "req@uni", "req@host", false, false)]  // two people
        [InlineData("NSM@uni", "x@host", "nsm@uni", "y@host", true, true)]        // the same name is always the same person
        [InlineData("alice@host", "carol@host", "req@uni", "alice@host", false, true)] // claims to be the requester's account
        [InlineData("nsm@uni", "bob@host", "req@uni", null, false, false)]        // an event from before migration 5: names only
        public void Separation_of_duties_compares_principal_and_os_account(string principal, string os, string otherPrincipal, string otherOs, bool shared, bool same)
        {
            Assert.Equal(same, SeparationOfDuties.SamePerson(principal, os, otherPrincipal, otherOs, shared));
        }

        private static RecordingRequest PendingRequest(RecordingStore requester)
        {
            return requester.Requests.Create(new RecordingRequestDraft
            {
                ServiceArea = "Desk", BusinessReason = "b", Purposes = new[] { Purpose.StaffProtection },
                AccessLevels = AccessLevel.Parse("Supervisor=Play"), Retention = RetentionPeriod.FromDays(30), DpiaReference = "d", DpoAdvice = "a",
            });
        }

        [Fact]
        public void One_os_account_cannot_request_and_approve_under_two_names()
        {
            using (var t = new TempStore(sharedOsAccount: false))
            {
                var admin = t.Store.WithOsAccount("alice@host");
                admin.ServiceAreas.Create(new ServiceAreaDraft { Name = "Desk", Retention = RetentionPeriod.FromDays(30) });
                admin.Roles.Add("nsm@uni.test", RecordingRole.NetworkServicesManager, null);
                var request = PendingRequest(admin);

                // alice, now calling herself the Network Services Manager
                var e = Assert.Throws<PolicyException>(() => admin.As("nsm@uni.test").Requests.Approve(request.RequestId, null, null));
                Assert.Equal("SeparationOfDuties", e.ErrorId);
                Assert.Equal("2.2", e.Clause);
                Assert.Contains("alice@host", e.Message);
                Assert.Equal(RequestStatus.Pending, admin.Requests.Get(new RecordingRequestQuery { RequestId = request.RequestId }).Single().Status);

                // the real Network Services Manager, at their own account
                var approved = admin.As("nsm@uni.test").WithOsAccount("nsm@host").Requests.Approve(request.RequestId, null, null);
                Assert.Equal(RequestStatus.Approved, approved.Status);
            }
        }

        [Fact]
        public void One_os_account_cannot_request_and_decide_an_investigation_nor_request_and_confirm_a_hold_release()
        {
            using (var t = new TempStore(sharedOsAccount: false))
            {
                var alice = t.Store.WithOsAccount("alice@host");
                alice.Roles.Add("dpo@uni.test", RecordingRole.DataProtectionOfficer, null);
                alice.Roles.Add("admin2@uni.test", RecordingRole.Administrator, null);
                var inv = alice.Investigations.Create("UNI\\x", InvestigationBasis.MisuseAllegation, "Premium-rate calls", "IAR-9");
                var e = Assert.Throws<PolicyException>(() => alice.As("dpo@uni.test").Investigations.Decide(inv.InvestigationId, true, "ok"));
                Assert.Equal("SeparationOfDuties", e.ErrorId);
                Assert.Equal("3.2", e.Clause);
                Assert.Equal(InvestigationStatus.Approved, alice.As("dpo@uni.test").WithOsAccount("dpo@host").Investigations.Decide(inv.InvestigationId, true, "ok").Status);

                var hold = alice.Holds.Create("HR-1", HoldKind.Disciplinary, "calls", t.Clock.UtcNow.AddYears(1), null);
                alice.Holds.RequestRelease(hold.HoldId, "case closed");
                var second = Assert.Throws<PolicyException>(() => alice.As("admin2@uni.test").Holds.ConfirmRelease(hold.HoldId));
                Assert.Equal("SecondPrincipalRequired", second.ErrorId);
                Assert.Equal(HoldStatus.Released, alice.As("admin2@uni.test").WithOsAccount("admin2@host").Holds.ConfirmRelease(hold.HoldId).Status);
            }
        }

        [Fact]
        public void A_shared_os_account_store_says_so_and_an_edited_setting_is_an_error()
        {
            using (var shared = new TempStore())
            using (var strict = new TempStore(sharedOsAccount: false))
            {
                Assert.True(shared.Store.SharedOsAccount);
                Assert.Equal(FindingSeverity.Ok, shared.Store.Test().Single(f => f.Check == "SeparationOfDuties").Severity);
                Assert.Equal(FindingSeverity.Ok, strict.Store.Test().Single(f => f.Check == "SeparationOfDuties").Severity);
                strict.Sql("UPDATE store_meta SET value = '1' WHERE key = 'shared_os_account'");
                var reopened = RecordingStore.Open(strict.Store.Path, TempStore.Admin, strict.Clock);
                Assert.Equal(FindingSeverity.Error, reopened.Test().Single(f => f.Check == "SeparationOfDuties").Severity);
            }
        }
    }

    /// <summary>Issue 9, sections 1, 2 and 7: connections, paths, permissions, backups.</summary>
    public class StoreSafetyTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        public void Dispose()
        {
            Environment.SetEnvironmentVariable(RecordingStore.KeyPathVariable, null);
            _f.Dispose();
        }

        private static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        private static string[] OpenDescriptors(string under) =>
            Directory.Exists("/proc/self/fd")
                ? new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Select(f => { try { return f.LinkTarget; } catch (IOException) { return null; } })
                    .Where(p => p != null && p.StartsWith(under, StringComparison.Ordinal)).ToArray()
                : new string[0];

        [Fact]
        public void No_connection_outlives_the_call_nor_a_stream_abandoned_part_way()
        {
            if (!Directory.Exists("/proc/self/fd")) return; // Linux: open descriptors are listed in /proc
            _f.Import("fd-1", _f.T.Clock.UtcNow.AddDays(-1));
            Store.Audit.Verify();
            Assert.Empty(OpenDescriptors(Store.Path));
            using (var events = Store.Audit.Get(new AuditQuery()).GetEnumerator())
            {
                Assert.True(events.MoveNext());
                Assert.NotEmpty(OpenDescriptors(Store.Path)); // the streaming reader is open while enumerating ...
            }
            Assert.Empty(OpenDescriptors(Store.Path));        // ... and closed when enumeration stops
        }

        [Fact]
        public void Destinations_inside_the_store_through_links_or_on_the_key_are_refused()
        {
            var outside = Path.Combine(_f.T.Folder, "outside");
            StorePaths.EnsureOutsideStore(Store, outside);
            StorePaths.EnsureOutsideStore(Store, Path.Combine(_f.T.Folder, "store-sibling"));
            foreach (var bad in new[] { Store.Path, Store.DatabasePath, Path.Combine(Store.Path, "recordings", "new", "x.wav"), Store.KeyPath, Path.Combine(Store.Path, "..", "store", "policy.db") })
            {
                Assert.Equal("DestinationInsideStore", Assert.Throws<PolicyException>(() => StorePaths.EnsureOutsideStore(Store, bad)).ErrorId);
            }
            if (IsUnix)
            {
                var link = Path.Combine(_f.T.Folder, "link-to-store");
                File.CreateSymbolicLink(link, Store.Path);
                Assert.Equal("DestinationInsideStore", Assert.Throws<PolicyException>(() => StorePaths.EnsureOutsideStore(Store, Path.Combine(link, "recordings"))).ErrorId);
                var keyLink = Path.Combine(_f.T.Folder, "key-link");
                File.CreateSymbolicLink(keyLink, Store.KeyPath);
                Assert.Equal("DestinationInsideStore", Assert.Throws<PolicyException>(() => StorePaths.EnsureOutsideStore(Store, keyLink)).ErrorId);
            }
        }

        [Fact]
        public void The_store_and_decrypted_output_are_owner_only()
        {
            if (OperatingSystem.IsWindows()) return; // Unix permission bits; Windows gets ACLs
            var rec = _f.Import("perm-1", _f.T.Clock.UtcNow.AddDays(-1));
            Assert.Equal(OwnerOnly.FolderBits, OwnerOnly.Mode(Store.Path) & 0x1FF);
            Assert.Equal(OwnerOnly.FolderBits, OwnerOnly.Mode(Path.Combine(Store.Path, "recordings")) & 0x1FF);
            Assert.Equal(OwnerOnly.FolderBits, OwnerOnly.Mode(Path.GetDirectoryName(Store.Recordings.StoredFile(rec))) & 0x1FF);
            Assert.Equal(OwnerOnly.FileBits, OwnerOnly.Mode(Store.DatabasePath) & 0x1FF);
            Assert.Equal(OwnerOnly.FileBits, OwnerOnly.Mode(Store.Recordings.StoredFile(rec)) & 0x1FF);
            Assert.Equal(OwnerOnly.FileBits, OwnerOnly.Mode(Store.KeyPath) & 0x1FF);
            Assert.Equal(FindingSeverity.Ok, Store.Test().Single(f => f.Check == "StorePermissions").Severity);

            _f.NominateAdmin(AccessRight.Download);
            var saved = Path.Combine(_f.T.Folder, "out", "saved.wav");
            Store.Recordings.Save(rec.RecordingId, saved, new AccessPurpose(Purpose.StaffProtection, "test"), false);
            Assert.Equal(OwnerOnly.FileBits, OwnerOnly.Mode(saved) & 0x1FF);

            File.SetUnixFileMode(Store.DatabasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            Assert.Equal(FindingSeverity.Warning, Store.Test().Single(f => f.Check == "StorePermissions").Severity);
        }

        [Fact]
        public void Test_RecordingStore_checks_the_key_named_by_the_environment()
        {
            var elsewhere = Path.Combine(_f.T.Folder, "vault", "master.key");
            Directory.CreateDirectory(Path.GetDirectoryName(elsewhere));
            File.Move(Store.KeyPath, elsewhere);
            Assert.Equal(FindingSeverity.Error, Store.Test().Single(f => f.Check == "MasterKey").Severity);
            Environment.SetEnvironmentVariable(RecordingStore.KeyPathVariable, elsewhere);
            var finding = Store.Test().Single(f => f.Check == "MasterKey");
            Assert.Equal(FindingSeverity.Ok, finding.Severity);
            Assert.Equal(elsewhere, finding.Target);
        }

        [Fact]
        public void A_deep_test_needs_a_role_and_is_audited()
        {
            var nobody = Store.As("nobody@uni.test");
            Assert.Equal("AccessDenied", Assert.Throws<PolicyException>(() => nobody.Test(deep: true).ToList()).ErrorId);
            nobody.Test(deep: false).ToList();
            var auditor = _f.T.WithRole("auditor@uni.test", RecordingRole.Auditor);
            Assert.Contains(auditor.Test(deep: true), f => f.Check == "RecordingIntegrity" && f.Severity == FindingSeverity.Ok);
            var events = Store.Audit.Get(new AuditQuery()).ToList();
            Assert.Contains(events, e => e.Action == "AccessDenied" && e.Principal == "nobody@uni.test" && e.Target.Contains("Test-RecordingStore -Deep"));
            Assert.Contains(events, e => e.Action == "TestRecordingStoreDeep" && e.Principal == "auditor@uni.test");
        }

        [Fact]
        public void A_backup_verifies_restores_with_the_key_and_catches_tampering()
        {
            var recs = Enumerable.Range(1, 3).Select(i => _f.Import("bk-" + i, _f.T.Clock.UtcNow.AddDays(-i), path: _f.Wav("bk" + i + ".wav", 0.2, 300 + i))).ToArray();
            var folder = Path.Combine(_f.T.Folder, "backups", "one");
            var result = StoreBackup.Run(Store, folder, includeRecordings: true);
            Assert.Equal(3, result.Recordings);
            Assert.Equal(4, result.Files);
            Assert.Equal(Store.KeyFingerprint, result.KeyFingerprint);
            Assert.False(File.Exists(Path.Combine(folder, MasterKey.DefaultFileName)));
            Assert.DoesNotContain(Convert.ToBase64String(MasterKey.Read(Store.KeyPath)), File.ReadAllText(Path.Combine(folder, StoreBackup.ManifestJson)));
            Assert.All(StoreBackup.Test(folder), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
            Assert.Contains(Store.Audit.Get(new AuditQuery { Action = "BackupRecordingStore" }), e => e.Sequence == result.AuditHeadSequence);

            // Restore: a copy of the folder, the key put back beside it, then Open.
            var restored = Path.Combine(_f.T.Folder, "restored");
            CopyFolder(folder, restored);
            File.Copy(Store.KeyPath, Path.Combine(restored, MasterKey.DefaultFileName));
            var back = RecordingStore.Open(restored, TempStore.Admin, _f.T.Clock);
            Assert.Equal(Store.StoreId, back.StoreId);
            Assert.True(back.Audit.Verify().IsValid);
            Assert.All(back.Test(deep: true), f => Assert.NotEqual(FindingSeverity.Error, f.Severity));
            if (!back.Roles.Get("second.admin@uni.test").Any()) back.Roles.Add("second.admin@uni.test", RecordingRole.Administrator, null);
            back.As("second.admin@uni.test").Grants.Grant(TempStore.Admin, "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "restore check", null);
            var saved = Path.Combine(_f.T.Folder, "from-backup.wav");
            back.Recordings.Save(recs[0].RecordingId, saved, new AccessPurpose(Purpose.StaffProtection, "restore check"), false);
            Assert.Equal(File.ReadAllBytes(_f.Wav("again.wav", 0.2, 301)), File.ReadAllBytes(saved));

            // Tampering: a flipped byte in a recording, an edited manifest.
            var copied = Directory.GetFiles(Path.Combine(folder, "recordings"), "*.crec", SearchOption.AllDirectories).First();
            var bytes = File.ReadAllBytes(copied); bytes[bytes.Length - 5] ^= 1; File.WriteAllBytes(copied, bytes);
            Assert.Contains(StoreBackup.Test(folder), f => f.Check == "BackupFile" && f.Severity == FindingSeverity.Error);
            File.AppendAllText(Path.Combine(folder, StoreBackup.ManifestJson), " ");
            Assert.Contains(StoreBackup.Test(folder), f => f.Check == "BackupManifest" && f.Severity == FindingSeverity.Error);
        }

        [Fact]
        public void A_backup_is_refused_inside_the_store_into_a_used_folder_and_to_non_administrators()
        {
            Assert.Equal("DestinationInsideStore", Assert.Throws<PolicyException>(() => StoreBackup.Run(Store, Path.Combine(Store.Path, "backup"), false)).ErrorId);
            Assert.False(Directory.Exists(Path.Combine(Store.Path, "backup")));
            var used = Path.Combine(_f.T.Folder, "used");
            Directory.CreateDirectory(used);
            File.WriteAllText(Path.Combine(used, "x"), "x");
            Assert.Equal("BackupDestinationNotEmpty", Assert.Throws<PolicyException>(() => StoreBackup.Run(Store, used, false)).ErrorId);
            var auditor = _f.T.WithRole("auditor@uni.test", RecordingRole.Auditor);
            var target = Path.Combine(_f.T.Folder, "by-auditor");
            Assert.Equal("AccessDenied", Assert.Throws<PolicyException>(() => StoreBackup.Run(auditor, target, false)).ErrorId);
            Assert.False(Directory.Exists(target));
            Assert.Contains(Store.Audit.Get(new AuditQuery { Action = "AccessDenied" }), e => e.Principal == "auditor@uni.test" && e.Target == "back up the store");
        }

        [Fact]
        public void A_backup_taken_while_another_writer_works_is_consistent()
        {
            var folder = Path.Combine(_f.T.Folder, "during");
            var other = RecordingStore.Open(Store.Path, TempStore.Admin, _f.T.Clock);
            var writer = new System.Threading.Thread(() =>
            {
                for (var i = 0; i < 40; i++) other.ServiceAreas.Create(new ServiceAreaDraft { Name = "During " + i, Retention = RetentionPeriod.FromMonths(1) });
            });
            writer.Start();
            StoreBackup.Run(Store, folder, false);
            writer.Join();
            Assert.All(StoreBackup.Test(folder), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
            Assert.True(Store.Audit.Verify().IsValid);
        }

        private static void CopyFolder(string from, string to)
        {
            foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(dir.Replace(from, to));
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to));
        }
    }
}
