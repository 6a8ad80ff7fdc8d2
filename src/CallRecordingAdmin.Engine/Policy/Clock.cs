using System;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>Where the engine reads "now"; tests give a fixed clock so that expiry needs no waiting.</summary>
    public interface IClock
    {
        DateTimeOffset UtcNow { get; }
    }

    public sealed class SystemClock : IClock
    {
        public static readonly SystemClock Instance = new SystemClock();
        private SystemClock() { }
        public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
    }

    /// <summary>A clock that stays where it is set; for tests and forecasts.</summary>
    public sealed class FixedClock : IClock
    {
        public FixedClock(DateTimeOffset now) { UtcNow = now.ToUniversalTime(); }
        public DateTimeOffset UtcNow { get; set; }
        public void Advance(TimeSpan by) => UtcNow = UtcNow + by;
    }
}
