using System;

namespace CallRecordingAdmin.Engine.Retention
{
    /// <summary>
    /// Clause 2.5 as the purge applies it: an active recording whose expiry has come and that is on no
    /// unreleased hold must be deleted. The purge selects with these conditions, and the compliance report
    /// counts with the same ones, so what the report calls overdue is exactly what the next purge deletes.
    /// </summary>
    public static class RetentionRules
    {
        /// <summary>A recording row aliased <c>r</c> is on at least one hold that has not been released.</summary>
        public const string HeldSql = "EXISTS (SELECT 1 FROM legal_hold_recording hr JOIN legal_hold h ON h.id = hr.hold_id WHERE hr.recording_id = r.id AND h.released_at IS NULL)";

        /// <summary>A recording row aliased <c>r</c> has expired by the moment bound to <paramref name="atParameter"/> and is still in the store.</summary>
        public static string ExpiredSql(string atParameter) => "r.state = 'Active' AND r.expires_at <= " + atParameter;

        /// <summary>A recording row aliased <c>r</c> is due for deletion at <paramref name="atParameter"/>: expired and not held.</summary>
        public static string DueSql(string atParameter) => ExpiredSql(atParameter) + " AND NOT " + HeldSql;

        /// <summary>The in-memory form of <see cref="DueSql"/>.</summary>
        public static bool IsDue(string state, DateTimeOffset expiresAt, bool held, DateTimeOffset at) =>
            state == "Active" && expiresAt <= at && !held;

        /// <summary>A hold whose own retain-until date has passed while it still keeps recordings: the case's retention says they should go.</summary>
        public static bool HoldPastRetainUntil(DateTimeOffset? retainUntil, DateTimeOffset? releasedAt, DateTimeOffset now) =>
            !releasedAt.HasValue && retainUntil.HasValue && retainUntil.Value <= now;

        /// <summary>A hold without a retain-until date keeps its recordings indefinitely: the case's retention must be recorded.</summary>
        public static bool HoldWithoutRetention(DateTimeOffset? retainUntil, DateTimeOffset? releasedAt) =>
            !releasedAt.HasValue && !retainUntil.HasValue;
    }
}
