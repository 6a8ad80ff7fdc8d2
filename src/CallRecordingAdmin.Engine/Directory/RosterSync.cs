using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>Added: joined the roster from the group; Removed: left the group (or was disabled), so taken off the roster; Unchanged: on both.</summary>
    public enum RosterSyncAction { Added, Removed, Unchanged }

    /// <summary>What one roster sync does (or, under -WhatIf, would do) for one principal.</summary>
    public sealed class RosterSyncChange
    {
        public string ServiceArea { get; set; }
        public string Principal { get; set; }
        public string DisplayName { get; set; }
        public string Email { get; set; }
        public string DirectoryObjectId { get; set; }
        public string GroupId { get; set; }
        public RosterSyncAction Action { get; set; }
        /// <summary>The roster entry added, removed or kept.</summary>
        public string MemberId { get; set; }
        /// <summary>True once done; false for a -WhatIf plan or a change that failed.</summary>
        public bool Applied { get; set; }
        public string Detail { get; set; }
    }

    /// <summary>
    /// Clause 2.3's roster kept from a directory group: the area's Member entries become the group's enabled transitive
    /// users. People who left the group (or whose accounts are disabled) are taken off with a reason; the entry and their
    /// notices stay on record. Frequent callers (staff of other areas) are not members of the area's group and are left
    /// alone. A roster entry matches a directory user by principal (user principal name) or by e-mail, so an entry
    /// written as DOMAIN\user with the person's mail address is kept. The directory is read before any transaction; each
    /// change goes through the roster's own API (<see cref="NoticeRegister"/>), one transaction and audit event each.
    /// </summary>
    public sealed class RosterSync
    {
        private readonly RecordingStore _store;
        private readonly IDirectory _directory;

        public RosterSync(RecordingStore store, IDirectory directory)
        {
            _store = store;
            _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        }

        /// <summary>What a sync would do, one entry per principal. Administrators and the area's Supervisor (a refusal is audited before Graph is called).</summary>
        public IReadOnlyList<RosterSyncChange> Plan(string groupId, string serviceArea)
        {
            var group = GroupAccessSync.GroupId(groupId);
            var area = _store.Change("synchronise a service area roster from a directory group", ctx =>
            {
                var a = ServiceAreaRegister.Find(ctx, serviceArea);
                ctx.RequireAny("change the roster of '" + a.Name + "'", a.Id, a.Name, RecordingRole.Administrator, RecordingRole.Supervisor);
                return a;
            });
            var users = new Dictionary<string, DirectoryUser>(StringComparer.OrdinalIgnoreCase);
            foreach (var u in _directory.GetTransitiveGroupUsers(group))
            {
                if (!u.AccountEnabled || string.IsNullOrWhiteSpace(u.UserPrincipalName)) continue;
                users[u.ObjectId ?? u.UserPrincipalName] = u;
            }
            var roster = _store.Notices.GetMembers(area.Id, null, MemberRelation.Member).ToList();
            var matched = new HashSet<string>(StringComparer.Ordinal);
            var plan = new List<RosterSyncChange>();
            foreach (var u in users.Values.OrderBy(x => x.UserPrincipalName, StringComparer.OrdinalIgnoreCase))
            {
                var entry = roster.FirstOrDefault(m => !matched.Contains(m.MemberId) && Same(m.Principal, u.UserPrincipalName))
                            ?? roster.FirstOrDefault(m => !matched.Contains(m.MemberId) && !string.IsNullOrEmpty(m.Email) && (Same(m.Email, u.Mail) || Same(m.Email, u.UserPrincipalName)));
                var change = new RosterSyncChange
                {
                    ServiceArea = area.Name, GroupId = group, DirectoryObjectId = u.ObjectId ?? "",
                    Principal = entry?.Principal ?? u.UserPrincipalName.Trim(),
                    DisplayName = entry?.DisplayName ?? u.DisplayName ?? "",
                    Email = entry?.Email ?? (string.IsNullOrWhiteSpace(u.Mail) ? u.UserPrincipalName.Trim() : u.Mail.Trim()),
                };
                if (entry == null)
                {
                    change.Action = RosterSyncAction.Added;
                    change.Detail = "a member of group " + group + " not on the roster of '" + area.Name + "'";
                }
                else
                {
                    matched.Add(entry.MemberId);
                    change.MemberId = entry.MemberId;
                    change.Action = RosterSyncAction.Unchanged;
                    change.Detail = "on the roster and in group " + group;
                }
                plan.Add(change);
            }
            foreach (var m in roster.Where(m => !matched.Contains(m.MemberId)))
            {
                plan.Add(new RosterSyncChange
                {
                    ServiceArea = area.Name, GroupId = group, DirectoryObjectId = "", Principal = m.Principal, DisplayName = m.DisplayName ?? "", Email = m.Email ?? "",
                    MemberId = m.MemberId, Action = RosterSyncAction.Removed,
                    Detail = "no longer an enabled member of directory group " + group,
                });
            }
            return plan;
        }

        /// <summary>Carries out one planned change; <paramref name="reason"/> (default: the plan's) is kept on a removal.</summary>
        public RosterSyncChange Apply(RosterSyncChange change, string reason = null)
        {
            switch (change.Action)
            {
                case RosterSyncAction.Added:
                    change.MemberId = _store.Notices.AddMember(new ServiceAreaMemberDraft
                    {
                        ServiceArea = change.ServiceArea, Principal = change.Principal, DisplayName = NullIfEmpty(change.DisplayName), Email = NullIfEmpty(change.Email),
                        Relation = MemberRelation.Member,
                    }).MemberId;
                    break;
                case RosterSyncAction.Removed:
                    var why = Text.Optional(reason, "Reason");
                    _store.Notices.RemoveMember(change.ServiceArea, change.Principal, why == null ? "Left directory group " + change.GroupId : why + ": " + change.Detail);
                    break;
                default:
                    return change;
            }
            change.Applied = true;
            return change;
        }

        private static bool Same(string a, string b) => !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b) && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
        private static string NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
    }
}
