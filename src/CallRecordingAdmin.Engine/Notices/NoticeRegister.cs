using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.Notices
{
    /// <summary>
    /// Clauses 2.3 and 2.4 on record: each area's roster (members and frequent callers), the notices staff were
    /// given, and the measures taken where the customer notice is not automated. Administrators, and the area's
    /// Supervisor for its own roster and notices, make changes; each is one audited transaction. Notices and
    /// measures are append-only (triggers refuse changes), so the record of who was told when stays true.
    /// </summary>
    public sealed class NoticeRegister
    {
        private const string MemberSelect = "SELECT m.*, sa.name AS area_name FROM service_area_member m JOIN service_area sa ON sa.id = m.service_area_id";
        private const string NotificationSelect = "SELECT n.*, sa.name AS area_name FROM staff_notification n JOIN service_area sa ON sa.id = n.service_area_id";
        private readonly RecordingStore _store;

        internal NoticeRegister(RecordingStore store) { _store = store; }

        internal static string NormaliseExtension(string extension)
        {
            var v = Text.Optional(extension, "-Extension", Text.NameMax);
            if (v == null) return null;
            var digits = new string(v.Where(ch => !char.IsWhiteSpace(ch) && ch != '-' && ch != '(' && ch != ')' && ch != '.').ToArray());
            if (digits.Length == 0 || digits.Length > 32 || !digits.All(ch => char.IsDigit(ch) || ch == '+') || digits.IndexOf('+', 1) >= 0)
            {
                throw new PolicyException("ExtensionInvalid", FailureKind.InvalidArgument, "'" + extension + "' is not an extension number (digits, at most 32).", extension, "2.3");
            }
            return digits;
        }

        private static DateTime Day(DateTime? date, DateTimeOffset now, string what)
        {
            var day = (date ?? now.UtcDateTime).Date;
            if (day > now.UtcDateTime.Date.AddDays(1))
            {
                throw new PolicyException("DateInFuture", FailureKind.InvalidArgument, what + " cannot be in the future; " + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " was given.", date);
            }
            if (day < new DateTime(1990, 1, 1))
            {
                throw new PolicyException("DateInvalid", FailureKind.InvalidArgument, what + " of " + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " is not plausible.", date);
            }
            return day;
        }

        private static string DayText(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        private static DateTime ParseDay(string text) => DateTime.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        private static void RequireRosterKeeper(ChangeContext ctx, ServiceArea area, string doing) =>
            ctx.RequireAny(doing, area.Id, area.Name, RecordingRole.Administrator, RecordingRole.Supervisor);

        /// <summary>Adds a member or frequent caller to an area's roster (clause 2.3).</summary>
        public ServiceAreaMember AddMember(ServiceAreaMemberDraft d)
        {
            var principal = Principal.Normalise(d.Principal);
            var name = Text.Optional(d.DisplayName, "-DisplayName", Text.NameMax);
            var email = Text.Optional(d.Email, "-Email", Text.NameMax);
            if (email != null && (email.IndexOf('@') <= 0 || email.IndexOf('@') == email.Length - 1 || email.IndexOf(' ') >= 0))
            {
                throw new PolicyException("EmailInvalid", FailureKind.InvalidArgument, "'" + d.Email + "' is not an e-mail address.", d.Email, "2.3");
            }
            var extension = NormaliseExtension(d.Extension);
            return _store.Change("change service area rosters", ctx =>
            {
                var area = ServiceAreaRegister.Find(ctx, d.ServiceArea);
                RequireRosterKeeper(ctx, area, "change the roster of '" + area.Name + "'");
                var existing = ctx.Scalar("SELECT id FROM service_area_member WHERE service_area_id = $a AND principal = $p COLLATE NOCASE AND removed_at IS NULL", ("$a", area.Id), ("$p", principal)) as string;
                if (existing != null)
                {
                    throw new PolicyException("MemberExists", FailureKind.ResourceExists, "'" + principal + "' is already on the roster of '" + area.Name + "' (" + existing + ").", principal, "2.3");
                }
                var id = Ids.New("mem");
                ctx.Execute(@"INSERT INTO service_area_member(id, service_area_id, principal, display_name, email, extension, relation, added_at, added_by)
                              VALUES ($id, $a, $p, $n, $e, $x, $r, $t, $by)",
                    ("$id", id), ("$a", area.Id), ("$p", principal), ("$n", name), ("$e", email), ("$x", extension), ("$r", d.Relation.ToString()),
                    ("$t", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal));
                ctx.Audit("AddServiceAreaMember", "ServiceAreaMember", id, new Dictionary<string, object>
                {
                    ["serviceArea"] = area.Name, ["principal"] = principal, ["relation"] = d.Relation.ToString(), ["displayName"] = name, ["email"] = email, ["extension"] = extension,
                });
                return LoadMember(ctx.Connection, ctx.Transaction, id);
            });
        }

        /// <summary>Takes someone off an area's roster; the entry stays, marked removed, so history shows who was on it when.</summary>
        public ServiceAreaMember RemoveMember(string serviceArea, string principal, string reason)
        {
            principal = Principal.Normalise(principal);
            var why = Text.Optional(reason, "-Reason") ?? "Removed from the roster";
            return _store.Change("change service area rosters", ctx =>
            {
                var area = ServiceAreaRegister.Find(ctx, serviceArea);
                RequireRosterKeeper(ctx, area, "change the roster of '" + area.Name + "'");
                var id = ctx.Scalar("SELECT id FROM service_area_member WHERE service_area_id = $a AND principal = $p COLLATE NOCASE AND removed_at IS NULL", ("$a", area.Id), ("$p", principal)) as string;
                if (id == null)
                {
                    throw new PolicyException("MemberNotFound", FailureKind.ObjectNotFound, "'" + principal + "' is not on the roster of '" + area.Name + "'.", principal, "2.3");
                }
                ctx.Execute("UPDATE service_area_member SET removed_at = $t, removed_by = $by, remove_reason = $r WHERE id = $id",
                    ("$t", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal), ("$r", why), ("$id", id));
                ctx.Audit("RemoveServiceAreaMember", "ServiceAreaMember", id, new Dictionary<string, object> { ["serviceArea"] = area.Name, ["principal"] = principal, ["reason"] = why });
                return LoadMember(ctx.Connection, ctx.Transaction, id);
            });
        }

        /// <summary>Roster entries, by area and principal (wildcards allowed), current ones unless <paramref name="includeRemoved"/>.</summary>
        public IEnumerable<ServiceAreaMember> GetMembers(string serviceArea = null, string principal = null, MemberRelation? relation = null, bool includeRemoved = false)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            AddAreaFilter(where, args, serviceArea);
            if (!string.IsNullOrWhiteSpace(principal))
            {
                where.Add(SqliteLike.HasWildcard(principal) ? "m.principal LIKE $p ESCAPE '\\'" : "m.principal = $p COLLATE NOCASE");
                args.Add(("$p", SqliteLike.HasWildcard(principal) ? SqliteLike.From(principal) : principal.Trim()));
            }
            if (relation.HasValue) { where.Add("m.relation = $r"); args.Add(("$r", relation.Value.ToString())); }
            if (!includeRemoved) where.Add("m.removed_at IS NULL");
            var sql = MemberSelect + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY sa.name COLLATE NOCASE, m.principal COLLATE NOCASE, m.added_at";
            return _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, MapMember);
        }

        private static void AddAreaFilter(List<string> where, List<(string, object)> args, string serviceArea)
        {
            if (string.IsNullOrWhiteSpace(serviceArea)) return;
            if (SqliteLike.HasWildcard(serviceArea)) { where.Add("sa.name LIKE $a ESCAPE '\\'"); args.Add(("$a", SqliteLike.From(serviceArea))); }
            else { where.Add("(sa.name = $a COLLATE NOCASE OR sa.id = $a)"); args.Add(("$a", serviceArea.Trim())); }
        }

        /// <summary>Records that a roster entry was told about recording (clause 2.3): induction, the annual reminder, or as a frequent caller.</summary>
        public StaffNotification Register(string principal, string serviceArea, NoticeKind kind, DateTime? date, string evidence)
        {
            principal = Principal.Normalise(principal);
            var proof = Text.Optional(evidence, "-Evidence");
            return _store.Change("record staff notifications", ctx => RegisterIn(ctx, principal, serviceArea, kind, date, proof));
        }

        /// <summary>
        /// <see cref="Register"/> inside a change that is already running: Send-StaffNotification records the notice in the
        /// same transaction as the mail service's acceptance of the mail. Every check comes before the first write.
        /// </summary>
        internal static StaffNotification RegisterIn(ChangeContext ctx, string principal, string serviceArea, NoticeKind kind, DateTime? date, string evidence)
        {
            principal = Principal.Normalise(principal);
            var proof = Text.Optional(evidence, "-Evidence");
            {
                var area = ServiceAreaRegister.Find(ctx, serviceArea);
                RequireRosterKeeper(ctx, area, "record staff notifications in '" + area.Name + "'");
                var day = Day(date, ctx.Now, "-Date");
                string relationText;
                using (var cmd = ctx.Command("SELECT relation FROM service_area_member WHERE service_area_id = $a AND principal = $p COLLATE NOCASE AND removed_at IS NULL", ("$a", area.Id), ("$p", principal)))
                {
                    relationText = cmd.ExecuteScalar() as string;
                }
                if (relationText == null)
                {
                    throw new PolicyException("MemberNotFound", FailureKind.ObjectNotFound,
                        "'" + principal + "' is not on the roster of '" + area.Name + "'; add them first (Add-ServiceAreaMember), so that the notice counts for them.", principal, "2.3");
                }
                var relation = (MemberRelation)Enum.Parse(typeof(MemberRelation), relationText);
                if (!NoticeRules.KindFits(relation, kind))
                {
                    throw new PolicyException("NoticeKindMismatch", FailureKind.InvalidArgument,
                        "'" + principal + "' is a " + relation + " of '" + area.Name + "'; record " + (relation == MemberRelation.FrequentCaller ? "-Kind FrequentCaller" : "-Kind Induction or Annual") + " for them.", principal, "2.3");
                }
                var id = Ids.New("notice");
                ctx.Execute(@"INSERT INTO staff_notification(id, service_area_id, principal, kind, notified_on, evidence, recorded_at, recorded_by)
                              VALUES ($id, $a, $p, $k, $d, $e, $t, $by)",
                    ("$id", id), ("$a", area.Id), ("$p", principal), ("$k", kind.ToString()), ("$d", DayText(day)), ("$e", proof), ("$t", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal));
                ctx.Audit("RegisterStaffNotification", "StaffNotification", id, new Dictionary<string, object>
                {
                    ["serviceArea"] = area.Name, ["principal"] = principal, ["kind"] = kind.ToString(), ["notifiedOn"] = DayText(day), ["evidence"] = proof,
                });
                using (var cmd = ctx.Command(NotificationSelect + " WHERE n.id = $id", ("$id", id)))
                using (var r = cmd.ExecuteReader())
                {
                    r.Read();
                    return MapNotification(r);
                }
            }
        }

        /// <summary>The notices on record, oldest first.</summary>
        public IEnumerable<StaffNotification> GetNotifications(string serviceArea = null, string principal = null)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            AddAreaFilter(where, args, serviceArea);
            if (!string.IsNullOrWhiteSpace(principal))
            {
                where.Add(SqliteLike.HasWildcard(principal) ? "n.principal LIKE $p ESCAPE '\\'" : "n.principal = $p COLLATE NOCASE");
                args.Add(("$p", SqliteLike.HasWildcard(principal) ? SqliteLike.From(principal) : principal.Trim()));
            }
            var sql = NotificationSelect + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY n.notified_on, n.recorded_at, n.id";
            return _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, MapNotification);
        }

        /// <summary>Where each current roster entry stands (<see cref="NoticeRules.Standing"/>), at <paramref name="asOf"/> (default now).</summary>
        public IReadOnlyList<StaffNoticeStatus> Standing(string serviceArea = null, string principal = null, DateTimeOffset? asOf = null, int? dueWithinDays = null)
        {
            var now = asOf ?? _store.Clock.UtcNow;
            var members = GetMembers(serviceArea, principal).ToList();
            var notices = new Dictionary<string, List<(NoticeKind, DateTime)>>(StringComparer.OrdinalIgnoreCase);
            foreach (var n in GetNotifications(serviceArea, principal))
            {
                var key = n.ServiceArea + "\n" + n.Principal;
                if (!notices.TryGetValue(key, out var list)) notices[key] = list = new List<(NoticeKind, DateTime)>();
                list.Add((n.Kind, n.NotifiedOn));
            }
            var result = new List<StaffNoticeStatus>();
            foreach (var m in members)
            {
                notices.TryGetValue(m.ServiceArea + "\n" + m.Principal, out var list);
                var s = NoticeRules.Standing(m.Relation, list, now, dueWithinDays);
                s.ServiceArea = m.ServiceArea;
                s.Principal = m.Principal;
                s.DisplayName = m.DisplayName;
                s.Email = m.Email;
                result.Add(s);
            }
            return result;
        }

        /// <summary>Records a reasonable effort to make callers aware of recording (clause 2.4), e.g. a web page or a letter.</summary>
        public NotificationMeasure AddMeasure(string serviceArea, string description, DateTime? date)
        {
            var text = Text.Required(description, "DescriptionRequired", "a notification measure needs a description of what was done (-Description).", "2.4", Text.ReasonMax, "-Description");
            return _store.Change("record notification measures", ctx =>
            {
                var area = ServiceAreaRegister.Find(ctx, serviceArea);
                RequireRosterKeeper(ctx, area, "record notification measures for '" + area.Name + "'");
                var day = Day(date, ctx.Now, "-Date");
                var id = Ids.New("measure");
                ctx.Execute(@"INSERT INTO notification_measure(id, service_area_id, description, taken_on, recorded_at, recorded_by) VALUES ($id, $a, $d, $on, $t, $by)",
                    ("$id", id), ("$a", area.Id), ("$d", text), ("$on", DayText(day)), ("$t", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal));
                ctx.Audit("RegisterNotificationMeasure", "NotificationMeasure", id, new Dictionary<string, object> { ["serviceArea"] = area.Name, ["description"] = text, ["takenOn"] = DayText(day) });
                return new NotificationMeasure { MeasureId = id, ServiceArea = area.Name, Description = text, TakenOn = day, RecordedAt = Timestamp.Parse(Timestamp.ToText(ctx.Now)), RecordedBy = ctx.Principal };
            });
        }

        public IEnumerable<NotificationMeasure> GetMeasures(string serviceArea = null)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            AddAreaFilter(where, args, serviceArea);
            var sql = "SELECT nm.*, sa.name AS area_name FROM notification_measure nm JOIN service_area sa ON sa.id = nm.service_area_id" +
                      (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY sa.name COLLATE NOCASE, nm.taken_on, nm.id";
            return _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, r => new NotificationMeasure
            {
                MeasureId = r.Text("id"), ServiceArea = r.Text("area_name"), Description = r.Text("description"), TakenOn = ParseDay(r.Text("taken_on")),
                RecordedAt = r.Time("recorded_at"), RecordedBy = r.Text("recorded_by"),
            });
        }

        private static ServiceAreaMember LoadMember(SqliteConnection c, SqliteTransaction tx, string id)
        {
            using (var cmd = PolicyDb.Command(c, tx, MemberSelect + " WHERE m.id = $id", ("$id", id)))
            using (var r = cmd.ExecuteReader())
            {
                r.Read();
                return MapMember(r);
            }
        }

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
