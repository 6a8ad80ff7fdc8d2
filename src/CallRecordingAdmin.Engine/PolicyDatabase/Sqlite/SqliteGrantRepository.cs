using CallRecordingAdmin.Engine.AccessGrants;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IGrantRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P3 moves its SQL here.</summary>
    internal sealed class SqliteGrantRepository : IGrantRepository
    {
        private readonly SqliteSession _session;

        internal SqliteGrantRepository(SqliteSession session) { _session = session; }
    }
}
