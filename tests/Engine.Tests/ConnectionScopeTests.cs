using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.Roles;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// A cmdlet's engine calls share one connection (RecordingStore.BeginConnectionScope) and it closes with the scope.
    /// SQLite deletes policy.db-wal when the last connection to the database closes, so the file's presence shows
    /// whether a connection is still open.
    /// </summary>
    public class ConnectionScopeTests
    {
        private static bool Open(TempStore t) => File.Exists(t.Store.DatabasePath + "-wal");

        [Fact]
        public void Without_a_scope_no_connection_outlives_the_call()
        {
            using (var t = new TempStore())
            {
                Assert.NotEmpty(t.Store.Roles.Get().ToList());
                Assert.False(Open(t));
            }
        }

        [Fact]
        public void A_scope_keeps_one_connection_for_its_calls_and_closes_it_when_disposed()
        {
            using (var t = new TempStore())
            {
                using (t.Store.BeginConnectionScope())
                {
                    t.Store.Roles.Add("auditor@uni.test", RecordingRole.Auditor, null);
                    Assert.True(Open(t));
                    Assert.Contains(t.Store.Roles.Get("auditor@uni.test"), r => r.Role == RecordingRole.Auditor);
                }
                Assert.False(Open(t));
                Assert.Contains(t.Store.Roles.Get("auditor@uni.test"), r => r.Role == RecordingRole.Auditor);
            }
        }

        [Fact]
        public void A_write_while_a_query_streams_in_the_same_scope_uses_its_own_connection()
        {
            using (var t = new TempStore())
            {
                t.Store.Roles.Add("a@uni.test", RecordingRole.Auditor, null);
                t.Store.Roles.Add("b@uni.test", RecordingRole.Auditor, null);
                using (t.Store.BeginConnectionScope())
                {
                    var seen = 0;
                    foreach (var role in t.Store.Roles.Get(role: RecordingRole.Auditor))
                    {
                        seen++;
                        t.Store.Roles.Add("copy-" + seen + "@uni.test", RecordingRole.DataProtectionOfficer, null);
                    }
                    Assert.Equal(2, seen);
                    Assert.Equal(2, t.Store.Roles.Get(role: RecordingRole.DataProtectionOfficer).Count());
                }
                Assert.False(Open(t));
            }
        }

        [Fact]
        public void A_query_abandoned_part_way_closes_with_the_scope()
        {
            using (var t = new TempStore())
            {
                t.Store.Roles.Add("a@uni.test", RecordingRole.Auditor, null);
                t.Store.Roles.Add("b@uni.test", RecordingRole.Auditor, null);
                using (t.Store.BeginConnectionScope())
                {
                    Assert.NotNull(t.Store.Roles.Get().First());
                    Assert.NotEmpty(t.Store.Roles.Get().ToList());
                }
                Assert.False(Open(t));
            }
        }
    }
}
