using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using CallRecordingAdmin.Engine.SubjectAccess;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// Makes a stored file undeletable for a while, as an operator or a fault could: `chattr +i` as root (root
    /// ignores folder permissions), otherwise a read-only folder. Undone on dispose.
    /// </summary>
    public sealed class Undeletable : IDisposable
    {
        private readonly string _file;
        private readonly bool _immutable;
        private readonly UnixFileMode _folderMode;

        public Undeletable(string file)
        {
            _file = file;
            if (OperatingSystem.IsWindows())
            {
                File.SetAttributes(file, FileAttributes.ReadOnly);
                return;
            }
            if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
            {
                _immutable = true;
                Chattr("+i");
            }
            else
            {
                var folder = Path.GetDirectoryName(file);
                _folderMode = File.GetUnixFileMode(folder);
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }
        }

        private void Chattr(string flag)
        {
            var p = Process.Start(new ProcessStartInfo("chattr", flag + " \"" + _file + "\"") { RedirectStandardError = true, UseShellExecute = false });
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException("chattr " + flag + " failed: " + p.StandardError.ReadToEnd() + " (this test needs a file system with immutable files when run as root)");
        }

        public void Dispose()
        {
            if (OperatingSystem.IsWindows()) File.SetAttributes(_file, FileAttributes.Normal);
            else if (_immutable) Chattr("-i");
            else File.SetUnixFileMode(Path.GetDirectoryName(_file), _folderMode);
        }
    }

    /// <summary>Issue 9 §4 and §5: the record never says something untrue, and roles do not reach content.</summary>
    public class TruthfulRecordTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        private DateTimeOffset Now => _f.T.Clock.UtcNow;
        public void Dispose() => _f.Dispose();

        private static string Refusal(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        private RecordingState StateOf(Recording r) => Store.Recordings.Get(new RecordingQuery { RecordingId = r.RecordingId }).Single().State;

        private List<AuditEvent> Events(string action) => Store.Audit.Get(new AuditQuery { Action = action }).ToList();

        private List<AccessLogEntry> Refused() => Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Refused }).ToList();

        [Fact]
        public void The_purge_never_marks_a_recording_Deleted_while_its_file_remains_and_the_next_run_retries()
        {
            var old = _f.ImportWhenRecorded("old", Now.AddDays(-100));
            var file = Store.Recordings.StoredFile(old);
            var failures = new List<PolicyException>();
            PurgeSummary summary;
            using (new Undeletable(file))
            {
                summary = Store.Purge.Run(null, null, null, false, null, failures.Add).Single(s => s.ServiceArea == "IT Service Desk");
                Assert.True(File.Exists(file));
                Assert.Equal(RecordingState.PendingDelete, StateOf(old));
                var finding = Assert.Single(Store.Test(), f => f.Check == "RecordingDeleteFailed");
                Assert.Equal(FindingSeverity.Error, finding.Severity);
                Assert.Equal(old.RecordingId, finding.Target);
                // Still locked: a second run retries, fails again, and still says nothing untrue.
                Store.Purge.Run(null, null, null, false, null, failures.Add);
                Assert.Equal(RecordingState.PendingDelete, StateOf(old));
            }
            Assert.Equal(0, summary.Purged);
            Assert.Equal(0, summary.BytesFreed);
            Assert.Equal(1, summary.DeleteFailed);
            Assert.Equal(2, failures.Count);
            Assert.All(failures, f => { Assert.Equal("RecordingDeleteFailed", f.ErrorId); Assert.Equal(old.RecordingId, f.Target); Assert.StartsWith("Clause 2.5:", f.Message); });
            Assert.Empty(Events("DeleteRecording"));
            Assert.Equal(2, Events(RecordingDeletion.FailedAction).Count(e => e.Target == old.RecordingId));

            var retried = Store.Purge.Run(null, null, null, false).Single(s => s.ServiceArea == "IT Service Desk");
            Assert.Equal(1, retried.Resumed);
            Assert.Equal(RecordingState.Deleted, StateOf(old));
            Assert.False(File.Exists(file));
            Assert.Single(Events("DeleteRecording"));
            Assert.All(Store.Test(), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
            Assert.True(Store.Audit.Verify().IsValid);
        }

        [Fact]
        public void Remove_leaves_an_undeletable_recording_PendingDelete_with_RecordingDeleteFailed()
        {
            var rec = _f.Import("r", Now.AddDays(-1));
            Store.Grants.Grant("deleter@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Delete }, "data steward", null);
            var deleter = Store.As("deleter@uni.test");
            using (new Undeletable(Store.Recordings.StoredFile(rec)))
            {
                var e = Assert.Throws<PolicyException>(() => deleter.Recordings.Remove(rec.RecordingId, new AccessPurpose(Purpose.DisputeOrComplaint, "recorded in error")));
                Assert.Equal("RecordingDeleteFailed", e.ErrorId);
                Assert.Equal(rec.RecordingId, e.Target);
            }
            Assert.Equal(RecordingState.PendingDelete, StateOf(rec));
            Assert.Empty(Events("DeleteRecording"));
            Assert.Single(Events(RecordingDeletion.FailedAction));
            Store.Purge.Run(null, null, null, false);
            Assert.Equal(RecordingState.Deleted, StateOf(rec));
        }

        [Fact]
        public void Extraction_marks_an_original_Extracted_only_once_its_file_is_gone()
        {
            _f.NominateAdmin(AccessRight.Copy);
            var hold = Store.Holds.Create("HR-9", HoldKind.Disciplinary, "r", Now.AddYears(6), null);
            var a = _f.Import("a", Now.AddDays(-2), path: _f.Wav("a.wav", 0.3, 300));
            var b = _f.Import("b", Now.AddDays(-1), path: _f.Wav("b.wav", 0.3, 350));
            Store.Holds.Add(hold.HoldId, a.RecordingId);
            Store.Holds.Add(hold.HoldId, b.RecordingId);
            var failures = new List<PolicyException>();
            HoldExportResult result;
            using (new Undeletable(Store.Recordings.StoredFile(b)))
            {
                result = Store.HoldExports.Export(hold.HoldId, Path.Combine(_f.T.Folder, "evidence"), true, null, failures.Add);
            }
            Assert.Equal(2, result.Exported);
            Assert.Equal(1, result.RemovedFromStore);
            Assert.Equal(1, result.NotRemoved);
            Assert.Equal(b.RecordingId, Assert.Single(failures).Target);
            Assert.Equal(RecordingState.Extracted, StateOf(a));
            Assert.Equal(RecordingState.PendingDelete, StateOf(b));
            Store.Purge.Run(null, null, null, false);
            Assert.Equal(RecordingState.Extracted, StateOf(b));
            Assert.False(File.Exists(Store.Recordings.StoredFile(b)));
            Assert.Equal(2, Events("ExtractRecording").Count);
        }

        [Fact]
        public void Import_recovery_needs_an_Administrator_and_is_audited()
        {
            var rec = _f.Import("a", Now.AddDays(-1));
            var file = Store.Recordings.StoredFile(rec);
            File.Move(file, file + ".partial");
            Assert.Single(Store.Recordings.PendingRecovery());
            Assert.Equal("AccessDenied", Refusal(() => Store.As("stranger@uni.test").Recordings.Recover()));
            Assert.True(File.Exists(file + ".partial"));
            Assert.Equal("Import", Assert.Single(Refused()).Action);
            Assert.Single(Store.Recordings.Recover());
            Assert.True(File.Exists(file));
            Assert.Equal(rec.RecordingId, Assert.Single(Events("RecoverImport")).Target);
            Assert.Empty(Store.Recordings.PendingRecovery());
            Assert.Empty(Store.Recordings.Recover());
        }

        [Fact]
        public void Recovery_leaves_the_partial_files_of_an_import_still_running_in_another_process()
        {
            // A running import's flushed ".partial" with no committed row yet looks exactly like a leftover; the fault
            // campaign saw recovery in one process remove another process's files. The import lock keeps them apart.
            var rec = _f.Import("a", Now.AddDays(-1));
            var inFlight = Store.Recordings.StoredFile(rec).Replace(rec.RecordingId, "rec-01ZZZZZZZZZZZZZZZZZZZZZZZZ") + ".partial";
            File.WriteAllBytes(inFlight, new byte[] { 1, 2, 3 });
            using (var running = ImportLock.Shared(Store.Path, TimeSpan.FromSeconds(1)))
            {
                Assert.NotNull(running);
                Assert.Empty(Store.Recordings.Recover());
                Assert.True(File.Exists(inFlight));
                // and an import goes on beside the other one
                Assert.NotNull(_f.Import("b", Now.AddDays(-1)));
            }
            Assert.Single(Store.Recordings.Recover());
            Assert.False(File.Exists(inFlight));
        }

        [Fact]
        public void An_import_waits_for_a_running_recovery_and_gives_up_with_StoreBusy()
        {
            using (var recovering = ImportLock.TryExclusive(Store.Path))
            {
                Assert.NotNull(recovering);
                Assert.Null(ImportLock.TryExclusive(Store.Path));
                var e = Assert.Throws<PolicyException>(() => ImportLock.Shared(Store.Path, TimeSpan.FromMilliseconds(200)));
                Assert.Equal("StoreBusy", e.ErrorId);
            }
            using (ImportLock.Shared(Store.Path, TimeSpan.FromSeconds(1))) { }
        }

        [Fact]
        public void Refused_import_rows_are_in_the_access_log()
        {
            var outcomes = Store.Recordings.ImportMany(new[]
            {
                new RecordingImport { CallId = "ok", Extension = "4521", StartTime = Now.AddDays(-1), Path = _f.Wav("ok.wav") },
                new RecordingImport { CallId = "unapproved", Extension = "4600", StartTime = Now.AddDays(-1), Path = _f.Wav("u.wav", 0.4) },
                new RecordingImport { CallId = "not-recorded", Extension = "9999", StartTime = Now.AddDays(-1), Path = _f.Wav("n.wav", 0.6) },
            }).ToList();
            Assert.Equal(new[] { null, "RecordingNotAuthorised", "ExtensionNotRecorded" }, outcomes.Select(o => o.Error?.ErrorId));
            var refused = Refused();
            Assert.Equal(2, refused.Count);
            Assert.All(refused, r => Assert.Equal("Import", r.Action));
            Assert.Contains(refused, r => r.Detail.Contains("call unapproved") && r.Detail.Contains("RecordingNotAuthorised"));
            Assert.True(Store.Audit.Verify().IsValid);
        }

        [Fact]
        public void Save_of_a_gone_recording_or_a_missing_file_is_a_logged_refusal_with_its_own_ErrorId()
        {
            var gone = _f.ImportWhenRecorded("gone", Now.AddDays(-100));
            var missing = _f.Import("missing", Now.AddDays(-1), path: _f.Wav("missing.wav", 0.7));
            Store.Purge.Run(null, null, null, false);
            File.Delete(Store.Recordings.StoredFile(missing));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "r", null);
            var sup = Store.As("sup@uni.test");
            var target = Path.Combine(_f.T.Folder, "out.wav");
            Assert.Equal("RecordingNotAvailable", Refusal(() => sup.Recordings.Save(gone.RecordingId, target, new AccessPurpose(Purpose.Training, "t"), false)));
            var e = Assert.Throws<PolicyException>(() => sup.Recordings.Save(missing.RecordingId, target, new AccessPurpose(Purpose.Training, "t"), false));
            Assert.Equal("RecordingFileMissing", e.ErrorId);
            Assert.Equal(FailureKind.ReadError, e.Kind);
            Assert.False(File.Exists(target));
            var refused = Refused();
            Assert.Equal(new[] { gone.RecordingId, missing.RecordingId }, refused.Select(r => r.RecordingId));
            Assert.Contains("RecordingNotAvailable", refused[0].Detail);
            Assert.Contains("RecordingFileMissing", refused[1].Detail);
            Assert.Empty(Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Allowed }));
        }

        [Fact]
        public void A_subject_access_export_needs_Download_logs_before_it_decrypts_and_leaves_no_audio_when_it_fails()
        {
            var a = _f.Import("a", Now.AddDays(-2), remote: "07700 900123", path: _f.Wav("a.wav", 0.3, 300));
            var b = _f.Import("b", Now.AddDays(-1), remote: "07700 900123", path: _f.Wav("b.wav", 0.3, 350));
            var dpo = _f.T.WithRole("dpo@uni.test", RecordingRole.DataProtectionOfficer);
            var sar = dpo.SubjectAccess.Create("SAR-1", "Alex", new[] { "07700 900123" }, Now.UtcDateTime.Date, false);
            var folder = Path.Combine(_f.T.Folder, "sar");
            Assert.Equal("AccessNotGranted", Refusal(() => dpo.SubjectAccess.Export(sar.RequestId, folder)));
            Assert.False(Directory.Exists(folder));
            Assert.Equal("SubjectAccessExport", Assert.Single(Refused()).Action);

            Store.Grants.Grant("dpo@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "subject access requests", null);
            var stored = Store.Recordings.StoredFile(b);
            var bytes = File.ReadAllBytes(stored); bytes[bytes.Length - 20] ^= 1; File.WriteAllBytes(stored, bytes);
            Assert.Equal("RecordingIntegrityFailed", Refusal(() => dpo.SubjectAccess.Export(sar.RequestId, folder)));
            Assert.Empty(Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
            var allowed = Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Allowed }).ToList();
            Assert.Equal(new[] { a.RecordingId, b.RecordingId }, allowed.Select(x => x.RecordingId));
            Assert.Single(Events("ExportSubjectAccessRequestFailed"));
            Assert.Equal(SubjectAccessStatus.Open, dpo.SubjectAccess.Get(sar.RequestId, false, null).Single().Status);
        }

        [Fact]
        public void Extraction_needs_a_Copy_nomination_on_every_area_and_leaves_no_audio_when_it_fails()
        {
            var hold = Store.Holds.Create("HR-10", HoldKind.Disciplinary, "r", Now.AddYears(6), null);
            var a = _f.Import("a", Now.AddDays(-2), path: _f.Wav("a.wav", 0.3, 300));
            var b = _f.Import("b", Now.AddDays(-1), path: _f.Wav("b.wav", 0.3, 350));
            Store.Holds.Add(hold.HoldId, a.RecordingId);
            Store.Holds.Add(hold.HoldId, b.RecordingId);
            var folder = Path.Combine(_f.T.Folder, "evidence");
            Assert.Equal("AccessNotGranted", Refusal(() => Store.HoldExports.Export(hold.HoldId, folder, true)));
            Assert.False(Directory.Exists(folder));
            Assert.Equal("ExportLegalHold", Assert.Single(Refused()).Action);

            _f.NominateAdmin(AccessRight.Copy);
            var stored = Store.Recordings.StoredFile(b);
            var bytes = File.ReadAllBytes(stored); bytes[bytes.Length - 20] ^= 1; File.WriteAllBytes(stored, bytes);
            Assert.Equal("RecordingIntegrityFailed", Refusal(() => Store.HoldExports.Export(hold.HoldId, folder, true)));
            Assert.Empty(Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
            Assert.Equal(2, Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Allowed, Action = "ExportLegalHold" }).Count());
            Assert.Single(Events("ExportLegalHoldFailed"));
            Assert.Equal(RecordingState.Active, StateOf(a));
        }

        [Fact]
        public void A_nomination_names_an_approved_level_and_gets_no_right_beyond_it()
        {
            Assert.Equal("AccessLevelNotApproved", Refusal(() => Store.Grants.Grant("x@uni.test", "IT Service Desk", "Janitor", null, "r", null)));
            Assert.Equal("AccessLevelNotApproved", Refusal(() => Store.Grants.Grant("x@uni.test", "Unapproved", "Supervisor", null, "r", null)));
            var e = Assert.Throws<PolicyException>(() => Store.Grants.Grant("x@uni.test", "IT Service Desk", "Adviser", new[] { AccessRight.Play, AccessRight.Download }, "r", null));
            Assert.Equal("RightNotInApprovedAccessLevel", e.ErrorId);
            Assert.Equal("2.2", e.Clause);
            Assert.Equal(3, Refused().Count(r => r.Action == "Grant"));

            var adviser = Store.Grants.Grant("x@uni.test", "IT Service Desk", "adviser", null, "r", null);
            Assert.Equal("Adviser", adviser.Level);
            Assert.Equal("Play", adviser.Rights);
            Assert.True(adviser.WithinApprovedLevel);

            // A grant made before levels were recorded is kept, works, and shows as outside the approved levels until reviewed.
            var legacy = Store.Grants.Grant("old@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play, AccessRight.Download }, "r", null);
            _f.T.Sql("UPDATE access_grant SET access_level = NULL WHERE id = '" + legacy.GrantId + "'");
            var listed = Store.Grants.Get(new GrantQuery { Principal = "old@uni.test" }).Single();
            Assert.False(listed.WithinApprovedLevel);
            Assert.Equal(GrantStatus.Active, listed.Status);
            Assert.Equal("AccessLevelRequired", Refusal(() => Store.Grants.Confirm(legacy.GrantId, null, "review")));
            Assert.Equal("RightNotInApprovedAccessLevel", Refusal(() => Store.Grants.Confirm(legacy.GrantId, null, "review", "Adviser")));
            var confirmed = Store.Grants.Confirm(legacy.GrantId, null, "review", "Supervisor");
            Assert.True(confirmed.WithinApprovedLevel);
            Assert.Equal("Supervisor", confirmed.Level);
        }

        [Fact]
        public void Nobody_nominates_themselves_or_grants_themselves_a_role()
        {
            var e = Assert.Throws<PolicyException>(() => Store.Grants.Grant(TempStore.Admin.ToUpperInvariant(), "IT Service Desk", "Supervisor", null, "me", null));
            Assert.Equal("SelfNominationRefused", e.ErrorId);
            Assert.Equal(FailureKind.PermissionDenied, e.Kind);
            Assert.Equal("Grant", Assert.Single(Refused()).Action);
            Assert.Equal("SelfRoleGrantRefused", Refusal(() => Store.Roles.Add(TempStore.Admin, RecordingRole.DataProtectionOfficer, null)));
            Assert.Contains(Events("AccessDenied"), x => x.Details.Contains("SelfRoleGrantRefused"));
            Assert.DoesNotContain(Store.Roles.Get(TempStore.Admin), r => r.Role == RecordingRole.DataProtectionOfficer);
            // Another Administrator may.
            _f.NominateAdmin(AccessRight.Download);
            Assert.Equal(RecordingRole.DataProtectionOfficer, Store.As("second.admin@uni.test").Roles.Add(TempStore.Admin, RecordingRole.DataProtectionOfficer, null).Role);
            // Sharing with oneself is a self-nomination too.
            var rec = _f.Import("c", Now.AddDays(-1));
            Store.Grants.Grant("lead@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Share, AccessRight.Play }, "lead", null);
            Assert.Equal("SelfNominationRefused", Refusal(() => Store.As("lead@uni.test").Grants.Share(rec.RecordingId, "lead@uni.test", new[] { AccessRight.Play }, new AccessPurpose(Purpose.Training, "t"), Now.AddDays(3))));
            // Reviewing one's own grant is refused too, and logged.
            var own = Store.Grants.Get(new GrantQuery { Principal = TempStore.Admin }).Single();
            Assert.Equal("SelfReviewNotAllowed", Refusal(() => Store.Grants.Confirm(own.GrantId, null, "me")));
            Assert.Equal(new[] { "Grant", "Share", "ConfirmReview" }, Refused().Select(r => r.Action));
        }
    }
}
