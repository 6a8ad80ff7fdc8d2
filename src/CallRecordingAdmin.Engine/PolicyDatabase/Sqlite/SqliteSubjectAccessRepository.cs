using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.SubjectAccess;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>ISubjectAccessRepository on SQLite (issue 10 P2): every statement on subject_access_request. Dates are stored as yyyy-MM-dd text.</summary>
    internal sealed class SqliteSubjectAccessRepository : ISubjectAccessRepository
    {
        private readonly SqliteSession _session;

        internal SqliteSubjectAccessRepository(SqliteSession session) { _session = session; }

        public SubjectAccessRequest Find(string requestId) =>
            _session.Query("SELECT * FROM subject_access_request WHERE id = $id", Map, ("$id", (object)requestId)).FirstOrDefault();

        public IEnumerable<SubjectAccessRequest> Query(string requestId, DateTime? overdueBefore, DateTime? dueBy)
        {
            var where = new List<string>();
            if (!string.IsNullOrEmpty(requestId)) where.Add("id = $id");
            if (overdueBefore.HasValue) where.Add("status = 'Open' AND due_on < $today");
            if (dueBy.HasValue) where.Add("status = 'Open' AND due_on <= $horizon");
            return _session.Query("SELECT * FROM subject_access_request" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY due_on, id", Map,
                ("$id", (object)requestId), ("$today", Day(overdueBefore)), ("$horizon", Day(dueBy)));
        }

        public void Insert(SubjectAccessRequest s)
        {
            _session.RequireWrite("Recording a subject access request");
            _session.Execute(@"INSERT INTO subject_access_request(id, reference, subject_name, phone_numbers, received_on, extended, due_on, status, created_at, created_by)
                              VALUES ($id, $r, $n, $p, $rec, $ext, $due, $status, $t, $by)",
                ("$id", s.RequestId), ("$r", s.Reference), ("$n", s.SubjectName), ("$p", s.PhoneNumbers), ("$rec", Day(s.ReceivedOn)),
                ("$ext", s.Extended ? 1 : 0), ("$due", Day(s.DueOn)), ("$status", s.Status.ToString()), ("$t", Timestamp.ToText(s.CreatedAt)), ("$by", s.CreatedBy));
        }

        public void MarkFulfilled(string requestId, DateTimeOffset at, string by, string exportedTo, int recordingsExported)
        {
            _session.RequireWrite("Fulfilling a subject access request");
            _session.Execute("UPDATE subject_access_request SET status = 'Fulfilled', fulfilled_at = $t, fulfilled_by = $p, exported_to = $to, recordings_exported = $n WHERE id = $id",
                ("$t", Timestamp.ToText(at)), ("$p", by), ("$to", exportedTo), ("$n", recordingsExported), ("$id", requestId));
        }

        private static string Day(DateTime? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        private static SubjectAccessRequest Map(SqliteDataReader r) => new SubjectAccessRequest
        {
            RequestId = r.Text("id"),
            Reference = r.Text("reference"),
            SubjectName = r.Text("subject_name"),
            PhoneNumbers = r.Text("phone_numbers"),
            ReceivedOn = DateTime.ParseExact(r.Text("received_on"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            Extended = r.Bool("extended"),
            DueOn = DateTime.ParseExact(r.Text("due_on"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            Status = r.Text("status") == "Fulfilled" ? SubjectAccessStatus.Fulfilled : SubjectAccessStatus.Open,
            FulfilledAt = r.NullableTime("fulfilled_at"),
            FulfilledBy = r.Text("fulfilled_by"),
            ExportedTo = r.Text("exported_to"),
            RecordingsExported = r.NullableInt("recordings_exported"),
            CreatedAt = r.Time("created_at"),
            CreatedBy = r.Text("created_by"),
        };
    }
}
