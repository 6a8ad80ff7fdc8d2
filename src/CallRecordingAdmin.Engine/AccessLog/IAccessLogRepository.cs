using System;
using System.Collections.Generic;
using System.IO;

namespace CallRecordingAdmin.Engine.AccessLog
{
    /// <summary>
    /// The access log (clause 3.1): append a row (with its audit event's sequence and hash), stream a query, and the
    /// fast CSV export. Append-only: nothing here updates or deletes a row.
    /// </summary>
    public interface IAccessLogRepository
    {
        /// <summary>Appends one row, tied to the audit event written in the same transaction. A write session only.</summary>
        void Append(AccessLogEntry entry);

        /// <summary>Rows by the query's filters, in the order they were written. Streams.</summary>
        IEnumerable<AccessLogEntry> Query(AccessLogQuery query);

        /// <summary>
        /// Writes the rows of <paramref name="query"/> to <paramref name="output"/> as the export's CSV (UTF-8 with a
        /// byte-order mark, the header <see cref="AccessLogRegister.Columns"/>, then one line per row, cells made
        /// injection-safe), straight from the database's own bytes where it can. Returns the row count;
        /// <paramref name="progress"/> hears the count every 10,000 rows.
        /// </summary>
        long ExportCsv(AccessLogQuery query, Stream output, Action<long> progress);
    }
}
