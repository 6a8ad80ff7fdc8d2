using System;
using System.IO;
using System.Runtime.InteropServices;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace CallRecordingAdmin.Engine.Tests
{
    /// <summary>Review finding F1: the one way a file is written for a user never follows a link planted at any name it writes.</summary>
    public sealed class SafeOutputTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "safeoutput-" + Guid.NewGuid().ToString("N"));

        public SafeOutputTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, true);

        private string Victim()
        {
            var victim = Path.Combine(_dir, "victim.bin");
            File.WriteAllText(victim, "precious");
            return victim;
        }

        [Fact]
        public void Creating_exclusively_refuses_a_name_that_is_a_link_and_leaves_its_target_alone()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return; // links need privileges there
            var victim = Victim();
            var link = Path.Combine(_dir, "planted");
            File.CreateSymbolicLink(link, victim);
            Assert.ThrowsAny<IOException>(() => SafeOutput.CreateExclusive(link, ownerOnly: true).Dispose());
            Assert.Equal("precious", File.ReadAllText(victim));
            var dangling = Path.Combine(_dir, "dangling");
            File.CreateSymbolicLink(dangling, Path.Combine(_dir, "not-yet"));
            Assert.ThrowsAny<IOException>(() => SafeOutput.CreateExclusive(dangling, ownerOnly: false).Dispose());
            Assert.False(File.Exists(Path.Combine(_dir, "not-yet")));
        }

        [Fact]
        public void Writing_replaces_a_link_at_the_destination_and_at_the_old_temp_names_never_writes_through_them()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            var victim = Victim();
            var final = Path.Combine(_dir, "out.csv");
            File.CreateSymbolicLink(final, victim);
            File.CreateSymbolicLink(final + ".partial", victim);
            File.CreateSymbolicLink(final + ".tmp", victim);
            SafeOutput.WriteAllText(null, final, "a,b\r\n", ownerOnly: true);
            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Null(new FileInfo(final).LinkTarget);
            Assert.Equal("a,b\r\n", File.ReadAllText(final));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(final));
            Assert.Empty(Directory.GetFiles(_dir, "out.csv.*.partial"));
        }

        [Fact]
        public void A_failed_write_leaves_the_destination_as_it_was_and_no_temporary_file()
        {
            var final = Path.Combine(_dir, "keep.txt");
            File.WriteAllText(final, "before");
            Assert.Throws<InvalidOperationException>(() => SafeOutput.Write(null, final, s => { s.WriteByte(1); throw new InvalidOperationException("boom"); }));
            Assert.Equal("before", File.ReadAllText(final));
            Assert.Single(Directory.GetFiles(_dir));
        }
    }
}
