using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// The store check's record: every Test-RecordingStore run by a principal with a role ends with a
    /// <see cref="Action"/> audit event whose hashed details hold the counts of its findings by check and
    /// severity and the findings that are not Ok (at most <see cref="FindingCap"/>). The compliance report reads the
    /// most recent one instead of checking a million files itself, and reports when it is older than
    /// <see cref="OverdueDays"/> days or older than the newest change to the recordings.
    /// </summary>
    public static class StoreCheckRules
    {
        /// <summary>The audit action that records a finished Test-RecordingStore.</summary>
        public const string Action = "TestRecordingStore";

        /// <summary>A store check older than this is overdue (as for audit checkpoints).</summary>
        public const int OverdueDays = 7;

        /// <summary>At most this many findings that are not Ok are kept in the event; the counts cover all of them.</summary>
        public const int FindingCap = 100;

        /// <summary>Audit actions that change what Test-RecordingStore checks (recording rows and files): a check older than the newest of them is out of date.</summary>
        public static readonly IReadOnlyList<string> ChangingActions = new[] { "ImportRecording", "RecoverImport", "DeleteRecording", "DeleteRecordingFailed", "ExtractRecording", "UpgradeRecordingFormat" };

        /// <summary>True when no check ran, or the last one ran more than <see cref="OverdueDays"/> days before <paramref name="now"/>.</summary>
        public static bool Overdue(DateTimeOffset? lastRun, DateTimeOffset now) => !lastRun.HasValue || lastRun.Value.AddDays(OverdueDays) < now;

        /// <summary>True when the recordings changed after the last check (the newest changing event follows it).</summary>
        public static bool Outdated(long lastRunSequence, long? newestChangeSequence) => newestChangeSequence.HasValue && newestChangeSequence.Value > lastRunSequence;

        /// <summary>The details of the audit event that records a run.</summary>
        public static IDictionary<string, object> Details(IReadOnlyList<StoreFinding> findings, bool deep)
        {
            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var bySeverity = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var f in findings)
            {
                var key = f.Check + "/" + f.Severity;
                counts[key] = counts.TryGetValue(key, out var n) ? n + 1 : 1;
                var s = f.Severity.ToString();
                bySeverity[s] = bySeverity.TryGetValue(s, out var m) ? m + 1 : 1;
            }
            var problems = findings.Where(f => f.Severity != FindingSeverity.Ok).ToList();
            return new Dictionary<string, object>
            {
                ["deep"] = deep,
                ["severities"] = bySeverity,
                ["counts"] = counts,
                ["problems"] = problems.Count,
                ["findings"] = problems.Take(FindingCap).Select(f => new SortedDictionary<string, string>(StringComparer.Ordinal)
                {
                    ["check"] = f.Check, ["severity"] = f.Severity.ToString(), ["message"] = f.Message, ["target"] = f.Target ?? "",
                }).ToList(),
            };
        }

        /// <summary>A recorded run read back from its event's details.</summary>
        public sealed class RecordedRun
        {
            public long Sequence { get; set; }
            public DateTimeOffset RanAt { get; set; }
            public string Principal { get; set; }
            public bool Deep { get; set; }
            /// <summary>Every check that was not Ok, with how many findings it had (all of them, not only those kept).</summary>
            public IReadOnlyDictionary<string, (FindingSeverity Worst, long Count)> Problems { get; set; }
            /// <summary>The findings kept (at most <see cref="FindingCap"/>).</summary>
            public IReadOnlyList<StoreFinding> Findings { get; set; }
        }

        /// <summary>Reads the details written by <see cref="Details"/>; unreadable details give a run with no findings kept but a problem of its own.</summary>
        public static RecordedRun Read(long sequence, DateTimeOffset ranAt, string principal, string details)
        {
            var problems = new Dictionary<string, (FindingSeverity, long)>(StringComparer.Ordinal);
            var kept = new List<StoreFinding>();
            var run = new RecordedRun { Sequence = sequence, RanAt = ranAt, Principal = principal, Problems = problems, Findings = kept };
            try
            {
                using (var doc = JsonDocument.Parse(details ?? "{}"))
                {
                    var root = doc.RootElement;
                    run.Deep = root.TryGetProperty("deep", out var d) && d.ValueKind == JsonValueKind.True;
                    if (root.TryGetProperty("counts", out var counts) && counts.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var p in counts.EnumerateObject())
                        {
                            var slash = p.Name.LastIndexOf('/');
                            if (slash <= 0 || !Enum.TryParse<FindingSeverity>(p.Name.Substring(slash + 1), out var sev) || sev == FindingSeverity.Ok) continue;
                            var check = p.Name.Substring(0, slash);
                            var n = p.Value.GetInt64();
                            problems[check] = problems.TryGetValue(check, out var had) ? ((FindingSeverity)Math.Max((int)had.Item1, (int)sev), had.Item2 + n) : (sev, n);
                        }
                    }
                    if (root.TryGetProperty("findings", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var f in list.EnumerateArray())
                        {
                            Enum.TryParse<FindingSeverity>(f.GetProperty("severity").GetString(), out var sev);
                            kept.Add(new StoreFinding(f.GetProperty("check").GetString(), sev, f.GetProperty("message").GetString(), f.GetProperty("target").GetString()));
                        }
                    }
                }
            }
            catch (Exception e) when (e is JsonException || e is InvalidOperationException || e is KeyNotFoundException || e is FormatException)
            {
                problems["StoreCheckRecord"] = (FindingSeverity.Error, 1);
                kept.Add(new StoreFinding("StoreCheckRecord", FindingSeverity.Error, "The recorded store check (audit event " + sequence + ") cannot be read: " + e.Message, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            return run;
        }
    }
}
