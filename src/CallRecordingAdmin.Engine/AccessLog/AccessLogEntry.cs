using System;

namespace CallRecordingAdmin.Engine.AccessLog
{
    public enum AccessOutcome { Allowed, Refused }

    /// <summary>One access to a recording, allowed or refused, with its purpose and reason, tied to its audit event.</summary>
    public sealed class AccessLogEntry
    {
        public long Sequence { get; set; }
        public DateTimeOffset OccurredAt { get; set; }
        public string Principal { get; set; }
        /// <summary>Play, Download, Copy, Share, Delete, or an export (ExportLegalHold, SubjectAccessExport).</summary>
        public string Action { get; set; }
        public AccessOutcome Outcome { get; set; }
        public string RecordingId { get; set; }
        public string ServiceArea { get; set; }
        public string Purpose { get; set; }
        public string Reason { get; set; }
        public string Detail { get; set; }
        /// <summary>The audit event this entry is part of: check it against Export-AuditCheckpoint.</summary>
        public long AuditSequence { get; set; }
        public string AuditHash { get; set; }
    }

    /// <summary>Filters for Get-AccessLog and Export-AccessLog.</summary>
    public sealed class AccessLogQuery
    {
        public DateTimeOffset? After { get; set; }
        public DateTimeOffset? Before { get; set; }
        public string Principal { get; set; }
        public string ServiceArea { get; set; }
        public string RecordingId { get; set; }
        /// <summary>Only entries of any of these recordings (what a pipeline of recordings asks for).</summary>
        public System.Collections.Generic.IReadOnlyList<string> RecordingIds { get; set; }
        public string Action { get; set; }
        public string Purpose { get; set; }
        public AccessOutcome? Outcome { get; set; }
    }
}
