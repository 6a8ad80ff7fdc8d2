using System;
using System.Collections.Generic;
using System.IO;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// The policy database's own volume fills up (found by the fault campaign, build.ps1 Chaos: an extraction with
    /// -RemoveFromStore on a full store said only "SQLite Error 10: 'disk I/O error'"). A change then fails with
    /// StoreDiskFull, which says the disk is full and that nothing was changed; with room again the store verifies.
    /// </summary>
    public sealed class StoreDiskFullTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "crs-full-" + Guid.NewGuid().ToString("N"));
        private bool _mounted;

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            if (_mounted) Tmpfs.Unmount(_folder);
            try { Directory.Delete(_folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        [TmpfsFact]
        public void A_change_on_a_full_store_volume_is_StoreDiskFull_and_changes_nothing()
        {
            Directory.CreateDirectory(_folder);
            Assert.True(_mounted = Tmpfs.Mount(_folder, "4m", out var why), why);
            var clock = new FixedClock(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
            var path = Path.Combine(_folder, "store");
            var store = RecordingStore.Create(path, TempStore.Admin, null, clock, true);
            store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Area 0", Retention = RetentionPeriod.FromDays(30), CustomerNotice = "n" });
            var filler = Path.Combine(_folder, "filler");
            using (var fs = new FileStream(filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1)) // unbuffered: no flush left to fail at Dispose
            {
                var block = new byte[64 * 1024];
                try { while (true) fs.Write(block, 0, block.Length); } catch (IOException) { }
                try { while (true) { fs.Write(block, 0, 512); } } catch (IOException) { }
            }
            // changes until the disk refuses one (each writes rows and an audit event)
            PolicyException refused = null;
            var made = new List<string>();
            for (var i = 1; i < 400 && refused == null; i++)
            {
                try { store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Area " + i, Retention = RetentionPeriod.FromDays(30), CustomerNotice = "n" }); made.Add("Area " + i); }
                catch (PolicyException e) { refused = e; }
            }
            Assert.NotNull(refused);
            Assert.True(refused.ErrorId == "StoreDiskFull", refused.ErrorId + ": " + refused.Message + " / " + (refused.InnerException as SqliteException)?.SqliteExtendedErrorCode);
            Assert.Equal(FailureKind.WriteError, refused.Kind);
            Assert.Contains("full", refused.Message);
            Assert.Contains("nothing was changed", refused.Message);
            Assert.NotNull(ErrorIds.Find("StoreDiskFull"));

            // with room again: the refused change left nothing, the chain holds, the store takes changes
            File.Delete(filler);
            SqliteConnection.ClearAllPools();
            var again = RecordingStore.Open(path, TempStore.Admin, clock);
            var names = new HashSet<string>();
            foreach (var a in again.ServiceAreas.Get()) names.Add(a.Name);
            Assert.Equal(made.Count + 1, names.Count);
            Assert.True(again.Audit.Verify().IsValid);
            again.ServiceAreas.Create(new ServiceAreaDraft { Name = "After", Retention = RetentionPeriod.FromDays(30), CustomerNotice = "n" });
        }
    }
}
