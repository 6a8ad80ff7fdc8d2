using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>What Update-RecordingFormat did to one recording.</summary>
    public sealed class RecordingFormatChange
    {
        public string RecordingId { get; set; }
        public int FormatBefore { get; set; }
        public int FormatAfter { get; set; }
        /// <summary>The stored file (its path in the store).</summary>
        public string File { get; set; }
        /// <summary>Set when this recording was not rewritten (its original is untouched).</summary>
        internal PolicyException Error { get; set; }
    }

    /// <summary>
    /// Update-RecordingFormat (issue 11): rewrites every active recording stored in format 1 (header not authenticated)
    /// in format 2 (<see cref="CrecHeader"/>), batch by batch, without the plaintext ever touching a disk:
    /// <list type="number">
    /// <item>each file is re-sealed chunk by chunk under a fresh data key into "&lt;id&gt;.crec.upgrading", created exclusively
    /// beside it (a stale one a killed run left is removed first), every tag and the SHA-256 of the import checked on the way;</item>
    /// <item>the new file is read back and verified (format 2, tags, SHA-256) and flushed to disk;</item>
    /// <item>in one write transaction, per recording still Active, the new file is renamed over the old one, and one
    /// <see cref="Action"/> audit event lists the batch.</item>
    /// </list>
    /// A run killed at any point leaves every recording readable (old file, or new verified file) and is finished by
    /// running again: files already in format 2 are skipped. The one window a kill leaves unrecorded is between the
    /// renames and the commit of their event: those files are in format 2 (verified) but no event names them.
    /// Administrators only.
    /// </summary>
    public sealed class RecordingFormatUpgrade
    {
        /// <summary>The audit action of one upgraded batch.</summary>
        public const string Action = "UpgradeRecordingFormat";
        internal const string TempSuffix = ".upgrading";
        public const int MaxBatchSize = 1000;

        private readonly RecordingStore _store;

        internal RecordingFormatUpgrade(RecordingStore store) { _store = store; }

        private const string Doing = "rewrite recordings in the authenticated format (Update-RecordingFormat)";

        /// <summary>The ids of the recordings whose stored file is in an older format than <see cref="CrecHeader.CurrentFormat"/> (reads 8 bytes of each file).</summary>
        public IReadOnlyList<string> Pending()
        {
            _store.Change(Doing, ctx => { ctx.Require(RecordingRole.Administrator, Doing); return 0; });
            var root = Path.Combine(_store.Path, RecordingStore.RecordingsFolderName);
            var ids = new List<string>();
            if (!Directory.Exists(root)) return ids;
            foreach (var file in Directory.EnumerateFiles(root, "*.crec", SearchOption.AllDirectories))
            {
                var id = Path.GetFileNameWithoutExtension(file);
                if (!string.Equals(_store.Recordings.StoredFile(id), file, StringComparison.Ordinal)) continue;
                var format = FileRead.Try(file, () => { using (var f = File.OpenRead(file)) return CrecHeader.PeekFormat(f); });
                if (format != 0 && format < CrecHeader.CurrentFormat) ids.Add(id);
            }
            ids.Sort(StringComparer.Ordinal);
            return ids;
        }

        /// <summary>
        /// Rewrites <paramref name="recordingIds"/> (from <see cref="Pending"/>) in batches of <paramref name="batchSize"/>;
        /// yields one change per rewritten recording; a recording left as it was goes to <paramref name="failure"/> with its
        /// error, and the run goes on. <paramref name="progress"/> gets (done, total).
        /// </summary>
        public IEnumerable<RecordingFormatChange> Upgrade(IReadOnlyList<string> recordingIds, int batchSize = 100, Action<long, long> progress = null,
            Action<PolicyException> failure = null)
        {
            if (batchSize < 1 || batchSize > MaxBatchSize) throw new ArgumentOutOfRangeException(nameof(batchSize));
            long done = 0;
            for (var start = 0; start < recordingIds.Count; start += batchSize)
            {
                var batch = recordingIds.Skip(start).Take(batchSize).ToList();
                foreach (var change in UpgradeBatch(batch))
                {
                    done++;
                    progress?.Invoke(done, recordingIds.Count);
                    if (change.Error != null) failure?.Invoke(change.Error);
                    else yield return change;
                }
            }
        }

        private List<RecordingFormatChange> UpgradeBatch(IReadOnlyList<string> ids)
        {
            // 1. Which recordings are active, with the SHA-256 their import recorded.
            var rows = _store.Change(Doing, ctx =>
            {
                ctx.Require(RecordingRole.Administrator, Doing);
                var found = new List<(string Id, string Sha)>();
                foreach (var id in ids)
                {
                    try
                    {
                        var rec = RecordingRegister.Load(ctx, id);
                        if (rec.State == RecordingState.Active) found.Add((rec.RecordingId, rec.Sha256));
                    }
                    catch (PolicyException e) when (e.ErrorId == "RecordingNotFound" || e.ErrorId == "StoredValueInvalid")
                    {
                        // No row (an orphan file: Test-RecordingStore reports it) or a row edited outside the module: not rewritten.
                    }
                }
                return found;
            });

            // 2. Each file re-sealed beside itself and verified; the original is untouched whatever happens.
            var key = _store.ReadMasterKey();
            var results = new List<RecordingFormatChange>();
            var ready = new List<(RecordingFormatChange Change, string Temp)>();
            foreach (var (id, sha) in rows)
            {
                var final = _store.Recordings.StoredFile(id);
                var temp = final + TempSuffix;
                var change = new RecordingFormatChange { RecordingId = id, File = final, FormatAfter = CrecHeader.CurrentFormat };
                results.Add(change);
                try
                {
                    change.FormatBefore = FileRead.Try(final, () => { using (var f = File.OpenRead(final)) return CrecHeader.PeekFormat(f); });
                    if (change.FormatBefore == CrecHeader.CurrentFormat) { results.Remove(change); continue; }
                    if (File.Exists(temp)) File.Delete(temp);
                    using (var source = FileRead.Try(final, () => File.OpenRead(final)))
                    using (var destination = OwnerOnly.CreateFile(temp, FileMode.CreateNew, 1 << 16))
                    {
                        RecordingCipher.Reseal(source, destination, id, key, sha, _store.KeyFingerprint, CrecHeader.CurrentFormat);
                    }
                    using (var written = File.OpenRead(temp))
                    {
                        var opened = RecordingCipher.Verify(written, id, key, sha, _store.KeyFingerprint);
                        if (opened.Format != CrecHeader.CurrentFormat) throw CrecHeader.Integrity(id, "its rewritten file is not in format " + CrecHeader.CurrentFormat);
                    }
                    ready.Add((change, temp));
                }
                catch (PolicyException e)
                {
                    change.Error = e;
                    TryDelete(temp);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    change.Error = new PolicyException("StoreWriteFailed", FailureKind.WriteError,
                        "Recording " + id + " could not be rewritten beside its stored file (" + e.Message + "); its file is unchanged.", id, null, e);
                    TryDelete(temp);
                }
            }
            if (ready.Count == 0) return results;
            DurableFiles.Flush(ready.Select(r => r.Temp).ToList());
            FaultPoint.Reach(FaultPoint.UpgradeBeforeRename);

            // 3. Renamed over the originals of recordings still active, with one audit event for the batch.
            try
            {
                _store.Change(Doing, ctx =>
                {
                    ctx.Require(RecordingRole.Administrator, Doing);
                    var upgraded = new List<string>();
                    foreach (var (change, temp) in ready)
                    {
                        RecordingState state;
                        try { state = RecordingRegister.Load(ctx, change.RecordingId).State; }
                        catch (PolicyException e) when (e.ErrorId == "RecordingNotFound" || e.ErrorId == "StoredValueInvalid") { state = RecordingState.Deleted; }
                        if (state != RecordingState.Active)
                        {
                            // Deleted or extracted meanwhile: its file must not come back.
                            TryDelete(temp);
                            change.Error = new PolicyException("RecordingNotAvailable", FailureKind.ObjectNotFound,
                                "recording " + change.RecordingId + " is " + state + "; it was not rewritten.", change.RecordingId);
                            continue;
                        }
                        try
                        {
                            DurableFiles.MoveIntoPlace(temp, change.File);
                        }
                        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                        {
                            TryDelete(temp);
                            change.Error = new PolicyException("StoreWriteFailed", FailureKind.WriteError,
                                "Recording " + change.RecordingId + " could not be renamed into place (" + e.Message + "); its file is unchanged.", change.RecordingId, null, e);
                            continue;
                        }
                        upgraded.Add(change.RecordingId);
                    }
                    if (upgraded.Count > 0)
                    {
                        DurableFiles.Flush(new[] { ready[0].Change.File });
                        FaultPoint.Reach(FaultPoint.UpgradeAfterRename);
                        ctx.Audit(Action, "RecordingStore", _store.StoreId, new Dictionary<string, object>
                        {
                            ["fromFormat"] = 1, ["toFormat"] = CrecHeader.CurrentFormat, ["count"] = upgraded.Count, ["recordings"] = upgraded,
                        });
                    }
                    return 0;
                });
            }
            catch
            {
                foreach (var (_, temp) in ready) TryDelete(temp);
                throw;
            }
            return results;
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
    }
}
