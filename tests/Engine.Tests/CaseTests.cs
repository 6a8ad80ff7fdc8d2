using System;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using CallRecordingAdmin.Engine.SubjectAccess;
using Xunit;

namespace Engine.Tests
{
    public class DueDateTests
    {
        [Theory]
        // 31 January gives the last day of February, then the next working day.
        [InlineData("2025-01-31", false, "2025-02-28")]   // Friday
        [InlineData("2024-01-31", false, "2024-02-29")]   // leap year, Thursday
        [InlineData("2026-01-31", false, "2026-03-02")]   // 28 February 2026 is a Saturday
        [InlineData("2026-03-25", false, "2026-04-27")]   // 25 April is a Saturday
        [InlineData("2026-03-03", false, "2026-04-07")]   // 3 April is Good Friday, 6 April Easter Monday
        [InlineData("2026-11-25", false, "2026-12-29")]   // 25 December: Christmas, Boxing Day substitute on 28 December
        [InlineData("2026-02-26", true, "2026-05-26")]    // extended: 26 May 2026 after the spring bank holiday on 25 May
        [InlineData("2023-04-08", false, "2023-05-09")]   // 8 May 2023: the coronation bank holiday
        public void The_due_date_is_a_calendar_month_on_then_the_next_working_day(string received, bool extended, string due)
        {
            Assert.Equal(DateTime.Parse(due), SubjectAccessRegister.DueDate(DateTime.Parse(received), extended));
        }

        [Fact]
        public void Bank_holidays_of_a_known_year_are_those_published()
        {
            var expected = new[] { "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28" }.Select(DateTime.Parse);
            Assert.Equal(expected.OrderBy(d => d), WorkingDays.BankHolidays(2026).OrderBy(d => d));
            Assert.Contains(new DateTime(2022, 9, 19), WorkingDays.BankHolidays(2022));
        }
    }

    public class InvestigationTests : IDisposable
    {
        private readonly TempStore _t = new TempStore();
        public void Dispose() => _t.Dispose();

        [Fact]
        public void Facility_monitoring_is_not_an_investigation()
        {
            var e = Assert.Throws<PolicyException>(() => _t.Store.Investigations.Create("UNI\\x", InvestigationBasis.FacilityMonitoring, "check it works", "F-1"));
            Assert.Equal("NotAnInvestigation", e.ErrorId);
            Assert.Equal("3.2", e.Clause);
            Assert.Contains("QualityMonitoring", e.Message);
        }

        [Fact]
        public void The_DPO_decides_never_the_requester_and_only_approved_investigations_open_holds()
        {
            var dpo = _t.WithRole("dpo@uni.test", RecordingRole.DataProtectionOfficer);
            var mine = dpo.Investigations.Create("UNI\\x", InvestigationBasis.SecurityIncident, "Malware beaconing from the handset VLAN", "IAR-1");
            Assert.Equal("SeparationOfDuties", Assert.Throws<PolicyException>(() => dpo.Investigations.Decide(mine.InvestigationId, true, null)).ErrorId);
            var inv = _t.Store.Investigations.Create("UNI\\y", InvestigationBasis.MisuseAllegation, "Premium-rate calls", "IAR-2");
            Assert.Equal("AccessDenied", Assert.Throws<PolicyException>(() => _t.Store.Investigations.Decide(inv.InvestigationId, true, null)).ErrorId);
            Assert.Equal("InvestigationNotApproved", Assert.Throws<PolicyException>(() => _t.Store.Holds.Create("C", HoldKind.Investigation, "r", null, inv.InvestigationId)).ErrorId);
            Assert.Equal(InvestigationStatus.Approved, dpo.Investigations.Decide(inv.InvestigationId, true, "specific allegation").Status);
            Assert.Equal(inv.InvestigationId, _t.Store.Holds.Create("C", HoldKind.Investigation, "r", null, inv.InvestigationId).InvestigationId);
        }
    }

    public class HoldExportTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        public void Dispose() => _f.Dispose();

        public HoldExportTests() => _f.NominateAdmin(AccessRight.Copy, AccessRight.Download);

