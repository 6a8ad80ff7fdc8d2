using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    public class IdsTests
    {
        [Fact]
        public void Ids_made_later_sort_after_earlier_ones_even_within_one_millisecond()
        {
            var made = Enumerable.Range(0, 20000).Select(_ => Ids.New("rec")).ToList();
            Thread.Sleep(5);
            made.Add(Ids.New("rec"));
            var sorted = made.OrderBy(id => id, StringComparer.Ordinal).ToList();
            Assert.Equal(made, sorted);
            Assert.Equal(made.Count, made.Distinct().Count());
            Assert.All(made, id => Assert.Matches("^rec-[0-7][0-9A-HJKMNP-TV-Z]{25}$", id));
        }

        [Fact]
        public void An_id_carries_the_real_time_it_was_made()
        {
            var before = DateTimeOffset.UtcNow;
            var id = Ids.New("area");
            var after = DateTimeOffset.UtcNow;
            var at = Ids.CreatedAt(id).Value;
            Assert.InRange(at, before.AddMilliseconds(-1), after.AddMilliseconds(1));
            Assert.Null(Ids.CreatedAt("rec-0a1b2c3d4e5f60718293"));
        }

        [Fact]
        public void Ids_made_on_many_threads_at_once_are_unique_and_each_thread_sees_them_rise()
        {
            var all = new ConcurrentBag<string>();
            var rising = true;
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            {
                string last = null;
                for (var i = 0; i < 5000; i++)
                {
                    var id = Ids.New("grant");
                    if (last != null && string.CompareOrdinal(id, last) <= 0) rising = false;
                    last = id;
                    all.Add(id);
                }
            });
            Assert.True(rising);
            Assert.Equal(40000, all.Distinct().Count());
        }

        [Fact]
        public void Recording_files_still_spread_over_folders_and_older_ids_keep_their_folder()
        {
            var shards = Enumerable.Range(0, 2000).Select(_ => Ids.Shard(Ids.New("rec"))).Distinct().Count();
            Assert.True(shards > 500, shards + " folders for 2,000 recordings made in the same moment");
            // Stores made before time-ordered ids keep finding their files: the first two characters after the prefix.
            Assert.Equal("0a", Ids.Shard("rec-0a1b2c3d4e5f60718293"));
            Assert.Equal("bk", Ids.Shard("rec-bk000000000000000001"));
        }

        [Fact]
        public void Records_made_one_after_another_list_in_creation_order_by_id()
        {
            using (var t = new TempStore())
            {
                var made = Enumerable.Range(1, 30).Select(i => t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Area " + i, Retention = RetentionPeriod.FromMonths(6) }).Id).ToList();
                Assert.Equal(made, made.OrderBy(id => id, StringComparer.Ordinal));
            }
        }
    }

    public class FileReadTests
    {
        [Fact]
        public void A_file_that_cannot_be_read_while_checking_an_export_is_FileReadFailed_not_FileWriteFailed()
        {
            var folder = Path.Combine(Path.GetTempPath(), "crs-read-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                var audio = Path.Combine(folder, "call.wav");
                File.WriteAllBytes(audio, new byte[] { 1, 2, 3 });
                File.WriteAllText(Path.Combine(folder, "manifest.json"), "{\"recordings\":[{\"file\":\"call.wav\",\"exportedSha256\":\"00\"}]}");
                // Another writer holds the file exclusively: reading it fails with an IOException on every OS.
                using (new FileStream(audio, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    var e = Assert.Throws<PolicyException>(() => HoldExport.Test(folder).ToList());
                    Assert.Equal("FileReadFailed", e.ErrorId);
                    Assert.Equal(FailureKind.ReadError, e.Kind);
                    Assert.Equal(audio, e.Target);
                }
                Assert.Contains(HoldExport.Test(folder), f => f.Check == "Altered");
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
