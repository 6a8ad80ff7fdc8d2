namespace CallRecordingAdmin.Engine.Investigations
{
    /// <summary>
    /// Investigations under clause 3.2.
    /// Declared in issue 10's P0 so every session offers it; P1 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IInvestigationRepository
    {
    }
}
