using CallRecordingAdmin.Engine.SubjectAccess;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>ISubjectAccessRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P2 moves its SQL here.</summary>
    internal sealed class SqliteSubjectAccessRepository : ISubjectAccessRepository
    {
        private readonly SqliteSession _session;

        internal SqliteSubjectAccessRepository(SqliteSession session) { _session = session; }
    }
}
