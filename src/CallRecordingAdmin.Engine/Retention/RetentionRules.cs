using System;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;

namespace CallRecordingAdmin.Engine.Retention
{
    /// <summary>
    /// Clause 2.5: when a recording has expired, when it is on hold, and so when it must (or may) be deleted. The
    /// expiry date itself is <see cref="ServiceAreas.RetentionPeriod"/>'s arithmetic. The purge, Remove-Recording,
    /// Get-Recording's -Expired/-OnHold and the compliance report all apply these rules: in memory through the
    /// methods below, in queries through the SQL the database layer writes from them (one place:
    /// SqliteRecordingRepository's HeldSql/ExpiredSql/DueSql), so what the report calls overdue is exactly what
    /// the next purge deletes.
    /// </summary>
    public static class RetentionRules
    {
        /// <summary>Expired at <paramref name="at"/>: still in the store (Active) and its expiry has come.</summary>
        public static bool IsExpired(string state, DateTimeOffset expiresAt, DateTimeOffset at) =>
            state == "Active" && expiresAt <= at;

        /// <summary>On hold: at least one of its holds has not been released (a hold's own retain-until date does not release it).</summary>
        public static bool IsOnHold(int unreleasedHolds) => unreleasedHolds > 0;

        /// <summary>Due for deletion at <paramref name="at"/>: expired and not on hold.</summary>
        public static bool IsDue(string state, DateTimeOffset expiresAt, bool held, DateTimeOffset at) =>
            IsExpired(state, expiresAt, at) && !held;

        /// <summary>
        /// A recording on hold is kept whatever its age: RecordingOnLegalHold names the case of one unreleased hold
        /// (<paramref name="holdingCase"/>, null when none holds it).
        /// </summary>
        public static void RequireNotHeld(string recordingId, string holdingCase)
        {
            if (holdingCase != null)
            {
                throw new PolicyException("RecordingOnLegalHold", FailureKind.InvalidOperation,
                    "recording " + recordingId + " is on legal hold for case " + holdingCase + " and must be kept whatever its age; release the hold first.", recordingId, "2.5");
            }
        }

        /// <summary>A hold whose own retain-until date has passed while it still keeps recordings: the case's retention says they should go.</summary>
        public static bool HoldPastRetainUntil(DateTimeOffset? retainUntil, DateTimeOffset? releasedAt, DateTimeOffset now) =>
            !releasedAt.HasValue && retainUntil.HasValue && retainUntil.Value <= now;

        /// <summary>A hold without a retain-until date keeps its recordings indefinitely: the case's retention must be recorded.</summary>
        public static bool HoldWithoutRetention(DateTimeOffset? retainUntil, DateTimeOffset? releasedAt) =>
            !releasedAt.HasValue && !retainUntil.HasValue;

        /// <summary><see cref="IsDue"/> in SQL for a recording row aliased <c>r</c>, for the compliance report's own query until it moves behind a repository.</summary>
        [Obsolete("Issue 10: SQL lives in PolicyDatabase/Sqlite; call SqliteRecordingRepository.DueSql from there (the compliance report's repository).")]
        internal static string DueSql(string atParameter) => SqliteRecordingRepository.DueSql(atParameter);
    }
}
