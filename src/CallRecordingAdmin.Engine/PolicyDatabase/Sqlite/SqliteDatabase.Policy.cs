using System;
using System.Collections.Generic;
using System.IO;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>The dialect-neutral face of the SQLite policy database (issue 10): sessions, schema, the store's own facts.</summary>
    public sealed partial class SqliteDatabase
    {
        public string Location => Path;

        /// <summary>Closes every SQLite connection this process holds (Disconnect-RecordingStore). No pool is kept, so normally there is none.</summary>
        public static void CloseConnections() => SqliteConnection.ClearAllPools();

        IPolicySession IPolicyDatabase.Read() => new SqliteSession(this);

        IPolicyTransaction IPolicyDatabase.Write() => new SqliteTransactionSession(this);

        T IPolicyDatabase.Read<T>(Func<IPolicySession, T> work)
        {
            using (var session = new SqliteSession(this))
            {
                try
                {
                    return work(session);
                }
                catch (SqliteException e)
                {
                    session.MarkFailed();
                    throw SqliteErrors.Translate(e);
                }
                catch
                {
                    session.MarkFailed();
                    throw;
                }
            }
        }

        T IPolicyDatabase.Write<T>(Func<IPolicyTransaction, T> work)
        {
            using (var session = new SqliteTransactionSession(this))
            {
                T result;
                try
                {
                    result = work(session);
                }
                catch (SqliteException e)
                {
                    session.MarkFailed();
                    throw SqliteErrors.Translate(e);
                }
                session.Commit();
                return result;
            }
        }

        public int SchemaVersion() => Read(c => Migrations.CurrentVersion(c, null));

        public void Migrate(DateTimeOffset now)
        {
            // A restored backup is a single rollback-journal file: the live store always runs in WAL mode (a no-op when it already does).
            Read(c => Execute(c, null, "PRAGMA journal_mode=WAL;"));
            Write((c, tx) =>
            {
                var hasMeta = Convert.ToInt64(Scalar(c, tx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'")) > 0;
                if (!hasMeta)
                {
                    throw new PolicyException("NotARecordingStore", FailureKind.InvalidData,
                        "'" + Path + "' is a SQLite database but not a CallRecordingAdmin policy database.", System.IO.Path.GetDirectoryName(Path));
                }
                Migrations.Apply(c, tx, now);
            });
        }

        public StoreMeta Meta() => Read(c => ReadMeta(c));

        internal static StoreMeta ReadMeta(SqliteConnection c)
        {
            var meta = new Dictionary<string, string>();
            using (var cmd = Command(c, null, "SELECT key, value FROM store_meta"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) meta[r.GetString(0)] = r.GetString(1);
            }
            return new StoreMeta
            {
                StoreId = meta["store_id"],
                CreatedAt = Timestamp.Parse(meta["created_at"]),
                CreatedBy = meta["created_by"],
                KeyFingerprint = meta.TryGetValue("key_fingerprint", out var fingerprint) ? fingerprint : null,
                KeyPath = meta["key_path"],
                SharedOsAccount = meta.TryGetValue("shared_os_account", out var shared) && shared == "1",
            };
        }

        public IReadOnlyList<SchemaDifference> SchemaDifferences() => SqliteSchema.Differences(this);

        public IReadOnlyList<string> CheckIntegrity() => Read(c =>
        {
            var lines = new List<string>();
            using (var cmd = Command(c, null, "PRAGMA integrity_check"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) lines.Add(r.GetString(0));
            }
            return lines;
        });

        /// <summary>
        /// Makes a new policy database at <paramref name="path"/>: the schema, the store's facts and <paramref name="seed"/>
        /// (the first Administrator and the first audit events) in one transaction, in a file that appears under its
        /// real name only once complete, so a crash part-way leaves no half-made store.
        /// </summary>
        internal static SqliteDatabase Create(string path, StoreMeta meta, DateTimeOffset now, Action<IPolicyTransaction> seed)
        {
            var temp = path + ".creating";
            CreateFile(temp);
            OwnerOnly.Restrict(temp); // SQLite gives -wal and -shm the database file's permissions
            IPolicyDatabase creating = new SqliteDatabase(temp);
            creating.Write(tx =>
            {
                var session = (SqliteSession)tx;
                Migrations.Apply(session.Connection, session.Transaction, now);
                SqliteLedger.Install(session.Connection, session.Transaction); // the new store's first rows are sealed like any other (issue 11)
                foreach (var (k, v) in new[]
                         {
                             ("store_id", meta.StoreId), ("created_at", Timestamp.ToText(meta.CreatedAt)), ("created_by", meta.CreatedBy),
                             ("key_fingerprint", meta.KeyFingerprint), ("key_path", meta.KeyPath ?? ""),
                             ("shared_os_account", meta.SharedOsAccount ? "1" : "0"),
                         })
                {
                    session.Execute("INSERT INTO store_meta(key, value) VALUES ($k, $v)", ("$k", k), ("$v", v));
                }
                seed(tx);
                return 0;
            });
            File.Move(temp, path);
            foreach (var suffix in new[] { "-wal", "-shm" })
            {
                if (File.Exists(temp + suffix)) File.Delete(temp + suffix);
            }
            return new SqliteDatabase(path);
        }
    }
}
