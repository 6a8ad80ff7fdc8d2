namespace CallRecordingAdmin.Engine.RecordingRequests
{
    /// <summary>
    /// Recording requests with their consultations and levels in one round trip, and the authorisation windows AreaRules reasons over.
    /// Declared in issue 10's P0 so every session offers it; P1 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IRequestRepository
    {
    }
}
