using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Roles
{
    /// <summary>
    /// Role assignments: the facts role checks and the role cmdlets need. It reads and writes; it never decides
    /// (who may assign, the last Administrator, self-grants are RoleRegister's rules).
    /// </summary>
    public interface IRoleRepository
    {
        /// <summary>Whether <paramref name="principal"/> holds <paramref name="role"/>; for an area-scoped role, for <paramref name="serviceAreaId"/> when given.</summary>
        bool Holds(string principal, RecordingRole role, string serviceAreaId);

        /// <summary>Assignments by principal (exact, case-insensitive, or a * ? wildcard), role and area (<see cref="ServiceAreas.AreaSelector"/>: a name, an id or a wildcard); ordered by principal, role, area. Streams.</summary>
        IEnumerable<RoleAssignment> Query(string principal, RecordingRole? role, ServiceAreas.AreaSelector serviceArea);

        /// <summary>The assignments of <paramref name="role"/> to <paramref name="principal"/> (in <paramref name="serviceAreaId"/> when given).</summary>
        IReadOnlyList<RoleAssignment> Matching(string principal, RecordingRole role, string serviceAreaId);

        /// <summary>How many Administrator assignments the store has.</summary>
        long CountAdministrators();

        /// <summary>Writes one assignment (a write session only).</summary>
        void Add(RoleAssignment assignment, string serviceAreaId);

        /// <summary>Deletes one assignment by id (a write session only).</summary>
        void Remove(string assignmentId);
    }
}
