using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Roles
{
    /// <summary>The roles the policy names: who administers, who decides, who is consulted, who supervises, who audits.</summary>
    public enum RecordingRole
    {
        /// <summary>IT Services admins: manage roles, service areas and extensions.</summary>
        Administrator,
        /// <summary>Decides new recording requests (clause 2.2).</summary>
        NetworkServicesManager,
        /// <summary>Advises on requests, decides investigations (clauses 2.2, 3.2).</summary>
        DataProtectionOfficer,
        /// <summary>IT Services Security team, consulted on sensitive requests (clause 2.2).</summary>
        SecurityTeam,
        /// <summary>Finance PCI DSS team, consulted on payment-card requests (clause 2.2).</summary>
        PciDssTeam,
        /// <summary>An area supervisor, keeping the record of playback instances (clause 3.1). Scoped to one area.</summary>
        Supervisor,
        /// <summary>Reads and exports logs and evidence; changes nothing.</summary>
        Auditor,
    }

    /// <summary>A principal's role, store-wide or in one service area.</summary>
    public sealed class RoleAssignment
    {
        public string Id { get; set; }
        public string Principal { get; set; }
        public RecordingRole Role { get; set; }
        /// <summary>The area the role is limited to; empty for a store-wide role.</summary>
        public string ServiceArea { get; set; }
        public DateTimeOffset AssignedAt { get; set; }
        public string AssignedBy { get; set; }
    }

    /// <summary>Assigns, lists and removes roles; only Administrators change them.</summary>
    public sealed class RoleRegister
    {
        private readonly RecordingStore _store;

        internal RoleRegister(RecordingStore store) { _store = store; }

        public static bool IsAreaScoped(RecordingRole role) => role == RecordingRole.Supervisor;

        internal static PolicyException Denied(string principal, IReadOnlyList<RecordingRole> roles, string doing, string serviceAreaName, string clause)
        {
            var needed = string.Join(" or ", roles.Select(r => r.ToString()));
            var where = serviceAreaName != null && roles.Any(IsAreaScoped) ? " of service area '" + serviceAreaName + "'" : "";
            return new PolicyException("AccessDenied", FailureKind.PermissionDenied,
                "'" + principal + "' may not " + doing + ": that needs the " + needed + " role" + where + ", which '" + principal + "' does not hold.",
                principal, clause);
        }

        public RoleAssignment Add(string principal, RecordingRole role, string serviceArea)
        {
            principal = Principal.Normalise(principal);
            if (IsAreaScoped(role) && string.IsNullOrWhiteSpace(serviceArea))
            {
                throw new PolicyException("ServiceAreaRequired", FailureKind.InvalidArgument,
                    "The " + role + " role belongs to one service area: name it with -ServiceArea.", principal, "3.1");
            }
            if (!IsAreaScoped(role) && !string.IsNullOrWhiteSpace(serviceArea))
            {
                throw new PolicyException("RoleNotAreaScoped", FailureKind.InvalidArgument,
                    "The " + role + " role is store-wide; it cannot be limited to service area '" + serviceArea + "'.", principal);
            }
            return _store.Change("assign roles", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "assign roles");
                if (SeparationOfDuties.IsActor(ctx, principal))
                {
                    throw new PolicyException("SelfRoleGrantRefused", FailureKind.PermissionDenied,
                        SeparationOfDuties.Who(ctx, principal) + " may not give themselves a role (" + role + "); another Administrator must. Separation of duties holds only if nobody widens their own powers.", principal, "3.1");
                }
                string areaId = null, areaName = "";
                if (IsAreaScoped(role))
                {
                    var area = ServiceAreaRegister.Find(ctx, serviceArea);
                    areaId = area.Id;
                    areaName = area.Name;
                }
                if (ctx.Db.Roles.Holds(principal, role, areaId))
                {
                    throw new PolicyException("RoleAlreadyAssigned", FailureKind.ResourceExists,
                        "'" + principal + "' already holds the " + role + " role" + (areaId != null ? " in '" + areaName + "'" : "") + ".", principal);
                }
                var assignment = new RoleAssignment
                {
                    Id = Ids.New("role"),
                    Principal = principal,
                    Role = role,
                    ServiceArea = areaName,
                    AssignedAt = ctx.Now,
                    AssignedBy = ctx.Principal,
                };
                ctx.Db.Roles.Add(assignment, areaId);
                ctx.Audit("AddRecordingRole", "RoleAssignment", assignment.Id, new Dictionary<string, object>
                {
                    ["principal"] = principal, ["role"] = role.ToString(), ["serviceArea"] = areaName == "" ? null : areaName,
                });
                return assignment;
            });
        }

        public IEnumerable<RoleAssignment> Get(string principal = null, RecordingRole? role = null, string serviceArea = null)
        {
            // Streams within one read session, closed when the enumeration ends or is abandoned.
            using (var session = _store.Database.Read())
            {
                foreach (var assignment in session.Roles.Query(principal, role, AreaSelector.Parse(serviceArea))) yield return assignment;
            }
        }

        public RoleAssignment Remove(string principal, RecordingRole role, string serviceArea)
        {
            principal = Principal.Normalise(principal);
            return _store.Change("remove roles", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "remove roles");
                string areaId = null;
                if (IsAreaScoped(role) && !string.IsNullOrWhiteSpace(serviceArea))
                {
                    areaId = ServiceAreaRegister.Find(ctx, serviceArea).Id;
                }
                var matches = ctx.Db.Roles.Matching(principal, role, areaId);
                if (matches.Count > 1)
                {
                    throw new PolicyException("ServiceAreaRequired", FailureKind.InvalidArgument,
                        "'" + principal + "' is " + role + " in " + matches.Count + " service areas: name the one to remove with -ServiceArea.", principal);
                }
                var found = matches.Count == 1 ? matches[0] : null;
                if (found == null)
                {
                    throw new PolicyException("RoleNotAssigned", FailureKind.ObjectNotFound,
                        "'" + principal + "' does not hold the " + role + " role" + (serviceArea != null ? " in '" + serviceArea + "'" : "") + ".", principal);
                }
                if (role == RecordingRole.Administrator &&
                    ctx.Db.Roles.CountAdministrators() <= 1)
                {
                    throw new PolicyException("LastAdministrator", FailureKind.InvalidOperation,
                        "'" + principal + "' is the store's last Administrator; add another Administrator before removing this one.", principal);
                }
                ctx.Db.Roles.Remove(found.Id);
                ctx.Audit("RemoveRecordingRole", "RoleAssignment", found.Id, new Dictionary<string, object>
                {
                    ["principal"] = found.Principal, ["role"] = role.ToString(), ["serviceArea"] = found.ServiceArea == "" ? null : found.ServiceArea,
                });
                return found;
            });
        }

        /// <summary>The roles the acting principal holds; an empty list for a principal the store does not know.</summary>
        public IReadOnlyList<RoleAssignment> OfIdentity() => Get(_store.Identity).ToList();
    }
}
