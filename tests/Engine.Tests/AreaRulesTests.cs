using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.ServiceAreas;
using Xunit;

namespace Engine.Tests
{
    /// <summary>Clauses 2.1/2.2 as plain facts: which window authorises a moment, and what a -ServiceArea value selects.</summary>
    public class AreaRulesTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        private static AuthorisationWindow W(string id, int fromDay, int? untilDay = null, int? stoppedDay = null) =>
            new AuthorisationWindow(id, T0.AddDays(fromDay), untilDay.HasValue ? T0.AddDays(untilDay.Value) : (DateTimeOffset?)null,
                stoppedDay.HasValue ? T0.AddDays(stoppedDay.Value) : (DateTimeOffset?)null);

        [Fact]
        public void A_window_covers_from_its_effective_date_up_to_but_not_including_its_end_or_stop()
        {
            var w = W("a", 10, 20);
            Assert.False(AreaRules.Covers(w, T0.AddDays(10).AddTicks(-1)));
            Assert.True(AreaRules.Covers(w, T0.AddDays(10)));
            Assert.True(AreaRules.Covers(w, T0.AddDays(20).AddTicks(-1)));
            Assert.False(AreaRules.Covers(w, T0.AddDays(20)));

            var stopped = W("s", 10, 20, stoppedDay: 15);
            Assert.True(AreaRules.Covers(stopped, T0.AddDays(14)));     // a call made before the stop stays authorised
            Assert.False(AreaRules.Covers(stopped, T0.AddDays(15)));
            Assert.True(AreaRules.Covers(W("open", 10), T0.AddYears(5))); // open-ended
        }

        [Fact]
        public void An_end_is_outside_the_authorisation_and_a_request_expires_at_the_same_moment_its_window_stops_covering()
        {
            var end = T0.AddDays(20);
            Assert.False(AreaRules.HasEnded(null, end));
            Assert.False(AreaRules.HasEnded(end, end.AddTicks(-1)));
            Assert.True(AreaRules.HasEnded(end, end));
            var w = W("a", 0, 20);
            foreach (var at in new[] { end.AddTicks(-1), end, end.AddTicks(1) })
            {
                var expired = CallRecordingAdmin.Engine.RecordingRequests.RequestRules.StatusAt(CallRecordingAdmin.Engine.RecordingRequests.RequestStatus.Approved, end, at)
                              == CallRecordingAdmin.Engine.RecordingRequests.RequestStatus.Expired;
                Assert.Equal(!AreaRules.Covers(w, at), expired);
            }
        }

        [Fact]
        public void The_authorising_request_is_the_first_covering_window_and_none_outside_every_window()
        {
            var windows = new[] { W("a", 0, 10), W("b", 5, 30), W("c", 40) };
            Assert.Equal("a", AreaRules.AuthorisingRequest(windows, T0.AddDays(6)));
            Assert.Equal("b", AreaRules.AuthorisingRequest(windows, T0.AddDays(12)));
            Assert.Null(AreaRules.AuthorisingRequest(windows, T0.AddDays(35)));
            Assert.Null(AreaRules.AuthorisingRequest(windows, T0.AddDays(-1)));
            Assert.Null(AreaRules.AuthorisingRequest(null, T0));
        }

        [Fact]
        public void The_longest_authorisation_prefers_an_open_ended_window_then_the_latest_end()
        {
            var at = T0.AddDays(6);
            Assert.Equal("b", AreaRules.LongestAuthorisation(new[] { W("a", 0, 10), W("b", 5, 30) }, at)?.RequestId);
            Assert.Equal("open", AreaRules.LongestAuthorisation(new[] { W("a", 0, 10), W("open", 5), W("b", 5, 300) }, at)?.RequestId);
            Assert.Equal("a", AreaRules.LongestAuthorisation(new[] { W("a", 0, 10), W("later", 8, 400) }, at)?.RequestId); // not yet in effect
            Assert.Null(AreaRules.LongestAuthorisation(new[] { W("stopped", 0, null, stoppedDay: 5) }, at));
            Assert.Equal(T0.AddDays(30), AreaRules.LongestAuthorisation(new[] { W("b", 5, 30) }, at)?.Until);
        }

