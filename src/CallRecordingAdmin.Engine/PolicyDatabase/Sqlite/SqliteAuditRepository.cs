using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Audit;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// The audit chain's rows on SQLite. One per session: it keeps the chain's head between the appends of one
    /// transaction (the write lock is held, so nobody else appends). The SQL still sits in AuditChain.Append until
    /// P3 (issue 10) moves it here with Range.
    /// </summary>
    internal sealed class SqliteAuditRepository : IAuditRepository
    {
        private readonly SqliteSession _session;
        private readonly AuditChain.Head _head = new AuditChain.Head();

        internal SqliteAuditRepository(SqliteSession session) { _session = session; }

        public AuditEvent Append(string storeId, DateTimeOffset at, string principal, string osAccount, string action, string targetType, string target, IDictionary<string, object> details)
        {
            _session.RequireWrite("Appending an audit event");
            return AuditChain.Append(_session.Connection, _session.Transaction, storeId, at, principal, osAccount, action, targetType, target, details, _head);
        }
    }
}
