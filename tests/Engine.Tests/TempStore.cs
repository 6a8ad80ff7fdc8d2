using System;
using System.IO;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace Engine.Tests
{
    /// <summary>A real store in a fresh temporary folder, deleted afterwards; its clock is fixed and can be moved.</summary>
    public sealed class TempStore : IDisposable
    {
        public const string Admin = "admin@uni.test";

        public TempStore(DateTimeOffset? now = null, bool sharedOsAccount = true)
        {
            Folder = Path.Combine(Path.GetTempPath(), "crs-tests-" + Guid.NewGuid().ToString("N"));
            Clock = new FixedClock(now ?? new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
            // one operating-system account plays every person in these tests (sharedOsAccount); SeparationOfDutiesTests use a store without it
            Store = RecordingStore.Create(Path.Combine(Folder, "store"), Admin, null, Clock, sharedOsAccount);
        }

        public string Folder { get; }
        public FixedClock Clock { get; }
        public RecordingStore Store { get; }

        public RecordingStore As(string identity) => Store.As(identity);

        /// <summary>Gives <paramref name="principal"/> a role and returns the store acting as them.</summary>
        public RecordingStore WithRole(string principal, RecordingRole role, string area = null)
        {
            Store.Roles.Add(principal, role, area);
            return Store.As(principal);
        }

        /// <summary>
        /// Runs SQL on the database file as a module transaction would (sealed into the row ledger), to set up a state the
        /// module itself could have left (an interrupted purge, a row from an older version). Tampering tests use <see cref="RawSql"/>.
        /// </summary>
        public void Sql(string sql) => CallRecordingAdmin.Engine.PolicyDatabase.Sqlite.SqliteLedger.ExecuteAsModule(Store.DatabasePath, sql);

        /// <summary>True once <see cref="RawSql"/> changed the file behind the module's back: Dispose then skips its ledger self-check.</summary>
        public bool Tampered { get; private set; }

        /// <summary>Runs raw SQL on the database file, as someone with file access could with the sqlite3 shell (for tampering tests).</summary>
        public void RawSql(string sql)
        {
            Tampered = true;
            using (var c = new SqliteConnection("Data Source=" + Store.DatabasePath + ";Pooling=False"))
            {
                c.Open();
                using (var cmd = c.CreateCommand())
                {
                    cmd.CommandText = sql;
                    cmd.ExecuteNonQuery();
                }
            }
        }

        /// <summary>The row ledger's state check of this store (every change the module made must pass it).</summary>
        public CallRecordingAdmin.Engine.Audit.LedgerReport Ledger() => CallRecordingAdmin.Engine.Audit.LedgerCheck.Verify(Store);

        public void Dispose()
        {
            // Every store a test builds through the module must pass the row ledger's state check (issue 11): a change the
            // module makes is never reported as made outside it. A store tampered with RawSql is exempt.
            var findings = Tampered || !System.IO.File.Exists(Store.DatabasePath) ? null : SafeLedger();
            if (findings != null && findings.Count > 0)
            {
                SqliteConnection.ClearAllPools();
                try { Directory.Delete(Folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw new InvalidOperationException("The row ledger reports a change the module made: " + string.Join(" | ", findings));
            }

            SqliteConnection.ClearAllPools();
            try { Directory.Delete(Folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private System.Collections.Generic.List<string> SafeLedger()
        {
            try
            {
                return Ledger().Findings.ConvertAll(f => f.Message);
            }
            catch (CallRecordingAdmin.Engine.Policy.PolicyException)
            {
                return null; // a store a test left unreadable on purpose (corrupted, wrong key folder)
            }
        }
    }
}
