using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    /// <summary>The open findings of issue 9's adversarial review (F9, F10, F12, F13, F15, F16, side files, campaign cases c050 and c144).</summary>
    public sealed class ReviewFindings2Tests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        private DateTimeOffset Now => _f.T.Clock.UtcNow;
        public void Dispose() => _f.Dispose();

        private static string Refusal(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        private List<AccessLogEntry> Log(string recordingId) =>
            Store.AccessLog.Get(new AccessLogQuery { RecordingId = recordingId }).OrderBy(e => e.Sequence).ToList();

        private static void Tamper(string file)
        {
            var bytes = File.ReadAllBytes(file);
            bytes[bytes.Length - 20] ^= 1;
            File.WriteAllBytes(file, bytes);
        }

        private string Out(string name) => Path.Combine(_f.T.Folder, "out", name);

        // F9: an allowed access whose decryption fails leaves a second row saying so, and nothing decrypted.
        [Fact]
        public void A_save_that_fails_its_integrity_check_is_recorded_as_failed_and_leaves_nothing()
        {
            var rec = _f.Import("c1", Now.AddDays(-1), path: _f.Wav("c1.wav", 2));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "supervisor", null);
            Tamper(Store.Recordings.StoredFile(rec));
            var target = Out("c1.wav");
            Directory.CreateDirectory(Path.GetDirectoryName(target));
            Assert.Equal("RecordingIntegrityFailed", Refusal(() => Store.As("sup@uni.test").Recordings.Save(rec.RecordingId, target, new AccessPurpose(Purpose.Training, "t"), false)));
            Assert.Empty(Directory.GetFileSystemEntries(Path.GetDirectoryName(target)));
            var log = Log(rec.RecordingId);
            Assert.Equal(new[] { AccessOutcome.Allowed, AccessOutcome.Refused }, log.Select(l => l.Outcome));
            Assert.All(log, l => Assert.Equal("Download", l.Action));
            Assert.StartsWith("RecordingIntegrityFailed: ", log[1].Detail);
            Assert.Contains("nothing was written to " + target, log[1].Detail);
            Assert.Contains("Test-RecordingStore -Deep", log[1].Detail);
            Assert.Contains(Store.Audit.Get(new AuditQuery { Action = "RecordingAccessRefused" }), e => e.Target == rec.RecordingId);
            Assert.True(Store.Audit.Verify().IsValid);
        }

        [Fact]
        public void A_save_with_another_stores_key_is_recorded_as_failed_and_leaves_nothing()
        {
            var rec = _f.Import("c1", Now.AddDays(-1));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "supervisor", null);
            using (var other = new TempStore())
            {
                File.Copy(Path.Combine(other.Store.Path, MasterKey.DefaultFileName), Store.KeyPath, true);
            }
            var target = Out("wk.wav");
            Assert.Equal("EncryptionKeyUnavailable", Refusal(() => Store.As("sup@uni.test").Recordings.Save(rec.RecordingId, target, new AccessPurpose(Purpose.Training, "t"), false)));
            Assert.False(File.Exists(target));
            var log = Log(rec.RecordingId);
            Assert.Equal(AccessOutcome.Refused, log.Last().Outcome);
            Assert.StartsWith("EncryptionKeyUnavailable: ", log.Last().Detail);
        }

        [Fact]
        public void A_copy_of_a_damaged_recording_is_refused_recorded_and_leaves_no_copy()
        {
            var rec = _f.Import("c1", Now.AddDays(-1), path: _f.Wav("c1.wav", 2));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Copy }, "supervisor", null);
            Tamper(Store.Recordings.StoredFile(rec));
            var folder = Path.Combine(_f.T.Folder, "copies");
            Assert.Equal("RecordingIntegrityFailed", Refusal(() => Store.As("sup@uni.test").Recordings.Copy(rec.RecordingId, folder, new AccessPurpose(Purpose.Training, "t"))));
            Assert.Empty(Directory.GetFileSystemEntries(folder));
            var log = Log(rec.RecordingId);
            Assert.Equal(new[] { AccessOutcome.Allowed, AccessOutcome.Refused }, log.Select(l => l.Outcome));
            Assert.StartsWith("RecordingIntegrityFailed: ", log[1].Detail);
        }

        // Side files: every path a cmdlet writes is checked before any is written.
        [Fact]
        public void A_link_at_a_copys_manifest_name_is_refused_before_the_copy_is_written()
        {
            if (OperatingSystem.IsWindows()) return; // links need privileges there
            var rec = _f.Import("c1", Now.AddDays(-1));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Copy }, "supervisor", null);
            var folder = Path.Combine(_f.T.Folder, "copies");
            Directory.CreateDirectory(folder);
            File.CreateSymbolicLink(Path.Combine(folder, rec.RecordingId + ".crec.json"), Store.DatabasePath);
            Assert.Equal("DestinationInsideStore", Refusal(() => Store.As("sup@uni.test").Recordings.Copy(rec.RecordingId, folder, new AccessPurpose(Purpose.Training, "t"))));
            Assert.False(File.Exists(Path.Combine(folder, rec.RecordingId + ".crec")));
            Assert.Equal(new[] { AccessOutcome.Refused }, Log(rec.RecordingId).Select(l => l.Outcome));
            Assert.Equal("SQLite format 3", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(Store.DatabasePath), 0, 15));
        }

        [Fact]
        public void A_link_at_a_hold_exports_manifest_name_is_refused_before_any_audio_is_written()
        {
            if (OperatingSystem.IsWindows()) return;
            var hold = Store.Holds.Create("HR-10", HoldKind.Disciplinary, "r", Now.AddYears(6), null);
            var a = _f.Import("a", Now.AddDays(-2));
            Store.Holds.Add(hold.HoldId, a.RecordingId);
            _f.NominateAdmin(AccessRight.Copy);
            var folder = Path.Combine(_f.T.Folder, "evidence");
            Directory.CreateDirectory(folder);
            File.CreateSymbolicLink(Path.Combine(folder, HoldExport.ManifestJson), Store.DatabasePath);
            Assert.Equal("DestinationInsideStore", Refusal(() => Store.HoldExports.Export(hold.HoldId, folder, false)));
            Assert.Single(Directory.GetFileSystemEntries(folder)); // the planted link only
            Assert.Empty(Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Allowed, Action = "ExportLegalHold" }));
            Assert.Contains(Store.Audit.Get(new AuditQuery { Action = "Refused" }), e => e.Details.Contains("DestinationInsideStore"));
        }

        [Fact]
        public void A_link_at_a_subject_access_exports_index_name_is_refused_before_any_audio_is_written()
        {
            if (OperatingSystem.IsWindows()) return;
            _f.Import("a", Now.AddDays(-2), remote: "07700 900123");
            var dpo = _f.T.WithRole("dpo@uni.test", RecordingRole.DataProtectionOfficer);
            Store.Grants.Grant("dpo@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "subject access requests", null);
            var sar = dpo.SubjectAccess.Create("SAR-1", "Alex", new[] { "07700 900123" }, Now.UtcDateTime.Date, false);
            var folder = Path.Combine(_f.T.Folder, "sar");
            Directory.CreateDirectory(folder);
            File.CreateSymbolicLink(Path.Combine(folder, "index.csv"), Store.DatabasePath);
            Assert.Equal("DestinationInsideStore", Refusal(() => dpo.SubjectAccess.Export(sar.RequestId, folder)));
            Assert.Single(Directory.GetFileSystemEntries(folder));
            Assert.Empty(Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Allowed }));
        }

        // F12: no store inside a store.
        [Fact]
        public void A_new_store_inside_a_stores_folder_is_refused()
        {
            var inside = Path.Combine(Store.Path, RecordingStore.RecordingsFolderName, "zz");
            Assert.Equal("DestinationInsideStore", Refusal(() => RecordingStore.Create(inside, "evil@uni.test")));
            Assert.False(Directory.Exists(inside));
            Assert.Equal("DestinationInsideStore", Refusal(() => RecordingStore.Create(Path.Combine(Store.Path, "nested"), "evil@uni.test")));
            var elsewhere = Path.Combine(_f.T.Folder, "second");
            Assert.Equal("DestinationInsideStore", Refusal(() => RecordingStore.Create(elsewhere, "evil@uni.test", Path.Combine(Store.Path, "second.key"))));
            Assert.False(Directory.Exists(elsewhere));
            if (!OperatingSystem.IsWindows())
            {
                var alias = Path.Combine(_f.T.Folder, "alias");
                Directory.CreateSymbolicLink(alias, Store.Path);
                Assert.Equal("DestinationInsideStore", Refusal(() => RecordingStore.Create(Path.Combine(alias, "x"), "evil@uni.test")));
            }
            // beside it is fine
            RecordingStore.Create(Path.Combine(_f.T.Folder, "beside"), "admin@uni.test");
            Assert.True(RecordingStore.IsStore(Path.Combine(_f.T.Folder, "beside")));
        }

        // F13: every file written for a user is owner-only, and so is every folder the module creates.
        [Fact]
        public void Exports_manifests_and_checkpoints_are_created_owner_only()
        {
            if (OperatingSystem.IsWindows()) return;
            const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            const UnixFileMode folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            var rec = _f.Import("a", Now.AddDays(-2), remote: "07700 900123");
            var auditor = _f.T.WithRole("auditor@uni.test", RecordingRole.Auditor);
            var logCsv = Path.Combine(_f.T.Folder, "new", "deeper", "log.csv");
            auditor.AccessLog.Export(new AccessLogQuery(), logCsv, false);
            Assert.Equal(file, File.GetUnixFileMode(logCsv));
            Assert.Equal(folder, File.GetUnixFileMode(Path.GetDirectoryName(logCsv)));
            Assert.Equal(folder, File.GetUnixFileMode(Path.Combine(_f.T.Folder, "new")));
            var checkpoint = Path.Combine(_f.T.Folder, "cp.json");
            auditor.Audit.ExportCheckpoint(checkpoint);
            Assert.Equal(file, File.GetUnixFileMode(checkpoint));

            var hold = Store.Holds.Create("HR-11", HoldKind.Disciplinary, "r", Now.AddYears(6), null);
            Store.Holds.Add(hold.HoldId, rec.RecordingId);
            _f.NominateAdmin(AccessRight.Copy, AccessRight.Download);
            var evidence = Path.Combine(_f.T.Folder, "evidence");
            Store.HoldExports.Export(hold.HoldId, evidence, false);
            Assert.Equal(folder, File.GetUnixFileMode(evidence));
            Assert.All(Directory.GetFiles(evidence), f => Assert.Equal(file, File.GetUnixFileMode(f)));
            Assert.Equal(4, Directory.GetFiles(evidence).Length);

            var dpo = _f.T.WithRole("dpo@uni.test", RecordingRole.DataProtectionOfficer);
            Store.Grants.Grant("dpo@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "subject access requests", null);
            var sar = dpo.SubjectAccess.Create("SAR-2", "Alex", new[] { "07700 900123" }, Now.UtcDateTime.Date, false);
            var sarFolder = Path.Combine(_f.T.Folder, "sar");
            dpo.SubjectAccess.Export(sar.RequestId, sarFolder);
            Assert.Equal(folder, File.GetUnixFileMode(sarFolder));
            Assert.All(Directory.GetFiles(sarFolder), f => Assert.Equal(file, File.GetUnixFileMode(f)));

            var copies = Path.Combine(_f.T.Folder, "copies");
            Store.Recordings.Copy(rec.RecordingId, copies, new AccessPurpose(Purpose.Training, "t"));
            Assert.Equal(folder, File.GetUnixFileMode(copies));
            Assert.All(Directory.GetFiles(copies), f => Assert.Equal(file, File.GetUnixFileMode(f)));
            Assert.Equal(2, Directory.GetFiles(copies).Length);
        }

        // F15: a playback is judged at the time it happened.
        [Fact]
        public void A_playback_before_the_call_or_outside_the_players_nomination_then_is_refused_and_logged()
        {
            var rec = _f.Import("c1", Now.AddDays(-10));
            var sup = _f.T.WithRole("sup@uni.test", RecordingRole.Supervisor, "IT Service Desk");
            var purpose = new AccessPurpose(Purpose.Training, "coaching");
            _f.T.Clock.UtcNow = Now.AddDays(-5);
            var grant = Store.Grants.Grant("coach@uni.test", "IT Service Desk", "Adviser", new[] { AccessRight.Play }, "coach", null);
            _f.T.Clock.UtcNow = Now.AddDays(3);
            Store.Grants.Revoke(grant.GrantId, null, null, "left");
            _f.T.Clock.UtcNow = Now.AddDays(2);

            Assert.Equal("PlayedAtBeforeCall", Refusal(() => sup.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, new DateTimeOffset(1999, 1, 1, 0, 0, 0, TimeSpan.Zero))));
            Assert.Equal("PlayedAtBeforeCall", Refusal(() => sup.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, rec.StartTime.AddMinutes(-1))));
            Assert.Equal("PlayedAtInFuture", Refusal(() => sup.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, Now.AddDays(1))));
            // after the call but before the coach was nominated
            Assert.Equal("AccessNotGranted", Refusal(() => sup.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, Now.AddDays(-9))));
            // after the nomination ended (it was revoked yesterday)
            Assert.Equal("AccessNotGranted", Refusal(() => sup.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, null)));
            // while the nomination was in force: recorded, though it has since been revoked
            sup.Recordings.RegisterPlayback(rec.RecordingId, "coach@uni.test", purpose, Now.AddDays(-4));
            var log = Log(rec.RecordingId);
            Assert.Equal(4, log.Count(l => l.Outcome == AccessOutcome.Refused && l.Action == "Play"));
            Assert.Contains(log, l => l.Outcome == AccessOutcome.Refused && l.Detail.StartsWith("PlayedAtBeforeCall"));
            Assert.Equal(AccessOutcome.Allowed, log.Last().Outcome);
            Assert.Equal("coach@uni.test", log.Last().Principal);
        }

        // F16: backdated approvals need their paper reference and cannot precede the policy.
        [Fact]
        public void A_backdated_approval_needs_its_paper_reference_and_cannot_precede_the_policy()
        {
            Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Payroll", Retention = RetentionPeriod.FromDays(90), CustomerNotice = "n" });
            var nsm = Store.As("nsm@uni.test");
            RecordingRequest Make() => Store.Requests.Create(new RecordingRequestDraft
            {
                ServiceArea = "Payroll", BusinessReason = "b", Purposes = new[] { Purpose.StaffProtection },
                AccessLevels = AccessLevel.Parse("Supervisor=Play"), Retention = RetentionPeriod.FromDays(90), DpiaReference = "d", DpoAdvice = "a",
            });
            var r = Make();
            Assert.Equal("EffectiveFromBeforePolicy", Refusal(() => nsm.Requests.Approve(r.RequestId, "paper", new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero), "NS/1990/1")));
            Assert.Equal("PaperReferenceRequired", Refusal(() => nsm.Requests.Approve(r.RequestId, "paper", Now.AddDays(-30))));
            Assert.Equal("PaperReferenceRequired", Refusal(() => nsm.Requests.Approve(r.RequestId, "paper", Now.AddHours(-1), "  ")));
            Assert.Equal(RequestStatus.Pending, Store.Requests.Get(new RecordingRequestQuery { RequestId = r.RequestId }).Single().Status);
            var approved = nsm.Requests.Approve(r.RequestId, "Signed by the Director", Now.AddDays(-30), "NS/2026/07");
            Assert.Equal(Now.AddDays(-30), approved.EffectiveFrom);
            Assert.Contains("NS/2026/07", approved.DecisionComment);
            var ev = Store.Audit.Get(new AuditQuery { Action = "ApproveRecordingRequest" }).Last();
            Assert.Contains("\"paperReference\":\"NS/2026/07\"", ev.Details);
            // an approval taking effect now needs no reference
            Assert.Equal(RequestStatus.Approved, nsm.Requests.Approve(Make().RequestId, null, null).Status);
        }

        // F10: one reading of a StartTime.
        [Fact]
        public void A_start_time_is_read_as_ISO_8601_only_and_local_times_in_a_stated_zone()
        {
            var london = Timestamp.Zone("Europe/London");
            Assert.Equal("StartTimeAmbiguous", Refusal(() => Timestamp.ParseInput("11/12/2026 10:00", london)));
            Assert.Equal("StartTimeAmbiguous", Refusal(() => Timestamp.ParseInput("25/12/2026", london)));
            Assert.Equal("StartTimeAmbiguous", Refusal(() => Timestamp.ParseInput("1.2.26 10:00", london)));
            Assert.Equal("StartTimeInvalid", Refusal(() => Timestamp.ParseInput("12 Nov 2026 10:00", london)));
            Assert.Equal("StartTimeInvalid", Refusal(() => Timestamp.ParseInput("soon", london)));
            Assert.Equal(new DateTimeOffset(2026, 11, 1, 9, 15, 0, TimeSpan.Zero), Timestamp.ParseInput("2026-11-01T09:15:00Z", london));
            Assert.Equal(new DateTimeOffset(2026, 11, 1, 8, 15, 0, TimeSpan.Zero), Timestamp.ParseInput("2026-11-01T09:15:00+01:00", london));
            // without an offset: wall-clock time in the zone given (BST in July, GMT in November)
            Assert.Equal(new DateTimeOffset(2026, 7, 1, 9, 0, 0, TimeSpan.Zero), Timestamp.ParseInput("2026-07-01 10:00", london));
            Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), Timestamp.ParseInput("2026-11-01T10:00:00", london));
            Assert.Equal(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero), Timestamp.ParseInput("2026-07-01T10:00:00", TimeZoneInfo.Utc));
            // the hour skipped in spring and the hour repeated in autumn
            Assert.Equal("StartTimeInvalid", Refusal(() => Timestamp.ParseInput("2026-03-29T01:30:00", london)));
            Assert.Equal("StartTimeAmbiguous", Refusal(() => Timestamp.ParseInput("2026-10-25T01:30:00", london)));
            Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), Timestamp.ParseInput("2026-10-25T01:30:00+01:00", london));
            Assert.Equal("TimeZoneNotFound", Refusal(() => Timestamp.Zone("Mars/Olympus")));
        }

        [Fact]
        public void A_manifest_row_with_a_day_month_start_time_is_refused_alone()
        {
            var source = _f.Source;
            _f.Wav("us.wav");
            _f.Wav("iso.wav");
            var manifest = Path.Combine(source, "manifest.csv");
            File.WriteAllText(manifest, "CallId,Extension,StartTime,DurationSeconds,Direction,RemoteNumber,Agent,Path\n" +
                "T-USDATE,4521,11/12/2026 10:00,,Inbound,07700 900123,UNI\\adviser1,us.wav\n" +
                "T-ISO,4521,2026-11-27T10:00:00,,Inbound,07700 900123,UNI\\adviser1,iso.wav\n");
            var rows = RecordingManifest.Read(manifest, Timestamp.Zone("Europe/London")).ToList();
            Assert.Equal("StartTimeAmbiguous", rows[0].Error.ErrorId);
            Assert.Null(rows[1].Error);
            Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), rows[1].Item.StartTime);
        }

        // Campaign cases c050 and c144.
        [Theory]
        [InlineData("00000000")]
        [InlineData("+44 0000 000000")]
        [InlineData("99999999")]
        [InlineData("011111111")]
        public void Filler_remote_numbers_are_refused(string number)
        {
            Assert.Equal("InvalidPhoneNumber", Refusal(() => RemoteNumber.Validate(number, CallDirection.Inbound, "c")));
        }

        [Theory]
        [InlineData("07700 900123")]
        [InlineData("+44 20 7946 0958")]
        [InlineData("(0161) 496 0000")]
        [InlineData("+39 06 1234 5678")]
        [InlineData("+1 202 555 0100")]
        public void Real_remote_numbers_are_accepted(string number)
        {
            Assert.Equal(number, RemoteNumber.Validate(number, CallDirection.Inbound, "c"));
        }

        [Theory]
        [InlineData("=HYPERLINK(\"x\")")]
        [InlineData("+cmd|' /C calc'!A0")]
        [InlineData("-2+3")]
        [InlineData("@SUM(1)")]
        [InlineData("UNI\\a\\b")]
        [InlineData("a@b@c")]
        [InlineData("UNI\\user@uni.test")]
        [InlineData("UNI\\")]
        [InlineData("@uni.test")]
        [InlineData("../../etc/passwd")]
        [InlineData("user<script>")]
        [InlineData("UNI\\a;b")]
        public void Principals_that_are_not_account_names_are_refused(string principal)
        {
            Assert.Equal("PrincipalInvalid", Refusal(() => Principal.Normalise(principal)));
        }

        [Theory]
        [InlineData("UNI\\sup-students")]
        [InlineData("uc-admin@uni.ac.uk")]
        [InlineData("Zoë.Ångström@uni.test")]
        [InlineData("root@vm")]
        [InlineData("UNI\\IT Service Desk")]
        [InlineData("o'brien@uni.test")]
        [InlineData("svc_backup$")]
        [InlineData("jdoe")]
        public void Account_names_are_accepted(string principal)
        {
            Assert.Equal(principal, Principal.Normalise(principal));
        }
    }
}
