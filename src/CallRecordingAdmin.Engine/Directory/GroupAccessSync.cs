using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>Added: a new member got a grant; Revoked: a leaver's grant ended; Replaced: a member's synced grant had other rights; Unchanged; KeptManual: a grant made by hand, left alone.</summary>
    public enum AccessSyncAction { Added, Revoked, Replaced, Unchanged, KeptManual }

    /// <summary>What one sync does (or, under -WhatIf, would do) for one principal.</summary>
    public sealed class AccessSyncChange
    {
        public string Principal { get; set; }
        public string DisplayName { get; set; }
        public string DirectoryObjectId { get; set; }
        public string ServiceArea { get; set; }
        public string GroupId { get; set; }
        public AccessSyncAction Action { get; set; }
        /// <summary>The grant added, revoked or kept.</summary>
        public string GrantId { get; set; }
        /// <summary>The level of access (of the area's approved request) the grant gives or holds.</summary>
        public string Level { get; set; }
        public string Rights { get; set; }
        /// <summary>True once done; false for a -WhatIf plan or a change that failed.</summary>
        public bool Applied { get; set; }
        public string Detail { get; set; }
    }

    /// <summary>
    /// Clause 3.1 nominations kept from a directory group: every enabled transitive member of the group holds a grant for
    /// the area with the given rights, and grants that came from the group end when their holder leaves it (or is
    /// disabled). Grants made by hand are never touched unless asked. The directory is read before any transaction;
    /// each principal's change is its own transaction with its audit event.
    /// </summary>
    public sealed class GroupAccessSync
    {
        private readonly RecordingStore _store;
        private readonly IDirectory _directory;

        public GroupAccessSync(RecordingStore store, IDirectory directory)
        {
            _store = store;
            _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        }

        internal static string GroupId(string groupId)
        {
            var g = groupId?.Trim();
            if (string.IsNullOrEmpty(g) || g.Length > 128 || !g.All(ch => char.IsLetterOrDigit(ch) || ch == '-'))
            {
                throw new PolicyException("GroupIdInvalid", FailureKind.InvalidArgument, "-GroupId '" + groupId + "' is not a directory group id (a GUID).", groupId);
            }
            return g;
        }

        /// <summary>
        /// What a sync would do, one entry per principal. Administrators only (a refusal is in the access log). <paramref name="level"/>
        /// is one of the levels of access of the area's approved request (clause 2.2); <paramref name="rights"/> default to the
        /// level's and may not go beyond them. Both are checked before the directory is read.
        /// </summary>
        public IReadOnlyList<AccessSyncChange> Plan(string groupId, string serviceArea, string level, IReadOnlyList<AccessRight> rights, bool includeManualGrants)
        {
            var group = GroupId(groupId);
            var (area, approved, granted) = _store.Change("synchronise access from a directory group", "Grant", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "synchronise access from a directory group", null, null, "3.1");
                var a = ServiceAreaRegister.Find(ctx, serviceArea);
                var lvl = ApprovedAccessLevels.Load(ctx.Db.Grants, ctx.Now).Find(a.Id, a.Name, level);
                var r = rights == null || rights.Count == 0 ? (IReadOnlyList<AccessRight>)lvl.Rights.ToList() : rights;
                ApprovedAccessLevels.RequireWithin(a.Name, lvl, r);
                return (a, lvl.Name, r);
            });
            var rightsText = GrantRegister.RightsText(granted);
            var members = new Dictionary<string, DirectoryUser>(StringComparer.OrdinalIgnoreCase);
            foreach (var u in _directory.GetTransitiveGroupUsers(group))
            {
                if (!u.AccountEnabled || string.IsNullOrWhiteSpace(u.UserPrincipalName)) continue;
                members[u.ObjectId ?? u.UserPrincipalName] = u;
            }
            var grants = _store.Grants.Get(new GrantQuery { ServiceArea = area.Name }).Where(g => g.RecordingId == "").ToList();
            var plan = new List<AccessSyncChange>();
            var matched = new HashSet<string>();
            foreach (var member in members.Values.OrderBy(m => m.UserPrincipalName, StringComparer.OrdinalIgnoreCase))
            {
                var grant = grants.FirstOrDefault(g => g.DirectoryObjectId != "" && string.Equals(g.DirectoryObjectId, member.ObjectId, StringComparison.OrdinalIgnoreCase))
                            ?? grants.FirstOrDefault(g => string.Equals(g.Principal, member.UserPrincipalName, StringComparison.OrdinalIgnoreCase));
                var change = new AccessSyncChange
                {
                    Principal = grant?.Principal ?? member.UserPrincipalName, DisplayName = member.DisplayName ?? "", DirectoryObjectId = member.ObjectId ?? "",
                    ServiceArea = area.Name, GroupId = group, Level = approved, Rights = rightsText,
                };
                if (grant == null)
                {
                    change.Action = AccessSyncAction.Added;
                    change.Detail = "a member of group " + group + " with no grant in '" + area.Name + "'";
                }
                else
                {
                    matched.Add(grant.GrantId);
                    change.GrantId = grant.GrantId;
                    if (!string.Equals(grant.SourceGroup, group, StringComparison.OrdinalIgnoreCase))
                    {
                        change.Action = grant.SourceGroup == "" ? AccessSyncAction.KeptManual : AccessSyncAction.Unchanged;
                        change.Rights = grant.Rights;
                        change.Level = grant.Level;
                        change.Detail = grant.SourceGroup == "" ? "holds a grant made by hand (" + grant.Rights + "); left as it is" : "holds a grant that follows group " + grant.SourceGroup + "; left as it is";
                    }
                    else if (grant.Rights != rightsText || !string.Equals(grant.Level, approved, StringComparison.OrdinalIgnoreCase))
                    {
                        change.Action = AccessSyncAction.Replaced;
                        change.Detail = "synced grant had " + grant.Rights + " at level '" + grant.Level + "'; the group now gives " + rightsText + " at level '" + approved + "'";
                    }
                    else
                    {
                        change.Action = AccessSyncAction.Unchanged;
                        change.Detail = "already holds " + rightsText + " at level '" + approved + "' from group " + group;
                    }
                }
                plan.Add(change);
            }
            foreach (var grant in grants.Where(g => !matched.Contains(g.GrantId)))
            {
                var synced = string.Equals(grant.SourceGroup, group, StringComparison.OrdinalIgnoreCase);
                if (!synced && grant.SourceGroup != "") continue; // follows another group: that group's sync decides
                if (!synced && !includeManualGrants)
                {
                    plan.Add(new AccessSyncChange
                    {
                        Principal = grant.Principal, DisplayName = "", DirectoryObjectId = grant.DirectoryObjectId, ServiceArea = area.Name, GroupId = group,
                        GrantId = grant.GrantId, Level = grant.Level, Rights = grant.Rights, Action = AccessSyncAction.KeptManual,
                        Detail = "not a member of group " + group + ", but the grant was made by hand; -IncludeManualGrants revokes it",
                    });
                    continue;
                }
                plan.Add(new AccessSyncChange
                {
                    Principal = grant.Principal, DisplayName = "", DirectoryObjectId = grant.DirectoryObjectId, ServiceArea = area.Name, GroupId = group,
                    GrantId = grant.GrantId, Level = grant.Level, Rights = grant.Rights, Action = AccessSyncAction.Revoked,
                    Detail = "no longer an enabled member of group " + group + (synced ? "" : " (a grant made by hand, revoked under -IncludeManualGrants)"),
                });
            }
            return plan;
        }

        /// <summary>
        /// Carries out one planned change; returns it with <see cref="AccessSyncChange.Applied"/> set and the grant id filled in.
        /// A grant is made at <paramref name="level"/> (rights default to the level's), with every check of a nomination by hand:
        /// the level must be approved, the rights within it, and nobody nominates themselves.
        /// </summary>
        public AccessSyncChange Apply(AccessSyncChange change, string level, IReadOnlyList<AccessRight> rights, string reason)
        {
            var why = Text.Required(reason, "ReasonRequired", "a nomination needs a reason (-Reason).", "3.1");
            switch (change.Action)
            {
                case AccessSyncAction.Added:
                    change.GrantId = _store.Grants.Grant(change.Principal, change.ServiceArea, level, rights, why + " (member of directory group " + change.GroupId + ")", null, change.GroupId, NullIfEmpty(change.DirectoryObjectId)).GrantId;
                    break;
                case AccessSyncAction.Revoked:
                    _store.Grants.Revoke(change.GrantId, null, null, why + ": " + change.Detail);
                    break;
                case AccessSyncAction.Replaced:
                    _store.Grants.Revoke(change.GrantId, null, null, why + ": " + change.Detail);
                    change.GrantId = _store.Grants.Grant(change.Principal, change.ServiceArea, level, rights, why + " (member of directory group " + change.GroupId + ")", null, change.GroupId, NullIfEmpty(change.DirectoryObjectId)).GrantId;
                    break;
                default:
                    return change;
            }
            change.Applied = true;
            return change;
        }

        private static string NullIfEmpty(string s) => string.IsNullOrEmpty(s) ? null : s;
    }
}
