using CallRecordingAdmin.Engine.LegalHolds;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IHoldRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P2 moves its SQL here.</summary>
    internal sealed class SqliteHoldRepository : IHoldRepository
    {
        private readonly SqliteSession _session;

        internal SqliteHoldRepository(SqliteSession session) { _session = session; }
    }
}
