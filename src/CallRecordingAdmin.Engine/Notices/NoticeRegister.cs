using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

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
                var existing = ctx.Db.Notices.CurrentMember(area.Id, principal);
                if (existing != null)
                {
                    throw new PolicyException("MemberExists", FailureKind.ResourceExists, "'" + principal + "' is already on the roster of '" + area.Name + "' (" + existing.MemberId + ").", principal, "2.3");
                }
                var id = Ids.New("mem");
                ctx.Db.Notices.AddMember(new ServiceAreaMember
                {
                    MemberId = id, ServiceArea = area.Name, Principal = principal, DisplayName = name, Email = email, Extension = extension, Relation = d.Relation,
                    AddedAt = ctx.Now, AddedBy = ctx.Principal,
                }, area.Id);
                ctx.Audit("AddServiceAreaMember", "ServiceAreaMember", id, new Dictionary<string, object>
                {
                    ["serviceArea"] = area.Name, ["principal"] = principal, ["relation"] = d.Relation.ToString(), ["displayName"] = name, ["email"] = email, ["extension"] = extension,
                });
                return ctx.Db.Notices.Member(id);
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
                var id = ctx.Db.Notices.CurrentMember(area.Id, principal)?.MemberId;
                if (id == null)
                {
                    throw new PolicyException("MemberNotFound", FailureKind.ObjectNotFound, "'" + principal + "' is not on the roster of '" + area.Name + "'.", principal, "2.3");
                }
                ctx.Db.Notices.RemoveMember(id, ctx.Now, ctx.Principal, why);
                ctx.Audit("RemoveServiceAreaMember", "ServiceAreaMember", id, new Dictionary<string, object> { ["serviceArea"] = area.Name, ["principal"] = principal, ["reason"] = why });
                return ctx.Db.Notices.Member(id);
            });
        }

        /// <summary>Roster entries, by area and principal (wildcards allowed), current ones unless <paramref name="includeRemoved"/>.</summary>
        public IEnumerable<ServiceAreaMember> GetMembers(string serviceArea = null, string principal = null, MemberRelation? relation = null, bool includeRemoved = false)
        {
            // Streams within one read session, closed when the enumeration ends or is abandoned.
            using (var session = _store.Database.Read())
            {
                foreach (var m in session.Notices.Members(serviceArea, principal, relation, includeRemoved)) yield return m;
            }
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
                var member = ctx.Db.Notices.CurrentMember(area.Id, principal);
                if (member == null)
                {
                    throw new PolicyException("MemberNotFound", FailureKind.ObjectNotFound,
                        "'" + principal + "' is not on the roster of '" + area.Name + "'; add them first (Add-ServiceAreaMember), so that the notice counts for them.", principal, "2.3");
                }
                var relation = member.Relation;
                if (!NoticeRules.KindFits(relation, kind))
                {
                    throw new PolicyException("NoticeKindMismatch", FailureKind.InvalidArgument,
                        "'" + principal + "' is a " + relation + " of '" + area.Name + "'; record " + (relation == MemberRelation.FrequentCaller ? "-Kind FrequentCaller" : "-Kind Induction or Annual") + " for them.", principal, "2.3");
                }
                var id = Ids.New("notice");
                ctx.Db.Notices.AddNotification(new StaffNotification
                {
                    NotificationId = id, ServiceArea = area.Name, Principal = principal, Kind = kind, NotifiedOn = day, Evidence = proof, RecordedAt = ctx.Now, RecordedBy = ctx.Principal,
                }, area.Id);
                ctx.Audit("RegisterStaffNotification", "StaffNotification", id, new Dictionary<string, object>
                {
                    ["serviceArea"] = area.Name, ["principal"] = principal, ["kind"] = kind.ToString(), ["notifiedOn"] = DayText(day), ["evidence"] = proof,
                });
                return ctx.Db.Notices.Notification(id);
            }
        }

        /// <summary>The notices on record, oldest first.</summary>
        public IEnumerable<StaffNotification> GetNotifications(string serviceArea = null, string principal = null)
        {
            using (var session = _store.Database.Read())
            {
                foreach (var n in session.Notices.Notifications(serviceArea, principal)) yield return n;
            }
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
                var measure = new NotificationMeasure { MeasureId = id, ServiceArea = area.Name, Description = text, TakenOn = day, RecordedAt = Timestamp.Parse(Timestamp.ToText(ctx.Now)), RecordedBy = ctx.Principal };
                ctx.Db.Notices.AddMeasure(measure, area.Id);
                ctx.Audit("RegisterNotificationMeasure", "NotificationMeasure", id, new Dictionary<string, object> { ["serviceArea"] = area.Name, ["description"] = text, ["takenOn"] = DayText(day) });
                return measure;
            });
        }

        public IEnumerable<NotificationMeasure> GetMeasures(string serviceArea = null)
        {
            using (var session = _store.Database.Read())
            {
                foreach (var m in session.Notices.Measures(serviceArea)) yield return m;
            }
        }
    }
}
