using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Rosters, staff notifications and notification measures on SQLite: every statement on service_area_member, staff_notification and notification_measure.</summary>
    internal sealed class SqliteNoticeRepository : INoticeRepository
    {
        private const string MemberSelect = "SELECT m.*, sa.name AS area_name FROM service_area_member m JOIN service_area sa ON sa.id = m.service_area_id";
        private const string NotificationSelect = "SELECT n.*, sa.name AS area_name FROM staff_notification n JOIN service_area sa ON sa.id = n.service_area_id";
        private const string MeasureSelect = "SELECT nm.*, sa.name AS area_name FROM notification_measure nm JOIN service_area sa ON sa.id = nm.service_area_id";
        private readonly SqliteSession _session;

        internal SqliteNoticeRepository(SqliteSession session) { _session = session; }

        public ServiceAreaMember CurrentMember(string serviceAreaId, string principal) =>
            _session.Query(MemberSelect + " WHERE m.service_area_id = $a AND m.principal = $p COLLATE NOCASE AND m.removed_at IS NULL", MapMember,
                ("$a", serviceAreaId), ("$p", principal)).FirstOrDefault();

        public ServiceAreaMember Member(string memberId) =>
            _session.Query(MemberSelect + " WHERE m.id = $id", MapMember, ("$id", memberId)).FirstOrDefault();

        public IEnumerable<ServiceAreaMember> Members(string serviceArea, string principal, MemberRelation? relation, bool includeRemoved)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            AreaFilter(where, args, serviceArea);
            PrincipalFilter(where, args, "m", principal);
            if (relation.HasValue) { where.Add("m.relation = $r"); args.Add(("$r", relation.Value.ToString())); }
            if (!includeRemoved) where.Add("m.removed_at IS NULL");
            return _session.Query(MemberSelect + Where(where) + " ORDER BY sa.name COLLATE NOCASE, m.principal COLLATE NOCASE, m.added_at", MapMember, args.ToArray());
        }

        public void AddMember(ServiceAreaMember m, string serviceAreaId)
        {
            _session.RequireWrite("Adding a roster entry");
            _session.Execute(@"INSERT INTO service_area_member(id, service_area_id, principal, display_name, email, extension, relation, added_at, added_by)
                               VALUES ($id, $a, $p, $n, $e, $x, $r, $t, $by)",
                ("$id", m.MemberId), ("$a", serviceAreaId), ("$p", m.Principal), ("$n", m.DisplayName), ("$e", m.Email), ("$x", m.Extension), ("$r", m.Relation.ToString()),
                ("$t", Timestamp.ToText(m.AddedAt)), ("$by", m.AddedBy));
        }

        public void RemoveMember(string memberId, DateTimeOffset at, string by, string reason)
        {
            _session.RequireWrite("Removing a roster entry");
            _session.Execute("UPDATE service_area_member SET removed_at = $t, removed_by = $by, remove_reason = $r WHERE id = $id",
                ("$t", Timestamp.ToText(at)), ("$by", by), ("$r", reason), ("$id", memberId));
        }

        public StaffNotification Notification(string notificationId) =>
            _session.Query(NotificationSelect + " WHERE n.id = $id", MapNotification, ("$id", notificationId)).FirstOrDefault();

        public IEnumerable<StaffNotification> Notifications(string serviceArea, string principal)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            AreaFilter(where, args, serviceArea);
            PrincipalFilter(where, args, "n", principal);
            return _session.Query(NotificationSelect + Where(where) + " ORDER BY n.notified_on, n.recorded_at, n.id", MapNotification, args.ToArray());
        }

        public void AddNotification(StaffNotification n, string serviceAreaId)
        {
            _session.RequireWrite("Recording a staff notification");
            _session.Execute(@"INSERT INTO staff_notification(id, service_area_id, principal, kind, notified_on, evidence, recorded_at, recorded_by)
                               VALUES ($id, $a, $p, $k, $d, $e, $t, $by)",
                ("$id", n.NotificationId), ("$a", serviceAreaId), ("$p", n.Principal), ("$k", n.Kind.ToString()), ("$d", DayText(n.NotifiedOn)), ("$e", n.Evidence),
                ("$t", Timestamp.ToText(n.RecordedAt)), ("$by", n.RecordedBy));
        }

        public IEnumerable<NotificationMeasure> Measures(string serviceArea)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            AreaFilter(where, args, serviceArea);
            return _session.Query(MeasureSelect + Where(where) + " ORDER BY sa.name COLLATE NOCASE, nm.taken_on, nm.id", r => new NotificationMeasure
            {
                MeasureId = r.Text("id"), ServiceArea = r.Text("area_name"), Description = r.Text("description"), TakenOn = ParseDay(r.Text("taken_on")),
                RecordedAt = r.Time("recorded_at"), RecordedBy = r.Text("recorded_by"),
            }, args.ToArray());
        }

        public void AddMeasure(NotificationMeasure m, string serviceAreaId)
        {
            _session.RequireWrite("Recording a notification measure");
            _session.Execute("INSERT INTO notification_measure(id, service_area_id, description, taken_on, recorded_at, recorded_by) VALUES ($id, $a, $d, $on, $t, $by)",
                ("$id", m.MeasureId), ("$a", serviceAreaId), ("$d", m.Description), ("$on", DayText(m.TakenOn)), ("$t", Timestamp.ToText(m.RecordedAt)), ("$by", m.RecordedBy));
        }

        private static string Where(List<string> where) => where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "";

        /// <summary>An area by name (case-insensitive) or id, or names matching a * ? wildcard.</summary>
        private static void AreaFilter(List<string> where, List<(string, object)> args, string serviceArea)
        {
            if (string.IsNullOrWhiteSpace(serviceArea)) return;
            if (SqliteLike.HasWildcard(serviceArea)) { where.Add("sa.name LIKE $a ESCAPE '\\'"); args.Add(("$a", SqliteLike.From(serviceArea))); }
            else { where.Add("(sa.name = $a COLLATE NOCASE OR sa.id = $a)"); args.Add(("$a", serviceArea.Trim())); }
        }

        private static void PrincipalFilter(List<string> where, List<(string, object)> args, string alias, string principal)
        {
            if (string.IsNullOrWhiteSpace(principal)) return;
            where.Add(SqliteLike.HasWildcard(principal) ? alias + ".principal LIKE $p ESCAPE '\\'" : alias + ".principal = $p COLLATE NOCASE");
            args.Add(("$p", SqliteLike.HasWildcard(principal) ? SqliteLike.From(principal) : principal.Trim()));
        }

        private static string DayText(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        private static DateTime ParseDay(string text) => DateTime.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        private static ServiceAreaMember MapMember(SqliteDataReader r) => new ServiceAreaMember
        {
            MemberId = r.Text("id"), ServiceArea = r.Text("area_name"), Principal = r.Text("principal"), DisplayName = r.Text("display_name"), Email = r.Text("email"),
            Extension = r.Text("extension"), Relation = (MemberRelation)Enum.Parse(typeof(MemberRelation), r.Text("relation")),
            AddedAt = r.Time("added_at"), AddedBy = r.Text("added_by"), RemovedAt = r.NullableTime("removed_at"), RemovedBy = r.Text("removed_by"), RemoveReason = r.Text("remove_reason"),
        };

        private static StaffNotification MapNotification(SqliteDataReader r) => new StaffNotification
        {
            NotificationId = r.Text("id"), ServiceArea = r.Text("area_name"), Principal = r.Text("principal"),
            Kind = (NoticeKind)Enum.Parse(typeof(NoticeKind), r.Text("kind")), NotifiedOn = ParseDay(r.Text("notified_on")), Evidence = r.Text("evidence"),
            RecordedAt = r.Time("recorded_at"), RecordedBy = r.Text("recorded_by"),
        };
    }
}
