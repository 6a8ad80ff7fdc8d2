using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>IRecordingRepository on SQLite. Created by issue 10's P0 (so every session offers it) with the one query a refused access needs; P2 moves the rest of its SQL here.</summary>
    internal sealed class SqliteRecordingRepository : IRecordingRepository
    {
        private readonly SqliteSession _session;

        internal SqliteRecordingRepository(SqliteSession session) { _session = session; }

        public string AreaNameOf(string recordingId) =>
            _session.Scalar("SELECT sa.name FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.id = $id", ("$id", (object)recordingId)) as string;
    }
}
