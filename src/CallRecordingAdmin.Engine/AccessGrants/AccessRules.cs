using System;

namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>
    /// Clause 3.1: a grant works only while it is not revoked, not past its end (a share) and not past its
    /// annual review. The access gate, Get-RecordingAccess and the compliance report all read a grant's
    /// standing from here.
    /// </summary>
    public static class AccessRules
    {
        public static GrantStatus StatusOf(DateTimeOffset? revokedAt, DateTimeOffset? expiresOn, DateTimeOffset? reviewBy, DateTimeOffset now) =>
            revokedAt.HasValue ? GrantStatus.Revoked
            : expiresOn.HasValue && expiresOn.Value <= now ? GrantStatus.Expired
            : reviewBy.HasValue && reviewBy.Value <= now ? GrantStatus.ReviewOverdue
            : GrantStatus.Active;

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
}
