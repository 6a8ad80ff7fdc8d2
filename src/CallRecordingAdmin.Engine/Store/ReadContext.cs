using System;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// One read in progress: a read session (no write lock), the acting principal and the moment it happens.
    /// Role checks of read-only cmdlets run through it (<see cref="RecordingStore.Check"/>), so an auditor
    /// never queues behind a purge.
    /// </summary>
    public sealed class ReadContext
    {
        internal ReadContext(RecordingStore store, IPolicySession db, DateTimeOffset now)
        {
            Store = store;
            Db = db;
            Now = now;
        }

        public RecordingStore Store { get; }
        /// <summary>The read session: every repository's read methods.</summary>
        internal IPolicySession Db { get; }
        public DateTimeOffset Now { get; }
        public string Principal => Store.Identity;

        /// <summary>Refuses the read unless the acting principal holds <paramref name="role"/> (for the area, where given).</summary>
        public void Require(RecordingRole role, string doing, string serviceAreaId = null, string serviceAreaName = null, string clause = null) =>
            RoleCheck.Require(Db.Roles, Principal, role, doing, serviceAreaId, serviceAreaName, clause);

        /// <summary>Refuses the read unless the acting principal holds at least one of <paramref name="roles"/>.</summary>
        public void RequireAny(string doing, string serviceAreaId, string serviceAreaName, params RecordingRole[] roles) =>
            RoleCheck.RequireAny(Db.Roles, Principal, doing, serviceAreaId, serviceAreaName, roles);
    }

    /// <summary>The role check shared by changes and reads: the facts from the role repository, the refusal from RoleRegister.Denied.</summary>
    internal static class RoleCheck
    {
        public static void Require(IRoleRepository roles, string principal, RecordingRole role, string doing, string serviceAreaId, string serviceAreaName, string clause)
        {
            if (!roles.Holds(principal, role, serviceAreaId))
            {
                throw RoleRegister.Denied(principal, new[] { role }, doing, serviceAreaName, clause);
            }
        }

        public static void RequireAny(IRoleRepository roles, string principal, string doing, string serviceAreaId, string serviceAreaName, RecordingRole[] roleList)
        {
            foreach (var role in roleList)
            {
                if (roles.Holds(principal, role, serviceAreaId))
                {
                    return;
                }
            }
            throw RoleRegister.Denied(principal, roleList, doing, serviceAreaName, null);
        }
    }
}
