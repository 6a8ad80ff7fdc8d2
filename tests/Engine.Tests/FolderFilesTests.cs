using System;
using System.IO;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.Files;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    /// <summary>The local folder behind IRecordingFiles, on real files: staging, commit, reads, deletions with their outcomes, the listing recovery uses.</summary>
    public sealed class FolderFilesTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "crs-files-" + Guid.NewGuid().ToString("N"), "recordings");
        private readonly FolderFiles _files;

        public FolderFilesTests() { _files = new FolderFiles(_root); }

        public void Dispose()
        {
            try { Directory.Delete(Path.GetDirectoryName(_root), true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private StagedFile Write(string id, string text)
        {
            var staged = _files.Stage(id);
            using (staged.Content)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                staged.Content.Write(bytes, 0, bytes.Length);
            }
            return staged;
        }

        private string Read(string id)
        {
            using (var s = _files.OpenRead(id))
            using (var r = new StreamReader(s))
            {
                return r.ReadToEnd();
            }
        }

        [Fact]
        public void A_staged_file_is_invisible_until_committed_then_reads_back()
        {
            var id = Ids.New("rec");
            var staged = Write(id, "sealed bytes");
            Assert.False(_files.Exists(id));
            Assert.Equal("RecordingFileMissing", Assert.Throws<PolicyException>(() => _files.OpenRead(id)).ErrorId);
            var listed = _files.List().Single();
            Assert.True(listed.Staged);
            Assert.Equal(id, listed.RecordingId);

            _files.FlushStaged(new[] { staged });
            _files.Commit(staged);
            Assert.True(_files.Exists(id));
            Assert.Equal("sealed bytes", Read(id));
            var stored = _files.List().Single();
            Assert.False(stored.Staged);
            Assert.Equal(12, stored.Length);
            Assert.Equal(Ids.Shard(id) + "/" + id + ".crec", _files.KeyOf(id));
            Assert.Equal(Path.Combine(_root, Ids.Shard(id), id + ".crec"), _files.PathOf(id));
        }

        [Fact]
        public void Staging_never_overwrites_a_file_already_there()
        {
            var id = Ids.New("rec");
            Write(id, "first");
            Assert.ThrowsAny<IOException>(() => _files.Stage(id));
        }

        [Fact]
        public void Stored_files_and_their_folders_are_owner_only()
        {
            if (OperatingSystem.IsWindows()) return;
            var id = Ids.New("rec");
            var staged = Write(id, "x");
            _files.Commit(staged);
            Assert.Equal(OwnerOnly.FileBits, OwnerOnly.Mode(_files.PathOf(id)) & 0x1FF);
            Assert.Equal(OwnerOnly.FolderBits, OwnerOnly.Mode(Path.GetDirectoryName(_files.PathOf(id))) & 0x1FF);
        }

        [Fact]
        public void A_deletion_says_whether_the_file_went_or_was_already_gone()
        {
            var id = Ids.New("rec");
            _files.Commit(Write(id, "x"));
            var first = _files.Delete(id);
            Assert.Equal(DeleteResult.Deleted, first.Result);
            Assert.True(first.Gone);
            Assert.False(File.Exists(_files.PathOf(id)));
            var again = _files.Delete(id);
            Assert.Equal(DeleteResult.AlreadyGone, again.Result);
            Assert.True(again.Gone);
        }

        [Fact]
        public void A_file_that_cannot_be_deleted_is_a_failed_outcome_with_its_cause_not_an_exception()
        {
            var id = Ids.New("rec");
            _files.Commit(Write(id, "x"));
            DeleteOutcome outcome;
            using (new Undeletable(_files.PathOf(id)))
            {
                outcome = _files.Delete(id);
            }
            Assert.False(outcome.Gone);
            Assert.NotEqual(DeleteResult.Deleted, outcome.Result);
            Assert.NotNull(outcome.Cause);
            Assert.True(File.Exists(_files.PathOf(id)));
        }

        [Fact]
        public void A_leftover_staged_file_held_open_by_a_running_import_is_in_use_and_kept()
        {
            var id = Ids.New("rec");
            var staged = _files.Stage(id);
            var leftover = _files.List().Single().AsStaged();
            using (staged.Content)
            {
                var busy = _files.Discard(leftover, onlyIfUnused: true);
                Assert.Equal(DeleteResult.InUse, busy.Result);
                Assert.True(File.Exists(staged.Location));
            }
            Assert.Equal(DeleteResult.Deleted, _files.Discard(leftover, onlyIfUnused: true).Result);
            Assert.Empty(_files.List());
            Assert.Equal(DeleteResult.AlreadyGone, _files.Discard(leftover).Result);
        }

        [Fact]
        public void A_stored_file_that_cannot_be_read_is_FileReadFailed_not_a_write_failure()
        {
            if (OperatingSystem.IsWindows() || Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root") return; // root reads anything
            var id = Ids.New("rec");
            _files.Commit(Write(id, "x"));
            File.SetUnixFileMode(_files.PathOf(id), UnixFileMode.None);
            var e = Assert.Throws<PolicyException>(() => _files.OpenRead(id));
            Assert.Equal("FileReadFailed", e.ErrorId);
            Assert.Equal(FailureKind.ReadError, e.Kind);
        }

        [Fact]
        public void Listing_an_empty_or_absent_folder_finds_nothing_and_ignores_other_files()
        {
            Assert.Empty(_files.List());
            Directory.CreateDirectory(Path.Combine(_root, "ab"));
            File.WriteAllText(Path.Combine(_root, "ab", "notes.txt"), "not a recording");
            Assert.Empty(_files.List());
        }
    }
}
