using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using CsvHelper;

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

        public HoldExportResult Export(string holdId, string destination, bool removeFromStore, Action<int, int> progress = null)
        {
            var folder = Path.GetFullPath(destination);
            var (hold, recordings) = _store.Change("export legal holds", ctx =>
            {
                ctx.RequireAny("export legal holds", null, null, RecordingRole.Administrator, RecordingRole.DataProtectionOfficer);
                var h = LegalHoldRegister.Load(ctx, holdId);
                var list = new List<Recording>();
                using (var cmd = ctx.Command(RecordingRegister.Select + " JOIN legal_hold_recording hr ON hr.recording_id = r.id WHERE hr.hold_id = $h ORDER BY r.start_time", ("$h", h.HoldId)))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read()) list.Add(RecordingRegister.Map(r));
                }
                return (h, list);
            });
            Directory.CreateDirectory(folder);
            var exportedAt = _store.Clock.UtcNow;
            var entries = new List<SortedDictionary<string, object>>();
            var i = 0;
            foreach (var rec in recordings)
            {
                progress?.Invoke(++i, recordings.Count);
                var name = Safe(rec.CallId) + "_" + rec.RecordingId + ".wav";
                var target = Path.Combine(folder, name);
                string exportedSha = null;
                string status;
                if (rec.State == RecordingState.Active || rec.State == RecordingState.PendingDelete)
                {
                    _store.Recordings.DecryptTo(rec, target);
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
            var manifest = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = "CallRecordingAdmin.LegalHoldExport/1",
                ["holdId"] = hold.HoldId, ["caseReference"] = hold.CaseReference, ["kind"] = hold.Kind.ToString(), ["reason"] = hold.Reason,
                ["retainUntil"] = hold.RetainUntil.HasValue ? Timestamp.ToText(hold.RetainUntil.Value) : null,
                ["exportedBy"] = _store.Identity, ["exportedAt"] = Timestamp.ToText(exportedAt), ["storeId"] = _store.StoreId,
                ["recordings"] = entries,
            };
            File.WriteAllText(Path.Combine(folder, ManifestJson), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }), new UTF8Encoding(false));
            using (var writer = new StreamWriter(Path.Combine(folder, ManifestCsv), false, new UTF8Encoding(true)))
            using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture))
            {
                var columns = new[] { "recordingId", "callId", "serviceArea", "extension", "startTime", "durationSeconds", "direction", "remoteNumber", "agent", "file", "status", "originalSha256", "exportedSha256" };
                foreach (var c in columns) csv.WriteField(c);
                foreach (var c in new[] { "exportedBy", "exportedAt", "reason", "retainUntil" }) csv.WriteField(c);
                csv.NextRecord();
                foreach (var e in entries)
                {
                    foreach (var c in columns) csv.WriteField(Convert.ToString(e[c], CultureInfo.InvariantCulture));
                    csv.WriteField(_store.Identity); csv.WriteField(Timestamp.ToText(exportedAt)); csv.WriteField(hold.Reason);
                    csv.WriteField(hold.RetainUntil.HasValue ? Timestamp.ToText(hold.RetainUntil.Value) : "");
                    csv.NextRecord();
                }
            }
            var manifestSha = ManifestDigest(folder);
            File.WriteAllText(Path.Combine(folder, ManifestHash), manifestSha + "  " + ManifestJson + "+" + ManifestCsv + "\n", new UTF8Encoding(false));

            var exported = entries.Count(e => (string)e["status"] == "Exported");
            _store.Change("export legal holds", ctx =>
            {
                foreach (var e in entries.Where(x => (string)x["status"] == "Exported"))
                {
                    AccessRecord.Write(ctx, "ExportLegalHold", AccessOutcome.Allowed, (string)e["recordingId"], (string)e["serviceArea"], "LegalHold:" + hold.Kind, hold.Reason,
                        "case " + hold.CaseReference + " to " + folder);
                }
                ctx.Audit("ExportLegalHold", "LegalHold", hold.HoldId, new Dictionary<string, object>
                {
                    ["destination"] = folder, ["recordings"] = exported, ["manifestSha256"] = manifestSha, ["removeFromStore"] = removeFromStore,
                });
                return 0;
            });

            var removed = 0;
            if (removeFromStore)
            {
                FaultPoint.Reach(FaultPoint.ExtractAfterVerify);
                // Only now that every copy verified: mark each Extracted (commit), then delete its stored file.
                foreach (var e in entries.Where(x => (string)x["status"] == "Exported"))
                {
                    var id = (string)e["recordingId"];
                    var changed = _store.Change("extract recordings", ctx =>
                    {
                        var n = ctx.Execute("UPDATE recording SET state = 'Extracted', extracted_to = $to, extracted_at = $t WHERE id = $id AND state IN ('Active', 'PendingDelete')",
                            ("$to", Path.Combine(folder, (string)e["file"])), ("$t", Timestamp.ToText(ctx.Now)), ("$id", id));
                        if (n > 0)
                        {
                            ctx.Audit("ExtractRecording", "Recording", id, new Dictionary<string, object> { ["holdId"] = hold.HoldId, ["caseReference"] = hold.CaseReference, ["to"] = folder, ["sha256"] = e["originalSha256"] });
                        }
                        return n;
                    });
                    FaultPoint.Reach(FaultPoint.ExtractAfterMark);
                    RecordingRegister.TryDelete(_store.Recordings.StoredFile(id));
                    removed += changed;
                }
            }
            return new HoldExportResult { HoldId = hold.HoldId, CaseReference = hold.CaseReference, Destination = folder, Exported = exported, RemovedFromStore = removed, ManifestSha256 = manifestSha };
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

        private static string Safe(string name) => string.Concat((name ?? "call").Select(ch => Path.GetInvalidFileNameChars().Contains(ch) || ch == ' ' ? '_' : ch));

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
            var recorded = File.Exists(hashFile) ? File.ReadAllText(hashFile).Split(' ')[0].Trim() : null;
            var actual = File.Exists(Path.Combine(folder, ManifestCsv)) ? ManifestDigest(folder) : null;
            yield return recorded != null && recorded == actual
                ? new ExportFinding { Check = "Manifest", Severity = FindingSeverity.Ok, File = jsonPath, Message = "The manifests match manifest.sha256." }
                : new ExportFinding { Check = "Manifest", Severity = FindingSeverity.Error, File = jsonPath, Message = "The manifests do not match manifest.sha256 (changed, or a file is missing)." };
            var expected = new HashSet<string>(StringComparer.Ordinal) { ManifestJson, ManifestCsv, ManifestHash };
            JsonDocument doc;
            try { doc = JsonDocument.Parse(File.ReadAllText(jsonPath)); }
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
                    else if (!string.Equals(RecordingCipher.Sha256OfFile(path), want, StringComparison.OrdinalIgnoreCase))
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
