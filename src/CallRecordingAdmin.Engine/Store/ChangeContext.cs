using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
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
        internal ChangeContext(RecordingStore store, IPolicyTransaction db, DateTimeOffset now)
        {
            Store = store;
            Db = db;
            Now = now;
        }

        public RecordingStore Store { get; }
        /// <summary>The change's transaction: every repository, in one write session.</summary>
        internal IPolicyTransaction Db { get; }
        public DateTimeOffset Now { get; }
        public string Principal => Store.Identity;
        /// <summary>The operating-system account this change runs under (recorded on its audit event).</summary>
        public string OsAccount => Store.OsAccount;

        // The SQLite connection and transaction under Db, for code whose SQL has not yet moved behind a repository
        // (issue 10 P1–P3 move it; P5 removes these shims). They run exactly as before: no error translation here,
        // the change's boundary (RecordingStore.Change/Access) translates.
        private SqliteSession Sqlite => (SqliteSession)Db;

        [Obsolete("Issue 10 P5 removes ChangeContext.Connection: use ctx.Db's repositories.")]
        internal SqliteConnection Connection => Sqlite.Connection;

        [Obsolete("Issue 10 P5 removes ChangeContext.Transaction: use ctx.Db's repositories.")]
        internal SqliteTransaction Transaction => Sqlite.Transaction;

        [Obsolete("Issue 10 P5 removes ChangeContext.Execute: move the SQL into a Sqlite*Repository.")]
        internal int Execute(string sql, params (string Name, object Value)[] parameters) =>
            SqliteDatabase.Execute(Sqlite.Connection, Sqlite.Transaction, sql, parameters);

        [Obsolete("Issue 10 P5 removes ChangeContext.Scalar: move the SQL into a Sqlite*Repository.")]
        internal object Scalar(string sql, params (string Name, object Value)[] parameters) =>
            SqliteDatabase.Scalar(Sqlite.Connection, Sqlite.Transaction, sql, parameters);

        [Obsolete("Issue 10 P5 removes ChangeContext.Command: move the SQL into a Sqlite*Repository.")]
        internal SqliteCommand Command(string sql, params (string Name, object Value)[] parameters) =>
            SqliteDatabase.Command(Sqlite.Connection, Sqlite.Transaction, sql, parameters);

        /// <summary>Appends one audit event in this change's transaction (the chain's head is kept between appends, since the write lock is held).</summary>
        public AuditEvent Audit(string action, string targetType, string target, IDictionary<string, object> details = null) =>
            Db.Audit.Append(Store.StoreId, Now, Principal, Store.OsAccount, action, targetType, target, details);

        /// <summary>Refuses the change unless the acting principal holds <paramref name="role"/> (for the area, where given).</summary>
        public void Require(RecordingRole role, string doing, string serviceAreaId = null, string serviceAreaName = null, string clause = null) =>
            RoleCheck.Require(Db.Roles, Principal, role, doing, serviceAreaId, serviceAreaName, clause);

        /// <summary>Refuses the change unless the acting principal holds at least one of <paramref name="roles"/>.</summary>
        public void RequireAny(string doing, string serviceAreaId, string serviceAreaName, params RecordingRole[] roles) =>
            RoleCheck.RequireAny(Db.Roles, Principal, doing, serviceAreaId, serviceAreaName, roles);
    }
}
