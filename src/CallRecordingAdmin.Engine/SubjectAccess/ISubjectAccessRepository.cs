namespace CallRecordingAdmin.Engine.SubjectAccess
{
    /// <summary>
    /// Subject access requests with their recordings and purged rows in one round trip.
    /// Declared in issue 10's P0 so every session offers it; P2 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface ISubjectAccessRepository
    {
    }
}
