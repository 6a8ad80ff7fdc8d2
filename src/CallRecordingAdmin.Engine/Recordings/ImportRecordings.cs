using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>Importing calls from the recorder: batches, each call atomic on its own (".partial", row, rename); refusals per row. Part of <see cref="RecordingRegister"/>, split out of RecordingRegister.cs (issue 10).</summary>
    public sealed partial class RecordingRegister
    {
        /// <summary>How many recordings share one commit: each stays atomic on its own (".partial", row, rename).</summary>
        public const int ImportBatchSize = 1000;

        /// <summary>Imports one call; a refusal is thrown.</summary>
        public ImportOutcome Import(RecordingImport item)
        {
            var outcome = ImportBatch(new[] { item }).Single();
            if (outcome.Error != null) throw outcome.Error;
            return outcome;
        }

        /// <summary>
        /// Imports calls in batches that share a commit, yielding one outcome per call as each batch lands.
        /// Refusals are per call (in the outcome), so the rest goes on; only a missing role or key stops it all.
        /// </summary>
        public IEnumerable<ImportOutcome> ImportMany(IEnumerable<RecordingImport> items)
        {
            var batch = new List<RecordingImport>(ImportBatchSize);
            foreach (var item in items)
            {
                batch.Add(item);
                if (batch.Count < ImportBatchSize) continue;
                foreach (var o in ImportBatch(batch)) yield return o;
                batch.Clear();
            }
            if (batch.Count > 0)
            {
                foreach (var o in ImportBatch(batch)) yield return o;
            }
        }

        private sealed class Prepared
        {
            public ImportOutcome Outcome;
            public string CallId, Extension, Id, Partial, Format, Agent, RemoteRaw;
            public double? Duration;
            public DateTimeOffset Start;
            public AudioInfo Audio;
            public RecordingCipher.Sealed Sealed;
        }

        private List<ImportOutcome> ImportBatch(IReadOnlyList<RecordingImport> items)
        {
            _store.Change("import recordings", "Import", ctx => { ctx.Require(RecordingRole.Administrator, "import recordings"); return 0; });
            using (ImportLock.Shared(_store.Path, PolicyDb.LockWait))
            {
                return ImportBatchLocked(items);
            }
        }

        /// <summary>One batch under the shared import lock, from the first ".partial" file to the last rename.</summary>
        private List<ImportOutcome> ImportBatchLocked(IReadOnlyList<RecordingImport> items)
        {
            var key = _store.ReadMasterKey();
            var prepared = items.Select(i => new Prepared { Outcome = new ImportOutcome { Item = i } }).ToList();
            var now = _store.Clock.UtcNow;

            // Checks that need no content first, in one read, so a refused call costs no encryption.
            _store.Database.Read(db =>
            {
                {
                    var authorisations = Authorisations.Load(db);
                    foreach (var p in prepared)
                    {
                        try
                        {
                            var item = p.Outcome.Item;
                            p.CallId = ImportRules.CallId(item.CallId);
                            p.Extension = ExtensionRegister.NormaliseNumber(item.Extension, "Extension");
                            p.Agent = ImportRules.Agent(item.Agent);
                            p.Duration = ImportRules.Duration(item.DurationSeconds, p.CallId);
                            p.RemoteRaw = RemoteNumber.Validate(item.RemoteNumber, item.Direction, p.CallId);
                            p.Start = ImportRules.Start(item.StartTime, now, p.CallId);
                            if (string.IsNullOrEmpty(item.Path) || !File.Exists(item.Path))
                            {
                                throw new PolicyException("RecordingFileNotFound", FailureKind.ObjectNotFound, "The audio file '" + item.Path + "' of call " + p.CallId + " does not exist.", item.Path);
                            }
                            var area = authorisations.AreaOf(p.Extension, p.CallId);
                            ImportRules.Expiry(area.Retention, p.Start, now, p.CallId, area.AreaName);
                            authorisations.Check(p.Extension, p.Start, p.CallId);
                        }
                        catch (PolicyException e)
                        {
                            p.Outcome.Error = e;
                        }
                    }
                }
                return 0;
            });

            var folders = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in prepared.Where(x => x.Outcome.Error == null))
            {
                p.Id = Ids.New("rec");
                var final = StoredFile(p.Id);
                p.Partial = final + PartialSuffix;
                StoreWriteStream destination = null;
                try
                {
                    var folder = Path.GetDirectoryName(final);
                    using (var source = new FileStream(p.Outcome.Item.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
                    {
                        // The content is checked by its header before anything of it is written (clause 2.5 keeps recordings of calls).
                        p.Audio = AudioFormat.Identify(source, out var why);
                        if (p.Audio == null)
                        {
                            throw new PolicyException("NotAudio", FailureKind.InvalidData,
                                "the file '" + p.Outcome.Item.Path + "' of call " + p.CallId + " is not a recording: " + why +
                                ". Recordings are WAV (PCM, A-law, mu-law, GSM 6.10), MP3 or Ogg (Opus, Vorbis), recognised by their headers. It was not imported.", p.Outcome.Item.Path, "2.5");
                        }
                        ImportRules.HeaderDuration(p.Duration, p.Audio.DurationSeconds, p.CallId);
                        p.Format = p.Audio.Format;
                        try
                        {
                            if (folders.Add(folder)) OwnerOnly.CreateDirectory(folder);
                            destination = new StoreWriteStream(OwnerOnly.CreateFile(p.Partial, FileMode.CreateNew, 1 << 16));
                        }
                        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                        {
                            folders.Remove(folder);
                            throw StoreWriteFailed(p, e);
                        }
                        using (destination)
                        {
                            p.Sealed = RecordingCipher.Encrypt(source, destination, p.Id, key, _store.KeyFingerprint);
                        }
                    }
                }
                catch (PolicyException e)
                {
                    if (e.ErrorId == "StoreWriteFailed") TryDelete(p.Partial);
                    p.Outcome.Error = e;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    TryDelete(p.Partial);
                    // the source is read and the store written in one Encrypt call: the wrapper says which failed
                    p.Outcome.Error = destination?.Failure != null
                        ? StoreWriteFailed(p, e)
                        : new PolicyException("RecordingFileUnreadable", FailureKind.ReadError,
                            "The audio file '" + p.Outcome.Item.Path + "' of call " + p.CallId + " could not be read: " + e.Message, p.Outcome.Item.Path, null, e);
                }
            }

            var ready = prepared.Where(x => x.Outcome.Error == null).ToList();
            if (ready.Count > 0)
            {
                try
                {
                    // The encrypted files are on disk before any row that points at them commits.
                    DurableFiles.Flush(ready.Select(p => p.Partial).ToList());
                    _store.Change("import recordings", "Import", ctx =>
                    {
                        ctx.Require(RecordingRole.Administrator, "import recordings");
                        var authorisations = Authorisations.Load(ctx.Db);
                        foreach (var p in ready)
                        {
                            try
                            {
                                Commit(ctx, p, authorisations);
                            }
                            catch (PolicyException e)
                            {
                                p.Outcome.Error = e;
                            }
                        }
                        return 0;
                    });
                }
                catch
                {
                    foreach (var p in ready) TryDelete(p.Partial);
                    throw;
                }
            }
            if (ready.Count > 0) FaultPoint.Reach(FaultPoint.ImportAfterCommit);
            foreach (var p in ready)
            {
                if (p.Outcome.Recording != null && !p.Outcome.AlreadyImported)
                {
                    File.Move(p.Partial, p.Partial.Substring(0, p.Partial.Length - PartialSuffix.Length));
                }
                else
                {
                    TryDelete(p.Partial);
                }
            }
            RecordRefusals(prepared.Where(p => p.Outcome.Error != null).Select(p => p.Outcome).ToList());
            return prepared.Select(p => p.Outcome).ToList();
        }

        /// <summary>A write into the store failed (disk full, the volume's I/O error): the source file is not at fault, and nothing of the row is kept.</summary>
        private PolicyException StoreWriteFailed(Prepared p, Exception e) =>
            new PolicyException("StoreWriteFailed", FailureKind.WriteError,
                "Call " + p.CallId + " could not be written into the store at '" + p.Partial + "': " + e.Message +
                " Nothing of this row was kept (its partial file was removed) and the audio file '" + p.Outcome.Item.Path + "' is untouched; free space in the store's volume and import again.",
                _store.Path, null, e);

        /// <summary>
        /// Reads a recorder's manifest for an import. A manifest that cannot be read at all (ManifestNotFound, ManifestInvalid)
        /// is a refused import: in the access log (action Import, outcome Refused) like a refused row, unless <paramref name="logRefusal"/>
        /// is false (-WhatIf), then rethrown.
        /// </summary>
        public IReadOnlyList<ManifestRow> ReadManifest(string manifestPath, bool logRefusal = true) => ReadManifest(manifestPath, logRefusal, null);

        /// <summary>The same, with StartTimes without an offset read as wall-clock times in <paramref name="zone"/> (the machine's zone when null).</summary>
        public IReadOnlyList<ManifestRow> ReadManifest(string manifestPath, bool logRefusal, TimeZoneInfo zone)
        {
            try
            {
                return RecordingManifest.Read(manifestPath, zone).ToList();
            }
            catch (PolicyException e) when (logRefusal && e.Refusal != RefusalLog.None)
            {
                RecordRefusals(new[] { new ImportOutcome { Item = new RecordingImport { Path = manifestPath }, Error = e } }, "manifest");
                throw;
            }
        }

        /// <summary>
        /// Every refused row of an import in the access log (action Import, outcome Refused) and so in the audit
        /// chain: who imported, which call and file, and why (the ErrorId and message), in one transaction.
        /// </summary>
        public void RecordRefusals(IReadOnlyList<ImportOutcome> refused, string source = null)
        {
            if (refused.Count == 0) return;
            _store.Change("import recordings", ctx =>
            {
                foreach (var o in refused)
                {
                    var what = (source != null ? source + ": " : "") + "call '" + Text.Printable(o.Item?.CallId, Text.NameMax) + "' from '" + Text.Printable(o.Item?.Path, 1000) + "'";
                    AccessRecord.Write(ctx, "Import", AccessOutcome.Refused, null, null, null, null, Text.Printable(what + ": " + o.Error.ErrorId + ": " + o.Error.Message, 4000));
                }
                return 0;
            });
        }

        private static void Commit(ChangeContext ctx, Prepared p, Authorisations authorisations)
        {
            string existingId = null, existingSha = null;
            using (var cmd = ctx.Command("SELECT id, sha256 FROM recording WHERE call_id = $c", ("$c", p.CallId)))
            using (var r = cmd.ExecuteReader())
            {
                if (r.Read())
                {
                    existingId = r.GetString(0);
                    existingSha = r.GetString(1);
                }
            }
            if (existingId != null)
            {
                if (string.Equals(existingSha, p.Sealed.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    p.Outcome.Recording = Load(ctx, existingId);
                    p.Outcome.AlreadyImported = true;
                    return;
                }
                throw new PolicyException("DuplicateCallId", FailureKind.ResourceExists,
                    "call " + p.CallId + " is already in the store as " + existingId + " with different content (SHA-256 " + existingSha +
                    "); the new file was not imported. Investigate the recorder's export before importing it again.", p.CallId);
            }
            var auth = authorisations.Check(p.Extension, p.Start, p.CallId);
            var item = p.Outcome.Item;
            var raw = p.RemoteRaw;
            var expires = ImportRules.Expiry(auth.Retention, p.Start, ctx.Now, p.CallId, auth.AreaName);
            ctx.Execute(@"INSERT INTO recording(id, call_id, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw,
                            agent, format, size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by)
                          VALUES ($id, $call, $area, $req, $ext, $start, $dur, $dir, $rn, $raw, $agent, $fmt, $size, $stored, $sha, $file, 'Active', $exp, $t, $p)",
                ("$id", p.Id), ("$call", p.CallId), ("$area", auth.AreaId), ("$req", auth.RequestId), ("$ext", p.Extension), ("$start", Timestamp.ToText(p.Start)),
                ("$dur", p.Duration ?? p.Audio?.DurationSeconds), ("$dir", item.Direction.ToString()), ("$rn", RemoteNumber.Normalise(raw)), ("$raw", raw),
                ("$agent", p.Agent), ("$fmt", p.Format), ("$size", p.Sealed.Length), ("$stored", p.Sealed.StoredLength),
                ("$sha", p.Sealed.Sha256), ("$file", RelativeFile(p.Id)), ("$exp", Timestamp.ToText(expires)), ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal));
            ctx.Audit("ImportRecording", "Recording", p.Id, new Dictionary<string, object>
            {
                ["callId"] = p.CallId, ["serviceArea"] = auth.AreaName, ["extension"] = p.Extension, ["startTime"] = p.Start,
                ["sha256"] = p.Sealed.Sha256, ["sizeBytes"] = p.Sealed.Length, ["expiresAt"] = expires, ["authorisedBy"] = auth.RequestId,
            });
            // The new row as it was written, without reading it back.
            p.Outcome.Recording = new Recording
            {
                RecordingId = p.Id, CallId = p.CallId, ServiceArea = auth.AreaName, Extension = p.Extension, StartTime = Timestamp.Parse(Timestamp.ToText(p.Start)),
                DurationSeconds = p.Duration ?? p.Audio?.DurationSeconds, Direction = item.Direction, RemoteNumber = RemoteNumber.Normalise(raw), Agent = p.Agent,
                Format = p.Format, SizeBytes = p.Sealed.Length, Sha256 = p.Sealed.Sha256, State = RecordingState.Active, ExpiresAt = Timestamp.Parse(Timestamp.ToText(expires)),
                OnHold = false, AuthorisingRequestId = auth.RequestId, ImportedAt = Timestamp.Parse(Timestamp.ToText(ctx.Now)), ImportedBy = ctx.Principal,
                StoredBytes = p.Sealed.StoredLength,
            };
        }
    }
}
