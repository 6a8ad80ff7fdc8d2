using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>
    /// Clause 3.1 in one place: a grant's standing (it works only while it is not revoked, not past its end — a
    /// share — and not past its annual review), the gate every access to a recording passes (an active grant with
    /// the right), and which areas' recordings a nominee may list (the same standing as the gate: a grant that would
    /// not let them play a recording does not show them its area either). The access gate, Get-RecordingAccess,
    /// Get-Recording's visibility and the compliance report all read it. Pure: facts in, verdict out.
    /// </summary>
    public static class AccessRules
    {
        public static GrantStatus StatusOf(DateTimeOffset? revokedAt, DateTimeOffset? expiresOn, DateTimeOffset? reviewBy, DateTimeOffset now) =>
            revokedAt.HasValue ? GrantStatus.Revoked
            : expiresOn.HasValue && expiresOn.Value <= now ? GrantStatus.Expired
            : reviewBy.HasValue && reviewBy.Value <= now ? GrantStatus.ReviewOverdue
            : GrantStatus.Active;

        /// <summary>A grant's standing at <paramref name="now"/>.</summary>
        public static GrantStatus StatusAt(AccessGrant grant, DateTimeOffset now) => StatusOf(grant.RevokedAt, grant.ExpiresOn, grant.ReviewBy, now);

        /// <summary>Whether the grant's rights (the text "Play+Download") include <paramref name="right"/>.</summary>
        public static bool Includes(AccessGrant grant, AccessRight right) =>
            (grant.Rights ?? "").Split('+').Contains(right.ToString());

        /// <summary>
        /// The gate (3.1): the first grant among <paramref name="grants"/> (the principal's unrevoked grants over the
        /// recording's area and shares of the recording) that includes <paramref name="right"/> and is Active lets the
        /// access through. Otherwise a grant with the right whose review is overdue gives AccessReviewOverdue (it works
        /// again once confirmed), and anything else AccessNotGranted.
        /// </summary>
        public static AccessVerdict MayUse(IEnumerable<AccessGrant> grants, AccessRight right, DateTimeOffset now)
        {
            string overdue = null;
            foreach (var g in grants)
            {
                if (!Includes(g, right)) continue;
                var status = StatusAt(g, now);
                if (status == GrantStatus.Active) return AccessVerdict.Allow(g.GrantId);
                if (status == GrantStatus.ReviewOverdue) overdue = g.GrantId;
            }
            return overdue != null ? AccessVerdict.Refuse("AccessReviewOverdue", overdue) : AccessVerdict.Refuse("AccessNotGranted", null);
        }

        /// <summary>The gate's verdict as the refusal a user sees; the grant id when it lets the access through.</summary>
        public static string Require(IEnumerable<AccessGrant> grants, AccessRight right, DateTimeOffset now, string principal, string serviceArea)
        {
            var verdict = MayUse(grants, right, now);
            if (verdict.Allowed) return verdict.GrantId;
            if (verdict.ErrorId == "AccessReviewOverdue")
            {
                throw new PolicyException("AccessReviewOverdue", FailureKind.PermissionDenied,
                    "grant " + verdict.GrantId + " of '" + principal + "' passed its review date without being confirmed; it works again once an Administrator confirms it (Confirm-RecordingAccess).", principal, "3.1");
            }
            throw new PolicyException("AccessNotGranted", FailureKind.PermissionDenied,
                "'" + principal + "' is not nominated for " + right + " on recordings of '" + serviceArea + "'; only nominated staff may do that.", principal, "3.1");
        }

        /// <summary>
        /// The areas whose recordings a principal may list: null for every area (<paramref name="seesEveryArea"/>:
        /// Administrator, DPO, Auditor); otherwise the areas they supervise and the areas of their area grants that
        /// are Active now. A grant whose review is overdue (or that has ended) shows nothing, as the gate lets nothing
        /// through it; shares do not show an area.
        /// </summary>
        public static IReadOnlyList<string> VisibleAreas(bool seesEveryArea, IEnumerable<string> supervisedAreaIds, IEnumerable<AccessGrant> areaGrants, DateTimeOffset now)
        {
            if (seesEveryArea) return null;
            var areas = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var id in supervisedAreaIds ?? Enumerable.Empty<string>()) if (id != null) areas.Add(id);
            foreach (var g in areaGrants ?? Enumerable.Empty<AccessGrant>())
            {
                if (g.AreaId != null && StatusAt(g, now) == GrantStatus.Active) areas.Add(g.AreaId);
            }
            return areas.ToList();
        }

        /// <summary>
        /// Whether a grant was in force at <paramref name="at"/> (a playback registered after the fact, clause 3.1): already granted,
        /// not yet revoked, not expired and not past its review date then. The review date is the one the grant has now (a review
        /// moves it forward; earlier review dates are not kept on the grant).
        /// </summary>
        public static bool ActiveAt(DateTimeOffset grantedAt, DateTimeOffset? revokedAt, DateTimeOffset? expiresOn, DateTimeOffset? reviewBy, DateTimeOffset at) =>
            grantedAt <= at && (!revokedAt.HasValue || revokedAt.Value > at) && StatusOf(null, expiresOn, reviewBy, at) == GrantStatus.Active;

        /// <summary>True when an access-log row that allowed access names no purpose or no reason (3.1 "purpose and reason on every access").</summary>
        public static bool LacksPurpose(string purpose, string reason) => string.IsNullOrWhiteSpace(purpose) || string.IsNullOrWhiteSpace(reason);

        /// <summary>
        /// A grant to someone who was a member on the area's roster and no longer is (left the area): their nomination
        /// should end (3.1 "only nominated staff"). Grantees never on the roster (supervisors, coaches) are not flagged.
        /// </summary>
        public static bool NoLongerOnRoster(bool isMember, bool wasMember) => !isMember && wasMember;

        /// <summary>The same rule as <see cref="LacksPurpose"/> on an access_log row, for counting over millions of rows.</summary>
        public const string LacksPurposeSql = "(purpose IS NULL OR trim(purpose) = '' OR reason IS NULL OR trim(reason) = '')";
    }

    /// <summary>What the gate says: let through by a grant, or refused with an ErrorId (and the overdue grant, for AccessReviewOverdue).</summary>
    public sealed class AccessVerdict
    {
        private AccessVerdict(bool allowed, string errorId, string grantId) { Allowed = allowed; ErrorId = errorId; GrantId = grantId; }

        public bool Allowed { get; }
        /// <summary>Null when allowed; AccessReviewOverdue or AccessNotGranted.</summary>
        public string ErrorId { get; }
        /// <summary>The grant that lets the access through, or the overdue grant.</summary>
        public string GrantId { get; }

        internal static AccessVerdict Allow(string grantId) => new AccessVerdict(true, null, grantId);
        internal static AccessVerdict Refuse(string errorId, string grantId) => new AccessVerdict(false, errorId, grantId);
    }
}
