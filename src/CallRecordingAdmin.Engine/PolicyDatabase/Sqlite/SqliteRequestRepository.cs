using CallRecordingAdmin.Engine.RecordingRequests;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IRequestRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P1 moves its SQL here.</summary>
    internal sealed class SqliteRequestRepository : IRequestRepository
    {
        private readonly SqliteSession _session;

        internal SqliteRequestRepository(SqliteSession session) { _session = session; }
    }
}
