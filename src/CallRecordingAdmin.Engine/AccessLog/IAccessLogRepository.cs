namespace CallRecordingAdmin.Engine.AccessLog
{
    /// <summary>
    /// The access log: append a row, stream a query, the fast CSV export.
    /// Declared in issue 10's P0 so every session offers it; P3 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IAccessLogRepository
    {
    }
}
