using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// A fact that needs a real full disk: a small tmpfs mounted for the test. Skipped, with the reason, where this
    /// process cannot mount one (not Linux, not root, or no CAP_SYS_ADMIN in a container).
    /// </summary>
    public sealed class TmpfsFactAttribute : FactAttribute
    {
        private static readonly Lazy<string> Unavailable = new Lazy<string>(Probe);

        public TmpfsFactAttribute()
        {
            if (Unavailable.Value != null) Skip = Unavailable.Value;
        }

        private static string Probe()
        {
            if (!OperatingSystem.IsLinux()) return "needs Linux to mount a tmpfs (a real full disk)";
            var folder = Path.Combine(Path.GetTempPath(), "crs-tmpfs-probe-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                if (!Tmpfs.Mount(folder, "64k", out var why)) return "cannot mount a tmpfs for a real full disk (run the tests as root): " + why;
                Tmpfs.Unmount(folder);
                return null;
            }
            finally
            {
                try { Directory.Delete(folder); } catch (IOException) { }
            }
        }
    }

    public static class Tmpfs
    {
        public static bool Mount(string folder, string size, out string why) =>
            Run("mount", out why, "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", folder);

        public static void Unmount(string folder) => Run("umount", out _, "-l", folder);

        private static bool Run(string file, out string why, params string[] args)
        {
            try
            {
                var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
                foreach (var a in args) psi.ArgumentList.Add(a);
                using (var p = Process.Start(psi))
                {
                    var err = p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    why = err.Trim();
                    return p.ExitCode == 0;
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is InvalidOperationException)
            {
                why = e.Message;
                return false;
            }
        }
    }

    /// <summary>The store's recordings volume fills up while an import encrypts into it (found by the fault campaign).</summary>
    public sealed class StoreWriteFailureTests : IDisposable
    {
        private readonly RecordingFixture _f = new RecordingFixture();
        private readonly string _recordings;
        private bool _mounted;

        public StoreWriteFailureTests()
        {
            _recordings = Path.Combine(_f.T.Store.Path, "recordings");
            Directory.CreateDirectory(_recordings);
        }

        public void Dispose()
        {
            if (_mounted) Tmpfs.Unmount(_recordings);
            _f.Dispose();
        }

        [TmpfsFact]
        public void A_full_store_volume_is_StoreWriteFailed_not_the_source_and_keeps_nothing_of_the_row()
        {
            Assert.True(_mounted = Tmpfs.Mount(_recordings, "256k", out var why), why);
            var now = _f.T.Clock.UtcNow;
            var big = _f.Wav("big.wav", seconds: 64); // 1 MiB of audio into 256 KiB
            var sourceHash = RecordingCipher.Sha256OfFile(big);

            var e = Assert.Throws<PolicyException>(() => _f.Import("big", now.AddDays(-1), path: big));

            Assert.Equal("StoreWriteFailed", e.ErrorId);
            Assert.Equal(FailureKind.WriteError, e.Kind);
            Assert.Contains("could not be written into the store", e.Message);
            Assert.Contains("Nothing of this row was kept", e.Message);
            Assert.Equal(_f.T.Store.Path, e.Target);
            Assert.NotNull(ErrorIds.Find("StoreWriteFailed"));
            // nothing of the row: no row, no file, no .partial; the source is untouched
            Assert.Empty(_f.T.Store.Recordings.Get(new RecordingQuery { IncludeGone = true }));
            Assert.Empty(Directory.GetFiles(_recordings, "*", SearchOption.AllDirectories));
            Assert.Equal(sourceHash, RecordingCipher.Sha256OfFile(big));
            // the refusal is in the access log with its ErrorId
            Assert.Contains(_f.T.Store.AccessLog.Get(new AccessLogQuery()), r => r.Outcome == AccessOutcome.Refused && (r.Detail ?? "").Contains("StoreWriteFailed"));
            // with room for it, a small call imports into the same volume
            var small = _f.Import("small", now.AddDays(-1));
            Assert.Equal("small", small.CallId);
        }
    }
}
