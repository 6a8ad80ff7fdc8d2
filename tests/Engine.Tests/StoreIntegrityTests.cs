using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// Issue 11, the store's own files: the authenticated .crec header as -Deep and Save-Recording see it, the rewrite of
    /// format-1 files (Update-RecordingFormat), stray files in the store folder and the schema against the migrations.
    /// </summary>
    public class StoreIntegrityTests
    {
        private static readonly AccessPurpose Purpose = new AccessPurpose(CallRecordingAdmin.Engine.Policy.Purpose.Training, "integrity test");

        private static List<Recording> ImportMany(RecordingFixture f, int count, string prefix = "c")
        {
            var wav = f.Wav(prefix + "-audio.wav", 0.2);
            var start = f.T.Clock.UtcNow.AddHours(-2);
            var items = Enumerable.Range(0, count).Select(i => new RecordingImport
            {
                CallId = prefix + "-" + i, Extension = "4521", StartTime = start.AddSeconds(i), Direction = CallDirection.Inbound,
                RemoteNumber = "07700 900123", Agent = "UNI\\jdoe", Path = wav,
            }).ToList();
            var outcomes = f.T.Store.Recordings.ImportMany(items).ToList();
            Assert.All(outcomes, o => Assert.Null(o.Error));
            return outcomes.Select(o => o.Recording).ToList();
        }

        private static int HeaderBlockLength(string file)
        {
            var bytes = File.ReadAllBytes(file);
            return 12 + BitConverter.ToInt32(bytes, 8);
        }

        private static void Flip(string file, long offset, byte mask = 0x01)
        {
            using (var f = new FileStream(file, FileMode.Open, FileAccess.ReadWrite))
            {
                f.Position = offset;
                var b = f.ReadByte();
                f.Position = offset;
                f.WriteByte((byte)(b ^ mask));
            }
        }

        /// <summary>Rewrites a stored file in format 1, as the module wrote it before issue 11.</summary>
        internal static void MakeFormat1(RecordingStore store, Recording rec)
        {
            var file = store.Recordings.StoredFile(rec);
            var temp = file + ".v1";
            using (var source = File.OpenRead(file))
            using (var destination = File.Create(temp))
            {
                RecordingCipher.Reseal(source, destination, rec.RecordingId, store.ReadMasterKey(), rec.Sha256, store.KeyFingerprint, 1);
            }
            File.Move(temp, file, true);
        }

        private static string Failure(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        [Fact]
        public void Every_header_byte_every_body_region_and_a_swapped_file_are_caught_by_Deep_and_refused_by_Save()
        {
            using (var f = new RecordingFixture())
            {
                var store = f.T.Store;
                var probe = ImportMany(f, 1, "probe")[0];
                // One recording per header offset, each with one byte changed there; three with body damage, two swapped.
                // Header lengths differ a little (System.Text.Json writes a '+' of the base64 fields as \u002B), so each
                // offset goes to a recording whose header reaches it, the longest offsets first.
                var recs = ImportMany(f, 420);
                var headers = recs.ToDictionary(r => r.RecordingId, r => HeaderBlockLength(store.Recordings.StoredFile(r)));
                var common = headers.Values.GroupBy(x => x).OrderByDescending(g => g.Count()).First().Key;
                Assert.InRange(common, 300, 600);
                var unused = new List<Recording>(recs.Skip(5));
                var expectedBad = new HashSet<string>(StringComparer.Ordinal);
                var covered = new HashSet<int>();
                for (var offset = headers.Values.Max() - 1; offset >= 0; offset--)
                {
                    var pick = unused.Where(r => headers[r.RecordingId] > offset).OrderBy(r => headers[r.RecordingId]).FirstOrDefault();
                    if (pick == null) continue;
                    unused.Remove(pick);
                    Flip(store.Recordings.StoredFile(pick), offset);
                    expectedBad.Add(pick.RecordingId);
                    covered.Add(offset);
                }
                Assert.All(Enumerable.Range(0, common), o => Assert.Contains(o, covered));
                var damagedBody = recs.Take(5).ToList();
                var h0 = headers[damagedBody[0].RecordingId];
                Flip(store.Recordings.StoredFile(damagedBody[0]), h0);                                   // the chunk's length
                Flip(store.Recordings.StoredFile(damagedBody[1]), headers[damagedBody[1].RecordingId] + 4 + 10);    // ciphertext
                var third = store.Recordings.StoredFile(damagedBody[2]);
                Flip(third, new FileInfo(third).Length - 1);                                              // the tag
                var a = store.Recordings.StoredFile(damagedBody[3]);
                var b = store.Recordings.StoredFile(damagedBody[4]);
                var swap = a + ".swap";
                File.Move(a, swap);
                File.Move(b, a);
                File.Move(swap, b);
                foreach (var r in damagedBody) expectedBad.Add(r.RecordingId);

                var findings = store.Test(deep: true).ToList();
                var failed = findings.Where(x => x.Check == "RecordingIntegrity" && x.Severity == FindingSeverity.Error && x.Target != null && x.Target.StartsWith("rec-", StringComparison.Ordinal))
                    .Select(x => x.Target).ToList();
                Assert.Equal(expectedBad.OrderBy(x => x, StringComparer.Ordinal), failed.OrderBy(x => x, StringComparer.Ordinal));
                Assert.Contains(findings, x => x.Check == "RecordingIntegrity" && x.Severity == FindingSeverity.Error && x.Message.StartsWith(expectedBad.Count + " of ", StringComparison.Ordinal));
                Assert.DoesNotContain(findings, x => x.Check == "RecordingFormatOutdated" && x.Severity != FindingSeverity.Ok);

                f.NominateAdmin(AccessRight.Download);
                var outFolder = Path.Combine(f.T.Folder, "saved");
                foreach (var rec in recs.Where(r => expectedBad.Contains(r.RecordingId)))
                {
                    var target = Path.Combine(outFolder, rec.RecordingId + ".wav");
                    Assert.Equal("RecordingIntegrityFailed", Failure(() => store.Recordings.Save(rec.RecordingId, target, Purpose, false)));
                    Assert.False(File.Exists(target));
                }
                store.Recordings.Save(probe.RecordingId, Path.Combine(outFolder, "probe.wav"), Purpose, false);
            }
        }

        [Fact]
        public void Format_1_files_are_reported_by_Deep_and_rewritten_in_batches_by_the_upgrade()
        {
            using (var f = new RecordingFixture())
            {
                var store = f.T.Store;
                var recs = ImportMany(f, 5);
                foreach (var rec in recs) MakeFormat1(store, rec);
                var lengths = recs.ToDictionary(r => r.RecordingId, r => new FileInfo(store.Recordings.StoredFile(r)).Length);

                var before = store.Test(deep: true).ToList();
                var outdated = before.Where(x => x.Check == "RecordingFormatOutdated" && x.Severity == FindingSeverity.Warning).ToList();
                Assert.Equal(recs.Select(r => r.RecordingId).OrderBy(x => x), outdated.Select(x => x.Target).OrderBy(x => x));
                Assert.All(outdated, x => Assert.Contains("header not authenticated (format 1)", x.Message));
                Assert.Contains(before, x => x.Check == "RecordingIntegrity" && x.Severity == FindingSeverity.Ok);

                // Only an Administrator rewrites the store's files; nothing changes when refused.
                store.Roles.Add("auditor@uni.test", RecordingRole.Auditor, null);
                Assert.Equal("AccessDenied", Failure(() => store.As("auditor@uni.test").FormatUpgrade.Pending()));

                // A killed run left a half-written file beside one recording: the next run replaces it.
                var stale = store.Recordings.StoredFile(recs[0]) + RecordingFormatUpgrade.TempSuffix;
                File.WriteAllBytes(stale, new byte[] { 1, 2, 3 });

                var pending = store.FormatUpgrade.Pending();
                Assert.Equal(recs.Select(r => r.RecordingId).OrderBy(x => x, StringComparer.Ordinal), pending);
                var progress = new List<long>();
                var changes = store.FormatUpgrade.Upgrade(pending, batchSize: 2, progress: (done, total) => progress.Add(done)).ToList();
                Assert.All(changes, c => { Assert.Null(c.Error); Assert.Equal(1, c.FormatBefore); Assert.Equal(2, c.FormatAfter); });
                Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, progress);
                Assert.False(File.Exists(stale));
                foreach (var rec in recs) Assert.Equal(lengths[rec.RecordingId], new FileInfo(store.Recordings.StoredFile(rec)).Length);

                var events = store.Audit.Get(new AuditQuery { Action = RecordingFormatUpgrade.Action }).ToList();
                Assert.Equal(3, events.Count);
                Assert.All(recs, r => Assert.Single(events, e => e.Details.Contains(r.RecordingId)));

                Assert.Empty(store.FormatUpgrade.Pending());
                Assert.Empty(store.FormatUpgrade.Upgrade(store.FormatUpgrade.Pending()));
                var after = store.Test(deep: true).ToList();
                Assert.All(after, x => Assert.True(x.Severity == FindingSeverity.Ok, x.Check + ": " + x.Message));
                Assert.Contains(after, x => x.Check == "RecordingFormatOutdated" && x.Message.Contains("All 5 verified recordings are in format 2"));
                f.NominateAdmin(AccessRight.Download);
                var saved = Path.Combine(f.T.Folder, "after.wav");
                store.Recordings.Save(recs[3].RecordingId, saved, Purpose, false);
                Assert.Equal(File.ReadAllBytes(Path.Combine(f.Source, "c-audio.wav")), File.ReadAllBytes(saved));
            }
        }

        [Fact]
        public void The_upgrade_leaves_a_damaged_format_1_file_as_it_is_and_goes_on()
        {
            using (var f = new RecordingFixture())
            {
                var store = f.T.Store;
                var recs = ImportMany(f, 3);
                foreach (var rec in recs) MakeFormat1(store, rec);
                var damaged = store.Recordings.StoredFile(recs[1]);
                Flip(damaged, new FileInfo(damaged).Length - 3);
                var bytes = File.ReadAllBytes(damaged);

                var failures = new List<PolicyException>();
                var changes = store.FormatUpgrade.Upgrade(store.FormatUpgrade.Pending(), failure: failures.Add).ToList();
                Assert.Equal("RecordingIntegrityFailed", Assert.Single(failures).ErrorId);
                Assert.Equal(recs[1].RecordingId, failures[0].Target);
                Assert.Equal(2, changes.Count);
                Assert.DoesNotContain(changes, c => c.RecordingId == recs[1].RecordingId);
                Assert.Equal(bytes, File.ReadAllBytes(damaged));
                Assert.False(File.Exists(damaged + RecordingFormatUpgrade.TempSuffix));
                Assert.Equal(new[] { recs[1].RecordingId }, store.FormatUpgrade.Pending());
            }
        }

        [Fact]
        public void Stray_files_and_folders_in_the_store_folder_are_reported_by_path_and_left_alone()
        {
            using (var f = new RecordingFixture())
            {
                var store = f.T.Store;
                var rec = ImportMany(f, 1)[0];
                Assert.Contains(store.Test(), x => x.Check == "StrayStoreEntry" && x.Severity == FindingSeverity.Ok);

                var root = store.Path;
                var strays = new[]
                {
                    Path.Combine(root, "notes.txt"),
                    Path.Combine(root, "policy.db.creating"),
                    Path.Combine(root, "extra"),
                    Path.Combine(root, "recordings", "not-a-shard"),
                    Path.Combine(root, "recordings", Ids.Shard(rec.RecordingId), "nested"),
                };
                File.WriteAllText(strays[0], "x");
                File.WriteAllText(strays[1], "x");
                Directory.CreateDirectory(strays[2]);
                Directory.CreateDirectory(strays[3]);
                Directory.CreateDirectory(strays[4]);
                // A store restored by copying a backup folder keeps the backup's manifest: expected.
                File.WriteAllText(Path.Combine(root, StoreBackup.ManifestJson), "{}");
                File.WriteAllText(Path.Combine(root, StoreBackup.ManifestHash), "x");
                // A recording file whose row is gone: the orphan check names it.
                var orphan = Path.Combine(root, "recordings", Ids.Shard(rec.RecordingId), "rec-00000000000000000000000000.crec");
                File.Copy(store.Recordings.StoredFile(rec), orphan);

                var findings = store.Test().ToList();
                var reported = findings.Where(x => x.Check == "StrayStoreEntry" && x.Severity == FindingSeverity.Warning).Select(x => x.Target).ToList();
                Assert.Equal(strays.OrderBy(x => x, StringComparer.Ordinal), reported.OrderBy(x => x, StringComparer.Ordinal));
                Assert.All(findings.Where(x => x.Check == "StrayStoreEntry" && x.Severity != FindingSeverity.Ok), x => Assert.Contains(x.Target, x.Message));
                Assert.Contains(findings, x => x.Check == "OrphanFile" && x.Target == orphan);
                Assert.All(strays, s => Assert.True(File.Exists(s) || Directory.Exists(s)));
                Assert.True(File.Exists(orphan));
                Assert.Contains(store.Test(deep: true), x => x.Check == "StrayStoreEntry" && x.Target == strays[0]);
            }
        }

        [Fact]
        public void A_key_kept_elsewhere_makes_a_master_key_file_in_the_store_a_stray()
        {
            using (var t = new TempStore())
            {
                Assert.Contains(t.Store.Test(), x => x.Check == "StrayStoreEntry" && x.Severity == FindingSeverity.Ok);
                var folder = Path.Combine(t.Folder, "elsewhere");
                var key = Path.Combine(t.Folder, "vault", "master.key");
                Directory.CreateDirectory(Path.GetDirectoryName(key));
                var other = RecordingStore.Create(folder, TempStore.Admin, key, t.Clock, true);
                Assert.Contains(other.Test(), x => x.Check == "StrayStoreEntry" && x.Severity == FindingSeverity.Ok);
                File.WriteAllText(Path.Combine(folder, "master.key"), "planted");
                Assert.Contains(other.Test(), x => x.Check == "StrayStoreEntry" && x.Severity == FindingSeverity.Warning && x.Target == Path.Combine(folder, "master.key"));
            }
        }

        [Theory]
        [InlineData("DROP TRIGGER audit_event_no_update", "audit_event_no_update", "is missing")]
        [InlineData("DROP INDEX recording_state_expiry", "recording_state_expiry", "is missing")]
        [InlineData("CREATE INDEX sneaky ON recording(expires_at)", "sneaky", "no migration makes it")]
        [InlineData("CREATE TABLE shadow (x)", "shadow", "no migration makes it")]
        [InlineData("CREATE VIEW v AS SELECT 1", "v", "no migration makes it")]
        [InlineData("ALTER TABLE recording ADD COLUMN note TEXT", "recording", "differs from what the migrations make")]
        [InlineData("DROP TRIGGER audit_event_no_delete; CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event WHEN 0 BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END", "audit_event_no_delete", "differs")]
        public void A_schema_changed_outside_the_module_is_a_finding_naming_the_object(string sql, string name, string says)
        {
            using (var t = new TempStore())
            {
                var clean = t.Store.Test().Where(x => x.Check == "StoreSchemaMismatch").ToList();
                Assert.Equal(FindingSeverity.Ok, Assert.Single(clean).Severity);
                t.RawSql(sql); // with the sqlite3 shell, behind the module's back
                var found = t.Store.Test().Where(x => x.Check == "StoreSchemaMismatch").ToList();
                var finding = Assert.Single(found);
                Assert.Equal(FindingSeverity.Error, finding.Severity);
                Assert.Equal(name, finding.Target);
                Assert.Contains(says, finding.Message);
            }
        }

        [Fact]
        public void The_expected_schema_is_what_every_migration_makes()
        {
            using (var t = new TempStore())
            {
                // A whitespace-only difference is not a change; the expected schema follows Migrations.All, whatever its length.
                Assert.Empty(t.Store.Database.SchemaDifferences());
                var expected = CallRecordingAdmin.Engine.PolicyDatabase.Sqlite.SqliteSchema.Expected(CallRecordingAdmin.Engine.PolicyDatabase.Migrations.Latest);
                Assert.Contains(expected, o => o.Type == "trigger" && o.Name == "audit_event_no_update");
                Assert.Contains(expected, o => o.Type == "table" && o.Name == "schema_migration");
            }
        }
    }
}
