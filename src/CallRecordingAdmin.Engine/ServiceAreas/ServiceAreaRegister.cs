using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>Creates, finds, changes and removes service areas. Only Administrators change them.</summary>
    public sealed class ServiceAreaRegister
    {
        private readonly RecordingStore _store;

        internal ServiceAreaRegister(RecordingStore store) { _store = store; }

        internal static string NormaliseName(string name)
        {
            var value = name?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                throw new PolicyException("ServiceAreaNameRequired", FailureKind.InvalidArgument, "A service area needs a name.", name);
            }
            if (value.Length > 128 || value.IndexOfAny(new[] { '*', '?', '\r', '\n', '\t' }) >= 0)
            {
                throw new PolicyException("ServiceAreaNameInvalid", FailureKind.InvalidArgument,
                    "'" + value + "' is not a usable service area name: at most 128 characters, no wildcards (* ?) or line breaks.", name);
            }
            return Text.Check(value, "ServiceArea name", 128);
        }

        public ServiceArea Create(ServiceAreaDraft draft)
        {
            var name = NormaliseName(draft.Name);
            Text.Check(draft.Description, "Description", Text.ReasonMax);
            Text.Check(draft.CustomerNotice, "CustomerNotice", Text.ReasonMax);
            return _store.Change("create service areas", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "create service areas");
                if (ctx.Db.ServiceAreas.NameTaken(name, null))
                {
                    throw new PolicyException("ServiceAreaExists", FailureKind.ResourceExists,
                        "A service area named '" + name + "' already exists (names are compared without regard to case).", name);
                }
                var id = Ids.New("area");
                ctx.Db.ServiceAreas.Insert(new ServiceArea
                {
                    Id = id, Name = name, Description = draft.Description, CustomerNotice = draft.CustomerNotice, AutomatedNotice = draft.AutomatedNotice,
                    CreatedAt = ctx.Now, CreatedBy = ctx.Principal,
                }, draft.Retention);
                ctx.Audit("NewServiceArea", "ServiceArea", name, new Dictionary<string, object>
                {
                    ["id"] = id, ["retention"] = draft.Retention.ToString(), ["description"] = draft.Description,
                    ["customerNotice"] = draft.CustomerNotice, ["automatedNotice"] = draft.AutomatedNotice,
                });
                return Load(ctx, id);
            });
        }

        /// <summary>Areas that any of <paramref name="names"/> selects (a name, an id or a wildcard: <see cref="AreaSelector"/>); all areas when none are given.</summary>
        public IEnumerable<ServiceArea> Get(IReadOnlyList<string> names = null)
        {
            var now = _store.Clock.UtcNow;
            var selectors = names?.Select(AreaSelector.Parse).Where(s => s != null).ToList();
            if (names != null && names.Count > 0 && selectors.Count == 0) yield break; // only blank names: nothing is selected
            var areas = _store.Database.Read(db => WithAuthorisation(db, db.ServiceAreas.Query(selectors), now));
            foreach (var area in areas) yield return area;
        }

        /// <summary>One area by exact name or id; <c>ServiceAreaNotFound</c> when there is none.</summary>
        public ServiceArea Get(string nameOrId) =>
            _store.Database.Read(db => WithAuthorisation(db, new[] { Load(db, FindId(db, nameOrId)) }, _store.Clock.UtcNow)[0]);

        public ServiceArea Update(string nameOrId, ServiceAreaChange change)
        {
            var newName = change.NewName == null ? null : NormaliseName(change.NewName);
            return _store.Change("change service areas", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "change service areas");
                var before = Find(ctx, nameOrId);
                var details = new Dictionary<string, object> { ["id"] = before.Id };
                string name = null;
                if (newName != null && newName != before.Name)
                {
                    if (ctx.Db.ServiceAreas.NameTaken(newName, before.Id))
                    {
                        throw new PolicyException("ServiceAreaExists", FailureKind.ResourceExists, "A service area named '" + newName + "' already exists.", newName);
                    }
                    name = newName;
                    details["name"] = before.Name + " -> " + newName;
                }
                Text.Check(change.Description, "Description", Text.ReasonMax);
                Text.Check(change.CustomerNotice, "CustomerNotice", Text.ReasonMax);
                if (change.Description != null) details["description"] = change.Description;
                if (change.CustomerNotice != null) details["customerNotice"] = change.CustomerNotice;
                if (change.AutomatedNotice.HasValue) details["automatedNotice"] = change.AutomatedNotice.Value;
                if (details.Count == 1 && !change.Retention.HasValue)
                {
                    return before;
                }
                if (details.Count > 1)
                {
                    ctx.Db.ServiceAreas.Update(before.Id, name, change.Description, change.CustomerNotice, change.AutomatedNotice, ctx.Now, ctx.Principal);
                }
                if (change.Retention.HasValue)
                {
                    ChangeRetention.Apply(ctx, before, change.Retention.Value, details);
                }
                ctx.Audit("SetServiceArea", "ServiceArea", newName ?? before.Name, details);
                return Load(ctx, before.Id);
            });
        }

        public ServiceArea Remove(string nameOrId)
        {
            return _store.Change("remove service areas", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "remove service areas");
                var area = Find(ctx, nameOrId);
                var uses = ctx.Db.ServiceAreas.Uses(area.Id).Select(u => u.Count + " " + u.What).ToList();
                if (uses.Count > 0)
                {
                    throw new PolicyException("ServiceAreaInUse", FailureKind.InvalidOperation,
                        "Service area '" + area.Name + "' still has " + string.Join(", ", uses) +
                        "; remove its extensions and roles first. An area with recording requests keeps its history and cannot be removed.", area.Name);
                }
                ctx.Db.ServiceAreas.Delete(area.Id);
                ctx.Audit("RemoveServiceArea", "ServiceArea", area.Name, new Dictionary<string, object> { ["id"] = area.Id, ["retention"] = area.Retention });
                return area;
            });
        }

        /// <summary>One area by exact name (any case) or id, with its authorisation at the change's moment; <c>ServiceAreaNotFound</c> when there is none.</summary>
        internal static ServiceArea Find(ChangeContext ctx, string nameOrId) => Load(ctx, FindId(ctx.Db, nameOrId));

        internal static ServiceArea Load(ChangeContext ctx, string id) => WithAuthorisation(ctx.Db, new[] { Load(ctx.Db, id) }, ctx.Now)[0];

        private static string FindId(IPolicySession db, string nameOrId)
        {
            var id = db.ServiceAreas.FindId(nameOrId);
            if (id == null)
            {
                throw new PolicyException("ServiceAreaNotFound", FailureKind.ObjectNotFound, "There is no service area named '" + nameOrId + "'.", nameOrId);
            }
            return id;
        }

        private static ServiceArea Load(IPolicySession db, string id) =>
            db.ServiceAreas.Load(id) ?? throw new PolicyException("ServiceAreaNotFound", FailureKind.ObjectNotFound, "There is no service area '" + id + "'.", id);

        /// <summary>
        /// Clauses 2.1/2.2 for the listed areas at <paramref name="now"/>: the request windows of all of them in one query,
        /// then <see cref="AreaRules.LongestAuthorisation"/> per area (the same <see cref="AreaRules.Covers"/> import uses).
        /// </summary>
        private static IReadOnlyList<ServiceArea> WithAuthorisation(IPolicySession db, IReadOnlyList<ServiceArea> areas, DateTimeOffset now)
        {
            if (areas.Count == 0) return areas;
            var windows = db.Requests.Windows(areas.Select(a => a.Id).ToList());
            foreach (var area in areas)
            {
                var covering = windows.TryGetValue(area.Id, out var list) ? AreaRules.LongestAuthorisation(list, now) : null;
                area.Authorised = covering.HasValue;
                area.AuthorisedUntil = covering?.Until;
                area.AuthorisingRequestId = covering?.RequestId;
            }
            return areas;
        }
    }
}
