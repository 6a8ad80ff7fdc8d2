namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>
    /// Recordings: find, query within the visible areas, count, batch insert, state changes, expiry recomputed from RetentionRules' values, purge candidates, hold members.
    /// Declared in issue 10's P0 so every session offers it; P2 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IRecordingRepository
    {
        /// <summary>The name of the service area a recording belongs to; null when there is no such recording (the access log names it on a refusal).</summary>
        string AreaNameOf(string recordingId);
    }
}
