using System;
using System.IO;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engine.Tests
{
    /// <summary>A store with one authorised area ("IT Service Desk", 90 days, extension 4521) and a folder of WAV files.</summary>
    public sealed class RecordingFixture : IDisposable
    {
        public readonly TempStore T = new TempStore();
        public readonly string Source;

        public RecordingFixture(int retentionDays = 90)
        {
            var s = T.Store;
            s.ServiceAreas.Create(new ServiceAreaDraft { Name = "IT Service Desk", Retention = RetentionPeriod.FromDays(retentionDays), CustomerNotice = "n" });
            s.ServiceAreas.Create(new ServiceAreaDraft { Name = "Unapproved", Retention = RetentionPeriod.FromDays(30), CustomerNotice = "n" });
            s.Extensions.Add("4521", "IT Service Desk", ExtensionMode.OnDemand, true, null);
            s.Extensions.Add("4600", "Unapproved", ExtensionMode.OnDemand, true, null);
            var nsm = T.WithRole("nsm@uni.test", RecordingRole.NetworkServicesManager);
            var r = s.Requests.Create(new RecordingRequestDraft
            {
                ServiceArea = "IT Service Desk", BusinessReason = "b", Purposes = new[] { Purpose.StaffProtection },
                AccessLevels = AccessLevel.Parse("Supervisor=Play+Download+Copy+Share+Delete; Adviser=Play"), Retention = RetentionPeriod.FromDays(retentionDays), DpiaReference = "d", DpoAdvice = "a",
            });
            nsm.Requests.Approve(r.RequestId, null, T.Clock.UtcNow.AddYears(-1), "Paper approval TEST/1");
            Source = Path.Combine(T.Folder, "export");
            Directory.CreateDirectory(Source);
        }

        public string Wav(string name, double seconds = 0.5, int hz = 440)
        {
            var path = Path.Combine(Source, name);
            Wave.Write(path, seconds, hz);
            return path;
        }

        public Recording Import(string callId, DateTimeOffset start, string remote = "07700 900123", string extension = "4521", string path = null, string agent = "UNI\\jdoe") =>
            T.Store.Recordings.Import(new RecordingImport
            {
                CallId = callId, Extension = extension, StartTime = start, Direction = CallDirection.Inbound, RemoteNumber = remote, Agent = agent,
                Path = path ?? Wav(callId + ".wav"),
            }).Recording;

        /// <summary>
        /// Nominates the store's first Administrator for <paramref name="rights"/> in "IT Service Desk": another
        /// Administrator must (nobody nominates themselves), so one is added for it.
        /// </summary>
        public void NominateAdmin(params AccessRight[] rights)
        {
            if (!T.Store.Roles.Get("second.admin@uni.test").Any()) T.Store.Roles.Add("second.admin@uni.test", RecordingRole.Administrator, null);
            T.Store.As("second.admin@uni.test").Grants.Grant(TempStore.Admin, "IT Service Desk", "Supervisor", rights, "case work", null);
        }

        /// <summary>
        /// A call imported soon after it happened, long ago: the clock goes back to an hour after
        /// <paramref name="start"/> for the import (an import of an already expired call is refused, AlreadyExpired).
        /// </summary>
        public Recording ImportWhenRecorded(string callId, DateTimeOffset start, string remote = "07700 900123")
        {
            var now = T.Clock.UtcNow;
            T.Clock.UtcNow = start.AddHours(1);
            try
            {
                return Import(callId, start, remote);
            }
            finally
            {
                T.Clock.UtcNow = now;
            }
        }

        public void Dispose() => T.Dispose();
    }

    public static class Wave
    {
        /// <summary>A PCM WAV, 8 kHz 16-bit mono, made by code.</summary>
        public static void Write(string path, double seconds, int hz)
        {
            var samples = (int)(8000 * seconds);
            using (var w = new BinaryWriter(File.Create(path)))
            {
                w.Write(Encoding.ASCII.GetBytes("RIFF")); w.Write(36 + samples * 2); w.Write(Encoding.ASCII.GetBytes("WAVEfmt "));
                w.Write(16); w.Write((short)1); w.Write((short)1); w.Write(8000); w.Write(16000); w.Write((short)2); w.Write((short)16);
                w.Write(Encoding.ASCII.GetBytes("data")); w.Write(samples * 2);
                for (var i = 0; i < samples; i++) w.Write((short)(8000 * Math.Sin(2 * Math.PI * hz * i / 8000)));
            }
        }
    }

    public class RecordingCipherTests
    {
        private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

        private static byte[] Seal(byte[] plain, string id = "rec-1")
        {
            using (var output = new MemoryStream())
            {
                RecordingCipher.Encrypt(new MemoryStream(plain), output, id, Key, "fp");
                return output.ToArray();
            }
        }

        private static byte[] Open(byte[] stored, string id = "rec-1", byte[] key = null, string sha = null)
        {
            using (var output = new MemoryStream())
            {
                RecordingCipher.Decrypt(new MemoryStream(stored), output, id, key ?? Key, sha);
                return output.ToArray();
            }
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(RecordingCipher.ChunkSize)]
        [InlineData(RecordingCipher.ChunkSize * 2 + 17)]
        public void Round_trips_any_length_across_chunk_boundaries(int length)
        {
            var plain = new byte[length];
            new Random(length).NextBytes(plain);
            var stored = Seal(plain);
            Assert.Equal(plain, Open(stored));
            Assert.DoesNotContain("RIFF", Encoding.ASCII.GetString(stored));
        }

        private static string Failure(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        [Fact]
        public void A_flipped_byte_a_cut_tail_a_wrong_key_or_a_wrong_id_is_refused()
        {
            var plain = new byte[RecordingCipher.ChunkSize + 100];
            new Random(1).NextBytes(plain);
            var stored = Seal(plain);
            var flipped = (byte[])stored.Clone();
            flipped[flipped.Length - 50] ^= 0x01;
            Assert.Equal("RecordingIntegrityFailed", Failure(() => Open(flipped)));
            // Cut at the chunk boundary: what is left is well-formed but ends on a chunk that was not the last.
            var firstChunkEnd = stored.Length - (4 + 100 + 16);
            Assert.Equal("RecordingIntegrityFailed", Failure(() => Open(stored.Take(firstChunkEnd).ToArray())));
            Assert.Equal("RecordingIntegrityFailed", Failure(() => Open(stored, key: Enumerable.Repeat((byte)9, 32).ToArray())));
            Assert.Equal("RecordingIntegrityFailed", Failure(() => Open(stored, id: "rec-2")));
        }

        [Fact]
        public void A_content_hash_that_differs_is_refused()
        {
            var stored = Seal(new byte[] { 1, 2, 3 });
            Assert.Equal("RecordingIntegrityFailed", Failure(() => Open(stored, sha: new string('0', 64))));
        }

        [Fact]
        public void Reads_duration_and_format_from_a_wav_header()
        {
            var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".wav");
            Wave.Write(path, 2.5, 440);
            try
            {
                var info = WavInfo.Read(path);
                Assert.Equal(2.5, info.DurationSeconds);
                Assert.Equal("WAV PCM 8000 Hz 16-bit mono", info.Format);
            }
            finally { File.Delete(path); }
        }

        [Theory]
        [InlineData("07700 900123")]
        [InlineData("+44 7700 900123")]
        [InlineData("447700900123")]
        [InlineData("(0)7700-900-123")]
        public void Numbers_in_any_common_form_become_one_E164_number(string written)
        {
            Assert.Equal("+447700900123", RemoteNumber.Normalise(written));
        }
    }

    public class RecordingStoreTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        private DateTimeOffset Now => _f.T.Clock.UtcNow;

        public void Dispose() => _f.Dispose();

        private static string Refusal(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        private void HoldRecording(string recordingId)
        {
            var hold = Store.Holds.Create("CASE-1", CallRecordingAdmin.Engine.LegalHolds.HoldKind.Complaint, "complaint", null, null);
            Store.Holds.Add(hold.HoldId, recordingId);
        }

        [Fact]
        public void Import_encrypts_hashes_files_under_the_area_and_sets_expiry()
        {
            var rec = _f.Import("c1", Now.AddDays(-10));
            Assert.Equal("IT Service Desk", rec.ServiceArea);
            Assert.Equal("+447700900123", rec.RemoteNumber);
            Assert.Equal(0.5, rec.DurationSeconds);
            Assert.Equal(RecordingCipher.Sha256OfFile(Path.Combine(_f.Source, "c1.wav")), rec.Sha256);
            Assert.Equal(Now.AddDays(80), rec.ExpiresAt);
            var stored = Directory.GetFiles(Path.Combine(Store.Path, "recordings"), "*.crec", SearchOption.AllDirectories).Single();
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(_f.Source, "c1.wav")).Take(4), File.ReadAllBytes(stored).Take(4));
        }

        [Fact]
        public void Calls_outside_a_recorded_extension_or_an_authorisation_are_refused_per_call()
        {
            Assert.Equal("ExtensionNotRecorded", Refusal(() => _f.Import("c1", Now.AddDays(-1), extension: "9999")));
            Assert.Equal("RecordingNotAuthorised", Refusal(() => _f.Import("c2", Now.AddDays(-1), extension: "4600")));
            Assert.Equal("RecordingNotAuthorised", Refusal(() => _f.ImportWhenRecorded("c3", Now.AddYears(-2))));
            Assert.Equal("AlreadyExpired", Refusal(() => _f.Import("c4", Now.AddYears(-2))));
            Assert.Empty(Store.Recordings.Get(new RecordingQuery()));
            Assert.Empty(Directory.GetFiles(Path.Combine(Store.Path, "recordings"), "*", SearchOption.AllDirectories));
        }

        [Fact]
        public void The_same_call_is_skipped_and_the_same_id_with_other_content_is_refused()
        {
            var first = _f.Import("c1", Now.AddDays(-1));
            var again = Store.Recordings.Import(new RecordingImport { CallId = "c1", Extension = "4521", StartTime = Now.AddDays(-1), Path = Path.Combine(_f.Source, "c1.wav") });
            Assert.True(again.AlreadyImported);
            Assert.Equal(first.RecordingId, again.Recording.RecordingId);
            Assert.Equal("DuplicateCallId", Refusal(() => _f.Import("c1", Now.AddDays(-1), path: _f.Wav("other.wav", 0.7, 300))));
            Assert.Single(Directory.GetFiles(Path.Combine(Store.Path, "recordings"), "*", SearchOption.AllDirectories));
        }

        [Fact]
        public void Without_the_master_key_nothing_is_imported()
        {
            File.Move(Store.KeyPath, Store.KeyPath + ".away");
            var fresh = RecordingStore.Open(Store.Path, TempStore.Admin, _f.T.Clock);
            var e = Assert.Throws<PolicyException>(() => fresh.Recordings.Import(new RecordingImport { CallId = "c1", Extension = "4521", StartTime = Now.AddDays(-1), Path = _f.Wav("c1.wav") }));
            Assert.Equal("EncryptionKeyUnavailable", e.ErrorId);
            Assert.Empty(fresh.Recordings.Get(new RecordingQuery()));
        }

        [Fact]
        public void Numbers_find_the_same_calls_however_they_were_written()
        {
            _f.Import("a", Now.AddDays(-3), remote: "07700 900123");
            _f.Import("b", Now.AddDays(-2), remote: "+44 7700 900123");
            _f.Import("c", Now.AddDays(-1), remote: "447700900123");
            _f.Import("d", Now.AddDays(-1), remote: "0151 794 2000");
            Assert.Equal(new[] { "a", "b", "c" }, Store.Recordings.Get(new RecordingQuery { RemoteNumber = "07700900123" }).Select(r => r.CallId));
            Assert.Equal(2, Store.Recordings.Get(new RecordingQuery { Skip = 1, First = 2 }).Count());
        }

        [Fact]
        public void Only_nominated_staff_reach_content_and_every_attempt_is_logged()
        {
            var rec = _f.Import("c1", Now.AddDays(-1));
            var outFile = Path.Combine(_f.T.Folder, "saved.wav");
            var stranger = Store.As("stranger@uni.test");
            Assert.Equal("AccessNotGranted", Refusal(() => stranger.Recordings.Save(rec.RecordingId, outFile, new AccessPurpose(Purpose.Training, "curious"), false)));
            Assert.False(File.Exists(outFile));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play, AccessRight.Download }, "supervisor", null);
            var sup = Store.As("sup@uni.test");
            sup.Recordings.Save(rec.RecordingId, outFile, new AccessPurpose(Purpose.Training, "coaching"), false);
            Assert.Equal(File.ReadAllBytes(Path.Combine(_f.Source, "c1.wav")), File.ReadAllBytes(outFile));
            Assert.Equal("AccessNotGranted", Refusal(() => sup.Recordings.Remove(rec.RecordingId, new AccessPurpose(Purpose.Training, "tidy"))));
            var log = Store.AccessLog.Get(new AccessLogQuery()).ToList();
            Assert.Equal(new[] { AccessOutcome.Refused, AccessOutcome.Allowed, AccessOutcome.Refused }, log.Select(l => l.Outcome));
            Assert.Equal(new[] { "stranger@uni.test", "sup@uni.test", "sup@uni.test" }, log.Select(l => l.Principal));
            Assert.Equal("coaching", log[1].Reason);
            var audit = Store.Audit.Get(new CallRecordingAdmin.Engine.Audit.AuditQuery()).ToDictionary(a => a.Sequence);
            Assert.All(log, l => Assert.Equal(audit[l.AuditSequence].Hash, l.AuditHash));
        }

        [Fact]
        public void A_refused_nomination_import_or_purge_is_in_the_access_log()
        {
            var stranger = Store.As("stranger@uni.test");
            Assert.Equal("AccessDenied", Refusal(() => stranger.Grants.Grant("y@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play }, "r", null)));
            Assert.Equal("AccessDenied", Refusal(() => stranger.Recordings.Import(new RecordingImport { CallId = "c", Extension = "4521", StartTime = Now.AddDays(-1), Path = _f.Wav("c.wav") })));
            Assert.Equal("AccessDenied", Refusal(() => stranger.Purge.Run(null, null, null, false)));
            var log = Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Refused }).ToList();
            Assert.Equal(new[] { "Grant", "Import", "Purge" }, log.Select(l => l.Action));
            Assert.All(log, l => Assert.Equal("stranger@uni.test", l.Principal));
            Assert.True(Store.Audit.Verify().IsValid);
        }

        [Fact]
        public void A_tampered_file_is_never_returned()
        {
            var rec = _f.Import("c1", Now.AddDays(-1), path: _f.Wav("c1.wav", 3));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "supervisor", null);
            var file = Store.Recordings.StoredFile(rec);
            var bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x40;
            File.WriteAllBytes(file, bytes);
            var outFile = Path.Combine(_f.T.Folder, "saved.wav");
            Assert.Equal("RecordingIntegrityFailed", Refusal(() => Store.As("sup@uni.test").Recordings.Save(rec.RecordingId, outFile, new AccessPurpose(Purpose.Training, "t"), false)));
            Assert.False(File.Exists(outFile));
            Assert.False(File.Exists(outFile + ".partial"));
            Assert.Contains(Store.Test(deep: true), f => f.Check == "RecordingIntegrity" && f.Severity == FindingSeverity.Error && f.Target == rec.RecordingId);
        }

        [Fact]
        public void Grants_are_reviewed_at_least_annually_and_stop_working_when_overdue()
        {
            Assert.Equal("ReviewPeriodExceedsPolicy", Refusal(() => Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play }, "r", Now.AddMonths(13))));
            var g = Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play, AccessRight.Download }, "r", null);
            Assert.Equal(Now.AddMonths(12), g.ReviewBy);
            var rec = _f.Import("c1", Now.AddDays(-1));
            _f.T.Clock.Advance(TimeSpan.FromDays(366));
            var sup = Store.As("sup@uni.test");
            Assert.Equal("AccessReviewOverdue", Refusal(() => sup.Recordings.Save(rec.RecordingId, Path.Combine(_f.T.Folder, "x.wav"), new AccessPurpose(Purpose.Training, "t"), false)));
            Assert.Single(Store.Grants.Get(new GrantQuery { ReviewDue = true }));
            Assert.Equal("AccessDenied", Refusal(() => Store.As("sup@uni.test").Grants.Confirm(g.GrantId, null, null)));
            Store.Roles.Add("sup@uni.test", RecordingRole.Administrator, null);
            Assert.Equal("SelfReviewNotAllowed", Refusal(() => Store.As("sup@uni.test").Grants.Confirm(g.GrantId, null, null)));
            var confirmed = Store.Grants.Confirm(g.GrantId, null, "still supervising");
            Assert.Equal(GrantStatus.Active, confirmed.Status);
            Assert.Equal(TempStore.Admin, confirmed.ReviewedBy);
        }

        [Fact]
        public void Shares_need_the_Share_right_play_only_and_end_within_30_days()
        {
            var rec = _f.Import("c1", Now.AddDays(-1));
            var purpose = new AccessPurpose(Purpose.DisputeOrComplaint, "C-1");
            Assert.Equal("AccessNotGranted", Refusal(() => Store.Grants.Share(rec.RecordingId, "hr@uni.test", new[] { AccessRight.Play }, purpose, Now.AddDays(7))));
            Store.Grants.Grant("lead@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Share }, "team lead", null);
            var lead = Store.As("lead@uni.test");
            Assert.Equal("ShareRightNotAllowed", Refusal(() => lead.Grants.Share(rec.RecordingId, "hr@uni.test", new[] { AccessRight.Download }, purpose, Now.AddDays(7))));
            Assert.Equal("ShareExpiryInvalid", Refusal(() => lead.Grants.Share(rec.RecordingId, "hr@uni.test", new[] { AccessRight.Play }, purpose, Now.AddDays(31))));
            var share = lead.Grants.Share(rec.RecordingId, "hr@uni.test", new[] { AccessRight.Play }, purpose, Now.AddDays(14));
            Assert.Equal(rec.RecordingId, share.RecordingId);
            Assert.Equal("Share", Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Allowed }).Single().Action);
        }

        [Fact]
        public void Playback_is_recorded_by_the_area_supervisor_for_someone_who_holds_Play()
        {
            var rec = _f.Import("c1", Now.AddDays(-1));
            var supervisor = _f.T.WithRole("sup@uni.test", RecordingRole.Supervisor, "IT Service Desk");
            var purpose = new AccessPurpose(Purpose.Training, "coaching");
            Assert.Equal("AccessNotGranted", Refusal(() => supervisor.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, null)));
            // the coach was nominated three hours ago; a playback two hours ago is judged by the nomination in force then
            var now = Now;
            _f.T.Clock.UtcNow = now.AddHours(-3);
            Store.Grants.Grant("coach@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play }, "coach", null);
            _f.T.Clock.UtcNow = now;
            Assert.Equal("AccessDenied", Refusal(() => Store.As("coach@uni.test").Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, null)));
            supervisor.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, Now.AddHours(-2));
            var entry = Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Allowed }).Single();
            Assert.Equal("coach@uni.test", entry.Principal);
            Assert.Equal("Play", entry.Action);
            Assert.Contains("recorded by supervisor sup@uni.test", entry.Detail);
        }

        [Fact]
        public void The_purge_deletes_what_expired_keeps_what_is_held_and_leaves_a_certificate()
        {
            var old = _f.ImportWhenRecorded("old", Now.AddDays(-100));
            var held = _f.ImportWhenRecorded("held", Now.AddDays(-100), remote: "0151 794 2000");
            var fresh = _f.Import("fresh", Now.AddDays(-10));
            HoldRecording(held.RecordingId);
            var forecast = Store.Purge.Run(null, Now.AddYears(1), null, false).Single(s => s.ServiceArea == "IT Service Desk");
            Assert.True(forecast.Forecast);
            Assert.Equal(3, forecast.Candidates);
            Assert.Equal(1, forecast.SkippedOnHold);
            Assert.Equal(3, Store.Recordings.Get(new RecordingQuery()).Count());

            var result = Store.Purge.Run(null, null, null, false).Single(s => s.ServiceArea == "IT Service Desk");
            Assert.Equal(2, result.Candidates);
            Assert.Equal(1, result.Purged);
            Assert.Equal(1, result.SkippedOnHold);
            Assert.True(result.BytesFreed > 0);
            Assert.Equal(new[] { "held", "fresh" }, Store.Recordings.Get(new RecordingQuery()).Select(r => r.CallId));
            var gone = Store.Recordings.Get(new RecordingQuery { RecordingId = old.RecordingId }).Single();
            Assert.Equal(RecordingState.Deleted, gone.State);
            Assert.False(File.Exists(Store.Recordings.StoredFile(old)));
            Assert.Contains(Store.Audit.Get(new CallRecordingAdmin.Engine.Audit.AuditQuery { Action = "DeleteRecording" }), e => e.Target == old.RecordingId && e.Details.Contains(old.Sha256));
            Assert.All(Store.Test(), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
            var removing = Store.As("deleter@uni.test");
            Store.Grants.Grant("deleter@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Delete }, "r", null);
            Assert.Equal("RecordingOnLegalHold", Refusal(() => removing.Recordings.Remove(held.RecordingId, new AccessPurpose(Purpose.Training, "x"))));
        }

        [Fact]
        public void A_purge_interrupted_between_its_commits_is_finished_by_the_next_run()
        {
            var a = _f.ImportWhenRecorded("a", Now.AddDays(-100));
            var b = _f.ImportWhenRecorded("b", Now.AddDays(-100));
            // As a kill leaves it: a claimed with its file already gone, b claimed with its file still there.
            _f.T.Sql("UPDATE recording SET state = 'PendingDelete' WHERE id IN ('" + a.RecordingId + "', '" + b.RecordingId + "')");
            File.Delete(Store.Recordings.StoredFile(a));
            Assert.Equal(2, Store.Test().Count(f => f.Check == "PendingDeletion"));
            var result = Store.Purge.Run(null, null, null, false).Single(s => s.ServiceArea == "IT Service Desk");
            Assert.Equal(2, result.Resumed);
            Assert.Equal(new[] { RecordingState.Deleted, RecordingState.Deleted },
                new[] { a, b }.Select(r => Store.Recordings.Get(new RecordingQuery { RecordingId = r.RecordingId }).Single().State));
            Assert.All(Store.Test(), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
        }

        [Fact]
        public void An_import_killed_after_its_commit_is_completed_and_one_killed_before_is_removed()
        {
            var rec = _f.Import("a", Now.AddDays(-1));
            var file = Store.Recordings.StoredFile(rec);
            File.Move(file, file + ".partial");
            var orphan = Path.Combine(Path.GetDirectoryName(file), "rec-ffffffffffffffffffff.crec.partial");
            File.WriteAllText(orphan, "half");
            Assert.Contains(Store.Test(), f => f.Check == "RecordingFile" && f.Severity == FindingSeverity.Error);
            var done = Store.Recordings.Recover();
            Assert.Equal(2, done.Count);
            Assert.True(File.Exists(file));
            Assert.False(File.Exists(orphan));
            Assert.All(Store.Test(deep: true), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
        }

        [Fact]
        public void Changing_an_areas_retention_reschedules_its_recordings()
        {
            var rec = _f.Import("a", Now.AddDays(-10));
            Store.ServiceAreas.Update("IT Service Desk", new ServiceAreaChange { Retention = RetentionPeriod.FromMonths(12) });
            Assert.Equal(rec.StartTime.AddMonths(12), Store.Recordings.Get(new RecordingQuery { RecordingId = rec.RecordingId }).Single().ExpiresAt);
        }

        [Fact]
        public void The_access_log_export_is_safe_in_a_spreadsheet_and_recoverable()
        {
            var rec = _f.Import("a", Now.AddDays(-1));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "r", null);
            var sup = Store.As("sup@uni.test");
            // Tab, CR and LF are refused in a reason (TextInvalid, see BadInputTests); the writer's own test covers them.
            var nasty = new[] { "=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "-minus", "'quoted", "comma, \"quote\" and more", "Zoë Ångström" };
            foreach (var reason in nasty) sup.Recordings.Save(rec.RecordingId, Path.Combine(_f.T.Folder, "o.wav"), new AccessPurpose(Purpose.Training, reason), true);
            var csv = Path.Combine(_f.T.Folder, "log.csv");
            Assert.Equal(nasty.Length, Store.AccessLog.Export(new AccessLogQuery(), csv, false));
            Assert.Equal("FileExists", Refusal(() => Store.AccessLog.Export(new AccessLogQuery(), csv, false)));
            var bytes = File.ReadAllBytes(csv);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
            using (var reader = new StreamReader(csv))
            using (var parser = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture))
            {
                parser.Read(); parser.ReadHeader();
                Assert.Equal(AccessLogRegister.Columns, parser.HeaderRecord);
                var i = 0;
                while (parser.Read())
                {
                    var cell = parser.GetField("Reason");
                    Assert.DoesNotMatch("^[=+\\-@\t\r]", cell);
                    Assert.Equal(nasty[i], cell.StartsWith("'") ? cell.Substring(1) : cell);
                    Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z$", parser.GetField("OccurredAt"));
                    i++;
                }
                Assert.Equal(nasty.Length, i);
            }
        }
    }
}
