using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IServiceAreaRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P1 moves its SQL here.</summary>
    internal sealed class SqliteServiceAreaRepository : IServiceAreaRepository
    {
        private readonly SqliteSession _session;

        internal SqliteServiceAreaRepository(SqliteSession session) { _session = session; }
    }
}
