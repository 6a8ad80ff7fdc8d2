using System;
using System.Collections.Generic;
using System.Data;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// The SQLite policy database of one store: opens connections with the pragmas every one needs, runs
    /// each change in one IMMEDIATE transaction (so two runbooks queue instead of failing), applies the
    /// forward-only migrations, and streams query results. The only code, with the rest of this folder,
    /// that knows SQLite (issue 10); the engine sees it as <see cref="IPolicyDatabase"/>.
    /// </summary>
    public sealed partial class SqliteDatabase : IPolicyDatabase
    {
        /// <summary>How long a writer waits for another process's transaction before it gives up.</summary>
        public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(120);

        private readonly string _connectionString;

        public SqliteDatabase(string path) : this(path, false) { }

        /// <summary>A database opened read-only (a backup being verified): nothing can be written through it.</summary>
        public SqliteDatabase(string path, bool readOnly)
        {
            Path = path;
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
                Cache = SqliteCacheMode.Private,
                // No connection outlives the call that opened it. On Linux and macOS SQLite's locks are POSIX fcntl locks,
                // which belong to the process: closing ANY descriptor of policy.db (Get-FileHash, Copy-Item) drops them, and a
                // pooled connection idling between cmdlets then no longer counts as a reader or writer. The next SQLite client
                // believes it is the last one, checkpoints and unlinks -wal/-shm, and the idle connection goes on in an
                // unlinked WAL (issue 9, section 1; SQLite's "How To Corrupt An SQLite Database File", 2.2).
                Pooling = false,
                DefaultTimeout = (int)LockWait.TotalSeconds,
            }.ToString();
        }

        public string Path { get; }

        // The connection scope (BeginScope): while one is open, Read, Write and Query return their connection here
        // instead of closing it, and the next of them takes it up again, so a cmdlet call opens the database once.
        private readonly object _gate = new object();
        private int _scopes;
        private SqliteConnection _idle;

        /// <summary>
        /// Lets the Read, Write and Query calls made until the returned scope is disposed share one connection, one at a
        /// time (a call made while another holds it, say a write while a query streams, opens its own, as without a scope).
        /// Disposing the last open scope closes that connection: it never outlives the scope (a cmdlet call).
        /// </summary>
        public IDisposable BeginScope()
        {
            lock (_gate) _scopes++;
            return new Scope(this);
        }

        private sealed class Scope : IDisposable
        {
            private SqliteDatabase _db;
            public Scope(SqliteDatabase db) { _db = db; }

            public void Dispose()
            {
                var db = System.Threading.Interlocked.Exchange(ref _db, null);
                if (db == null) return;
                SqliteConnection close = null;
                lock (db._gate)
                {
                    if (--db._scopes == 0)
                    {
                        close = db._idle;
                        db._idle = null;
                    }
                }
                close?.Dispose();
            }
        }

        /// <summary>The scope's idle connection if there is one, else a new connection.</summary>
        internal SqliteConnection Acquire()
        {
            lock (_gate)
            {
                var idle = _idle;
                _idle = null;
                if (idle != null) return idle;
            }
            return Open();
        }

        /// <summary>Gives a connection back after a call that ended cleanly: kept for the next call while a scope is open, else closed.</summary>
        internal void Release(SqliteConnection connection)
        {
            lock (_gate)
            {
                if (_scopes > 0 && _idle == null && connection.State == ConnectionState.Open)
                {
                    _idle = connection;
                    return;
                }
            }
            connection.Dispose();
        }

        internal static void CreateFile(string path)
        {
            var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
            using (var c = new SqliteConnection(cs))
            {
                c.Open();
                Execute(c, null, "PRAGMA journal_mode=WAL;");
            }
        }

        internal SqliteConnection Open()
        {
            var connection = new SqliteConnection(_connectionString);
            try
            {
                connection.Open();
                Execute(connection, null, "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=" + (int)LockWait.TotalMilliseconds + ";");
                return connection;
            }
            catch (SqliteException e)
            {
                connection.Dispose();
                throw Translate(e);
            }
        }

        /// <summary>Runs <paramref name="work"/> in one IMMEDIATE transaction: all of it is committed, or none.</summary>
        internal T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
        {
            var connection = Acquire();
            var clean = false;
            try
            {
                SqliteTransaction tx;
                try
                {
                    tx = connection.BeginTransaction(IsolationLevel.Serializable, deferred: false);
                }
                catch (SqliteException e)
                {
                    throw Translate(e);
                }
                T result;
                using (tx)
                {
                    try
                    {
                        result = work(connection, tx);
                        tx.Commit();
                    }
                    catch (SqliteException e)
                    {
                        throw Translate(e);
                    }
                }
                clean = true;
                return result;
            }
            finally
            {
                // A call that failed closes its connection, whatever state the failure left it in.
                if (clean) Release(connection); else connection.Dispose();
            }
        }

        internal void Write(Action<SqliteConnection, SqliteTransaction> work) =>
            Write<object>((c, t) => { work(c, t); return null; });

        internal T Read<T>(Func<SqliteConnection, T> work)
        {
            var connection = Acquire();
            var clean = false;
            try
            {
                var result = work(connection);
                clean = true;
                return result;
            }
            catch (SqliteException e)
            {
                throw Translate(e);
            }
            finally
            {
                if (clean) Release(connection); else connection.Dispose();
            }
        }

        /// <summary>Streams rows: one connection stays open while the caller enumerates, nothing is buffered.</summary>
        internal IEnumerable<T> Query<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> map)
        {
            var connection = Acquire();
            var clean = false;
            try
            {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = sql;
                bind?.Invoke(command);
                SqliteDataReader reader;
                try
                {
                    reader = command.ExecuteReader();
                }
                catch (SqliteException e)
                {
                    throw Translate(e);
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
                            throw Translate(e);
                        }
                        if (!more)
                        {
                            break;
                        }
                        yield return map(reader);
                    }
                }
            }
            clean = true;
            }
            finally
            {
                // Runs when the enumeration ends, fails, or is abandoned (a stopped pipeline disposes the enumerator):
                // only a query read to its end gives its connection back to the scope.
                if (clean) Release(connection); else connection.Dispose();
            }
        }

        internal static int Execute(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
        {
            using (var command = Command(connection, tx, sql, parameters))
            {
                return command.ExecuteNonQuery();
            }
        }

        internal static object Scalar(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
        {
            using (var command = Command(connection, tx, sql, parameters))
            {
                var value = command.ExecuteScalar();
                return value is DBNull ? null : value;
            }
        }

        internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
            return command;
        }

        internal static Exception Translate(SqliteException e) => SqliteErrors.Translate(e);
    }
}
