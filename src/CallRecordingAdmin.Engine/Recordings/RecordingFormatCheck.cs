using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// Test-RecordingStore -Deep's format check (issue 11): every recording that decrypted and matched its hash but is
    /// stored in format 1 is a <c>RecordingFormatOutdated</c> warning ("header not authenticated (format 1)"): its
    /// header fields could be changed unnoticed. Update-RecordingFormat rewrites such files in format 2.
    /// </summary>
    internal static class RecordingFormatCheck
    {
        internal const string Check = "RecordingFormatOutdated";

        internal static IEnumerable<StoreFinding> Findings(IReadOnlyList<string> formatOne, long verified, string root)
        {
            foreach (var id in formatOne)
            {
                yield return StoreFindings.Of(new PolicyException("RecordingFormatOutdated", FailureKind.InvalidData,
                    "Recording " + id + ": header not authenticated (format 1). Its content verified, but its header fields could be changed unnoticed; run Update-RecordingFormat to rewrite it in format " + CrecHeader.CurrentFormat + ".", id),
                    FindingSeverity.Warning);
            }
            if (formatOne.Count == 0)
            {
                yield return new StoreFinding(Check, FindingSeverity.Ok, "All " + verified + " verified recordings are in format " + CrecHeader.CurrentFormat + " (header authenticated).", root);
            }
        }
    }
}
