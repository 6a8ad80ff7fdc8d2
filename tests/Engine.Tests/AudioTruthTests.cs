using System;
using System.IO;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// Issue 9 §3 and clause 2.5 (review finding F3): the container is checked, not the name, and a record's duration is
    /// the audio's. WAV polyglots, size lies, inconsistent fmt fields, a manifest duration the header contradicts,
    /// recordings shorter than 0.1 s and -0 are refused; real recorder output still goes in.
    /// </summary>
    public class AudioTruthTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private RecordingStore Store => _f.T.Store;
        private DateTimeOffset Now => _f.T.Clock.UtcNow;
        public void Dispose() => _f.Dispose();

        private static readonly byte[] Html = Encoding.ASCII.GetBytes("<html><script>alert(document.cookie)</script>" + new string(' ', 4000) + "</html>");

        public static TheoryData<string, byte[]> Lies() => new TheoryData<string, byte[]>
        {
            { "one sample then a ZIP (RIFF size of the WAV alone)", Samples.WavLying(samples: 1, trailer: Samples.Zip()) },
            { "0.1 s then a ZIP counted in the RIFF size", Samples.WavLying(trailer: Samples.Zip(), trailerInRiff: true) },
            { "0.1 s then HTML counted in the RIFF size", Samples.WavLying(trailer: Html, trailerInRiff: true) },
            { "0.1 s then HTML", Samples.WavLying(trailer: Html) },
            { "data chunk claims 0xFFFFFFFF bytes", Samples.WavLying(dataSize: 0xFFFFFFFF, trailer: Html, riffSize: 0xFFFFFFFF) },
            { "data chunk claims more than the file", Samples.WavLying(dataSize: 100000) },
            { "ByteRate 1", Samples.WavLying(byteRate: 1) },
            { "ByteRate twice SampleRate x BlockAlign", Samples.WavLying(byteRate: 32000) },
            { "BlockAlign 4 for mono 16-bit", Samples.WavLying(blockAlign: 4, byteRate: 32000) },
            { "RIFF size larger than the file", Samples.WavLying(riffSize: 100000) },
            { "RIFF size smaller than the file", Samples.WavLying(riffSize: 100) },
            { "three trailing bytes", Samples.WavLying(trailer: new byte[] { 1, 2, 3 }, trailerInRiff: true) },
        };

        [Theory]
        [MemberData(nameof(Lies))]
        public void A_wav_whose_header_lies_is_not_audio(string name, byte[] bytes)
        {
            var info = AudioFormat.Identify(new MemoryStream(bytes), out var why);
            Assert.True(info == null, name + " was taken for " + info?.Format + " of " + info?.DurationSeconds + " s");
            Assert.False(string.IsNullOrEmpty(why));
        }

        [Fact]
        public void Real_recorder_wavs_and_a_wav_with_a_chunk_after_its_data_are_audio()
        {
            foreach (var format in new[] { 1, 6, 7, 0x31 })
            {
                Assert.NotNull(AudioFormat.Identify(new MemoryStream(Samples.Wav(format)), out var why));
            }
            // a LIST chunk after the data (as many editors write) is a RIFF chunk, so the file is still one WAV
            var list = Encoding.ASCII.GetBytes("LIST").Concat(BitConverter.GetBytes(4)).Concat(Encoding.ASCII.GetBytes("INFO")).ToArray();
            var info = AudioFormat.Identify(new MemoryStream(Samples.WavLying(trailer: list, trailerInRiff: true)), out var w2);
            Assert.True(info != null, w2);
            Assert.Equal(0.1, info.DurationSeconds);
        }

        private string File(string name, byte[] bytes)
        {
            var path = Path.Combine(_f.Source, name);
            System.IO.File.WriteAllBytes(path, bytes);
            return path;
        }

        private RecordingImport Call(string callId, byte[] audio, double? duration) => new RecordingImport
        {
            CallId = callId, Extension = "4521", StartTime = Now.AddHours(-2), DurationSeconds = duration, Direction = CallDirection.Inbound,
            RemoteNumber = "07700 900123", Agent = "UNI\\jdoe", Path = File(callId + ".wav", audio),
        };

        [Fact]
        public void Imports_refuse_lies_about_duration_and_keep_the_truth()
        {
            var calls = new (RecordingImport Item, string ErrorId)[]
            {
                (Call("poly", Samples.WavLying(samples: 1, trailer: Samples.Zip()), null), "NotAudio"),
                (Call("datalie", Samples.WavLying(dataSize: 0xFFFFFFFF, trailer: Html), null), "NotAudio"),
                (Call("byterate", Samples.WavLying(byteRate: 1), null), "NotAudio"),
                (Call("one-sample", Samples.WavLying(samples: 1), 3600), "DurationInvalid"),
                (Call("one-sample-no-duration", Samples.WavLying(samples: 1), null), "DurationInvalid"),
                (Call("hour-for-a-second", Samples.WavLying(samples: 8000), 3600), "DurationInvalid"),
                (Call("minus-zero", Samples.WavLying(), -0.0), "DurationInvalid"),
                (Call("zero", Samples.WavLying(), 0), null),                           // an empty cell bound as 0: the header's 0.1 s is kept
                (Call("tenth", Samples.WavLying(samples: 800), 0.1), null),
                (Call("rounded", Samples.WavLying(samples: 8000 * 3), 4), null),        // a recorder rounding 3 s up to 4 is within tolerance
                (Call("no-duration", Samples.WavLying(samples: 8000), null), null),
            };
            var outcomes = Store.Recordings.ImportMany(calls.Select(c => c.Item)).ToList();
            for (var i = 0; i < calls.Length; i++)
            {
                Assert.True(calls[i].ErrorId == outcomes[i].Error?.ErrorId, calls[i].Item.CallId + ": expected " + (calls[i].ErrorId ?? "success") + ", got " + (outcomes[i].Error?.ErrorId ?? "success") + " " + outcomes[i].Error?.Message);
            }
            var stored = Store.Recordings.Get(new RecordingQuery()).ToDictionary(r => r.CallId, r => r.DurationSeconds);
            Assert.Equal(new[] { "no-duration", "rounded", "tenth", "zero" }, stored.Keys.OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(0.1, stored["zero"]);
            Assert.Equal(1.0, stored["no-duration"]);
            Assert.Contains("-0", outcomes[6].Error.Message);
        }

        [Fact]
        public void The_duration_rule_states_its_minimum_and_tolerance()
        {
            Assert.Equal("DurationInvalid", Assert.Throws<PolicyException>(() => ImportRules.Duration(-0.0, "c")).ErrorId);
            Assert.Equal("DurationInvalid", Assert.Throws<PolicyException>(() => ImportRules.Duration(0.05, "c")).ErrorId);
            Assert.Equal(0.1, ImportRules.Duration(0.1, "c"));
            Assert.Null(ImportRules.Duration(0.0, "c"));
            ImportRules.HeaderDuration(60 + ImportRules.DurationTolerance(60), 60, "c");
            Assert.Equal("DurationInvalid", Assert.Throws<PolicyException>(() => ImportRules.HeaderDuration(60 + ImportRules.DurationTolerance(60) + 0.01, 60, "c")).ErrorId);
            ImportRules.HeaderDuration(3600, null, "c");  // MP3 and Ogg carry no header duration: the manifest's stands
        }

        [Fact]
        public void A_quoted_field_with_a_line_break_is_one_TextInvalid_row_naming_the_call()
        {
            _f.Wav("g1.wav"); _f.Wav("g2.wav"); _f.Wav("b.wav");
            var t = Now.AddHours(-1).ToString("o");
            var text = "CallId,Extension,StartTime,DurationSeconds,Direction,RemoteNumber,Agent,Path\n" +
                       "g1,4521," + t + ",,Inbound,07700 900123,UNI\\a,g1.wav\n" +
                       "R-DUP,4521," + t + ",,Inbound,07700 900123,\"UNI\\adviser1\n=2+2\",b.wav\n" +
                       "q1,4521,\"" + t + ",,Inbound,07700 900123,UNI\\a,b.wav\n" +              // unbalanced: stays one bad line
                       "g2,4521," + t + ",,Inbound,07700 900123,UNI\\a,g2.wav\n";
            var path = Path.Combine(_f.Source, "m.csv");
            System.IO.File.WriteAllText(path, text);
            var rows = RecordingManifest.Read(path).ToList();
            Assert.Equal(new[] { "g1", "g2" }, rows.Where(r => r.Error == null).Select(r => r.Item.CallId));
            var bad = rows.Where(r => r.Error != null).ToList();
            Assert.Equal(new[] { "TextInvalid", "ManifestRowInvalid" }, bad.Select(r => r.Error.ErrorId));
            Assert.Equal(new[] { 3, 5 }, bad.Select(r => r.Line));
            Assert.Equal("R-DUP", bad[0].CallId);
            Assert.Contains("R-DUP", bad[0].Error.Message);
            Assert.Contains("agent", bad[0].Error.Message);
            Assert.Equal(6, rows.Single(r => r.Item?.CallId == "g2").Line);
        }
    }
}
