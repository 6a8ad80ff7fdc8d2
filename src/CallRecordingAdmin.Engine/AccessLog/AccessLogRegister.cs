using System;
using System.Collections.Generic;
using System.IO;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.AccessLog
{
    /// <summary>Reads and exports the access log; Administrators, Auditors and the DPO only.</summary>
    public sealed class AccessLogRegister
    {
        /// <summary>The export's columns, in order. Fixed: scripts and spreadsheets rely on it.</summary>
        public static readonly string[] Columns =
        {
            "Sequence", "OccurredAt", "Principal", "Action", "Outcome", "RecordingId", "ServiceArea", "Purpose", "Reason", "Detail", "AuditSequence", "AuditHash",
        };

        private readonly RecordingStore _store;

        internal AccessLogRegister(RecordingStore store) { _store = store; }

        private void RequireReader(string doing) =>
            _store.Check(doing, null, ctx => ctx.RequireAny(doing, null, null, RecordingRole.Administrator, RecordingRole.Auditor, RecordingRole.DataProtectionOfficer));

        /// <summary>Rows by the query's filters, in order; streams within one read session (the role check first, without the write lock).</summary>
        public IEnumerable<AccessLogEntry> Get(AccessLogQuery q)
        {
            RequireReader("read the access log");
            return Rows(q);
        }

        private IEnumerable<AccessLogEntry> Rows(AccessLogQuery q)
        {
            using (var session = _store.Database.Read())
            {
                foreach (var entry in session.AccessLog.Query(q)) yield return entry;
            }
        }

        /// <summary>
        /// Writes the log as RFC 4180 CSV in UTF-8 (with a byte-order mark, so Excel reads it as UTF-8),
        /// streaming row by row from SQLite's own UTF-8 bytes (see <see cref="CsvBytesWriter"/>). A cell that begins with = + - @ tab, CR or ' gets one ' in front, so a
        /// spreadsheet shows it as text instead of running it; removing one leading ' recovers the value.
        /// The file is written under a temporary name and renamed when complete. Returns the row count.
        /// </summary>
        public long Export(AccessLogQuery q, string path, bool overwrite, Action<long> progress = null)
        {
            var full = Path.GetFullPath(path);
            RequireReader("export the access log");
            StorePaths.Checked(_store, "export the access log", full);
            if (File.Exists(full) && !overwrite)
            {
                throw new PolicyException("FileExists", FailureKind.ResourceExists, "'" + full + "' already exists; use -Force to replace it.", full);
            }
            using (var output = SafeOutput.Begin(_store, full))
            {
                var count = _store.Database.Read(session => session.AccessLog.ExportCsv(q, output.Stream, progress));
                output.Commit();
                return count;
            }
        }
    }
}
