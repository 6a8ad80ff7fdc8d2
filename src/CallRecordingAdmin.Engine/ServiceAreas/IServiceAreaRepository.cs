namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>
    /// The service areas: find by name or id, query, insert, update, delete, uses; the one writer of an area's retention.
    /// Declared in issue 10's P0 so every session offers it; P1 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IServiceAreaRepository
    {
    }
}
