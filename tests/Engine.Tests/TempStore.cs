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

        /// <summary>Runs raw SQL on the database file, as someone with file access could (for tampering tests).</summary>
        public void Sql(string sql)
        {
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

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(Folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
