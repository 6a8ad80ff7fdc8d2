using System;
using System.Linq;
using System.Threading;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Engine.Tests
{
    /// <summary>The dialect-neutral contracts of the policy database (issue 10): sessions, transactions, read-only checks.</summary>
    public sealed class PolicyDatabaseTests
    {
        [Fact]
        public void A_write_session_commits_only_when_told_and_a_read_session_refuses_writes()
        {
            using (var t = new TempStore())
            {
                var db = t.Store.Database;
                long Events() => t.Store.Audit.Get(new AuditQuery()).LongCount();
                var before = Events();

                using (var tx = db.Write())
                {
                    tx.Audit.Append(t.Store.StoreId, t.Clock.UtcNow, TempStore.Admin, "os", "Probe", "Test", "rolled back", null);
                } // disposed without Commit: rolled back
                Assert.Equal(before, Events()); // reading the log writes nothing, and the rolled-back append left nothing
                var afterRollback = before;

                using (var tx = db.Write())
                {
                    tx.Audit.Append(t.Store.StoreId, t.Clock.UtcNow, TempStore.Admin, "os", "Probe", "Test", "committed", null);
                    tx.Audit.Append(t.Store.StoreId, t.Clock.UtcNow, TempStore.Admin, "os", "Probe", "Test", "committed too", null);
                    tx.Commit();
                }
                Assert.Equal(afterRollback + 2, Events());
                Assert.True(t.Store.Audit.Verify().IsValid); // two appends in one transaction chain onto each other

                using (var read = db.Read())
                {
                    Assert.True(read.Roles.Holds(TempStore.Admin, RecordingRole.Administrator, null));
                    Assert.Throws<InvalidOperationException>(() => read.Audit.Append(t.Store.StoreId, t.Clock.UtcNow, TempStore.Admin, "os", "Probe", "Test", "x", null));
                }
            }
        }

        [Fact]
        public void An_auditor_reads_the_logs_while_another_process_holds_the_write_lock()
        {
            using (var t = new TempStore())
            {
                var auditor = t.WithRole("auditor@uni.test", RecordingRole.Auditor);
                using (var holder = new SqliteConnection("Data Source=" + t.Store.DatabasePath + ";Pooling=False"))
                {
                    holder.Open();
                    using (var lockTx = holder.BeginTransaction(deferred: false)) // BEGIN IMMEDIATE: what a running purge holds
                    {
                        int accessRows = -1, auditRows = -1;
                        Exception failure = null;
                        var reader = new Thread(() =>
                        {
                            try
                            {
                                accessRows = auditor.AccessLog.Get(new AccessLogQuery()).Count();
                                auditRows = auditor.Audit.Get(new AuditQuery()).Count();
                            }
                            catch (Exception e)
                            {
                                failure = e;
                            }
                        });
                        reader.Start();
                        // A role check inside BEGIN IMMEDIATE would wait for the lock (up to two minutes); in a read session it does not wait at all.
                        var finished = reader.Join(TimeSpan.FromSeconds(30));
                        Assert.True(finished, "reading the logs waited for another process's write lock");
                        Assert.Null(failure);
                        Assert.True(auditRows > 0);
                        Assert.True(accessRows >= 0);
                        lockTx.Rollback();
                    }
                }
            }
        }

        [Fact]
        public void A_refused_read_is_logged_in_its_own_write()
        {
            using (var t = new TempStore())
            {
                var stranger = t.As("stranger@uni.test");
                var e = Assert.Throws<PolicyException>(() => stranger.AccessLog.Get(new AccessLogQuery()).ToList());
                Assert.Equal("AccessDenied", e.ErrorId);
                var denied = t.Store.Audit.Get(new AuditQuery { Action = "AccessDenied" }).ToList();
                var one = Assert.Single(denied);
                Assert.Equal("stranger@uni.test", one.Principal);
                Assert.Equal("read the access log", one.Target);
            }
        }
    }
}