        private (LegalHold Hold, Recording[] Recordings) Held(int count)
        {
            var hold = Store.Holds.Create("HR-77", HoldKind.Disciplinary, "abusive calls", _f.T.Clock.UtcNow.AddYears(6), null);
            var recs = Enumerable.Range(1, count).Select(i => _f.Import("h" + i, _f.T.Clock.UtcNow.AddDays(-i), path: _f.Wav("h" + i + ".wav", 0.3, 300 + i))).ToArray();
            foreach (var r in recs) Store.Holds.Add(hold.HoldId, r.RecordingId);
            return (hold, recs);
        }

        [Fact]
        public void Exported_copies_verify_and_the_test_catches_a_flipped_byte_a_missing_and_an_extra_file()
        {
            var (hold, recs) = Held(3);
            var folder = Path.Combine(_f.T.Folder, "evidence");
            var result = Store.HoldExports.Export(hold.HoldId, folder, false);
            Assert.Equal(3, result.Exported);
            Assert.All(HoldExport.Test(folder), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
            var files = Directory.GetFiles(folder, "*.wav").OrderBy(x => x).ToArray();
            var bytes = File.ReadAllBytes(files[0]); bytes[100] ^= 1; File.WriteAllBytes(files[0], bytes);
            File.Delete(files[1]);
            File.WriteAllText(Path.Combine(folder, "planted.wav"), "x");
            var problems = HoldExport.Test(folder).Where(f => f.Severity != FindingSeverity.Ok).Select(f => f.Check).OrderBy(c => c).ToArray();
            Assert.Equal(new[] { "Altered", "Extra", "Missing" }, problems);
        }

        [Fact]
        public void A_changed_manifest_is_detected()
        {
            var (hold, _) = Held(1);
            var folder = Path.Combine(_f.T.Folder, "evidence");
            Store.HoldExports.Export(hold.HoldId, folder, false);
            File.AppendAllText(Path.Combine(folder, HoldExport.ManifestCsv), "forged,row\n");
            Assert.Contains(HoldExport.Test(folder), f => f.Check == "Manifest" && f.Severity == FindingSeverity.Error);
        }

        [Fact]
        public void Extraction_removes_originals_only_after_copies_verify_and_an_interrupted_run_is_completed()
        {
            var (hold, recs) = Held(3);
            var folder = Path.Combine(_f.T.Folder, "evidence");
            // As a kill part-way through removal leaves it: one original claimed for extraction with its file still in the store.
            Store.HoldExports.Export(hold.HoldId, folder, false);
            _f.T.Sql("UPDATE recording SET state = 'PendingDelete', extracted_to = 'x', extracted_at = '2026-11-28T09:00:00.0000000Z' WHERE id = '" + recs[0].RecordingId + "'");
            Assert.True(File.Exists(Store.Recordings.StoredFile(recs[0])));
            var rerun = Store.HoldExports.Export(hold.HoldId, folder, true);
            Assert.Equal(3, rerun.Exported);
            Assert.All(recs, r => Assert.False(File.Exists(Store.Recordings.StoredFile(r))));
            Assert.All(recs, r => Assert.Equal(RecordingState.Extracted, Store.Recordings.Get(new RecordingQuery { RecordingId = r.RecordingId }).Single().State));
            Assert.All(HoldExport.Test(folder), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
            Assert.All(Store.Test(), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
        }

        [Fact]
        public void A_copy_that_fails_verification_removes_nothing()
        {
            var (hold, recs) = Held(2);
            var stored = Store.Recordings.StoredFile(recs[1]);
            var bytes = File.ReadAllBytes(stored); bytes[bytes.Length - 20] ^= 1; File.WriteAllBytes(stored, bytes);
            Assert.Equal("RecordingIntegrityFailed", Assert.Throws<PolicyException>(() => Store.HoldExports.Export(hold.HoldId, Path.Combine(_f.T.Folder, "ev"), true)).ErrorId);
            Assert.All(recs, r => Assert.Equal(RecordingState.Active, Store.Recordings.Get(new RecordingQuery { RecordingId = r.RecordingId }).Single().State));
            Assert.True(File.Exists(Store.Recordings.StoredFile(recs[0])));
        }

        [Fact]
        public void A_hold_is_released_by_two_different_people()
        {
            var (hold, recs) = Held(1);
            var dpo = _f.T.WithRole("dpo@uni.test", RecordingRole.DataProtectionOfficer);
            Assert.Equal("ReleaseNotRequested", Assert.Throws<PolicyException>(() => dpo.Holds.ConfirmRelease(hold.HoldId)).ErrorId);
            Store.Holds.RequestRelease(hold.HoldId, "case closed");
            Assert.Equal("SecondPrincipalRequired", Assert.Throws<PolicyException>(() => Store.Holds.ConfirmRelease(hold.HoldId)).ErrorId);
            Assert.True(Store.Recordings.Get(new RecordingQuery { RecordingId = recs[0].RecordingId }).Single().OnHold);
            Assert.Equal(HoldStatus.Released, dpo.Holds.ConfirmRelease(hold.HoldId).Status);
            Assert.False(Store.Recordings.Get(new RecordingQuery { RecordingId = recs[0].RecordingId }).Single().OnHold);
        }

        [Fact]
        public void A_subject_access_request_refuses_a_phone_number_that_is_a_formula_or_text()
        {
            // found by the fault campaign (c181): "=1+1" became the number 11 and the request would have found nothing
            foreach (var bad in new[] { "=1+1", "call me", "07700 900123 ext" })
            {
                var e = Assert.Throws<PolicyException>(() => Store.SubjectAccess.Create("SAR-X", "Alex Example", new[] { "07700 900123", bad }, _f.T.Clock.UtcNow.UtcDateTime.Date, false));
                Assert.Equal("InvalidPhoneNumber", e.ErrorId);
            }
            Assert.Empty(Store.SubjectAccess.Get(null, false, null));
            // a mobile and a short internal extension are both numbers a person is called on
            var sar = Store.SubjectAccess.Create("SAR-2", "Alex Example", new[] { "07700 900123", "4521" }, _f.T.Clock.UtcNow.UtcDateTime.Date, false);
            Assert.Contains("+447700900123", sar.PhoneNumbers);
            Assert.Contains("4521", sar.PhoneNumbers);
        }

        [Fact]
        public void A_subject_access_export_lists_what_is_gone_as_well_as_what_is_exported()
        {
            var a = _f.ImportWhenRecorded("a", _f.T.Clock.UtcNow.AddDays(-100), remote: "07700 900123");
            var b = _f.Import("b", _f.T.Clock.UtcNow.AddDays(-5), remote: "+44 7700 900123");
            _f.Import("c", _f.T.Clock.UtcNow.AddDays(-5), remote: "0151 794 2000");
            Store.Purge.Run(null, null, null, false);
            var sar = Store.SubjectAccess.Create("SAR-1", "Alex Example", new[] { "447700900123" }, _f.T.Clock.UtcNow.UtcDateTime.Date, false);
            Assert.Equal("+447700900123", sar.PhoneNumbers);
            var folder = Path.Combine(_f.T.Folder, "sar");
            var done = Store.SubjectAccess.Export(sar.RequestId, folder);
            Assert.Equal(SubjectAccessStatus.Fulfilled, done.Status);
            Assert.Equal(1, done.RecordingsExported);
            var index = File.ReadAllLines(Path.Combine(folder, "index.csv")).Skip(1).ToArray();
            Assert.Equal(2, index.Length);
            Assert.Contains(index, l => l.StartsWith(a.RecordingId) && l.Contains(",Purged,"));
            Assert.Contains(index, l => l.StartsWith(b.RecordingId) && l.Contains(",Exported,"));
            Assert.Single(Directory.GetFiles(folder, "*.wav"));
            Assert.Equal("SubjectAccess", Store.AccessLog.Get(new CallRecordingAdmin.Engine.AccessLog.AccessLogQuery()).Single().Purpose);
        }
    }
}
