namespace CallRecordingAdmin.Engine.LegalHolds
{
    /// <summary>
    /// Legal holds: find, query, insert, add recordings, release, the active holds of a batch of recordings.
    /// Declared in issue 10's P0 so every session offers it; P2 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IHoldRepository
    {
    }
}
