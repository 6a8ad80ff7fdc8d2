using System;
using System.Collections.Generic;
using System.Data;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Compliance;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.SubjectAccess;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// A read session on the SQLite policy database: its own connection (closed with the session) in a
    /// deferred transaction, so every statement sees one snapshot and no write lock is taken (in WAL mode a
    /// reader never waits for a writer). Repositories run their SQL through it. Inside a connection scope
    /// (RecordingStore.BeginConnectionScope) the session takes the scope's connection and gives it back when it
    /// ends cleanly; one that failed closes its connection, as the scope's other calls do.
    /// </summary>
    internal class SqliteSession : IPolicySession
    {
        private IAuditRepository _audit;
        private bool _failed;

        internal SqliteSession(SqliteDatabase database) : this(database, write: false) { }

        protected SqliteSession(SqliteDatabase database, bool write)
        {
            Database = database;
            CanWrite = write;
            Connection = database.Acquire();
            try
            {
                // deferred: no lock until the first read (a shared one); IMMEDIATE: the write lock now, waiting up to the lock wait.
                Transaction = Connection.BeginTransaction(IsolationLevel.Serializable, deferred: !write);
            }
            catch (SqliteException e)
            {
                Connection.Dispose();
                throw SqliteErrors.Translate(e);
            }
            catch
            {
                Connection.Dispose();
                throw;
            }
        }

        internal SqliteDatabase Database { get; }
        internal SqliteConnection Connection { get; }
        internal SqliteTransaction Transaction { get; }
        /// <summary>True for a write session (the write lock is held).</summary>
        internal bool CanWrite { get; }
        /// <summary>Set by a write session's successful commit.</summary>
        protected bool Committed { get; set; }

        /// <summary>The session saw an error: its connection is closed at the end, never given back to a scope.</summary>
        internal void MarkFailed() => _failed = true;

        public IServiceAreaRepository ServiceAreas => new SqliteServiceAreaRepository(this);
        public IExtensionRepository Extensions => new SqliteExtensionRepository(this);
        public IRequestRepository Requests => new SqliteRequestRepository(this);
        public IRoleRepository Roles => new SqliteRoleRepository(this);
        public IRecordingRepository Recordings => new SqliteRecordingRepository(this);
        public IGrantRepository Grants => new SqliteGrantRepository(this);
        public IAccessLogRepository AccessLog => new SqliteAccessLogRepository(this);
        public IHoldRepository Holds => new SqliteHoldRepository(this);
        public IInvestigationRepository Investigations => new SqliteInvestigationRepository(this);
        public ISubjectAccessRepository SubjectAccess => new SqliteSubjectAccessRepository(this);
        /// <summary>One per session: it keeps the chain's head between appends of one transaction.</summary>
        public IAuditRepository Audit => _audit ?? (_audit = new SqliteAuditRepository(this));
        public Store.IStoreHealthRepository Health => new SqliteStoreHealth(this);
        public Directories.IDirectoryRepository Directory => new SqliteDirectoryRepository(this);
        public INoticeRepository Notices => new SqliteNoticeRepository(this);
        public IComplianceRepository Compliance => new SqliteComplianceRepository(this);

        /// <summary>Refuses a write through a read session (a programming error, not a policy refusal).</summary>
        internal void RequireWrite(string what)
        {
            if (!CanWrite)
            {
                throw new InvalidOperationException(what + " needs a write session (IPolicyDatabase.Write), not a read session.");
            }
        }

        internal int Execute(string sql, params (string Name, object Value)[] parameters)
        {
            try
            {
                return SqliteDatabase.Execute(Connection, Transaction, sql, parameters);
            }
            catch (SqliteException e)
            {
                _failed = true;
                throw SqliteErrors.Translate(e);
            }
        }

        internal object Scalar(string sql, params (string Name, object Value)[] parameters)
        {
            try
            {
                return SqliteDatabase.Scalar(Connection, Transaction, sql, parameters);
            }
            catch (SqliteException e)
            {
                _failed = true;
                throw SqliteErrors.Translate(e);
            }
        }

        internal SqliteCommand Command(string sql, params (string Name, object Value)[] parameters) =>
            SqliteDatabase.Command(Connection, Transaction, sql, parameters);

        /// <summary>Rows of one query within this session, read as the caller enumerates.</summary>
        internal IEnumerable<T> Query<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object Value)[] parameters)
        {
            using (var command = Command(sql, parameters))
            {
                SqliteDataReader reader;
                try
                {
                    reader = command.ExecuteReader();
                }
                catch (SqliteException e)
                {
                    _failed = true;
                    throw SqliteErrors.Translate(e);
                }
                using (reader)
                {
                    while (true)
                    {
                        bool more;
                        try
                        {
                            more = reader.Read();
                        }
                        catch (SqliteException e)
                        {
                            _failed = true;
                            throw SqliteErrors.Translate(e);
                        }
                        if (!more) yield break;
                        yield return map(reader);
                    }
                }
            }
        }

        public void Dispose()
        {
            // A read session has nothing to commit; a write session not committed is rolled back here.
            var clean = !_failed && (!CanWrite || Committed);
            try
            {
                Transaction.Dispose();
            }
            catch
            {
                clean = false;
                throw;
            }
            finally
            {
                if (clean) Database.Release(Connection); else Connection.Dispose();
            }
        }
    }
}
