namespace CallRecordingAdmin.Engine.Roles
{
    /// <summary>
    /// Role assignments. P0 (issue 10) gives the two facts every change needs — does a principal hold a role,
    /// and adding one; P1 moves the rest of RoleRegister's SQL here (RolesOf, Remove, CountAdministrators).
    /// </summary>
    public interface IRoleRepository
    {
        /// <summary>Whether <paramref name="principal"/> holds <paramref name="role"/>; for an area-scoped role, for <paramref name="serviceAreaId"/> when given.</summary>
        bool Holds(string principal, RecordingRole role, string serviceAreaId);

        /// <summary>Writes one assignment (a write session only).</summary>
        void Add(RoleAssignment assignment, string serviceAreaId);
    }
}
