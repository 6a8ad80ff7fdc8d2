namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>
    /// Access grants: the facts AccessRules needs for a principal, query, insert, review, revoke.
    /// Declared in issue 10's P0 so every session offers it; P3 moves the SQL behind it and adds its methods.
    /// </summary>
    public interface IGrantRepository
    {
    }
}
