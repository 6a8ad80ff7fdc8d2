using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.SubjectAccess
{
    public enum SubjectAccessStatus { Open, Fulfilled }

    /// <summary>A subject access request under UK GDPR for a person's call recordings.</summary>
    public sealed class SubjectAccessRequest
    {
        public string RequestId { get; set; }
        public string Reference { get; set; }
        public string SubjectName { get; set; }
        /// <summary>The person's numbers in E.164 form, separated by "; ".</summary>
        public string PhoneNumbers { get; set; }
        public DateTime ReceivedOn { get; set; }
        public bool Extended { get; set; }
        /// <summary>One calendar month after receipt (three if extended), moved to the next working day in England and Wales.</summary>
        public DateTime DueOn { get; set; }
        public SubjectAccessStatus Status { get; set; }
        public bool Overdue { get; set; }
        public DateTimeOffset? FulfilledAt { get; set; }
        public string FulfilledBy { get; set; }
        public string ExportedTo { get; set; }
        public int? RecordingsExported { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
    }

    /// <summary>Subject access requests: their due dates as the ICO counts them, and a complete response.</summary>
    public sealed class SubjectAccessRegister
    {
        private readonly RecordingStore _store;

        internal SubjectAccessRegister(RecordingStore store) { _store = store; }

        /// <summary>
        /// The ICO's count: the corresponding calendar date one month (three if extended) after receipt; where
        /// the month is shorter, its last day (31 January → 28 or 29 February); then the next working day if
        /// that date is a weekend or a bank holiday in England and Wales.
        /// </summary>
        public static DateTime DueDate(DateTime receivedOn, bool extended) =>
            WorkingDays.NextWorkingDayOnOrAfter(receivedOn.Date.AddMonths(extended ? 3 : 1));

        private static void RequireDpo(ChangeContext ctx, string doing) =>
            ctx.RequireAny(doing, null, null, RecordingRole.DataProtectionOfficer, RecordingRole.Administrator);

        public SubjectAccessRequest Create(string reference, string subjectName, IReadOnlyList<string> phoneNumbers, DateTime receivedOn, bool extended)
        {
            var refText = Text.Required(reference, "ReferenceRequired", "a subject access request needs its reference.", null, Text.NameMax, "Reference");
            var name = Text.Required(subjectName, "SubjectNameRequired", "a subject access request needs the person's name.", null, Text.NameMax, "SubjectName");
            foreach (var n in phoneNumbers ?? new string[0])
            {
                // the same rule as a call's RemoteNumber (a short internal extension allowed): a formula or text would
                // otherwise become its digits ("=1+1" searched as 11) and the request would silently find nothing
                try
                {
                    RemoteNumber.Validate(n, CallDirection.Internal, refText);
                }
                catch (PolicyException e) when (e.ErrorId == "InvalidPhoneNumber")
                {
                    var shown = n.Length > 40 ? n.Substring(0, 40) + "…" : n;
                    throw new PolicyException("InvalidPhoneNumber", FailureKind.InvalidData,
                        "subject access request " + refText + ": '" + shown + "' is not a telephone number or extension; nothing was recorded.", shown, null, e);
                }
            }
            var numbers = (phoneNumbers ?? new string[0]).Select(n => RemoteNumber.Normalise(n)).Where(n => n != null).Distinct().ToList();
            if (numbers.Count == 0)
            {
                throw new PolicyException("PhoneNumberRequired", FailureKind.InvalidArgument, "give at least one telephone number the person called from or was called on.", subjectName);
            }
            return _store.Change("record subject access requests", ctx =>
            {
                RequireDpo(ctx, "record subject access requests");
                if (receivedOn.Date > ctx.Now.UtcDateTime.Date.AddDays(1))
                {
                    throw new PolicyException("ReceivedOnInFuture", FailureKind.InvalidArgument, "-ReceivedOn cannot be in the future.", receivedOn);
                }
                var id = Ids.New("sar");
                var due = DueDate(receivedOn, extended);
                ctx.Execute(@"INSERT INTO subject_access_request(id, reference, subject_name, phone_numbers, received_on, extended, due_on, status, created_at, created_by)
                              VALUES ($id, $r, $n, $p, $rec, $ext, $due, 'Open', $t, $by)",
                    ("$id", id), ("$r", refText), ("$n", name), ("$p", string.Join("; ", numbers)), ("$rec", receivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    ("$ext", extended ? 1 : 0), ("$due", due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("$t", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal));
                ctx.Audit("NewSubjectAccessRequest", "SubjectAccessRequest", id, new Dictionary<string, object> { ["reference"] = refText, ["dueOn"] = due.ToString("yyyy-MM-dd"), ["extended"] = extended });
                return Load(ctx.Connection, ctx.Transaction, ctx.Now, id);
            });
        }

        public IEnumerable<SubjectAccessRequest> Get(string requestId, bool overdue, int? dueWithinDays)
        {
            var now = _store.Clock.UtcNow;
            var today = now.UtcDateTime.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var where = new List<string>();
            if (!string.IsNullOrEmpty(requestId)) where.Add("id = $id");
            if (overdue) where.Add("status = 'Open' AND due_on < $today");
            if (dueWithinDays.HasValue) where.Add("status = 'Open' AND due_on <= $horizon");
            var ids = _store.Db.Query("SELECT id FROM subject_access_request" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY due_on, id",
                cmd =>
                {
                    cmd.Parameters.AddWithValue("$id", (object)requestId?.Trim() ?? DBNull.Value);
                    cmd.Parameters.AddWithValue("$today", today);
                    cmd.Parameters.AddWithValue("$horizon", now.UtcDateTime.Date.AddDays(dueWithinDays ?? 0).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }, r => r.GetString(0)).ToList();
            foreach (var id in ids) yield return _store.Db.Read(c => Load(c, null, now, id));
        }

        /// <summary>
        /// Finds every recording of the person's numbers, exports the ones still in the store as audio with an
        /// index CSV that also lists those already extracted or purged, and marks the request fulfilled. The exporter
        /// needs the DPO or Administrator role and a Download nomination on every service area whose audio it
        /// exports (clause 3.1: roles do not reach content); a refusal is in the access log. Each access is logged
        /// with purpose SubjectAccess before any audio is decrypted, and a failure part-way removes the audio this
        /// run wrote: decrypted audio never exists without its record.
        /// </summary>
        public SubjectAccessRequest Export(string requestId, string destination)
        {
            var folder = Path.GetFullPath(destination);
            StorePaths.Checked(_store, "answer subject access requests", folder);
            (SubjectAccessRequest, List<Recording>) reached;
            try
            {
                reached = _store.Change("answer subject access requests", "SubjectAccessExport", ctx =>
                {
                    RequireDpo(ctx, "answer subject access requests");
                    var s = Load(ctx.Connection, ctx.Transaction, ctx.Now, requestId);
                    var numbers = s.PhoneNumbers.Split(new[] { "; " }, StringSplitOptions.RemoveEmptyEntries);
                    var list = new List<Recording>();
                    var names = numbers.Select((n, i) => "$n" + i).ToList();
                    using (var cmd = ctx.Command(RecordingRegister.Select + " WHERE r.remote_number IN (" + string.Join(", ", names) + ") ORDER BY r.start_time",
                               numbers.Select((n, i) => ("$n" + i, (object)n)).ToArray()))
                    using (var r = cmd.ExecuteReader())
                    {
                        while (r.Read()) list.Add(RecordingRegister.Map(r));
                    }
                    var toExport = list.Where(Exportable).ToList();
                    foreach (var first in toExport.GroupBy(x => x.ServiceArea, StringComparer.OrdinalIgnoreCase).Select(g => g.First()))
                    {
                        try
                        {
                            AccessGate.Require(ctx, ctx.Principal, first, AccessRight.Download);
                        }
                        catch (PolicyException e) when (e.ErrorId == "AccessNotGranted" || e.ErrorId == "AccessReviewOverdue")
                        {
                            throw new PolicyException(e.ErrorId, e.Kind, "answering subject access request " + s.Reference + " needs a Download nomination on every service area whose recordings it exports: " +
                                e.Message.Substring(e.Message.IndexOf(':') + 2), first.RecordingId, "3.1");
                        }
                    }
                    // Every path the export will write (each audio file and index.csv) is checked before anything is written.
                    foreach (var path in toExport.Select(ExportName).Concat(new[] { "index.csv" }))
                    {
                        StorePaths.EnsureOutsideStore(_store, Path.Combine(folder, path));
                    }
                    foreach (var rec in toExport)
                    {
                        AccessRecord.Write(ctx, "SubjectAccessExport", AccessOutcome.Allowed, rec.RecordingId, rec.ServiceArea, "SubjectAccess", s.Reference, "exported to " + folder);
                    }
                    return (s, list);
                });
            }
            catch (PolicyException e) when (e.ErrorId == "AccessNotGranted" || e.ErrorId == "AccessReviewOverdue")
            {
                _store.Change("answer subject access requests", ctx =>
                {
                    var area = ctx.Scalar("SELECT sa.name FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.id = $id", ("$id", e.Target)) as string;
                    AccessRecord.Write(ctx, "SubjectAccessExport", AccessOutcome.Refused, (string)e.Target, area, "SubjectAccess", requestId, e.ErrorId + ": " + e.Message);
                    return 0;
                });
                throw;
            }
            catch (PolicyException e) when (e.ErrorId == "DestinationInsideStore")
            {
                _store.AuditRefusal("answer subject access requests", e);
                throw;
            }
            var (sar, recordings) = reached;
            SafeOutput.CreateFolder(folder);
            var rows = new List<string[]>();
            var written = new List<string>();
            var exported = 0;
            try
            {
                foreach (var rec in recordings)
                {
                    string status, file = "", note = "";
                    if (Exportable(rec))
                    {
                        file = ExportName(rec);
                        var target = Path.Combine(folder, file);
                        var existed = File.Exists(target);
                        _store.Recordings.DecryptTo(rec, target, "SubjectAccessExport", "SubjectAccess", sar.Reference);
                        if (!existed) written.Add(target);
                        status = "Exported";
                        exported++;
                        if (exported == 1) FaultPoint.Reach(FaultPoint.SubjectAccessMidExport);
                    }
                    else if (rec.State == RecordingState.Extracted)
                    {
                        status = "Extracted";
                        note = "held for a legal or investigation record since " + (rec.ExtractedAt.HasValue ? Timestamp.ToText(rec.ExtractedAt.Value) : "") + "; ask its case owner";
                    }
                    else
                    {
                        status = "Purged";
                        note = "deleted " + (rec.DeletedAt.HasValue ? Timestamp.ToText(rec.DeletedAt.Value) : "") + ": " + rec.DeletionReason;
                    }
                    rows.Add(new[] { rec.RecordingId, rec.CallId, Timestamp.ToText(rec.StartTime), rec.ServiceArea, rec.Direction.ToString(), rec.RemoteNumber, status, file, rec.Sha256, note });
                }
            }
            catch (Exception e) when (e is PolicyException || e is IOException || e is UnauthorizedAccessException)
            {
                foreach (var f in written) RecordingRegister.TryDelete(f);
                _store.Change("answer subject access requests", ctx =>
                {
                    ctx.Audit("ExportSubjectAccessRequestFailed", "SubjectAccessRequest", sar.RequestId, new Dictionary<string, object>
                    {
                        ["reference"] = sar.Reference, ["destination"] = folder, ["error"] = e.Message, ["removedFiles"] = written.Count,
                    });
                    return 0;
                });
                throw;
            }
            CsvBytesWriter.WriteFile(_store, Path.Combine(folder, "index.csv"),
                new[] { "RecordingId", "CallId", "StartTime", "ServiceArea", "Direction", "RemoteNumber", "Status", "File", "Sha256", "Note" }, rows);
            return _store.Change("answer subject access requests", ctx =>
            {
                ctx.Execute("UPDATE subject_access_request SET status = 'Fulfilled', fulfilled_at = $t, fulfilled_by = $p, exported_to = $to, recordings_exported = $n WHERE id = $id",
                    ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$to", folder), ("$n", exported), ("$id", sar.RequestId));
                ctx.Audit("ExportSubjectAccessRequest", "SubjectAccessRequest", sar.RequestId, new Dictionary<string, object>
                {
                    ["reference"] = sar.Reference, ["destination"] = folder, ["exported"] = exported, ["listed"] = rows.Count,
                });
                return Load(ctx.Connection, ctx.Transaction, ctx.Now, sar.RequestId);
            });
        }

        private static string ExportName(Recording rec) =>
            rec.StartTime.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "_" + rec.RecordingId + ExportFileName.Extension(rec.Format);

        private static bool Exportable(Recording rec) => rec.State == RecordingState.Active || rec.State == RecordingState.PendingDelete;

        private static SubjectAccessRequest Load(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now, string id)
        {
            using (var cmd = PolicyDb.Command(c, tx, "SELECT * FROM subject_access_request WHERE id = $id", ("$id", id?.Trim())))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read()) throw new PolicyException("SubjectAccessRequestNotFound", FailureKind.ObjectNotFound, "There is no subject access request '" + id + "'.", id);
                var s = new SubjectAccessRequest
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
                s.Overdue = SubjectAccessRules.IsOverdue(s.Status, s.DueOn, now);
                return s;
            }
        }
    }
}
