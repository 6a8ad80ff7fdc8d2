using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>
    /// The audit chain's rows. Hashing stays in AuditChain (pure); the repository reads the head and appends.
    /// P3 (issue 10) adds Range (streaming, for verification) and moves the SQL behind it.
    /// </summary>
    public interface IAuditRepository
    {
        /// <summary>
        /// Appends one event after the chain's head, in the session's transaction (a write session only). The head is
        /// remembered between appends of one transaction, since the write lock is held.
        /// </summary>
        AuditEvent Append(string storeId, DateTimeOffset at, string principal, string osAccount, string action, string targetType, string target, IDictionary<string, object> details);

        /// <summary>The operating-system account of the latest <paramref name="action"/> event on <paramref name="target"/>; null if none is recorded (separation of duties, issue 10 P1).</summary>
        string OsAccountOf(string action, string target);

        /// <summary>Whether <paramref name="osAccount"/> has acted as <paramref name="principal"/> or <paramref name="otherSpelling"/> (names compared without regard to case) in any audit event (separation of duties, issue 10 P1).</summary>
        bool HasActedAs(string osAccount, string principal, string otherSpelling);
    }
}
