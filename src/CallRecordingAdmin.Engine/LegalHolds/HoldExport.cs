using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.LegalHolds
{
    /// <summary>One finding of Test-LegalHoldExport.</summary>
    public sealed class ExportFinding
    {
        public string Check { get; set; }
        public FindingSeverity Severity { get; set; }
        public string File { get; set; }
        public string Message { get; set; }
    }

    /// <summary>What Export-LegalHold wrote.</summary>
    public sealed class HoldExportResult
    {
        public string HoldId { get; set; }
        public string CaseReference { get; set; }
        public string Destination { get; set; }
        public int Exported { get; set; }
        public int RemovedFromStore { get; set; }
        /// <summary>Originals whose stored file could not be deleted: they stay PendingDelete and the next purge retries (RecordingDeleteFailed).</summary>
        public int NotRemoved { get; set; }
        public string ManifestSha256 { get; set; }
    }

    /// <summary>
    /// Clause 2.5: recordings relevant to a long-term query are extracted to a separate secure location and
    /// become part of that record. The copies are decrypted audio (WAV as recorded), so the case owner can use
    /// them without this module or its key; the destination's own protection (an evidence share, an encrypted
    /// volume) takes over from the store's encryption. Each copy is verified against the SHA-256 taken at
    /// import before it counts. The manifest (JSON and CSV) lists every recording with its call metadata, the
    /// original and the exported SHA-256, who exported it, when, why and the hold's retention; manifest.sha256
    /// holds the SHA-256 of both manifests, so any later change to them shows.
    /// </summary>
    public sealed class HoldExport
    {
        public const string ManifestJson = "manifest.json";
        public const string ManifestCsv = "manifest.csv";
        public const string ManifestHash = "manifest.sha256";
        private readonly RecordingStore _store;

        internal HoldExport(RecordingStore store) { _store = store; }

        /// <summary>
        /// Exports a hold's recordings. The acting principal needs the Administrator or DPO role and a Copy nomination on
        /// every service area in the hold (clause 3.1: roles do not reach content); a refusal is in the access log. Every
        /// access is logged before any audio is decrypted, and a failure part-way removes the audio this run wrote, so
        /// decrypted audio never exists without its record.
        /// </summary>
        public HoldExportResult Export(string holdId, string destination, bool removeFromStore, Action<int, int> progress = null, Action<PolicyException> deleteFailed = null)
        {
            var folder = Path.GetFullPath(destination);
            StorePaths.Checked(_store, "export legal holds", folder);
            var (hold, recordings) = ReachHold(holdId, folder);
            SafeOutput.CreateFolder(folder);
            var exportedAt = _store.Clock.UtcNow;
            var entries = new List<SortedDictionary<string, object>>();
            var written = new List<string>();
            var i = 0;
            try
            {
                foreach (var rec in recordings)
                {
                    progress?.Invoke(++i, recordings.Count);
                    var name = ExportFileName.For(rec);
                    var target = Path.Combine(folder, name);
                    string exportedSha = null;
                    string status;
                    if (rec.State == RecordingState.Active || rec.State == RecordingState.PendingDelete)
                    {
                        var existed = File.Exists(target);
                        _store.Recordings.DecryptTo(rec, target, "ExportLegalHold", "LegalHold:" + hold.Kind, hold.Reason);
                        if (!existed) written.Add(target);
                        exportedSha = RecordingCipher.Sha256OfFile(target);
                        if (!string.Equals(exportedSha, rec.Sha256, StringComparison.OrdinalIgnoreCase))
                        {
                            throw new PolicyException("ExportVerificationFailed", FailureKind.InvalidData,
                                "the exported copy of " + rec.RecordingId + " does not match the SHA-256 taken at import; nothing was removed from the store.", rec.RecordingId, "2.5");
                        }
                        status = "Exported";
                    }
                    else if (rec.State == RecordingState.Extracted && File.Exists(target))
                    {
                        exportedSha = RecordingCipher.Sha256OfFile(target);
                        status = string.Equals(exportedSha, rec.Sha256, StringComparison.OrdinalIgnoreCase) ? "Exported" : "Altered";
                    }
                    else
                    {
                        status = rec.State == RecordingState.Extracted ? "ExtractedElsewhere" : "Deleted";
                        name = "";
                    }
                    entries.Add(new SortedDictionary<string, object>(StringComparer.Ordinal)
                    {
                        ["recordingId"] = rec.RecordingId, ["callId"] = rec.CallId, ["serviceArea"] = rec.ServiceArea, ["extension"] = rec.Extension,
                        ["startTime"] = Timestamp.ToText(rec.StartTime), ["durationSeconds"] = rec.DurationSeconds, ["direction"] = rec.Direction.ToString(),
                        ["remoteNumber"] = rec.RemoteNumber, ["agent"] = rec.Agent, ["file"] = name, ["status"] = status,
                        ["originalSha256"] = rec.Sha256, ["exportedSha256"] = exportedSha,
                    });
                }
            }
            catch (Exception e) when (e is PolicyException || e is IOException || e is UnauthorizedAccessException)
            {
                // Never decrypted audio without its record: what this run wrote goes, and the chain says why.
                foreach (var f in written) RecordingRegister.TryDelete(f);
                _store.Change("export legal holds", ctx =>
                {
                    ctx.Audit("ExportLegalHoldFailed", "LegalHold", hold.HoldId, new Dictionary<string, object>
                    {
                        ["destination"] = folder, ["error"] = e.Message, ["removedFiles"] = written.Count,
                    });
                    return 0;
                });
                throw;
            }
            var manifest = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = "CallRecordingAdmin.LegalHoldExport/1",
                ["holdId"] = hold.HoldId, ["caseReference"] = hold.CaseReference, ["kind"] = hold.Kind.ToString(), ["reason"] = hold.Reason,
                ["retainUntil"] = hold.RetainUntil.HasValue ? Timestamp.ToText(hold.RetainUntil.Value) : null,
                ["exportedBy"] = _store.Identity, ["exportedAt"] = Timestamp.ToText(exportedAt), ["storeId"] = _store.StoreId,
                ["recordings"] = entries,
            };
            SafeOutput.WriteAllText(_store, Path.Combine(folder, ManifestJson), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
            var columns = new[] { "recordingId", "callId", "serviceArea", "extension", "startTime", "durationSeconds", "direction", "remoteNumber", "agent", "file", "status", "originalSha256", "exportedSha256" };
            CsvBytesWriter.WriteFile(_store, Path.Combine(folder, ManifestCsv), columns.Concat(new[] { "exportedBy", "exportedAt", "reason", "retainUntil" }),
                entries.Select(e => columns.Select(c => Convert.ToString(e[c], CultureInfo.InvariantCulture)).Concat(new[]
                {
                    _store.Identity, Timestamp.ToText(exportedAt), hold.Reason, hold.RetainUntil.HasValue ? Timestamp.ToText(hold.RetainUntil.Value) : "",
                })));
            var manifestSha = ManifestDigest(folder);
            SafeOutput.WriteAllText(_store, Path.Combine(folder, ManifestHash), manifestSha + "  " + ManifestJson + "+" + ManifestCsv + "\n");

            var exported = entries.Count(e => (string)e["status"] == "Exported");
            _store.Change("export legal holds", ctx =>
            {
                ctx.Audit("ExportLegalHold", "LegalHold", hold.HoldId, new Dictionary<string, object>
                {
                    ["destination"] = folder, ["recordings"] = exported, ["manifestSha256"] = manifestSha, ["removeFromStore"] = removeFromStore,
                });
                return 0;
            });

            int removed = 0, notRemoved = 0;
            if (removeFromStore)
            {
                FaultPoint.Reach(FaultPoint.ExtractAfterVerify);
                // Only now that every copy verified: claim each original (PendingDelete, with where it went; commit), delete its
                // stored file, and only once the file is gone mark it Extracted (RecordingDeletion, shared with the purge).
                foreach (var e in entries.Where(x => (string)x["status"] == "Exported"))
                {
                    var id = (string)e["recordingId"];
                    var tampered = _store.Change("extract recordings", ctx => Audit.LedgerGuard.PurgeProblem(ctx, id)); // the row ledger (issue 11)
                    if (tampered != null)
                    {
                        notRemoved++;
                        deleteFailed?.Invoke(Audit.LedgerGuard.RefuseDeletion(_store, id, tampered));
                        continue;
                    }
                    var claimed = _store.Change("extract recordings", ctx =>
                        ctx.Db.Recordings.ClaimForExtraction(id, Path.Combine(folder, (string)e["file"]), ctx.Now));
                    if (!claimed) continue;
                    FaultPoint.Reach(FaultPoint.ExtractAfterMark);
                    var result = RecordingDeletion.Complete(_store, "extract recordings", new[] { (id, 0L) },
                        "Extracted for case " + hold.CaseReference + " (hold " + hold.HoldId + ")");
                    foreach (var f in result.Failures)
                    {
                        notRemoved++;
                        deleteFailed?.Invoke(f);
                    }
                    removed += result.Finished.Count;
                }
            }
            return new HoldExportResult { HoldId = hold.HoldId, CaseReference = hold.CaseReference, Destination = folder, Exported = exported, RemovedFromStore = removed, NotRemoved = notRemoved, ManifestSha256 = manifestSha };
        }

        /// <summary>
        /// The checks and the access-log rows of an extraction, in one transaction before anything is decrypted: the role,
        /// then an active Copy nomination on every service area in the hold. A refusal is written to the access log.
        /// </summary>
        private (LegalHold, List<Recording>) ReachHold(string holdId, string folder)
        {
            try
            {
                return _store.Change("export legal holds", "ExportLegalHold", ctx =>
                {
                    ctx.RequireAny("export legal holds", null, null, RecordingRole.Administrator, RecordingRole.DataProtectionOfficer);
                    var h = LegalHoldRegister.Load(ctx, holdId);
                    var list = ctx.Db.Recordings.InHold(h.HoldId).ToList();
                    foreach (var first in list.GroupBy(x => x.ServiceArea, StringComparer.OrdinalIgnoreCase).Select(g => g.First()))
                    {
                        try
                        {
                            AccessGate.Require(ctx, ctx.Principal, first, AccessRight.Copy);
                        }
                        catch (PolicyException e) when (e.ErrorId == "AccessNotGranted" || e.ErrorId == "AccessReviewOverdue")
                        {
                            throw new PolicyException(e.ErrorId, e.Kind, "extracting the recordings of hold " + h.HoldId + " (case " + h.CaseReference + ") needs a Copy nomination on every service area in it: " +
                                e.Message.Substring(e.Message.IndexOf(':') + 2), first.RecordingId, "3.1");
                        }
                    }
                    // Every path the export will write — each audio file and the three manifests — is checked before anything is written
                    // (a link planted at manifest.json must not be found only after the audio is out).
                    foreach (var path in list.Where(x => x.State == RecordingState.Active || x.State == RecordingState.PendingDelete).Select(x => ExportFileName.For(x))
                                 .Concat(new[] { ManifestJson, ManifestCsv, ManifestHash }))
                    {
                        StorePaths.EnsureOutsideStore(_store, Path.Combine(folder, path));
                    }
                    foreach (var rec in list.Where(x => x.State == RecordingState.Active || x.State == RecordingState.PendingDelete))
                    {
                        AccessRecord.Write(ctx, "ExportLegalHold", AccessOutcome.Allowed, rec.RecordingId, rec.ServiceArea, "LegalHold:" + h.Kind, h.Reason,
                            "case " + h.CaseReference + " to " + folder);
                    }
                    return (h, list);
                });
            }
            catch (PolicyException e) when (e.ErrorId == "AccessNotGranted" || e.ErrorId == "AccessReviewOverdue")
            {
                _store.Change("export legal holds", ctx =>
                {
                    var area = ctx.Db.Recordings.AreaNameOf((string)e.Target);
                    AccessRecord.Write(ctx, "ExportLegalHold", AccessOutcome.Refused, (string)e.Target, area, null, null, "hold " + holdId + ": " + e.ErrorId + ": " + e.Message);
                    return 0;
                });
                throw;
            }
            catch (PolicyException e) when (e.ErrorId == "DestinationInsideStore")
            {
                _store.AuditRefusal("export legal holds", e);
                throw;
            }
        }

        private static string ManifestDigest(string folder)
        {
            using (var sha = System.Security.Cryptography.SHA256.Create())
            {
                var json = File.ReadAllBytes(Path.Combine(folder, ManifestJson));
                var csv = File.ReadAllBytes(Path.Combine(folder, ManifestCsv));
                sha.TransformBlock(json, 0, json.Length, null, 0);
                sha.TransformFinalBlock(csv, 0, csv.Length);
                return Text.Hex(sha.Hash);
            }
        }


        /// <summary>Checks a destination against its manifest: the manifest's own hash, then missing, altered and extra files. It only reads.</summary>
        public static IEnumerable<ExportFinding> Test(string destination)
        {
            var folder = Path.GetFullPath(destination);
            var jsonPath = Path.Combine(folder, ManifestJson);
            if (!File.Exists(jsonPath))
            {
                yield return new ExportFinding { Check = "Manifest", Severity = FindingSeverity.Error, File = jsonPath, Message = "There is no manifest.json: this is not a legal hold export." };
                yield break;
            }
            var hashFile = Path.Combine(folder, ManifestHash);
            var recorded = File.Exists(hashFile) ? FileRead.Try(hashFile, () => File.ReadAllText(hashFile)).Split(' ')[0].Trim() : null;
            var actual = File.Exists(Path.Combine(folder, ManifestCsv)) ? FileRead.Try(folder, () => ManifestDigest(folder)) : null;
            yield return recorded != null && recorded == actual
                ? new ExportFinding { Check = "Manifest", Severity = FindingSeverity.Ok, File = jsonPath, Message = "The manifests match manifest.sha256." }
                : new ExportFinding { Check = "Manifest", Severity = FindingSeverity.Error, File = jsonPath, Message = "The manifests do not match manifest.sha256 (changed, or a file is missing)." };
            var expected = new HashSet<string>(StringComparer.Ordinal) { ManifestJson, ManifestCsv, ManifestHash };
            JsonDocument doc;
            try { doc = JsonDocument.Parse(FileRead.Try(jsonPath, () => File.ReadAllText(jsonPath))); }
            catch (JsonException) { doc = null; }
            if (doc == null)
            {
                yield return new ExportFinding { Check = "Manifest", Severity = FindingSeverity.Error, File = jsonPath, Message = "manifest.json cannot be read." };
                yield break;
            }
            using (doc)
            {
                foreach (var entry in doc.RootElement.GetProperty("recordings").EnumerateArray())
                {
                    var file = entry.GetProperty("file").GetString();
                    if (string.IsNullOrEmpty(file)) continue;
                    expected.Add(file);
                    var path = Path.Combine(folder, file);
                    var want = entry.GetProperty("exportedSha256").GetString();
                    if (!File.Exists(path))
                    {
                        yield return new ExportFinding { Check = "Missing", Severity = FindingSeverity.Error, File = path, Message = "Listed in the manifest but not in the folder." };
                    }
                    else if (!string.Equals(FileRead.Try(path, () => RecordingCipher.Sha256OfFile(path)), want, StringComparison.OrdinalIgnoreCase))
                    {
                        yield return new ExportFinding { Check = "Altered", Severity = FindingSeverity.Error, File = path, Message = "Its SHA-256 differs from the manifest's." };
                    }
                    else
                    {
                        yield return new ExportFinding { Check = "Verified", Severity = FindingSeverity.Ok, File = path, Message = "Matches the manifest." };
                    }
                }
            }
            foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var relative = path.Substring(folder.Length).TrimStart(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Replace('\\', '/');
                if (!expected.Contains(relative))
                {
                    yield return new ExportFinding { Check = "Extra", Severity = FindingSeverity.Error, File = path, Message = "Not listed in the manifest." };
                }
            }
        }
    }
}
