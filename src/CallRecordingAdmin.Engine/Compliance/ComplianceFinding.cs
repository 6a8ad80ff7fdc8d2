using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Compliance
{
    public enum ComplianceSeverity { High, Medium, Low }

    /// <summary>
    /// One way the store falls short of the Call Recording Policy. Flat, so that Export-Csv gives fixed columns;
    /// <see cref="Rule"/> is a stable name for the check (e.g. StaffNoticeOverdue) for filtering and runbooks.
    /// </summary>
    public sealed class ComplianceFinding
    {
        public string Clause { get; set; }
        public ComplianceSeverity Severity { get; set; }
        /// <summary>The area concerned; empty for store-wide findings.</summary>
        public string ServiceArea { get; set; }
        /// <summary>What the finding is about: a principal, an extension, a request, a hold, a recording.</summary>
        public string Subject { get; set; }
        public string Finding { get; set; }
        /// <summary>What fixes it, usually the cmdlet line.</summary>
        public string Remedy { get; set; }
        public string Rule { get; set; }
        /// <summary>How many items the finding covers (e.g. recordings past retention).</summary>
        public long Count { get; set; }
        public DateTimeOffset AsOf { get; set; }
    }

    /// <summary>Aggregates for the report's charts: small whatever the store's size.</summary>
    public sealed class ComplianceCharts
    {
        /// <summary>Recordings still in the store by area and the month (yyyy-MM) they expire.</summary>
        public List<(string Area, string Month, long Count)> RecordingsByExpiryMonth { get; } = new List<(string, string, long)>();
        /// <summary>Allowed accesses in the last 12 months by month and purpose.</summary>
        public List<(string Month, string Purpose, long Count)> AccessByPurpose { get; } = new List<(string, string, long)>();
        /// <summary>Unrevoked area grants by the month their review is due.</summary>
        public List<(string Month, long Count)> GrantsByReviewMonth { get; } = new List<(string, long)>();
    }

    /// <summary>The clauses a report is grouped by, in order, with their titles.</summary>
    public static class ComplianceClauses
    {
        public static readonly IReadOnlyList<(string Clause, string Title)> All = new[]
        {
            ("2.1", "Purposes and authorised areas"),
            ("2.2", "Recording requests and their approval"),
            ("2.3", "Notifying staff; recorded extensions"),
            ("2.4", "Notifying customers"),
            ("2.5", "Retention, purge and legal holds"),
            ("3.1", "Nominated access, reviews and the access log"),
            ("3.2", "Investigation requests"),
            ("4.0", "Subject access requests (UK GDPR)"),
            ("Integrity", "The store's own records: audit chain, checkpoints, files"),
        };
    }
}
