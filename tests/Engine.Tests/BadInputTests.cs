using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    public class AudioFormatTests
    {
        private static AudioInfo Identify(byte[] bytes) => AudioFormat.Identify(new MemoryStream(bytes), out _);

        public static IEnumerable<object[]> Audio() => new[]
        {
            new object[] { "PCM", Samples.Wav(1), "WAV PCM 8000 Hz 16-bit mono" },
            new object[] { "A-law", Samples.Wav(6), "WAV A-law 8000 Hz 8-bit mono" },
            new object[] { "mu-law", Samples.Wav(7), "WAV mu-law 8000 Hz 8-bit mono" },
            new object[] { "GSM", Samples.Wav(0x31), "WAV GSM 6.10 8000 Hz mono" },
            new object[] { "MP3 with ID3", Samples.Mp3(true), "MP3 MPEG-1 Layer III 44100 Hz 128 kbit/s" },
            new object[] { "MP3 bare", Samples.Mp3(false), "MP3 MPEG-1 Layer III 44100 Hz 128 kbit/s" },
            new object[] { "Opus", Samples.Ogg(true), "Ogg Opus" },
            new object[] { "Vorbis", Samples.Ogg(false), "Ogg Vorbis" },
        };

        [Theory]
        [MemberData(nameof(Audio))]
        public void Recorder_formats_are_recognised_by_their_headers(string name, byte[] bytes, string format)
        {
            var info = Identify(bytes);
            Assert.True(info != null, name);
            Assert.Equal(format, info.Format);
        }

        public static IEnumerable<object[]> NotAudio() => new[]
        {
            new object[] { "empty", new byte[0] },
            new object[] { "text", Encoding.UTF8.GetBytes("This is a note, not a call.\n") },
            new object[] { "manifest", Encoding.UTF8.GetBytes("CallId,Extension,StartTime,DurationSeconds,Direction,RemoteNumber,Agent,Path\r\nc1,4521,2026-11-27T10:00:00Z,3,Inbound,,,c1.wav\r\n") },
            new object[] { "ELF", Samples.Elf() },
            new object[] { "PE", Samples.Pe() },
            new object[] { "RIFF stub", Samples.WavStub() },
            new object[] { "random 1", Samples.Random(1) },
            new object[] { "random 2", Samples.Random(2) },
            new object[] { "random 3", Samples.Random(3, 17) },
            new object[] { "random with a sync word", new byte[] { 0xFF, 0xFB, 0x90, 0x64 }.Concat(Samples.Random(4, 2000)).ToArray() },
            new object[] { "ID3 then nothing", Samples.Mp3(true, 0) },
            new object[] { "Ogg with a wrong CRC", Samples.Ogg(true, breakCrc: true) },
            new object[] { "Ogg header only", Samples.Ogg(true).Take(47).ToArray() },
            new object[] { "WAV of an unknown codec", Samples.Wav(1).Select((b, i) => i == 20 ? (byte)0x99 : b).ToArray() },
            new object[] { "WAV cut inside fmt", Samples.Wav(1).Take(30).ToArray() },
        };

        [Theory]
        [MemberData(nameof(NotAudio))]
        public void What_is_not_audio_is_refused_whatever_its_name(string name, byte[] bytes)
        {
            var info = AudioFormat.Identify(new MemoryStream(bytes), out var why);
            Assert.True(info == null, name + " was taken for " + info?.Format);
            Assert.False(string.IsNullOrEmpty(why));
        }
    }

    public class ImportBadInputTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        private DateTimeOffset Now => _f.T.Clock.UtcNow;
        public void Dispose() => _f.Dispose();

        private string File(string name, byte[] bytes)
        {
            var path = Path.Combine(_f.Source, name);
            System.IO.File.WriteAllBytes(path, bytes);
            return path;
        }

        private RecordingImport Call(string callId, string path = null, DateTimeOffset? start = null, double? duration = null, string remote = "07700 900123",
            string agent = "UNI\\jdoe", CallDirection direction = CallDirection.Inbound) => new RecordingImport
            {
                CallId = callId, Extension = "4521", StartTime = start ?? Now.AddHours(-2), DurationSeconds = duration, Direction = direction,
                RemoteNumber = remote, Agent = agent, Path = path ?? _f.Wav(Guid.NewGuid().ToString("N") + ".wav"),
            };

        private string[] StoredFiles() => Directory.GetFiles(Path.Combine(Store.Path, "recordings"), "*", SearchOption.AllDirectories);

        [Fact]
        public void Each_bad_row_fails_alone_with_its_ErrorId_nothing_of_it_is_written_and_the_refusal_is_logged()
        {
            var calls = new (RecordingImport Item, string ErrorId)[]
            {
                (Call("good-1"), null),
                (Call("text", File("text.wav", Encoding.UTF8.GetBytes("hello"))), "NotAudio"),
                (Call("empty", File("empty.wav", new byte[0])), "NotAudio"),
                (Call("elf", File("elf.wav", Samples.Elf())), "NotAudio"),
                (Call("stub", File("stub.wav", Samples.WavStub())), "NotAudio"),
                (Call("future", start: Now.AddHours(1)), "StartTimeInFuture"),
                (Call("expired", start: Now.AddDays(-91)), "AlreadyExpired"),
                (Call("negative", duration: -1), "DurationInvalid"),
                (Call("nan", duration: double.NaN), "DurationInvalid"),
                (Call("infinite", duration: double.PositiveInfinity), "DurationInvalid"),
                (Call("absurd", duration: 90000), "DurationInvalid"),
                (Call("formula", remote: "=cmd|' /C calc'!A0"), "InvalidPhoneNumber"),
                (Call("plus-formula", remote: "+cmd|calc"), "InvalidPhoneNumber"),
                (Call("sixteen", remote: "+4477009001234567"), "InvalidPhoneNumber"),
                (Call("impossible", remote: "12"), "InvalidPhoneNumber"),
                (Call("crlf\r\nInjected: yes"), "TextInvalid"),
                (Call("rlo\u202Evaw.exe"), "TextInvalid"),
                (Call(new string('x', 257)), "TextInvalid"),
                (Call("bidi-agent", agent: "UNI\\\u2066evil\u2069"), "TextInvalid"),
                (Call("long-agent", agent: new string('a', 300)), "TextInvalid"),
                (Call("withheld", remote: "withheld"), null),
                (Call("anonymous", remote: "Anonymous"), null),
                (Call("internal", remote: "4522", direction: CallDirection.Internal), null),
                (Call("mp3", File("call.mp3", Samples.Mp3(true))), null),
                (Call("opus", File("call.opus", Samples.Ogg(true))), null),
                (Call("mulaw", File("call-ulaw.wav", Samples.Wav(7))), null),
                (Call("good-2", start: Now.AddMinutes(4)), null),
            };
            var outcomes = Store.Recordings.ImportMany(calls.Select(c => c.Item)).ToList();
            Assert.Equal(calls.Length, outcomes.Count);
            for (var i = 0; i < calls.Length; i++)
            {
                Assert.True(calls[i].ErrorId == outcomes[i].Error?.ErrorId, calls[i].Item.CallId + ": expected " + (calls[i].ErrorId ?? "success") + ", got " + (outcomes[i].Error?.ErrorId ?? "success") + " " + outcomes[i].Error?.Message);
            }
            var good = calls.Count(c => c.ErrorId == null);
            Assert.Equal(good, Store.Recordings.Get(new RecordingQuery()).Count());
            Assert.Equal(good, StoredFiles().Length);
            Assert.DoesNotContain(StoredFiles(), f => f.EndsWith(".partial"));

            var refused = Store.AccessLog.Get(new AccessLogQuery { Action = "Import", Outcome = AccessOutcome.Refused }).ToList();
            Assert.Equal(calls.Length - good, refused.Count);
            Assert.All(refused, r => Assert.Equal(TempStore.Admin, r.Principal));
            Assert.Contains(refused, r => r.Detail.Contains("'elf'") && r.Detail.Contains("NotAudio"));
            Assert.Contains(refused, r => r.Detail.Contains("StartTimeInFuture"));
            Assert.DoesNotContain(refused, r => r.Detail.Any(ch => ch == '\r' || ch == '\n' || ch == '\u202E'));
            Assert.True(Store.Audit.Verify().IsValid);

            var withheld = Store.Recordings.Get(new RecordingQuery { CallId = "withheld" }).Single();
            Assert.Null(withheld.RemoteNumber);
            Assert.Equal("MP3 MPEG-1 Layer III 44100 Hz 128 kbit/s", Store.Recordings.Get(new RecordingQuery { CallId = "mp3" }).Single().Format);
        }

        [Fact]
        public void No_recording_expires_more_than_twelve_months_after_its_start()
        {
            Store.ServiceAreas.Update("IT Service Desk", new CallRecordingAdmin.Engine.ServiceAreas.ServiceAreaChange { Retention = CallRecordingAdmin.Engine.ServiceAreas.RetentionPeriod.FromDays(365) });
            foreach (var days in new[] { 0, 1, 30, 200, 364 })
            {
                var start = Now.AddDays(-days).AddMinutes(-1);
                var outcome = Store.Recordings.ImportMany(new[] { Call("cap-" + days, start: start) }).Single();
                Assert.Null(outcome.Error);
                Assert.True(outcome.Recording.ExpiresAt <= outcome.Recording.StartTime.AddMonths(12));
                Assert.True(outcome.Recording.ExpiresAt > Now);
            }
            Assert.Equal("AlreadyExpired", Store.Recordings.ImportMany(new[] { Call("cap-366", start: Now.AddDays(-366)) }).Single().Error.ErrorId);
        }

        private string Manifest(string name, string body)
        {
            var path = Path.Combine(_f.Source, name);
            System.IO.File.WriteAllText(path, body);
            return path;
        }

        [Fact]
        public void A_malformed_manifest_refuses_its_bad_lines_and_reads_the_good_ones()
        {
            _f.Wav("g1.wav"); _f.Wav("g2.wav"); _f.Wav("g3.wav"); _f.Wav("b.wav");
            var t = Now.AddHours(-1).ToString("o");
            var text = "CallId,Extension,StartTime,DurationSeconds,Direction,RemoteNumber,Agent,Path\n" +
                       "g1,4521," + t + ",3,Inbound,07700 900123,UNI\\a,g1.wav\n" +
                       "q1,4521,\"" + t + ",3,Inbound,07700 900123,UNI\\a,b.wav\n" +           // unbalanced quote
                       "q2,4521,2026\"x\"," + "3,Inbound,,UNI\\a,b.wav\n" +                      // stray quote
                       "nan,4521," + t + ",NaN,Inbound,,UNI\\a,b.wav\n" +
                       "y9999,4521,9999-12-31T23:59:59Z,3,Inbound,,UNI\\a,b.wav\n" +
                       "y0001,4521,0001-01-01T00:00:00Z,3,Inbound,,UNI\\a,b.wav\n" +
                       "nul,4521," + t + ",3,Inbound,,UNI\\a,b\0.wav\n" +
                       "\u0001\u00ff\u0000\u0013binary\u0007,,,,,\n" +
                       "g2,4521," + t + ",,Outbound,,UNI\\a,g2.wav\n" +
                       "short,4521\n" +
                       "\"g3\",4521,\"" + t + "\",\"1.5\",Inbound,\"+44 7700 900123\",\"UNI\\a\",\"g3.wav\"\n";
            var rows = RecordingManifest.Read(Manifest("manifest.csv", text)).ToList();
            Assert.Equal(new[] { "g1", "nan", "y9999", "y0001", "g2", "g3" }, rows.Where(r => r.Error == null).Select(r => r.Item.CallId));
            Assert.Equal(new[] { "ManifestRowInvalid", "ManifestRowInvalid", "ManifestRowInvalid", "ManifestRowInvalid", "StartTimeInvalid" },
                rows.Where(r => r.Error != null).Select(r => r.Error.ErrorId));
            Assert.Equal(new[] { 3, 4, 8, 9, 11 }, rows.Where(r => r.Error != null).Select(r => r.Line));
            // NaN and the years 9999 and 0001 are read; the import refuses them, one error each, and the good rows go in.
            var outcomes = Store.Recordings.ImportMany(rows.Where(r => r.Error == null).Select(r => r.Item)).ToList();
            Assert.Equal(new string[] { null, "DurationInvalid", "StartTimeInFuture", "AlreadyExpired", null, null }, outcomes.Select(o => o.Error?.ErrorId));
            Assert.Equal(3, Store.Recordings.Get(new RecordingQuery()).Count());
        }

        [Theory]
        [InlineData("")]
        [InlineData("just some text\nwith lines\n")]
        [InlineData("\u0000\u0001\u0002\u0003")]
        public void A_file_that_is_no_manifest_is_one_ManifestInvalid(string text)
        {
            var path = Manifest("bad.csv", text);
            var e = Assert.Throws<PolicyException>(() => RecordingManifest.Read(path).ToList());
            Assert.Equal("ManifestInvalid", e.ErrorId);
        }

        [Fact]
        public void Text_limits_hold_for_every_text_that_goes_into_the_store()
        {
            var rec = _f.Import("t1", Now.AddHours(-1));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "r", null);
            var sup = Store.As("sup@uni.test");
            var outFile = Path.Combine(_f.T.Folder, "o.wav");
            string Id(Action a) => Assert.Throws<PolicyException>(a).ErrorId;
            Assert.Equal("TextInvalid", Id(() => sup.Recordings.Save(rec.RecordingId, outFile, new AccessPurpose(Purpose.Training, new string('r', 1_000_000)), true)));
            Assert.Equal("TextInvalid", Id(() => sup.Recordings.Save(rec.RecordingId, outFile, new AccessPurpose(Purpose.Training, "line one\nForged: entry"), true)));
            Assert.Equal("TextInvalid", Id(() => Store.Holds.Create("C-\u202E1", HoldKind.Legal, "r", null, null)));
            Assert.Equal("TextInvalid", Id(() => Store.Holds.Create("C-1", HoldKind.Legal, new string('r', 2001), null, null)));
            Assert.Equal("TextInvalid", Id(() => Store.Grants.Grant("x\u0000@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play }, "r", null)));
            Assert.Equal("TextInvalid", Id(() => Store.Grants.Grant("x@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Play }, "r\u0007", null)));
            Assert.Equal("TextInvalid", Id(() => Store.ServiceAreas.Create(new CallRecordingAdmin.Engine.ServiceAreas.ServiceAreaDraft
            {
                Name = "Area", Retention = CallRecordingAdmin.Engine.ServiceAreas.RetentionPeriod.FromDays(30), CustomerNotice = new string('n', 2001),
            })));
            Assert.Equal("TextInvalid", Id(() => Store.SubjectAccess.Create(new string('S', 257), "Alex", new[] { "07700 900123" }, Now.UtcDateTime.Date, false)));
            Assert.False(System.IO.File.Exists(outFile));
            Assert.DoesNotContain(Store.Holds.Get(null), h => h.CaseReference.StartsWith("C-"));
            // The longest allowed still goes in.
            Assert.NotNull(Store.Holds.Create(new string('C', 256), HoldKind.Legal, new string('r', 2000), null, null));
        }
    }

    public class DestinationTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        public void Dispose() => _f.Dispose();

        private static string Id(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        private Dictionary<string, string> Snapshot() =>
            Directory.GetFiles(Store.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("-wal") && !f.EndsWith("-shm") && !f.EndsWith(".db"))
                .ToDictionary(f => f, f => Convert.ToBase64String(System.Security.Cryptography.SHA256.Create().ComputeHash(System.IO.File.ReadAllBytes(f))));

        [Fact]
        public void No_export_writes_inside_the_store_or_onto_its_key()
        {
            var rec = _f.Import("d1", _f.T.Clock.UtcNow.AddHours(-1));
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download, AccessRight.Copy }, "r", null);
            var sup = Store.As("sup@uni.test");
            var purpose = new AccessPurpose(Purpose.Training, "t");
            var stored = Store.Recordings.StoredFile(rec);
            var link = Path.Combine(_f.T.Folder, "looks-elsewhere");
            Directory.CreateSymbolicLink(link, Path.Combine(Store.Path, "recordings"));
            var keyLink = Path.Combine(_f.T.Folder, "key-link");
            System.IO.File.CreateSymbolicLink(keyLink, Store.KeyPath);
            var hold = Store.Holds.Create("H-1", HoldKind.Legal, "r", null, null);
            Store.Holds.Add(hold.HoldId, rec.RecordingId);
            var sar = Store.SubjectAccess.Create("SAR-1", "Alex", new[] { "07700 900123" }, _f.T.Clock.UtcNow.UtcDateTime.Date, false);
            var before = Snapshot();
            var dbBefore = System.IO.File.ReadAllBytes(Store.DatabasePath).Length;

            var targets = new[]
            {
                Store.DatabasePath, Store.KeyPath, stored, Store.Path, Path.Combine(Store.Path, "recordings"), Path.Combine(Store.Path, "new", "x.wav"),
                Path.Combine(link, "x.wav"), keyLink, Path.Combine(Store.Path, "..", Path.GetFileName(Store.Path), "policy.db"),
            };
            foreach (var target in targets)
            {
                Assert.Equal("DestinationInsideStore", Id(() => sup.Recordings.Save(rec.RecordingId, target, purpose, true)));
                Assert.Equal("DestinationInsideStore", Id(() => sup.Recordings.Copy(rec.RecordingId, target, purpose)));
                Assert.Equal("DestinationInsideStore", Id(() => Store.AccessLog.Export(new AccessLogQuery(), target, true)));
                Assert.Equal("DestinationInsideStore", Id(() => Store.Audit.ExportCheckpoint(target)));
                Assert.Equal("DestinationInsideStore", Id(() => Store.HoldExports.Export(hold.HoldId, target, false)));
                Assert.Equal("DestinationInsideStore", Id(() => Store.SubjectAccess.Export(sar.RequestId, target)));
            }
            Assert.Equal(before, Snapshot());
            Assert.False(Directory.Exists(Path.Combine(Store.Path, "new")));
            Assert.True(System.IO.File.ReadAllBytes(Store.DatabasePath).Length >= dbBefore);
            Assert.All(Store.Test(deep: true), f => Assert.Equal(FindingSeverity.Ok, f.Severity));
            Assert.True(Store.Audit.Verify().IsValid);
            // Each refusal is on record: Save and Copy in the access log, the exports in the audit log.
            Assert.Equal(2 * targets.Length, Store.AccessLog.Get(new AccessLogQuery { Outcome = AccessOutcome.Refused }).Count(e => e.Detail.Contains("DestinationInsideStore")));
            Assert.Equal(4 * targets.Length, Store.Audit.Get(new CallRecordingAdmin.Engine.Audit.AuditQuery { Action = "Refused" }).Count(e => e.Details.Contains("DestinationInsideStore")));

            // Beside the store is fine.
            var outside = Path.Combine(_f.T.Folder, "out", "x.wav");
            sup.Recordings.Save(rec.RecordingId, outside, purpose, false);
            Assert.True(System.IO.File.Exists(outside));
        }

        [Fact]
        public void A_key_kept_elsewhere_is_protected_too()
        {
            var key = Path.Combine(_f.T.Folder, "vault", "master.key");
            Directory.CreateDirectory(Path.GetDirectoryName(key));
            System.IO.File.Copy(Store.KeyPath, key);
            Environment.SetEnvironmentVariable(RecordingStore.KeyPathVariable, key);
            try
            {
                Assert.Equal("DestinationInsideStore", Id(() => StorePaths.EnsureOutsideStore(Store, key)));
                Assert.Equal(Path.Combine(_f.T.Folder, "vault", "other"), StorePaths.EnsureOutsideStore(Store, Path.Combine(_f.T.Folder, "vault", "other")));
            }
            finally
            {
                Environment.SetEnvironmentVariable(RecordingStore.KeyPathVariable, null);
            }
        }
    }

    public class SafeOutputTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        public void Dispose() => _f.Dispose();

        [Fact]
        public void Hold_manifests_and_subject_access_indexes_neutralise_formulas_and_name_files_safely()
        {
            _f.NominateAdmin(AccessRight.Copy, AccessRight.Download);
            var now = _f.T.Clock.UtcNow;
            var a = _f.Import("=HYPERLINK(\"http://evil\")", now.AddHours(-3), path: _f.Wav("a.wav"));
            var b = _f.Import("=1+1", now.AddHours(-2), path: _f.Wav("b.wav"));
            var c = _f.Import("plain", now.AddHours(-1), path: _f.Wav("c.wav"));
            // CallIds from before the text rule, as an older store may hold them: CR/LF, U+202E, 300 characters, a device name.
            var nasty = new Dictionary<string, string> { [a.RecordingId] = "bad\r\nname\u202Evaw.exe", [b.RecordingId] = new string('L', 300), [c.RecordingId] = "CON" };
            foreach (var kv in nasty) _f.T.Sql("UPDATE recording SET call_id = '" + kv.Value.Replace("'", "''") + "' WHERE id = '" + kv.Key + "'");
            var hold = Store.Holds.Create("H-2", HoldKind.Legal, "=cmd|' /C calc'!A0", null, null);
            foreach (var r in new[] { a, b, c }) Store.Holds.Add(hold.HoldId, r.RecordingId);
            var folder = Path.Combine(_f.T.Folder, "hold");
            Assert.Equal(3, Store.HoldExports.Export(hold.HoldId, folder, false).Exported);
            foreach (var f in Directory.GetFiles(folder, "*.wav").Select(Path.GetFileName))
            {
                Assert.DoesNotContain(f, ch => char.IsControl(ch) || Text.Forbidden(ch) != null);
                Assert.True(f.Length <= ExportFileName.MaxCallIdLength + 1 + a.RecordingId.Length + 4, f);
                Assert.False(f.StartsWith("CON_", StringComparison.OrdinalIgnoreCase) || f.StartsWith("CON.", StringComparison.OrdinalIgnoreCase), f);
            }
            Assert.All(HoldExport.Test(folder), x => Assert.Equal(FindingSeverity.Ok, x.Severity));
            var rows = ReadCsv(Path.Combine(folder, HoldExport.ManifestCsv));
            Assert.All(rows.SelectMany(r => r.Values), v => Assert.DoesNotMatch("^[=+\\-@\t\r]", v));
            Assert.Equal(new[] { nasty[a.RecordingId], nasty[b.RecordingId], nasty[c.RecordingId] }.OrderBy(x => x), rows.Select(r => r["callId"]).OrderBy(x => x));
            Assert.All(rows, r => Assert.Equal("'+447700900123", r["remoteNumber"]));
            Assert.All(rows, r => Assert.Equal("'=cmd|' /C calc'!A0", r["reason"]));

            var sar = Store.SubjectAccess.Create("SAR-9", "Alex", new[] { "07700 900123" }, now.UtcDateTime.Date, false);
            var sarFolder = Path.Combine(_f.T.Folder, "sar");
            _f.Import("=2+2", now.AddMinutes(-30), path: _f.Wav("d.wav"));
            Store.SubjectAccess.Export(sar.RequestId, sarFolder);
            var index = ReadCsv(Path.Combine(sarFolder, "index.csv"));
            Assert.Contains(index, r => r["CallId"] == "'=2+2");
            Assert.All(index, r => Assert.Equal("'+447700900123", r["RemoteNumber"]));
        }

        private static List<Dictionary<string, string>> ReadCsv(string path)
        {
            var list = new List<Dictionary<string, string>>();
            using (var reader = new StreamReader(path))
            using (var csv = new CsvHelper.CsvReader(reader, System.Globalization.CultureInfo.InvariantCulture))
            {
                csv.Read(); csv.ReadHeader();
                while (csv.Read()) list.Add(csv.HeaderRecord.ToDictionary(h => h, h => csv.GetField(h)));
            }
            return list;
        }

        [Theory]
        [InlineData("a\tb", "a_b")]
        [InlineData("x/../../etc", "x_.._.._etc")]
        [InlineData("nul", "_nul")]
        [InlineData("COM1.txt", "_COM1.txt")]
        [InlineData("...", "call")]
        [InlineData("", "call")]
        [InlineData("name. ", "name._")]
        [InlineData("name..", "name")]
        public void Call_ids_become_safe_file_names(string callId, string expected) => Assert.Equal(expected, ExportFileName.SafePart(callId));

        [Fact]
        public void The_one_csv_writer_guards_every_cell_it_writes()
        {
            var path = Path.Combine(_f.T.Folder, "x.csv");
            var cells = new[] { "=1+1", "+44", "-2", "@SUM(A1)", "\tTab", "\rCR", "'q", "a,b", "say \"hi\"", "line\nbreak", " pad ", "Zoë" };
            CsvBytesWriter.WriteFile(null, path, new[] { "c" }, cells.Select(c => new[] { c }));
            var back = ReadCsv(path).Select(r => r["c"]).ToArray();
            Assert.Equal(cells.Length, back.Length);
            for (var i = 0; i < cells.Length; i++)
            {
                Assert.DoesNotMatch("^[=+\\-@\t\r]", back[i]);
                Assert.Equal(cells[i], back[i].StartsWith("'") && "=+-@\t\r'".IndexOf(cells[i][0]) >= 0 ? back[i].Substring(1) : back[i]);
            }
        }
    }

    public class QueryTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        public void Dispose() => _f.Dispose();

        [Fact]
        public void A_service_area_is_named_or_given_by_id_in_every_query()
        {
            var rec = _f.Import("q1", _f.T.Clock.UtcNow.AddHours(-1));
            var area = Store.ServiceAreas.Get("IT Service Desk");
            Store.Grants.Grant("sup@uni.test", area.Id, "Supervisor", new[] { AccessRight.Download }, "r", null);
            Store.As("sup@uni.test").Recordings.Save(rec.RecordingId, Path.Combine(_f.T.Folder, "q.wav"), new AccessPurpose(Purpose.Training, "t"), false);
            foreach (var key in new[] { "IT Service Desk", "it service desk", area.Id, "IT Serv*" })
            {
                Assert.Single(Store.Recordings.Get(new RecordingQuery { ServiceArea = key }));
                Assert.Single(Store.AccessLog.Get(new AccessLogQuery { ServiceArea = key }));
                Assert.Single(Store.Grants.Get(new GrantQuery { ServiceArea = key }));
                Assert.Single(Store.ServiceAreas.Get(new[] { key }));
                Assert.NotEmpty(Store.Requests.Get(new CallRecordingAdmin.Engine.RecordingRequests.RecordingRequestQuery { ServiceArea = key }));
            }
            Assert.Empty(Store.Recordings.Get(new RecordingQuery { ServiceArea = "area-doesnotexist" }));
        }

        [Fact]
        public void The_access_log_selects_several_recordings_at_once()
        {
            var recs = new[] { "r1", "r2", "r3" }.Select(c => _f.Import(c, _f.T.Clock.UtcNow.AddHours(-1))).ToArray();
            Store.Grants.Grant("sup@uni.test", "IT Service Desk", "Supervisor", new[] { AccessRight.Download }, "r", null);
            foreach (var r in recs) Store.As("sup@uni.test").Recordings.Save(r.RecordingId, Path.Combine(_f.T.Folder, r.CallId + ".wav"), new AccessPurpose(Purpose.Training, "t"), false);
            var two = Store.AccessLog.Get(new AccessLogQuery { RecordingIds = new[] { recs[0].RecordingId, recs[2].RecordingId } }).Select(e => e.RecordingId).ToArray();
            Assert.Equal(new[] { recs[0].RecordingId, recs[2].RecordingId }, two);
        }
    }
}
