namespace CallRecordingAdmin.Engine.RecordedExtensions
{
    /// <summary>
    /// The recorded extensions of each area: by numbers, their non-recorded alternatives.
    /// Declared in issue 10's P0 so every session offers it; P1 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IExtensionRepository
    {
    }
}
