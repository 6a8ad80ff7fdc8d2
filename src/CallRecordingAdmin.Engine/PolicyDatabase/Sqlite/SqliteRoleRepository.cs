using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Role assignments on SQLite: every statement on role_assignment (issue 10 P1).</summary>
    internal sealed class SqliteRoleRepository : IRoleRepository
    {
        private readonly SqliteSession _session;

        internal SqliteRoleRepository(SqliteSession session) { _session = session; }

        public bool Holds(string principal, RecordingRole role, string serviceAreaId) =>
            Holds(_session.Connection, _session.Transaction, principal, role, serviceAreaId);

        /// <summary>The same fact on a bare connection, for code not yet in a session (RecordingQueries.VisibleAreas until P2/P3).</summary>
        internal static bool Holds(SqliteConnection c, SqliteTransaction tx, string principal, RecordingRole role, string serviceAreaId)
        {
            var sql = "SELECT id FROM role_assignment WHERE principal = $p COLLATE NOCASE AND role = $r" +
                      (RoleRegister.IsAreaScoped(role) && serviceAreaId != null ? " AND service_area_id = $a" : "");
            var ids = new List<string>();
            using (var cmd = SqliteDatabase.Command(c, tx, sql, ("$p", principal), ("$r", role.ToString()), ("$a", serviceAreaId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) ids.Add(r.GetString(0));
            }
            // The row ledger (issue 11): a role is held only by a row the module sealed; one inserted or changed outside it is refused.
            string problem = null;
            foreach (var id in ids)
            {
                if ((problem = SqliteLedger.Problem(c, tx, "role_assignment", id)) == null) return true;
            }
            if (problem == null) return false;
            throw new PolicyException("RowIntegrityFailed", FailureKind.InvalidData,
                "Refused to rely on the " + role + " role of '" + principal + "': " + problem + " Test-AuditChain -State lists every such row.", principal);
        }

        public IEnumerable<RoleAssignment> Query(string principal, RecordingRole? role, ServiceAreas.AreaSelector serviceArea)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (!string.IsNullOrEmpty(principal))
            {
                where.Add(SqliteLike.HasWildcard(principal) ? "ra.principal LIKE $p ESCAPE '\\'" : "ra.principal = $p COLLATE NOCASE");
                args.Add(("$p", SqliteLike.HasWildcard(principal) ? SqliteLike.From(principal) : principal));
            }
            if (role.HasValue) { where.Add("ra.role = $r"); args.Add(("$r", role.Value.ToString())); }
            if (serviceArea != null)
            {
                var (areaSql, arg) = SqliteServiceAreaRepository.Filter(serviceArea, "sa.name", "sa.id", "$a");
                where.Add(areaSql);
                args.Add(arg);
            }
            var sql = "SELECT ra.*, sa.name AS area_name FROM role_assignment ra LEFT JOIN service_area sa ON sa.id = ra.service_area_id" +
                      (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY ra.principal COLLATE NOCASE, ra.role, sa.name";
            return _session.Query(sql, Map, args.ToArray());
        }

        public IReadOnlyList<RoleAssignment> Matching(string principal, RecordingRole role, string serviceAreaId) =>
            _session.Query("SELECT ra.*, sa.name AS area_name FROM role_assignment ra LEFT JOIN service_area sa ON sa.id = ra.service_area_id " +
                           "WHERE ra.principal = $p COLLATE NOCASE AND ra.role = $r" + (serviceAreaId != null ? " AND ra.service_area_id = $a" : ""),
                    Map, ("$p", principal), ("$r", role.ToString()), ("$a", serviceAreaId)).ToList();

        public long CountAdministrators() =>
            Convert.ToInt64(_session.Scalar("SELECT count(*) FROM role_assignment WHERE role = 'Administrator'"));

        public void Add(RoleAssignment a, string serviceAreaId)
        {
            _session.RequireWrite("Adding a role");
            _session.Execute(
                "INSERT INTO role_assignment(id, principal, role, service_area_id, assigned_at, assigned_by) VALUES ($id, $p, $r, $a, $t, $by)",
                ("$id", a.Id), ("$p", a.Principal), ("$r", a.Role.ToString()), ("$a", serviceAreaId), ("$t", Timestamp.ToText(a.AssignedAt)), ("$by", a.AssignedBy));
        }

        public void Remove(string assignmentId)
        {
            _session.RequireWrite("Removing a role");
            _session.Execute("DELETE FROM role_assignment WHERE id = $id", ("$id", assignmentId));
        }

        private static RoleAssignment Map(SqliteDataReader r) => new RoleAssignment
        {
            Id = r.Text("id"),
            Principal = r.Text("principal"),
            Role = (RecordingRole)Enum.Parse(typeof(RecordingRole), r.Text("role")),
            ServiceArea = r.Text("area_name") ?? "",
            AssignedAt = r.Time("assigned_at"),
            AssignedBy = r.Text("assigned_by"),
        };
    }
}
