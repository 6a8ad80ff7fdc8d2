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
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// Recordings in the store: imported encrypted from the telephony recorder, found by their metadata,
    /// reached only by nominated staff for a stated purpose, and removed with a record of the removal.
    /// A file and its row never exist one without the other for longer than a crash: an import writes
    /// "&lt;id&gt;.partial", commits the row, then renames; <see cref="Recover"/> finishes or removes what a
    /// killed run left.
    /// </summary>
    public sealed class RecordingRegister
    {
        internal const string Select = @"SELECT r.*, sa.name AS area_name,
            " + RetentionRules.HeldSql + @" AS on_hold,
            (SELECT group_concat(coalesce(cp.display_name, cp.user_principal_name, cp.phone_number) || coalesce(' <' || coalesce(cp.user_principal_name, cp.phone_number) || '>', ''), '; ')
               FROM call_participant cp WHERE cp.recording_id = r.id) AS participants
            FROM recording r JOIN service_area sa ON sa.id = r.service_area_id";
        private const string PartialSuffix = ".partial";
        private const string FileSuffix = ".crec";
        private readonly RecordingStore _store;

        internal RecordingRegister(RecordingStore store) { _store = store; }

        internal static string RelativeFile(string id) => Ids.Shard(id) + "/" + id + FileSuffix;

        internal string FullPath(string relative) => Path.Combine(_store.Path, RecordingStore.RecordingsFolderName, relative.Replace('/', Path.DirectorySeparatorChar));

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
            _store.Db.Read(c =>
            {
                using (var tx = c.BeginTransaction(deferred: true))
                {
                    var authorisations = Authorisations.Load(c, tx);
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
                        var authorisations = Authorisations.Load(ctx.Connection, ctx.Transaction);
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
        public IReadOnlyList<ManifestRow> ReadManifest(string manifestPath, bool logRefusal = true)
        {
            try
            {
                return RecordingManifest.Read(manifestPath).ToList();
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

        private sealed class CallAuthorisation
        {
            public string AreaId;
            public string AreaName;
            public string RequestId;
            public RetentionPeriod Retention;
        }

        /// <summary>
        /// Clauses 2.1 and 2.2 for a batch of calls: the recorded extensions and the authorisation windows of
        /// every area, read once in the batch's transaction and checked in memory for each call.
        /// </summary>
        private sealed class Authorisations
        {
            private readonly Dictionary<string, (string AreaId, string AreaName, RetentionPeriod Retention)> _extensions = new Dictionary<string, (string, string, RetentionPeriod)>(StringComparer.Ordinal);
            private readonly Dictionary<string, List<AuthorisationWindow>> _windows = new Dictionary<string, List<AuthorisationWindow>>(StringComparer.Ordinal);

            public static Authorisations Load(SqliteConnection c, SqliteTransaction tx)
            {
                var a = new Authorisations();
                using (var cmd = PolicyDb.Command(c, tx, "SELECT e.number, sa.id, sa.name, sa.retention_value, sa.retention_unit FROM recorded_extension e JOIN service_area sa ON sa.id = e.service_area_id"))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        a._extensions[r.GetString(0)] = (r.GetString(1), r.GetString(2), RetentionPeriod.Create((int)r.GetInt64(3), r.GetString(4) == "Days" ? RetentionUnit.Days : RetentionUnit.Months));
                    }
                }
                using (var cmd = PolicyDb.Command(c, tx, "SELECT service_area_id, id, effective_from, until, stopped_at FROM recording_request WHERE status IN ('Approved', 'Stopped') ORDER BY effective_from"))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        if (!a._windows.TryGetValue(r.GetString(0), out var list)) a._windows[r.GetString(0)] = list = new List<AuthorisationWindow>();
                        list.Add(new AuthorisationWindow(r.GetString(1), Timestamp.Parse(r.GetString(2)), r.IsDBNull(3) ? (DateTimeOffset?)null : Timestamp.Parse(r.GetString(3)), r.IsDBNull(4) ? (DateTimeOffset?)null : Timestamp.Parse(r.GetString(4))));
                    }
                }
                return a;
            }

            /// <summary>The area and authorising request of a call; ExtensionNotRecorded or RecordingNotAuthorised otherwise.</summary>
            /// <summary>The service area of a recorded extension; ExtensionNotRecorded otherwise.</summary>
            public (string AreaId, string AreaName, RetentionPeriod Retention) AreaOf(string extension, string callId)
            {
                if (!_extensions.TryGetValue(extension, out var area))
                {
                    throw new PolicyException("ExtensionNotRecorded", FailureKind.InvalidData,
                        "call " + callId + " was made on extension " + extension + ", which is not a recorded extension of any service area; it was not imported.", callId, "2.1");
                }
                return area;
            }

            public CallAuthorisation Check(string extension, DateTimeOffset start, string callId)
            {
                var area = AreaOf(extension, callId);
                var at = Timestamp.ToText(start);
                var requestId = _windows.TryGetValue(area.AreaId, out var windows) ? AreaRules.AuthorisingRequest(windows, Timestamp.Parse(at)) : null;
                if (requestId == null)
                {
                    throw new PolicyException("RecordingNotAuthorised", FailureKind.PermissionDenied,
                        "call " + callId + " (" + at + ") in service area '" + area.AreaName + "' is not covered by an approved recording request (clause 2.2); a service area may record only while one authorises it. It was not imported.",
                        callId, "2.1");
                }
                return new CallAuthorisation { AreaId = area.AreaId, AreaName = area.AreaName, RequestId = requestId, Retention = area.Retention };
            }
        }

        /// <summary>Streams recordings matching <paramref name="q"/> that the acting principal may see.</summary>
        public IEnumerable<Recording> Get(RecordingQuery q)
        {
            var filter = Filter(q);
            if (filter == null) yield break;
            var (where, args) = filter.Value;
            var sql = Select + where + " ORDER BY r.start_time, r.id" +
                      (q.First.HasValue || q.Skip > 0 ? " LIMIT " + (q.First ?? -1).ToString(CultureInfo.InvariantCulture) + " OFFSET " + q.Skip.ToString(CultureInfo.InvariantCulture) : "");
            foreach (var (rec, error) in _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, MapChecked))
            {
                if (error == null)
                {
                    yield return rec;
                }
                else if (q.OnRowError != null)
                {
                    q.OnRowError(error);
                }
                else
                {
                    throw error;
                }
            }
        }

        /// <summary>
        /// <see cref="Map"/>, or for a row holding a value the module never writes (a timestamp in another form, text where a
        /// number belongs: a row edited outside the module) a StoredValueInvalid error naming the row, so that the row fails alone.
        /// </summary>
        internal static (Recording Recording, PolicyException Error) MapChecked(SqliteDataReader r)
        {
            try
            {
                return (Map(r), null);
            }
            catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException || e is ArgumentException)
            {
                string id;
                try { id = r.Text("id"); } catch (Exception) { id = null; }
                return (null, new PolicyException("StoredValueInvalid", FailureKind.InvalidData,
                    "recording " + id + " holds a value the module never writes (" + e.Message + "): the row was changed outside the module. It is reported and skipped; compare it with the audit log and restore it from a backup.", id));
            }
        }

        /// <summary>How many recordings match <paramref name="q"/> (paging ignored), for -IncludeTotalCount.</summary>
        public long Count(RecordingQuery q)
        {
            var filter = Filter(q);
            if (filter == null) return 0;
            var (where, args) = filter.Value;
            return _store.Db.Read(c => Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM recording r JOIN service_area sa ON sa.id = r.service_area_id" + where, args.ToArray())));
        }

        /// <summary>The WHERE clause of a query, limited to the areas the acting principal may see; null when they may see none.</summary>
        private (string Where, List<(string, object)> Args)? Filter(RecordingQuery q)
        {
            var now = _store.Clock.UtcNow;
            var where = new List<string>();
            var args = new List<(string, object)>();
            var visible = _store.Db.Read(c => VisibleAreas(c, _store.Identity, now));
            if (visible != null)
            {
                if (visible.Count == 0) return null;
                var names = new List<string>();
                for (var i = 0; i < visible.Count; i++) { names.Add("$va" + i); args.Add(("$va" + i, visible[i])); }
                where.Add("r.service_area_id IN (" + string.Join(", ", names) + ")");
            }
            if (!string.IsNullOrEmpty(q.RecordingId)) { where.Add("r.id = $id"); args.Add(("$id", q.RecordingId.Trim())); }
            if (!string.IsNullOrEmpty(q.CallId)) { where.Add("r.call_id = $call"); args.Add(("$call", q.CallId.Trim())); }
            if (!string.IsNullOrEmpty(q.ServiceArea))
            {
                var (areaSql, arg) = ServiceAreaRegister.Selector(q.ServiceArea, "sa.name", "sa.id", "$sa");
                where.Add(areaSql);
                args.Add(arg);
            }
            if (!string.IsNullOrEmpty(q.Extension)) { where.Add("r.extension = $ext"); args.Add(("$ext", ExtensionRegister.NormaliseNumber(q.Extension, "Extension"))); }
            if (!string.IsNullOrEmpty(q.Agent))
            {
                where.Add(LikePattern.HasWildcard(q.Agent) ? "r.agent LIKE $agent ESCAPE '\\'" : "r.agent = $agent");
                args.Add(("$agent", LikePattern.HasWildcard(q.Agent) ? LikePattern.From(q.Agent) : q.Agent.Trim()));
            }
            if (!string.IsNullOrEmpty(q.RemoteNumber)) { where.Add("r.remote_number = $rn"); args.Add(("$rn", RemoteNumber.Normalise(q.RemoteNumber))); }
            if (q.After.HasValue) { where.Add("r.start_time > $after"); args.Add(("$after", Timestamp.ToText(q.After.Value))); }
            if (q.Before.HasValue) { where.Add("r.start_time < $before"); args.Add(("$before", Timestamp.ToText(q.Before.Value))); }
            if (q.ExpiresBefore.HasValue) { where.Add("r.expires_at < $eb"); args.Add(("$eb", Timestamp.ToText(q.ExpiresBefore.Value))); }
            if (q.Expired) { where.Add("r.expires_at <= $now"); args.Add(("$now", Timestamp.ToText(now))); }
            if (q.OnHold.HasValue)
            {
                where.Add((q.OnHold.Value ? "" : "NOT ") + RetentionRules.HeldSql);
            }
            if (q.State.HasValue) { where.Add("r.state = $state"); args.Add(("$state", q.State.Value.ToString())); }
            else if (!q.IncludeGone && string.IsNullOrEmpty(q.RecordingId)) where.Add("r.state IN ('Active', 'PendingDelete')");
            return (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "", args);
        }

        /// <summary>Areas whose recordings the principal may list; null for all (Administrator, DPO, Auditor).</summary>
        private static IReadOnlyList<string> VisibleAreas(SqliteConnection c, string principal, DateTimeOffset now)
        {
            foreach (var role in new[] { RecordingRole.Administrator, RecordingRole.DataProtectionOfficer, RecordingRole.Auditor })
            {
                if (RoleRegister.Holds(c, null, principal, role, null)) return null;
            }
            var list = new List<string>();
            using (var cmd = PolicyDb.Command(c, null, @"SELECT service_area_id FROM role_assignment WHERE principal = $p COLLATE NOCASE AND role = 'Supervisor'
                       UNION SELECT service_area_id FROM access_grant WHERE principal = $p COLLATE NOCASE AND revoked_at IS NULL AND service_area_id IS NOT NULL",
                       ("$p", principal)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) if (!r.IsDBNull(0)) list.Add(r.GetString(0));
            }
            return list;
        }

        /// <summary>Writes the decrypted audio to <paramref name="destination"/> (Download right), only after every tag and the hash verified.</summary>
        public Recording Save(string recordingId, string destination, AccessPurpose purpose, bool overwrite)
        {
            var full = Path.GetFullPath(destination);
            // A destination in the store, and an existing file without -Force, are refused (and logged) by the access itself.
            var recording = Reach(AccessRight.Download, recordingId, purpose, "saved to " + full, (ctx, rec) =>
            {
                StorePaths.EnsureOutsideStore(_store, full);
                if (File.Exists(full) && !overwrite)
                {
                    throw new PolicyException("FileExists", FailureKind.ResourceExists, "'" + full + "' already exists; use -Force to replace it.", full);
                }
            });
            DecryptTo(recording, full);
            return recording;
        }

        internal void DecryptTo(Recording recording, string full)
        {
            var key = _store.ReadMasterKey();
            FileStream opened;
            try
            {
                opened = File.OpenRead(StoredFile(recording));
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new PolicyException("RecordingFileMissing", FailureKind.ReadError,
                    "the stored file of recording " + recording.RecordingId + " is missing; nothing was written. Test-RecordingStore reports it; restore the file from a backup.", recording.RecordingId, "2.5", e);
            }
            // Through a new, randomly named, exclusively created owner-only file beside the destination, renamed into place:
            // a link planted at any name the module writes can never redirect the plaintext (or the truncation) into the store.
            using (var stored = opened)
            using (var output = SafeOutput.Begin(_store, full, ownerOnly: true))
            {
                RecordingCipher.Decrypt(stored, output.Stream, recording.RecordingId, key, recording.Sha256);
                output.Commit();
            }
        }

        /// <summary>Copies the encrypted file, as stored, into a folder with a manifest (Copy right); the copy opens only with this store's key.</summary>
        public Recording Copy(string recordingId, string destinationFolder, AccessPurpose purpose)
        {
            var folder = Path.GetFullPath(destinationFolder);
            var recording = Reach(AccessRight.Copy, recordingId, purpose, "copied to " + folder, (ctx, rec) => StorePaths.EnsureOutsideStore(_store, folder));
            Directory.CreateDirectory(folder);
            var target = Path.Combine(folder, recording.RecordingId + FileSuffix);
            string encryptedSha;
            using (var stored = File.OpenRead(StoredFile(recording)))
            using (var output = SafeOutput.Begin(_store, target, ownerOnly: true))
            {
                stored.CopyTo(output.Stream);
                output.Commit();
            }
            encryptedSha = RecordingCipher.Sha256OfFile(target);
            var manifest = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = "CallRecordingAdmin.RecordingCopy/1",
                ["recordingId"] = recording.RecordingId, ["callId"] = recording.CallId, ["serviceArea"] = recording.ServiceArea,
                ["startTime"] = Timestamp.ToText(recording.StartTime), ["originalSha256"] = recording.Sha256,
                ["encryptedSha256"] = encryptedSha, ["keyFingerprint"] = _store.KeyFingerprint,
                ["copiedBy"] = _store.Identity, ["copiedAt"] = Timestamp.ToText(_store.Clock.UtcNow),
                ["purpose"] = purpose.Purpose.ToString(), ["reason"] = purpose.Reason,
            };
            SafeOutput.WriteAllText(_store, target + ".json", JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
            return recording;
        }

        /// <summary>
        /// The area supervisor's record of a playback done in the telephony recorder (clause 3.1, last
        /// paragraph): only a Supervisor of the recording's area records it, and the person who played it
        /// must hold Play. The row names the player, with the purpose, the reason and when it was played.
        /// </summary>
        public Recording RegisterPlayback(string recordingId, string player, AccessPurpose purpose, DateTimeOffset? playedAt)
        {
            player = Principal.Normalise(player);
            return _store.Access("Play", recordingId, purpose, ctx =>
            {
                var rec = Load(ctx, recordingId);
                var areaId = ctx.Scalar("SELECT service_area_id FROM recording WHERE id = $id", ("$id", rec.RecordingId)) as string;
                ctx.Require(RecordingRole.Supervisor, "record playbacks in '" + rec.ServiceArea + "'", areaId, rec.ServiceArea, "3.1");
                var when = playedAt ?? ctx.Now;
                if (when > ctx.Now.AddMinutes(5))
                {
                    throw new PolicyException("PlayedAtInFuture", FailureKind.InvalidArgument, "a playback cannot be recorded before it happened (" + Timestamp.ToText(when) + ").", when);
                }
                AccessGate.Require(ctx, player, rec, AccessRight.Play);
                AccessRecord.Allowed(ctx, "Play", rec.RecordingId, rec.ServiceArea, purpose.Purpose.ToString(), purpose.Reason,
                    "played at " + Timestamp.ToText(when) + "; recorded by supervisor " + ctx.Principal, player);
                return rec;
            });
        }

        /// <summary>Deletes one recording (Delete right); refused while it is on a legal hold. The row stays as the record of the deletion.</summary>
        public Recording Remove(string recordingId, AccessPurpose purpose)
        {
            var pending = Reach(AccessRight.Delete, recordingId, purpose, null, (ctx, rec) =>
            {
                RequireNotHeld(ctx, rec);
                ctx.Execute("UPDATE recording SET state = 'PendingDelete' WHERE id = $id AND state = 'Active'", ("$id", rec.RecordingId));
            });
            var failure = RecordingDeletion.DeleteFile(_store, pending.RecordingId);
            if (failure != null)
            {
                RecordingDeletion.RecordFailures(_store, "remove recordings", new[] { failure });
                throw failure;
            }
            return _store.Change("remove recordings", ctx =>
            {
                RecordingDeletion.Finish(ctx, pending.RecordingId, ctx.Principal, "Removed: " + purpose.Reason, pending.StoredBytes);
                return Load(ctx, pending.RecordingId);
            });
        }

        /// <summary>
        /// One access to an active recording's content with <paramref name="right"/> (clause 3.1): the grant is
        /// checked, <paramref name="also"/> runs in the same transaction, and the access is logged under the
        /// right's name; a refusal is logged by <see cref="RecordingStore.Access{T}"/>.
        /// </summary>
        internal Recording Reach(AccessRight right, string recordingId, AccessPurpose purpose, string detail, Action<ChangeContext, Recording> also = null) =>
            _store.Access(right.ToString(), recordingId, purpose, ctx =>
            {
                var rec = FindActive(ctx, recordingId);
                AccessGate.Require(ctx, ctx.Principal, rec, right);
                if (right != AccessRight.Delete) RequireFile(rec);
                also?.Invoke(ctx, rec);
                AccessRecord.Allowed(ctx, right.ToString(), rec.RecordingId, rec.ServiceArea, purpose.Purpose.ToString(), purpose.Reason, detail);
                return rec;
            });

        /// <summary>RecordingFileMissing when an active recording's stored file is not there (a read, never a write failure).</summary>
        internal void RequireFile(Recording rec)
        {
            var file = StoredFile(rec);
            if (!File.Exists(file))
            {
                throw new PolicyException("RecordingFileMissing", FailureKind.ReadError,
                    "the stored file of recording " + rec.RecordingId + " is missing (" + file + "); nothing was written. Test-RecordingStore reports it; restore the file from a backup.", rec.RecordingId, "2.5");
            }
        }

        internal static void RequireNotHeld(ChangeContext ctx, Recording rec)
        {
            var hold = ctx.Scalar("SELECT h.case_reference FROM legal_hold_recording hr JOIN legal_hold h ON h.id = hr.hold_id WHERE hr.recording_id = $id AND h.released_at IS NULL LIMIT 1",
                ("$id", rec.RecordingId)) as string;
            if (hold != null)
            {
                throw new PolicyException("RecordingOnLegalHold", FailureKind.InvalidOperation,
                    "recording " + rec.RecordingId + " is on legal hold for case " + hold + " and must be kept whatever its age; release the hold first.", rec.RecordingId, "2.5");
            }
        }

        internal static Recording FindActive(ChangeContext ctx, string recordingId)
        {
            var rec = Load(ctx, recordingId);
            if (rec.State != RecordingState.Active)
            {
                throw new PolicyException("RecordingNotAvailable", FailureKind.ObjectNotFound,
                    "recording " + rec.RecordingId + " is " + rec.State + (rec.ExtractedTo != null ? " (to " + rec.ExtractedTo + ")" : "") + "; its content is no longer in the store.", rec.RecordingId);
            }
            return rec;
        }

        internal static Recording Load(ChangeContext ctx, string recordingId)
        {
            using (var cmd = ctx.Command(Select + " WHERE r.id = $id", ("$id", recordingId?.Trim())))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new PolicyException("RecordingNotFound", FailureKind.ObjectNotFound, "There is no recording '" + recordingId + "'.", recordingId);
                }
                return Map(r);
            }
        }

        internal string StoredFile(Recording rec) => StoredFile(rec.RecordingId);

        internal string StoredFile(string recordingId) => FullPath(RelativeFile(recordingId));

        /// <summary>Recomputes the expiry of an area's active recordings after its local retention changed (clause 2.5).</summary>
        internal static int RecomputeExpiry(ChangeContext ctx, string areaId, RetentionPeriod period)
        {
            var rows = new List<(string Id, string Start)>();
            using (var cmd = ctx.Command("SELECT id, start_time FROM recording WHERE service_area_id = $a AND state = 'Active'", ("$a", areaId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) rows.Add((r.GetString(0), r.GetString(1)));
            }
            using (var update = ctx.Command("UPDATE recording SET expires_at = $e WHERE id = $id", ("$e", ""), ("$id", "")))
            {
                foreach (var (id, start) in rows)
                {
                    update.Parameters["$e"].Value = Timestamp.ToText(period.ExpiryOf(Timestamp.Parse(start)));
                    update.Parameters["$id"].Value = id;
                    update.ExecuteNonQuery();
                }
            }
            return rows.Count;
        }

        /// <summary>The ".partial" files killed imports left, which <see cref="Recover"/> would finish or remove (reading only).</summary>
        public IReadOnlyList<string> PendingRecovery()
        {
            var root = Path.Combine(_store.Path, RecordingStore.RecordingsFolderName);
            if (!Directory.Exists(root)) return new string[0];
            return Directory.EnumerateFiles(root, "*" + FileSuffix + PartialSuffix, SearchOption.AllDirectories).ToList();
        }

        /// <summary>
        /// Finishes what killed imports left: a ".partial" file whose row was committed is renamed into place;
        /// one with no row, not held open by a running import, is removed. Needs the Administrator role (a refusal is
        /// in the access log) and writes a RecoverImport audit event for each file it finishes or removes.
        /// Returns what it did.
        /// </summary>
        public IReadOnlyList<string> Recover()
        {
            var done = new List<string>();
            var partials = PendingRecovery();
            if (partials.Count == 0) return done;
            _store.Change("recover interrupted imports", "Import", ctx => { ctx.Require(RecordingRole.Administrator, "recover interrupted imports"); return 0; });
            using (var exclusive = ImportLock.TryExclusive(_store.Path))
            {
                // While another process imports, its ".partial" files are not leftovers: recovery waits for a later run.
                if (exclusive == null) return done;
                RecoverLocked(partials, done);
            }
            return done;
        }

        private void RecoverLocked(IReadOnlyList<string> partials, List<string> done)
        {
            foreach (var partial in partials)
            {
                var id = Path.GetFileName(partial);
                id = id.Substring(0, id.Length - FileSuffix.Length - PartialSuffix.Length);
                var final = partial.Substring(0, partial.Length - PartialSuffix.Length);
                string action = null;
                _store.Change("recover interrupted imports", ctx =>
                {
                    // Decided and audited inside the write lock, so a running import cannot commit its row meanwhile.
                    var state = ctx.Scalar("SELECT state FROM recording WHERE id = $id", ("$id", id)) as string;
                    if (state == "Active" && !File.Exists(final))
                    {
                        File.Move(partial, final);
                        action = "completed import of " + id;
                    }
                    else if (state == null && NotInUse(partial))
                    {
                        File.Delete(partial);
                        action = "removed the unfinished import file of " + id;
                    }
                    if (action != null)
                    {
                        ctx.Audit("RecoverImport", "Recording", id, new Dictionary<string, object> { ["file"] = partial, ["action"] = action });
                    }
                    return 0;
                });
                if (action != null) done.Add(action);
            }
        }

        private static bool NotInUse(string path)
        {
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        internal static void TryDelete(string path)
        {
            try
            {
                if (File.Exists(path)) File.Delete(path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        internal static Recording Map(SqliteDataReader r)
        {
            var rec = new Recording
            {
                RecordingId = r.Text("id"),
                Participants = r.Text("participants") ?? "",
                CallId = r.Text("call_id"),
                ServiceArea = r.Text("area_name"),
                Extension = r.Text("extension"),
                StartTime = r.Time("start_time"),
                DurationSeconds = r.IsDBNull(r.GetOrdinal("duration_seconds")) ? (double?)null : r.GetDouble(r.GetOrdinal("duration_seconds")),
                Direction = (CallDirection)Enum.Parse(typeof(CallDirection), r.Text("direction")),
                RemoteNumber = r.Text("remote_number"),
                Agent = r.Text("agent"),
                Format = r.Text("format"),
                SizeBytes = r.Long("size_bytes"),
                Sha256 = r.Text("sha256"),
                State = (RecordingState)Enum.Parse(typeof(RecordingState), r.Text("state")),
                ExpiresAt = r.Time("expires_at"),
                OnHold = r.Long("on_hold") != 0,
                AuthorisingRequestId = r.Text("request_id"),
                ImportedAt = r.Time("imported_at"),
                ImportedBy = r.Text("imported_by"),
                DeletedAt = r.NullableTime("deleted_at"),
                DeletedBy = r.Text("deleted_by"),
                DeletionReason = r.Text("deletion_reason"),
                ExtractedTo = r.Text("extracted_to"),
                ExtractedAt = r.NullableTime("extracted_at"),
            };
            rec.StoredBytes = r.Long("stored_bytes");
            return rec;
        }
    }
}
