using System;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using Xunit;

namespace Engine.Tests
{
    /// <summary>Clause 2.5's retention rules as plain facts, and the database's SQL form of them agreeing with the rule on a real store.</summary>
    public class RetentionRulesTests
    {
        private static readonly DateTimeOffset T = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

        [Fact]
        public void A_recording_expires_at_its_expiry_not_a_moment_before()
        {
            Assert.False(RetentionRules.IsExpired("Active", T, T.AddTicks(-1)));
            Assert.True(RetentionRules.IsExpired("Active", T, T));
            Assert.True(RetentionRules.IsExpired("Active", T, T.AddDays(1)));
        }

        [Theory]
        [InlineData("PendingDelete")]
        [InlineData("Deleted")]
        [InlineData("Extracted")]
        public void Only_an_active_recording_can_expire(string state)
        {
            Assert.False(RetentionRules.IsExpired(state, T.AddDays(-10), T));
            Assert.False(RetentionRules.IsDue(state, T.AddDays(-10), false, T));
        }

        [Fact]
        public void An_expired_recording_is_due_unless_it_is_on_hold()
        {
            Assert.True(RetentionRules.IsDue("Active", T.AddDays(-1), false, T));
            Assert.False(RetentionRules.IsDue("Active", T.AddDays(-1), true, T));
            Assert.False(RetentionRules.IsDue("Active", T.AddDays(1), false, T));
        }

        [Fact]
        public void Any_unreleased_hold_keeps_a_recording()
        {
            Assert.False(RetentionRules.IsOnHold(0));
            Assert.True(RetentionRules.IsOnHold(1));
            Assert.True(RetentionRules.IsOnHold(3));
        }

        [Fact]
        public void A_held_recording_may_not_be_deleted_and_the_refusal_names_the_case_and_clause()
        {
            RetentionRules.RequireNotHeld("rec-1", null);
            var e = Assert.Throws<PolicyException>(() => RetentionRules.RequireNotHeld("rec-1", "CASE-9"));
            Assert.Equal("RecordingOnLegalHold", e.ErrorId);
            Assert.Equal("2.5", e.Clause);
            Assert.Contains("CASE-9", e.Message);
            Assert.Equal("rec-1", e.Target);
        }

        [Fact]
        public void A_hold_past_its_retain_until_date_or_without_one_is_reported_until_released()
        {
            Assert.True(RetentionRules.HoldPastRetainUntil(T.AddDays(-1), null, T));
            Assert.True(RetentionRules.HoldPastRetainUntil(T, null, T));
            Assert.False(RetentionRules.HoldPastRetainUntil(T.AddDays(1), null, T));
            Assert.False(RetentionRules.HoldPastRetainUntil(T.AddDays(-1), T.AddDays(-2), T));
            Assert.True(RetentionRules.HoldWithoutRetention(null, null));
            Assert.False(RetentionRules.HoldWithoutRetention(null, T));
            Assert.False(RetentionRules.HoldWithoutRetention(T, null));
        }

        /// <summary>
        /// The SQL the database layer writes from the rule (Get-Recording -Expired/-OnHold, the purge's counts) picks
        /// exactly the recordings the in-memory rule calls due, on held, released-hold, expired and fresh recordings.
        /// </summary>
        [Fact]
        public void The_databases_on_hold_and_due_filters_agree_with_the_rule()
        {
            using (var f = new RecordingFixture())
            {
                var store = f.T.Store;
                var now = f.T.Clock.UtcNow;
                var old = f.ImportWhenRecorded("old", now.AddDays(-100));
                var held = f.ImportWhenRecorded("held", now.AddDays(-100));
                var released = f.ImportWhenRecorded("released", now.AddDays(-100));
                var heldFresh = f.Import("held-fresh", now.AddDays(-5));
                f.Import("fresh", now.AddDays(-10));
                var hold = store.Holds.Create("CASE-1", HoldKind.Complaint, "complaint", null, null);
                store.Holds.Add(hold.HoldId, held.RecordingId);
                store.Holds.Add(hold.HoldId, heldFresh.RecordingId);
                var gone = store.Holds.Create("CASE-2", HoldKind.Complaint, "complaint", null, null);
                store.Holds.Add(gone.HoldId, released.RecordingId);
                store.Holds.RequestRelease(gone.HoldId, "case closed");
                f.T.WithRole("second@uni.test", RecordingRole.Administrator).Holds.ConfirmRelease(gone.HoldId);

                var all = store.Recordings.Get(new RecordingQuery()).ToList();
                Assert.Equal(5, all.Count);
                var dueByRule = all.Where(r => RetentionRules.IsDue(r.State.ToString(), r.ExpiresAt, r.OnHold, now)).Select(r => r.CallId).OrderBy(x => x).ToList();
                Assert.Equal(new[] { "old", "released" }, dueByRule);
                var heldByRule = all.Where(r => r.OnHold).Select(r => r.CallId).OrderBy(x => x).ToList();
                Assert.Equal(new[] { "held", "held-fresh" }, heldByRule);

                var dueBySql = store.Recordings.Get(new RecordingQuery { Expired = true, OnHold = false }).Select(r => r.CallId).OrderBy(x => x).ToList();
                Assert.Equal(dueByRule, dueBySql);
                var heldBySql = store.Recordings.Get(new RecordingQuery { OnHold = true }).Select(r => r.CallId).OrderBy(x => x).ToList();
                Assert.Equal(heldByRule, heldBySql);

                var forecast = store.Purge.Run(null, null, null, forecast: true).Single(s => s.ServiceArea == "IT Service Desk");
                Assert.Equal(all.Count(r => RetentionRules.IsExpired(r.State.ToString(), r.ExpiresAt, now)), forecast.Candidates);
                Assert.Equal(all.Count(r => RetentionRules.IsExpired(r.State.ToString(), r.ExpiresAt, now) && r.OnHold), forecast.SkippedOnHold);
                Assert.Equal(dueByRule.Count, forecast.Purged);
            }
        }

        /// <summary>
        /// A purge forecast (-WhatIf, or a future -AsOf) only reads: its role check and its counts run in a read session, so
        /// it answers while another process holds the write lock (a running purge or import), instead of queueing behind it.
        /// </summary>
        [Fact]
        public void A_purge_forecast_answers_while_another_process_holds_the_write_lock()
        {
            using (var f = new RecordingFixture())
            {
                var store = f.T.Store;
                f.ImportWhenRecorded("old", f.T.Clock.UtcNow.AddDays(-100));
                using (var holder = new SqliteConnection("Data Source=" + store.DatabasePath + ";Pooling=False"))
                {
                    holder.Open();
                    using (var lockTx = holder.BeginTransaction(deferred: false)) // BEGIN IMMEDIATE: what a running purge holds
                    {
                        long candidates = -1;
                        Exception failure = null;
                        var forecaster = new Thread(() =>
                        {
                            try
                            {
                                candidates = store.Purge.Run(null, null, null, forecast: true).Single(s => s.ServiceArea == "IT Service Desk").Candidates;
                            }
                            catch (Exception e)
                            {
                                failure = e;
                            }
                        });
                        forecaster.Start();
                        var finished = forecaster.Join(TimeSpan.FromSeconds(30));
                        Assert.True(finished, "the purge forecast waited for another process's write lock");
                        Assert.Null(failure);
                        Assert.Equal(1, candidates);
                        lockTx.Rollback();
                    }
                }
            }
        }
    }
}
