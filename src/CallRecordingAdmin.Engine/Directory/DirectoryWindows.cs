using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>One query window against the directory's call data, with why it has the bounds it has.</summary>
    public sealed class DirectoryWindow
    {
        public DirectoryCallSource Source { get; set; }
        public DateTimeOffset After { get; set; }
        public DateTimeOffset Before { get; set; }
        /// <summary>What was done to the asked range to fit the directory's limits (empty when nothing).</summary>
        public string Note { get; set; }
    }

    /// <summary>
    /// The limits of Microsoft Graph's call data: call records are kept 30 days after the call; the PSTN and
    /// direct-routing call logs answer at most 90 days per query. A long range is split to fit, and the part of it
    /// older than the retention is dropped and said so.
    /// </summary>
    public static class DirectoryWindows
    {
        public const int CallRecordRetentionDays = 30;
        public const int PstnQueryDays = 90;

        public static IReadOnlyList<DirectoryWindow> Plan(DateTimeOffset after, DateTimeOffset before, DateTimeOffset now)
        {
            if (before <= after)
            {
                throw new Policy.PolicyException("DateRangeInvalid", Policy.FailureKind.InvalidArgument,
                    "-Before (" + Policy.Timestamp.ToText(before) + ") must be later than -After (" + Policy.Timestamp.ToText(after) + ").", before);
            }
            var windows = new List<DirectoryWindow>();
            var earliest = now.AddDays(-CallRecordRetentionDays);
            if (before <= earliest)
            {
                windows.Add(new DirectoryWindow
                {
                    Source = DirectoryCallSource.CallRecord, After = after, Before = after,
                    Note = "call records are kept " + CallRecordRetentionDays + " days; the whole range is older than " + Policy.Timestamp.ToText(earliest) + ", so no call records are asked for",
                });
            }
            else
            {
                var from = after < earliest ? earliest : after;
                windows.Add(new DirectoryWindow
                {
                    Source = DirectoryCallSource.CallRecord, After = from, Before = before,
                    Note = after < earliest ? "call records are kept " + CallRecordRetentionDays + " days: asking from " + Policy.Timestamp.ToText(from) + " instead of " + Policy.Timestamp.ToText(after) : "",
                });
            }
            var parts = 0;
            for (var start = after; start < before; start = start.AddDays(PstnQueryDays)) parts++;
            var index = 0;
            for (var start = after; start < before; start = start.AddDays(PstnQueryDays))
            {
                index++;
                var end = start.AddDays(PstnQueryDays) < before ? start.AddDays(PstnQueryDays) : before;
                windows.Add(new DirectoryWindow
                {
                    Source = DirectoryCallSource.PstnCall, After = start, Before = end,
                    Note = parts > 1 ? "PSTN call logs take at most " + PstnQueryDays + " days a query: part " + index + " of " + parts : "",
                });
            }
            return windows;
        }
    }
}
