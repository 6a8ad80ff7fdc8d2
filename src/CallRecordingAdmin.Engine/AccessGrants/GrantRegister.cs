using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>
    /// Clause 3.1: only nominated staff may download, copy, share or delete recordings, and that privileged
    /// access is reviewed and confirmed at least annually. Administrators nominate; a grant's review date is
    /// never more than 12 months ahead; a grant past its review date stops working until it is confirmed.
    /// </summary>
    public sealed class GrantRegister
    {
        public const int MaximumShareDays = 30;
        private readonly RecordingStore _store;

        internal GrantRegister(RecordingStore store) { _store = store; }

        internal static string RightsText(IEnumerable<AccessRight> rights) => string.Join("+", rights.Distinct().OrderBy(r => r));

        private static IReadOnlyList<AccessRight> RequireRights(IReadOnlyList<AccessRight> rights)
        {
            if (rights == null || rights.Count == 0)
            {
                throw new PolicyException("RightRequired", FailureKind.InvalidArgument, "name at least one right: Play, Download, Copy, Share or Delete.", null, "3.1");
            }
            return rights;
        }

        private static DateTimeOffset ReviewDate(DateTimeOffset now, DateTimeOffset? reviewBy)
        {
            var latest = now.AddMonths(12);
            var date = reviewBy ?? latest;
            if (date > latest)
            {
                throw new PolicyException("ReviewPeriodExceedsPolicy", FailureKind.InvalidArgument,
                    "privileged access must be reviewed and confirmed at least annually; a review date of " + Timestamp.ToText(date) + " is more than 12 months ahead.", date, "3.1");
            }
            if (date <= now)
            {
                throw new PolicyException("ReviewDateInPast", FailureKind.InvalidArgument, "the review date must be in the future.", date, "3.1");
            }
            return date;
        }

        /// <summary>
        /// Nominates <paramref name="principal"/> for rights over an area's recordings at <paramref name="level"/>, one of the
        /// levels of access in the area's approved recording request (clause 2.2); <paramref name="rights"/> default to the
        /// level's and may not go beyond them. Administrators only, and never for themselves (another Administrator does).
        /// </summary>
        public AccessGrant Grant(string principal, string serviceArea, string level, IReadOnlyList<AccessRight> rights, string reason, DateTimeOffset? reviewBy) =>
            Grant(principal, serviceArea, level, rights, reason, reviewBy, null, null);

        /// <summary>
        /// A nomination that came from a directory group (Sync-RecordingAccess): the grant remembers the group and the
        /// person's directory object id, so a later sync revokes it when they leave and never touches grants made by hand.
        /// </summary>
        internal AccessGrant Grant(string principal, string serviceArea, string level, IReadOnlyList<AccessRight> rights, string reason, DateTimeOffset? reviewBy, string sourceGroup, string directoryObjectId)
        {
            principal = Principal.Normalise(principal);
            var why = Text.Required(reason, "ReasonRequired", "a nomination needs a reason (-Reason).", "3.1");
            return _store.Change("grant access to recordings", "Grant", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "grant access to recordings", null, null, "3.1");
                RequireNotSelf(ctx, principal);
                var area = ServiceAreaRegister.Find(ctx, serviceArea);
                var approved = ApprovedAccessLevels.Load(ctx.Db.Grants, ctx.Now).Find(area.Id, area.Name, level);
                if (rights == null || rights.Count == 0) rights = approved.Rights.ToList();
                ApprovedAccessLevels.RequireWithin(area.Name, approved, rights);
                var review = ReviewDate(ctx.Now, reviewBy);
                var existing = ctx.Db.Grants.UnrevokedAreaGrant(principal, area.Id);
                if (existing != null)
                {
                    throw new PolicyException("GrantExists", FailureKind.ResourceExists,
                        "'" + principal + "' already holds grant " + existing + " in '" + area.Name + "'; revoke it first to change its rights.", principal);
                }
                var id = Ids.New("grant");
                ctx.Db.Grants.Insert(new AccessGrant
                {
                    GrantId = id, Principal = principal, AreaId = area.Id, Rights = RightsText(rights), Level = approved.Name, Reason = why,
                    ReviewBy = review, GrantedAt = ctx.Now, GrantedBy = ctx.Principal, SourceGroup = sourceGroup, DirectoryObjectId = directoryObjectId,
                });
                var details = new Dictionary<string, object>
                {
                    ["principal"] = principal, ["serviceArea"] = area.Name, ["level"] = approved.Name, ["rights"] = RightsText(rights), ["reviewBy"] = review, ["reason"] = why,
                };
                if (sourceGroup != null) { details["sourceGroup"] = sourceGroup; details["directoryObjectId"] = directoryObjectId; }
                ctx.Audit("GrantRecordingAccess", "AccessGrant", id, details);
                return Load(ctx, id);
            });
        }

        /// <summary>Clause 3.1: nobody nominates themselves or shares with themselves; another member of staff must.</summary>
        private static void RequireNotSelf(ChangeContext ctx, string principal)
        {
            if (SeparationOfDuties.IsActor(ctx, principal))
            {
                throw new PolicyException("SelfNominationRefused", FailureKind.PermissionDenied,
                    SeparationOfDuties.Who(ctx, principal) + " may not nominate themselves for access to recordings (or share one with themselves); another Administrator must.", principal, "3.1");
            }
        }

        /// <summary>
        /// Shares one recording for playback: needs the Share right on its area, a purpose and a reason, and
        /// ends within 30 days. The share and any refusal are in the access log.
        /// </summary>
        public AccessGrant Share(string recordingId, string principal, IReadOnlyList<AccessRight> rights, AccessPurpose purpose, DateTimeOffset expiresOn)
        {
            principal = Principal.Normalise(principal);
            RequireRights(rights);
            if (rights.Any(r => r != AccessRight.Play))
            {
                throw new PolicyException("ShareRightNotAllowed", FailureKind.InvalidArgument,
                    "a shared recording may only be played; downloading, copying, sharing and deleting stay with nominated staff.", principal, "3.1");
            }
            var id = Ids.New("grant");
            _store.Recordings.Reach(AccessRight.Share, recordingId, purpose,
                "shared with " + principal + " until " + Timestamp.ToText(expiresOn) + " (grant " + id + ")", (ctx, recording) =>
                {
                    RequireNotSelf(ctx, principal);
                    if (expiresOn <= ctx.Now || expiresOn > ctx.Now.AddDays(MaximumShareDays))
                    {
                        throw new PolicyException("ShareExpiryInvalid", FailureKind.InvalidArgument,
                            "a shared recording must stop being available within " + MaximumShareDays + " days; -ExpiresOn " + Timestamp.ToText(expiresOn) + " is not between now and then.", expiresOn, "3.1");
                    }
                    ctx.Db.Grants.Insert(new AccessGrant
                    {
                        GrantId = id, Principal = principal, RecordingId = recording.RecordingId, Rights = RightsText(rights), Reason = purpose.Reason,
                        ExpiresOn = expiresOn, GrantedAt = ctx.Now, GrantedBy = ctx.Principal,
                    });
                });
            return Get(new GrantQuery { GrantId = id }).Single();
        }

        public AccessGrant Revoke(string grantId, string principal, string serviceArea, string reason)
        {
            return _store.Change("revoke access to recordings", "Revoke", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "revoke access to recordings", null, null, "3.1");
                var id = grantId;
                if (string.IsNullOrWhiteSpace(id))
                {
                    var area = ServiceAreaRegister.Find(ctx, serviceArea);
                    id = ctx.Db.Grants.UnrevokedAreaGrant(Principal.Normalise(principal), area.Id);
                    if (id == null)
                    {
                        throw new PolicyException("GrantNotFound", FailureKind.ObjectNotFound, "'" + principal + "' holds no grant in '" + area.Name + "'.", principal);
                    }
                }
                var grant = Load(ctx, id);
                if (grant.Status == GrantStatus.Revoked)
                {
                    throw new PolicyException("GrantAlreadyRevoked", FailureKind.InvalidOperation, "Grant " + id + " was already revoked on " + Timestamp.ToText(grant.RevokedAt.Value) + ".", id);
                }
                var why = Text.Optional(reason, "Reason") ?? "Revoked";
                ctx.Db.Grants.Revoke(id, ctx.Now, ctx.Principal, why);
                ctx.Audit("RevokeRecordingAccess", "AccessGrant", id, new Dictionary<string, object> { ["principal"] = grant.Principal, ["serviceArea"] = grant.ServiceArea, ["reason"] = why });
                return Load(ctx, id);
            });
        }

        /// <summary>Records the review of a grant (who, when) and sets its next review date. The reviewer cannot be the grantee.</summary>
        /// <remarks>
        /// The confirmed grant must fit a level of the area's approved request (clause 2.2): <paramref name="level"/> sets
        /// the level (a grant made before levels were recorded has none); without it the grant keeps its own.
        /// </remarks>
        public AccessGrant Confirm(string grantId, DateTimeOffset? reviewBy, string comment, string level = null)
        {
            return _store.Change("review access to recordings", "ConfirmReview", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "review access to recordings", null, null, "3.1");
                var grant = Load(ctx, grantId);
                if (grant.Status == GrantStatus.Revoked)
                {
                    throw new PolicyException("GrantAlreadyRevoked", FailureKind.InvalidOperation, "Grant " + grantId + " is revoked; grant access anew instead.", grantId);
                }
                if (grant.RecordingId != "")
                {
                    throw new PolicyException("ShareNotReviewed", FailureKind.InvalidOperation, "Grant " + grantId + " is a time-limited share; it ends by itself and has no review.", grantId);
                }
                if (SeparationOfDuties.SamePerson(ctx.Principal, ctx.OsAccount, grant.Principal, null, ctx.Store.SharedOsAccount))
                {
                    throw new PolicyException("SelfReviewNotAllowed", FailureKind.PermissionDenied,
                        "'" + ctx.Principal + "' holds grant " + grantId + " and cannot review it; another Administrator must.", grantId, "3.1");
                }
                var review = ReviewDate(ctx.Now, reviewBy);
                var approved = ApprovedAccessLevels.Load(ctx.Db.Grants, ctx.Now).Find(grant.AreaId, grant.ServiceArea, Text.Optional(level) ?? grant.Level);
                ApprovedAccessLevels.RequireWithin(grant.ServiceArea, approved, grant.Rights.Split('+').Select(x => (AccessRight)Enum.Parse(typeof(AccessRight), x)));
                ctx.Db.Grants.Review(grant.GrantId, approved.Name, ctx.Now, ctx.Principal, Text.Optional(comment, "Comment"), review);
                ctx.Audit("ConfirmRecordingAccess", "AccessGrant", grantId, new Dictionary<string, object>
                {
                    ["principal"] = grant.Principal, ["serviceArea"] = grant.ServiceArea, ["level"] = approved.Name, ["reviewBy"] = review, ["comment"] = comment,
                });
                return Load(ctx, grantId);
            });
        }

        /// <summary>Grants by the query's filters, each with its standing now; streams within one read session.</summary>
        public IEnumerable<AccessGrant> Get(GrantQuery q)
        {
            var now = _store.Clock.UtcNow;
            using (var session = _store.Database.Read())
            {
                var levels = ApprovedAccessLevels.Load(session.Grants, now);
                foreach (var g in session.Grants.Query(q, now.AddDays(q.WithinDays))) yield return Annotate(g, now, levels);
            }
        }

        /// <summary>A grant as users see it: its standing at <paramref name="now"/> (AccessRules) and whether it fits an approved level.</summary>
        private static AccessGrant Annotate(AccessGrant g, DateTimeOffset now, ApprovedAccessLevels levels)
        {
            g.Status = AccessRules.StatusAt(g, now);
            g.WithinApprovedLevel = levels.IsWithin(g.AreaId, g.Level, g.Rights);
            return g;
        }

        internal static AccessGrant Load(ChangeContext ctx, string grantId)
        {
            var g = ctx.Db.Grants.Find(grantId);
            if (g == null)
            {
                throw new PolicyException("GrantNotFound", FailureKind.ObjectNotFound, "There is no access grant '" + grantId + "'.", grantId);
            }
            return Annotate(g, ctx.Now, ApprovedAccessLevels.Load(ctx.Db.Grants, ctx.Now));
        }

        /// <summary>
        /// The areas whose recordings <paramref name="principal"/> may list, by <see cref="AccessRules.VisibleAreas"/>: null for
        /// every area (Administrator, DPO, Auditor), else the areas they supervise and those of their Active area grants.
        /// </summary>
        internal static IReadOnlyList<string> VisibleAreas(IPolicySession session, string principal, DateTimeOffset now)
        {
            foreach (var role in new[] { RecordingRole.Administrator, RecordingRole.DataProtectionOfficer, RecordingRole.Auditor })
            {
                if (session.Roles.Holds(principal, role, null)) return AccessRules.VisibleAreas(true, null, null, now);
            }
            var (supervised, grants) = session.Grants.VisibilityFacts(principal);
            return AccessRules.VisibleAreas(false, supervised, grants, now);
        }
    }

    /// <summary>The one check every access to a recording passes: an active, reviewed grant with the right (<see cref="AccessRules.MayUse"/>).</summary>
    internal static class AccessGate
    {
        public static string Require(ChangeContext ctx, string principal, Recording recording, AccessRight right)
        {
            // the row ledger (issue 11): the recording's row (its area) and the grant that opens it are the ones the module sealed
            Audit.LedgerCheck.Require(ctx.Db, "recording", recording.RecordingId, right + " recording " + recording.RecordingId);
            var grantId = AccessRules.Require(ctx.Db.Grants.ForRecording(principal, recording.RecordingId), right, ctx.Now, principal, recording.ServiceArea);
            Audit.LedgerCheck.Require(ctx.Db, "access_grant", grantId, right + " recording " + recording.RecordingId + " on grant " + grantId);
            return grantId;
        }

        /// <summary>
        /// The same check as of a past moment (<see cref="AccessRules.ActiveAt"/>): a grant with the right that was in force at
        /// <paramref name="at"/>, revoked or not since. A playback registered after the fact is judged by the nomination its player
        /// held when it happened, not by today's.
        /// </summary>
        public static string RequireAt(ChangeContext ctx, string principal, Recording recording, AccessRight right, DateTimeOffset at)
        {
            Audit.LedgerCheck.Require(ctx.Db, "recording", recording.RecordingId, right + " recording " + recording.RecordingId); // the row ledger (issue 11)
            foreach (var g in ctx.Db.Grants.ForRecordingEver(principal, recording.RecordingId))
            {
                if (AccessRules.Includes(g, right) && AccessRules.ActiveAt(g.GrantedAt, g.RevokedAt, g.ExpiresOn, g.ReviewBy, at))
                {
                    Audit.LedgerCheck.Require(ctx.Db, "access_grant", g.GrantId, right + " recording " + recording.RecordingId + " on grant " + g.GrantId);
                    return g.GrantId;
                }
            }
            throw new PolicyException("AccessNotGranted", FailureKind.PermissionDenied,
                "'" + principal + "' was not nominated for " + right + " on recordings of '" + recording.ServiceArea + "' at " + Timestamp.ToText(at) +
                " (no grant with that right was in force then); only nominated staff may do that.", principal, "3.1");
        }
    }
}