        [Fact]
        public void Longest_and_first_authorisation_agree_on_whether_a_moment_is_authorised()
        {
            var windows = new[] { W("a", 0, 10), W("b", 5, 30, stoppedDay: 20), W("c", 25, 26), W("d", 50) };
            for (var day = -3; day < 60; day++)
            {
                var t = T0.AddDays(day).AddHours(7);
                Assert.Equal(AreaRules.AuthorisingRequest(windows, t) != null, AreaRules.LongestAuthorisation(windows, t).HasValue);
            }
        }

        [Theory]
        [InlineData("Fundraising", "area-1", "Fundraising", true)]
        [InlineData("fundRAISING", "area-1", "Fundraising", true)]
        [InlineData(" Fundraising ", "area-1", "Fundraising", true)]
        [InlineData("area-1", "area-1", "Fundraising", true)]
        [InlineData("AREA-1", "area-1", "Fundraising", false)]          // ids are exact
        [InlineData("Fund*", "area-1", "Fundraising", true)]
        [InlineData("*RAIS*", "area-1", "Fundraising", true)]
        [InlineData("F?ndraising", "area-1", "Fundraising", true)]
        [InlineData("F?draising", "area-1", "Fundraising", false)]
        [InlineData("area-*", "area-1", "Fundraising", false)]          // a wildcard matches names only
        [InlineData("Fund", "area-1", "Fundraising", false)]
        [InlineData("   ", "area-1", "Fundraising", false)]            // only spaces selects nothing
        [InlineData("Études", "area-2", "études", false)]               // case is folded for ASCII letters only, as SQL NOCASE does
        public void An_area_selector_matches_a_name_in_any_case_an_exact_id_or_a_wildcard_over_names(string value, string id, string name, bool selected)
        {
            Assert.Equal(selected, AreaSelector.Parse(value).Matches(id, name));
        }

        [Fact]
        public void An_empty_area_selector_is_no_filter()
        {
            Assert.Null(AreaSelector.Parse(null));
            Assert.Null(AreaSelector.Parse(""));
            Assert.True(AreaSelector.Parse("a*").IsPattern);
            Assert.False(AreaSelector.Parse("a").IsPattern);
        }

        [Fact]
        public void The_databases_area_filter_selects_the_same_areas_as_the_rule()
        {
            using (var t = new TempStore())
            {
                var names = new[] { "Fundraising", "Fund_2", "Fund%Office", "Student Records", "IT Service Desk", "Études", "a\\b" };
                foreach (var n in names) t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = n, Retention = RetentionPeriod.FromMonths(6) });
                var areas = t.Store.ServiceAreas.Get().ToList();
                var values = new List<string> { "fund*", "FUND_2", "Fund_*", "Fund%*", "*%*", "*_*", "?und*", "student records", "*Desk", "études", "ÉTUDES", "É*", "a\\b", "a\\*", "*", "nothing", "   " };
                values.AddRange(areas.Select(a => a.Id));
                foreach (var v in values)
                {
                    var selector = AreaSelector.Parse(v);
                    var byRule = areas.Where(a => selector.Matches(a.Id, a.Name)).Select(a => a.Id).OrderBy(x => x).ToList();
                    var bySql = t.Store.Database.Read(db => db.ServiceAreas.Resolve(selector)).OrderBy(x => x).ToList();
                    Assert.True(byRule.SequenceEqual(bySql), "'" + v + "': rule " + string.Join(",", byRule) + " / SQL " + string.Join(",", bySql));
                    var listed = t.Store.ServiceAreas.Get(new[] { v }).Select(a => a.Id).OrderBy(x => x).ToList();
                    Assert.Equal(byRule, listed);
                }
            }
        }
    }
}
