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

        // The facts SeparationOfDuties needs (issue 10 P1).
        public string OsAccountOf(string action, string target) =>
            _session.Scalar("SELECT os_account FROM audit_event WHERE target = $t AND action = $a ORDER BY seq DESC LIMIT 1", ("$t", target), ("$a", action)) as string;

        public bool HasActedAs(string osAccount, string principal, string otherSpelling) =>
            _session.Scalar(
                "SELECT 1 FROM audit_event WHERE (principal = $p COLLATE NOCASE OR principal = $q COLLATE NOCASE) AND os_account = $os COLLATE NOCASE LIMIT 1",
                ("$p", principal), ("$q", otherSpelling), ("$os", osAccount)) != null;
    }
}
