using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// One change in progress: its transaction, the acting principal and the moment it happens. Rules are
    /// checked and the audit event is written through it, so both share the change's transaction.
    /// </summary>
    public sealed class ChangeContext
    {
        internal ChangeContext(RecordingStore store, SqliteConnection connection, SqliteTransaction transaction, DateTimeOffset now)
        {
            Store = store;
            Connection = connection;
            Transaction = transaction;
            Now = now;
        }

        public RecordingStore Store { get; }
        internal SqliteConnection Connection { get; }
        internal SqliteTransaction Transaction { get; }
        public DateTimeOffset Now { get; }
        public string Principal => Store.Identity;
        /// <summary>The operating-system account this change runs under (recorded on its audit event).</summary>
        public string OsAccount => Store.OsAccount;

        internal int Execute(string sql, params (string Name, object Value)[] parameters) =>
            PolicyDb.Execute(Connection, Transaction, sql, parameters);

        internal object Scalar(string sql, params (string Name, object Value)[] parameters) =>
            PolicyDb.Scalar(Connection, Transaction, sql, parameters);

        internal SqliteCommand Command(string sql, params (string Name, object Value)[] parameters) =>
            PolicyDb.Command(Connection, Transaction, sql, parameters);

        private readonly AuditChain.Head _head = new AuditChain.Head();

        /// <summary>Appends one audit event in this change's transaction (the chain's head is kept between appends, since the write lock is held).</summary>
        public AuditEvent Audit(string action, string targetType, string target, IDictionary<string, object> details = null) =>
            AuditChain.Append(Connection, Transaction, Store.StoreId, Now, Principal, Store.OsAccount, action, targetType, target, details, _head);

        /// <summary>Refuses the change unless the acting principal holds <paramref name="role"/> (for the area, where given).</summary>
        public void Require(RecordingRole role, string doing, string serviceAreaId = null, string serviceAreaName = null, string clause = null)
        {
            if (!RoleRegister.Holds(Connection, Transaction, Principal, role, serviceAreaId))
            {
                throw RoleRegister.Denied(Principal, new[] { role }, doing, serviceAreaName, clause);
            }
        }

        /// <summary>Refuses the change unless the acting principal holds at least one of <paramref name="roles"/>.</summary>
        public void RequireAny(string doing, string serviceAreaId, string serviceAreaName, params RecordingRole[] roles)
        {
            foreach (var role in roles)
            {
                if (RoleRegister.Holds(Connection, Transaction, Principal, role, serviceAreaId))
                {
                    return;
                }
            }
            throw RoleRegister.Denied(Principal, roles, doing, serviceAreaName, null);
        }
    }
}
