using System;
using CallRecordingAdmin.Engine.Policy;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    public enum RetentionUnit { Days, Months }

    /// <summary>
    /// A local retention period (clause 2.5): a whole number of days or calendar months, never more than
    /// 12 calendar months from the call. 365 days is the most a day count may be, because the shortest
    /// 12-month span has 365 days.
    /// </summary>
    public readonly struct RetentionPeriod
    {
        public const int MaximumMonths = 12;
        public const int MaximumDays = 365;

        private RetentionPeriod(int value, RetentionUnit unit)
        {
            Value = value;
            Unit = unit;
        }

        public int Value { get; }
        public RetentionUnit Unit { get; }

        public static RetentionPeriod FromMonths(int months) => Create(months, RetentionUnit.Months);
        public static RetentionPeriod FromDays(int days) => Create(days, RetentionUnit.Days);

        public static RetentionPeriod Create(int value, RetentionUnit unit)
        {
            if (value <= 0)
            {
                throw new PolicyException("RetentionNotPositive", FailureKind.InvalidArgument,
                    "a retention period must be at least one " + (unit == RetentionUnit.Days ? "day" : "month") + "; " + value + " was given.", value, "2.5");
            }
            var max = unit == RetentionUnit.Days ? MaximumDays : MaximumMonths;
            if (value > max)
            {
                throw new PolicyException("RetentionExceedsPolicyMaximum", FailureKind.InvalidArgument,
                    "retention cannot exceed 12 months; " + value + " " + unit.ToString().ToLowerInvariant() + " was given (at most " + max + " " + unit.ToString().ToLowerInvariant() + ").",
                    value, "2.5");
            }
            return new RetentionPeriod(value, unit);
        }

        /// <summary>When a call that started at <paramref name="callStart"/> must be gone: its period, capped at 12 calendar months.</summary>
        public DateTimeOffset ExpiryOf(DateTimeOffset callStart)
        {
            var cap = callStart.AddMonths(MaximumMonths);
            var end = Unit == RetentionUnit.Days ? callStart.AddDays(Value) : callStart.AddMonths(Value);
            return end < cap ? end : cap;
        }

        public override string ToString() => Value + " " + (Unit == RetentionUnit.Days ? (Value == 1 ? "day" : "days") : (Value == 1 ? "month" : "months"));
    }
}
