using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.ServiceAreas
{
    /// <summary>Creates, finds, changes and removes service areas. Only Administrators change them.</summary>
    public sealed class ServiceAreaRegister
    {
        private readonly RecordingStore _store;

        internal ServiceAreaRegister(RecordingStore store) { _store = store; }

        private static readonly string Select = @"
SELECT sa.*,
       (SELECT count(*) FROM recorded_extension e WHERE e.service_area_id = sa.id) AS extension_count,
       auth.id AS auth_id, auth.until AS auth_until
FROM service_area sa
LEFT JOIN recording_request auth ON auth.id = (
    SELECT rr.id FROM recording_request rr
    WHERE rr.service_area_id = sa.id AND " + AreaRules.CoversSql("rr", "$now") + @"
    ORDER BY (rr.until IS NULL) DESC, rr.until DESC LIMIT 1)";

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
                if (Convert.ToInt64(ctx.Scalar("SELECT count(*) FROM service_area WHERE name = $n COLLATE NOCASE", ("$n", name))) > 0)
                {
                    throw new PolicyException("ServiceAreaExists", FailureKind.ResourceExists,
                        "A service area named '" + name + "' already exists (names are compared without regard to case).", name);
                }
                var id = Ids.New("area");
                var now = Timestamp.ToText(ctx.Now);
                ctx.Execute(@"INSERT INTO service_area(id, name, description, retention_value, retention_unit, customer_notice, automated_notice, created_at, created_by, modified_at, modified_by)
                              VALUES ($id, $n, $d, $rv, $ru, $cn, $an, $t, $p, $t, $p)",
                    ("$id", id), ("$n", name), ("$d", draft.Description), ("$rv", draft.Retention.Value), ("$ru", draft.Retention.Unit.ToString()),
                    ("$cn", draft.CustomerNotice), ("$an", draft.AutomatedNotice ? 1 : 0), ("$t", now), ("$p", ctx.Principal));
                ctx.Audit("NewServiceArea", "ServiceArea", name, new Dictionary<string, object>
                {
                    ["id"] = id, ["retention"] = draft.Retention.ToString(), ["description"] = draft.Description,
                    ["customerNotice"] = draft.CustomerNotice, ["automatedNotice"] = draft.AutomatedNotice,
                });
                return Load(ctx, id);
            });
        }

        /// <summary>Areas whose names match any of <paramref name="names"/> (wildcards allowed); all areas when none are given.</summary>
        public IEnumerable<ServiceArea> Get(IReadOnlyList<string> names = null)
        {
            var now = Timestamp.ToText(_store.Clock.UtcNow);
            var args = new List<(string, object)> { ("$now", now) };
            var where = new List<string>();
            if (names != null)
            {
                for (var i = 0; i < names.Count; i++)
                {
                    var (areaSql, arg) = Selector(names[i], "sa.name", "sa.id", "$n" + i);
                    where.Add(areaSql);
                    args.Add(arg);
                }
            }
            var sql = Select + (where.Count > 0 ? " WHERE " + string.Join(" OR ", where) : "") + " ORDER BY sa.name COLLATE NOCASE";
            return _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, Map);
        }

        /// <summary>
        /// The one way a -ServiceArea value selects areas in a query, in every cmdlet: a name (any case) or an id
        /// ("area-…"), or a wildcard pattern over names. <paramref name="nameColumn"/> and <paramref name="idColumn"/>
        /// are the query's columns; <paramref name="idColumn"/> null means the rows keep only the area's name (the
        /// access log), and an id is then turned into its name.
        /// </summary>
        internal static (string Sql, (string, object) Arg) Selector(string value, string nameColumn, string idColumn, string parameter)
        {
            var v = value.Trim();
            if (SqliteLike.HasWildcard(v)) return (nameColumn + " LIKE " + parameter + " ESCAPE '\\'", (parameter, SqliteLike.From(v)));
            var byId = idColumn != null ? idColumn + " = " + parameter : nameColumn + " = (SELECT name FROM service_area WHERE id = " + parameter + ")";
            return ("(" + nameColumn + " = " + parameter + " COLLATE NOCASE OR " + byId + ")", (parameter, v));
        }

        /// <summary>One area by exact name or id; <c>ServiceAreaNotFound</c> when there is none.</summary>
        public ServiceArea Get(string nameOrId) =>
            _store.Db.Read(c =>
            {
                using (var tx = c.BeginTransaction(deferred: true))
                {
                    return Load(c, tx, _store.Clock.UtcNow, FindId(c, tx, nameOrId));
                }
            });

        public ServiceArea Update(string nameOrId, ServiceAreaChange change)
        {
            var newName = change.NewName == null ? null : NormaliseName(change.NewName);
            return _store.Change("change service areas", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "change service areas");
                var before = Find(ctx, nameOrId);
                var details = new Dictionary<string, object> { ["id"] = before.Id };
                var sets = new List<string>();
                var args = new List<(string, object)> { ("$id", before.Id), ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal) };
                if (newName != null && newName != before.Name)
                {
                    if (Convert.ToInt64(ctx.Scalar("SELECT count(*) FROM service_area WHERE name = $n COLLATE NOCASE AND id <> $id", ("$n", newName), ("$id", before.Id))) > 0)
                    {
                        throw new PolicyException("ServiceAreaExists", FailureKind.ResourceExists, "A service area named '" + newName + "' already exists.", newName);
                    }
                    sets.Add("name = $n"); args.Add(("$n", newName)); details["name"] = before.Name + " -> " + newName;
                }
                Text.Check(change.Description, "Description", Text.ReasonMax);
                Text.Check(change.CustomerNotice, "CustomerNotice", Text.ReasonMax);
                if (change.Description != null) { sets.Add("description = $d"); args.Add(("$d", change.Description)); details["description"] = change.Description; }
                if (change.Retention.HasValue)
                {
                    sets.Add("retention_value = $rv, retention_unit = $ru");
                    args.Add(("$rv", change.Retention.Value.Value)); args.Add(("$ru", change.Retention.Value.Unit.ToString()));
                    details["retention"] = before.Retention + " -> " + change.Retention.Value;
                }
                if (change.CustomerNotice != null) { sets.Add("customer_notice = $cn"); args.Add(("$cn", change.CustomerNotice)); details["customerNotice"] = change.CustomerNotice; }
                if (change.AutomatedNotice.HasValue) { sets.Add("automated_notice = $an"); args.Add(("$an", change.AutomatedNotice.Value ? 1 : 0)); details["automatedNotice"] = change.AutomatedNotice.Value; }
                if (sets.Count == 0)
                {
                    return before;
                }
                ctx.Execute("UPDATE service_area SET " + string.Join(", ", sets) + ", modified_at = $t, modified_by = $p WHERE id = $id", args.ToArray());
                if (change.Retention.HasValue)
                {
                    details["recordingsRescheduled"] = Recordings.RecordingRegister.RecomputeExpiry(ctx, before.Id, change.Retention.Value);
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
                var uses = new List<string>();
                foreach (var (table, what) in new[] { ("recorded_extension", "recorded extension(s)"), ("role_assignment", "role assignment(s)"), ("recording_request", "recording request(s)"), ("recording", "recording(s)"), ("service_area_member", "roster entries") })
                {
                    var n = Convert.ToInt64(ctx.Scalar("SELECT count(*) FROM " + table + " WHERE service_area_id = $id", ("$id", area.Id)));
                    if (n > 0) uses.Add(n + " " + what);
                }
                if (uses.Count > 0)
                {
                    throw new PolicyException("ServiceAreaInUse", FailureKind.InvalidOperation,
                        "Service area '" + area.Name + "' still has " + string.Join(", ", uses) +
                        "; remove its extensions and roles first. An area with recording requests keeps its history and cannot be removed.", area.Name);
                }
                ctx.Execute("DELETE FROM service_area WHERE id = $id", ("$id", area.Id));
                ctx.Audit("RemoveServiceArea", "ServiceArea", area.Name, new Dictionary<string, object> { ["id"] = area.Id, ["retention"] = area.Retention });
                return area;
            });
        }

        internal static ServiceArea Find(ChangeContext ctx, string nameOrId) =>
            Load(ctx.Connection, ctx.Transaction, ctx.Now, FindId(ctx.Connection, ctx.Transaction, nameOrId));

        internal static ServiceArea Load(ChangeContext ctx, string id) => Load(ctx.Connection, ctx.Transaction, ctx.Now, id);

        private static string FindId(SqliteConnection c, SqliteTransaction tx, string nameOrId)
        {
            var key = nameOrId?.Trim();
            var id = key == null ? null : PolicyDb.Scalar(c, tx, "SELECT id FROM service_area WHERE name = $n COLLATE NOCASE OR id = $n", ("$n", key)) as string;
            if (id == null)
            {
                throw new PolicyException("ServiceAreaNotFound", FailureKind.ObjectNotFound, "There is no service area named '" + nameOrId + "'.", nameOrId);
            }
            return id;
        }

        private static ServiceArea Load(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now, string id)
        {
            using (var cmd = PolicyDb.Command(c, tx, Select + " WHERE sa.id = $id", ("$id", id), ("$now", Timestamp.ToText(now))))
            using (var r = cmd.ExecuteReader())
            {
                r.Read();
                return Map(r);
            }
        }

        private static ServiceArea Map(SqliteDataReader r)
        {
            var unit = r.Text("retention_unit");
            var value = (int)r.Long("retention_value");
            var period = RetentionPeriod.Create(value, unit == "Days" ? RetentionUnit.Days : RetentionUnit.Months);
            return new ServiceArea
            {
                Id = r.Text("id"),
                Name = r.Text("name"),
                Description = r.Text("description"),
                Retention = period.ToString(),
                RetentionDays = period.Unit == RetentionUnit.Days ? value : (int?)null,
                RetentionMonths = period.Unit == RetentionUnit.Months ? value : (int?)null,
                CustomerNotice = r.Text("customer_notice"),
                AutomatedNotice = r.Bool("automated_notice"),
                ExtensionCount = (int)r.Long("extension_count"),
                Authorised = r.Text("auth_id") != null,
                AuthorisedUntil = r.NullableTime("auth_until"),
                AuthorisingRequestId = r.Text("auth_id"),
                CreatedAt = r.Time("created_at"),
                CreatedBy = r.Text("created_by"),
                ModifiedAt = r.Time("modified_at"),
                ModifiedBy = r.Text("modified_by"),
            };
        }
    }
}
