using CallRecordingAdmin.Engine.Roles;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// Role assignments on SQLite. P0 (issue 10) routes the two facts every change needs through here; their SQL
    /// still sits in RoleRegister until P1 moves it (with RolesOf, Remove, CountAdministrators) into this file.
    /// </summary>
    internal sealed class SqliteRoleRepository : IRoleRepository
    {
        private readonly SqliteSession _session;

        internal SqliteRoleRepository(SqliteSession session) { _session = session; }

        public bool Holds(string principal, RecordingRole role, string serviceAreaId) =>
            RoleRegister.Holds(_session.Connection, _session.Transaction, principal, role, serviceAreaId);

        public void Add(RoleAssignment assignment, string serviceAreaId)
        {
            _session.RequireWrite("Adding a role");
            RoleRegister.Insert(_session.Connection, _session.Transaction, assignment, serviceAreaId);
        }
    }
}
