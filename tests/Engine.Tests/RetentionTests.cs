using System;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;
using Xunit;

namespace Engine.Tests
{
    public class RetentionTests
    {
        [Theory]
        [InlineData(13, RetentionUnit.Months)]
        [InlineData(400, RetentionUnit.Days)]
        [InlineData(366, RetentionUnit.Days)]
        public void Retention_beyond_12_months_is_refused_naming_clause_2_5(int value, RetentionUnit unit)
        {
            var e = Assert.Throws<PolicyException>(() => RetentionPeriod.Create(value, unit));
            Assert.Equal("RetentionExceedsPolicyMaximum", e.ErrorId);
            Assert.Equal("2.5", e.Clause);
            Assert.StartsWith("Clause 2.5:", e.Message);
        }

        [Theory]
        [InlineData(0, RetentionUnit.Months)]
        [InlineData(-1, RetentionUnit.Days)]
        public void Zero_or_negative_retention_is_refused(int value, RetentionUnit unit)
        {
            Assert.Equal("RetentionNotPositive", Assert.Throws<PolicyException>(() => RetentionPeriod.Create(value, unit)).ErrorId);
        }

        [Theory]
        [InlineData(12, RetentionUnit.Months)]
        [InlineData(365, RetentionUnit.Days)]
        [InlineData(1, RetentionUnit.Days)]
        public void The_largest_periods_the_policy_allows_are_accepted(int value, RetentionUnit unit)
        {
            Assert.Equal(value, RetentionPeriod.Create(value, unit).Value);
        }

        [Theory]
        // 365 days from 1 March 2024 is 1 March 2025: exactly 12 months.
        [InlineData("2024-03-01", 365, "2025-03-01")]
        // Across 29 February 2024, 365 days ends a day before 12 months are up.
        [InlineData("2023-03-01", 365, "2024-02-29")]
        [InlineData("2026-01-31", 30, "2026-03-02")]
        public void Expiry_in_days_never_passes_12_calendar_months(string call, int days, string expected)
        {
            var start = DateTimeOffset.Parse(call + "T10:00:00Z");
            var expiry = RetentionPeriod.FromDays(days).ExpiryOf(start);
            Assert.Equal(DateTimeOffset.Parse(expected + "T10:00:00Z"), expiry);
            Assert.True(expiry <= start.AddMonths(12));
        }

        [Fact]
        public void Expiry_in_months_counts_calendar_months()
        {
            var start = new DateTimeOffset(2026, 8, 31, 12, 0, 0, TimeSpan.Zero);
            Assert.Equal(new DateTimeOffset(2027, 2, 28, 12, 0, 0, TimeSpan.Zero), RetentionPeriod.FromMonths(6).ExpiryOf(start));
        }
    }
}
