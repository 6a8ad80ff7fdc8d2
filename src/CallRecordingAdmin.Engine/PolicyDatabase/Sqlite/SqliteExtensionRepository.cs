using CallRecordingAdmin.Engine.RecordedExtensions;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IExtensionRepository on SQLite. Created empty by issue 10's P0 so every session offers it; P1 moves its SQL here.</summary>
    internal sealed class SqliteExtensionRepository : IExtensionRepository
    {
        private readonly SqliteSession _session;

        internal SqliteExtensionRepository(SqliteSession session) { _session = session; }
    }
}
