using CallRecordingAdmin.Engine.AccessLog;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IAccessLogRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P3 moves its SQL here.</summary>
    internal sealed class SqliteAccessLogRepository : IAccessLogRepository
    {
        private readonly SqliteSession _session;

        internal SqliteAccessLogRepository(SqliteSession session) { _session = session; }
    }
}
