using CallRecordingAdmin.Engine.Investigations;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IInvestigationRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P1 moves its SQL here.</summary>
    internal sealed class SqliteInvestigationRepository : IInvestigationRepository
    {
        private readonly SqliteSession _session;

        internal SqliteInvestigationRepository(SqliteSession session) { _session = session; }
    }
}
