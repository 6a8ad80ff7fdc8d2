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
    }
}
