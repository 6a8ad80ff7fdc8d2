using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>Ok; Disabled, Deleted, NotFound: the account no longer works; LeftGroup: still an account, but no longer in the group its grant follows.</summary>
    public enum DirectoryStanding { Ok, Disabled, Deleted, NotFound, LeftGroup }

    /// <summary>One grant or role checked against the directory.</summary>
    public sealed class DirectoryAccessFinding
    {
        public string Principal { get; set; }
        /// <summary>Grant or Role.</summary>
        public string HeldAs { get; set; }
        /// <summary>The grant or role assignment id.</summary>
        public string Id { get; set; }
        public string ServiceArea { get; set; }
        /// <summary>Rights of a grant; the role's name for a role.</summary>
        public string Holds { get; set; }
        public string DirectoryObjectId { get; set; }
        public DirectoryStanding Standing { get; set; }
        /// <summary>True when access must end now (clause 3.1: nominated access ends when a person leaves).</summary>
        public bool IsLeaver { get; set; }
        public string Detail { get; set; }
    }

    /// <summary>
    /// Leavers: resolves every principal that holds an active grant or a role against the directory and reports
    /// accounts that are disabled, deleted or gone, and synced grants whose holder left the group. A grant's
    /// directory object id is kept once resolved (one audited change), so a renamed account is still found.
    /// Administrators and Auditors.
    /// </summary>
    public sealed class DirectoryReview
    {
        private readonly RecordingStore _store;
        private readonly IDirectory _directory;

        public DirectoryReview(RecordingStore store, IDirectory directory)
        {
            _store = store;
            _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        }

        public IReadOnlyList<DirectoryAccessFinding> Check(Action<string> verbose = null)
        {
            _store.Change("review access against the directory", "Review", ctx =>
            {
                ctx.RequireAny("review access against the directory", null, null, RecordingRole.Administrator, RecordingRole.Auditor);
                return 0;
            });
            var grants = _store.Grants.Get(new GrantQuery()).Where(g => g.Status != GrantStatus.Revoked && g.Status != GrantStatus.Expired).ToList();
            var roles = _store.Database.Read(s => s.Roles.Query(null, null, null)
                .Select(r => (Id: r.Id, Principal: r.Principal, Role: r.Role.ToString(), Area: r.ServiceArea ?? "")).ToList());
            var accounts = new Dictionary<string, DirectoryAccount>(StringComparer.OrdinalIgnoreCase);
            DirectoryAccount Resolve(string key)
            {
                if (!accounts.TryGetValue(key, out var a))
                {
                    verbose?.Invoke("Looking up '" + key + "' in the directory.");
                    accounts[key] = a = _directory.GetAccount(key);
                }
                return a;
            }
            var groups = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
            HashSet<string> Members(string group)
            {
                if (!groups.TryGetValue(group, out var set))
                {
                    verbose?.Invoke("Reading the transitive members of group " + group + ".");
                    set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    foreach (var u in _directory.GetTransitiveGroupUsers(group))
                    {
                        if (!string.IsNullOrEmpty(u.ObjectId)) set.Add(u.ObjectId);
                        if (!string.IsNullOrEmpty(u.UserPrincipalName)) set.Add(u.UserPrincipalName);
                    }
                    groups[group] = set;
                }
                return set;
            }
            var findings = new List<DirectoryAccessFinding>();
            var resolved = new List<(string GrantId, string ObjectId, string Principal)>();
            foreach (var g in grants)
            {
                var account = Resolve(g.DirectoryObjectId != "" ? g.DirectoryObjectId : g.Principal);
                var f = Finding(g.Principal, "Grant", g.GrantId, g.ServiceArea, g.Rights, account);
                if (f.Standing == DirectoryStanding.Ok && g.SourceGroup != "" && !Members(g.SourceGroup).Contains(account.ObjectId ?? g.Principal))
                {
                    f.Standing = DirectoryStanding.LeftGroup;
                    f.IsLeaver = true;
                    f.Detail = "no longer a member of group " + g.SourceGroup + ", which this grant follows; Sync-RecordingAccess revokes it";
                }
                if (g.DirectoryObjectId == "" && !string.IsNullOrEmpty(account.ObjectId)) resolved.Add((g.GrantId, account.ObjectId, g.Principal));
                findings.Add(f);
            }
            foreach (var r in roles)
            {
                findings.Add(Finding(r.Principal, "Role", r.Id, r.Area, r.Role, Resolve(r.Principal)));
            }
            if (resolved.Count > 0)
            {
                _store.Change("keep directory object ids", ctx =>
                {
                    foreach (var (grantId, objectId, principal) in resolved)
                    {
                        if (ctx.Db.Grants.SetDirectoryObjectId(grantId, objectId))
                        {
                            ctx.Audit("ResolveDirectoryObject", "AccessGrant", grantId, new Dictionary<string, object> { ["principal"] = principal, ["directoryObjectId"] = objectId });
                        }
                    }
                    return 0;
                });
            }
            return findings;
        }

        private static DirectoryAccessFinding Finding(string principal, string heldAs, string id, string area, string holds, DirectoryAccount account)
        {
            var f = new DirectoryAccessFinding
            {
                Principal = principal, HeldAs = heldAs, Id = id, ServiceArea = area ?? "", Holds = holds, DirectoryObjectId = account.ObjectId ?? "",
            };
            switch (account.State)
            {
                case AccountState.Enabled:
                    f.Standing = DirectoryStanding.Ok; f.Detail = "enabled in the directory"; break;
                case AccountState.Disabled:
                    f.Standing = DirectoryStanding.Disabled; f.IsLeaver = true; f.Detail = "the account is disabled; end this " + heldAs.ToLowerInvariant() + " now (clause 3.1)"; break;
                case AccountState.Deleted:
                    f.Standing = DirectoryStanding.Deleted; f.IsLeaver = true; f.Detail = "the account is deleted; end this " + heldAs.ToLowerInvariant() + " now (clause 3.1)"; break;
                default:
                    f.Standing = DirectoryStanding.NotFound; f.IsLeaver = true; f.Detail = "no directory account has this name or id"; break;
            }
            return f;
        }
    }
}
