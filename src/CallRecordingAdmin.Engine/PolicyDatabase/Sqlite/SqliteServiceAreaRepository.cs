using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Service areas on SQLite: every statement on service_area (issue 10 P1), and the -ServiceArea filter every query uses.</summary>
    internal sealed class SqliteServiceAreaRepository : IServiceAreaRepository
    {
        private const string Select =
            "SELECT sa.*, (SELECT count(*) FROM recorded_extension e WHERE e.service_area_id = sa.id) AS extension_count FROM service_area sa";

        private readonly SqliteSession _session;

        internal SqliteServiceAreaRepository(SqliteSession session) { _session = session; }

        /// <summary>
        /// The SQL form of <see cref="AreaSelector.Matches"/> over a query's columns, for every repository that filters by
        /// -ServiceArea: a wildcard is LIKE over names (ASCII case-insensitive, as the rule), a plain value is the name
        /// (NOCASE) or the id. <paramref name="idColumn"/> null means the rows keep only an area's name (the access log):
        /// an id is then turned into its area's name.
        /// </summary>
        internal static (string Sql, (string, object) Arg) Filter(AreaSelector selector, string nameColumn, string idColumn, string parameter)
        {
            if (selector.IsPattern) return (nameColumn + " LIKE " + parameter + " ESCAPE '\\'", (parameter, SqliteLike.From(selector.Text)));
            var byId = idColumn != null ? idColumn + " = " + parameter : nameColumn + " = (SELECT name FROM service_area WHERE id = " + parameter + ")";
            return ("(" + nameColumn + " = " + parameter + " COLLATE NOCASE OR " + byId + ")", (parameter, selector.Text));
        }

        /// <summary>A retention period as stored (a number and its unit's name): the one place the unit is decoded.</summary>
        internal static RetentionPeriod Retention(long value, string unit) =>
            RetentionPeriod.Create((int)value, unit == "Days" ? RetentionUnit.Days : RetentionUnit.Months);

        public string FindId(string nameOrId)
        {
            var key = nameOrId?.Trim();
            return key == null ? null : _session.Scalar("SELECT id FROM service_area WHERE name = $n COLLATE NOCASE OR id = $n", ("$n", key)) as string;
        }

        public ServiceArea Load(string id) =>
            _session.Query(Select + " WHERE sa.id = $id", Map, ("$id", id)).FirstOrDefault();

        public IReadOnlyList<ServiceArea> Query(IReadOnlyList<AreaSelector> selectors)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            var list = (selectors ?? new AreaSelector[0]).Where(s => s != null).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                var (sql, arg) = Filter(list[i], "sa.name", "sa.id", "$n" + i);
                where.Add(sql);
                args.Add(arg);
            }
            return _session.Query(Select + (where.Count > 0 ? " WHERE " + string.Join(" OR ", where) : "") + " ORDER BY sa.name COLLATE NOCASE", Map, args.ToArray()).ToList();
        }

        public IReadOnlyList<string> Resolve(AreaSelector selector)
        {
            if (selector == null) return _session.Query("SELECT id FROM service_area", r => r.Text("id")).ToList();
            var (sql, arg) = Filter(selector, "sa.name", "sa.id", "$a");
            return _session.Query("SELECT sa.id FROM service_area sa WHERE " + sql, r => r.Text("id"), arg).ToList();
        }

        public bool NameTaken(string name, string exceptId) =>
            Convert.ToInt64(_session.Scalar("SELECT count(*) FROM service_area WHERE name = $n COLLATE NOCASE AND ($id IS NULL OR id <> $id)",
                ("$n", name), ("$id", exceptId))) > 0;

        public void Insert(ServiceArea a, RetentionPeriod retention)
        {
            _session.RequireWrite("Creating a service area");
            _session.Execute(@"INSERT INTO service_area(id, name, description, retention_value, retention_unit, customer_notice, automated_notice, created_at, created_by, modified_at, modified_by)
                              VALUES ($id, $n, $d, $rv, $ru, $cn, $an, $t, $p, $t, $p)",
                ("$id", a.Id), ("$n", a.Name), ("$d", a.Description), ("$rv", retention.Value), ("$ru", retention.Unit.ToString()),
                ("$cn", a.CustomerNotice), ("$an", a.AutomatedNotice ? 1 : 0), ("$t", Timestamp.ToText(a.CreatedAt)), ("$p", a.CreatedBy));
        }

        public void Update(string id, string name, string description, string customerNotice, bool? automatedNotice, DateTimeOffset at, string by)
        {
            _session.RequireWrite("Changing a service area");
            var sets = new List<string>();
            var args = new List<(string, object)> { ("$id", id), ("$t", Timestamp.ToText(at)), ("$p", by) };
            if (name != null) { sets.Add("name = $n"); args.Add(("$n", name)); }
            if (description != null) { sets.Add("description = $d"); args.Add(("$d", description)); }
            if (customerNotice != null) { sets.Add("customer_notice = $cn"); args.Add(("$cn", customerNotice)); }
            if (automatedNotice.HasValue) { sets.Add("automated_notice = $an"); args.Add(("$an", automatedNotice.Value ? 1 : 0)); }
            sets.Add("modified_at = $t, modified_by = $p");
            _session.Execute("UPDATE service_area SET " + string.Join(", ", sets) + " WHERE id = $id", args.ToArray());
        }

        public void SetRetention(string id, RetentionPeriod retention, DateTimeOffset at, string by)
        {
            _session.RequireWrite("Changing an area's retention");
            _session.Execute("UPDATE service_area SET retention_value = $v, retention_unit = $u, modified_at = $t, modified_by = $p WHERE id = $id",
                ("$v", retention.Value), ("$u", retention.Unit.ToString()), ("$t", Timestamp.ToText(at)), ("$p", by), ("$id", id));
        }

        public IReadOnlyList<(long Count, string What)> Uses(string id)
        {
            var uses = new List<(long, string)>();
            foreach (var (table, what) in new[] { ("recorded_extension", "recorded extension(s)"), ("role_assignment", "role assignment(s)"), ("recording_request", "recording request(s)"), ("recording", "recording(s)"), ("service_area_member", "roster entries") })
            {
                var n = Convert.ToInt64(_session.Scalar("SELECT count(*) FROM " + table + " WHERE service_area_id = $id", ("$id", id)));
                if (n > 0) uses.Add((n, what));
            }
            return uses;
        }

        public void Delete(string id)
        {
            _session.RequireWrite("Removing a service area");
            _session.Execute("DELETE FROM service_area WHERE id = $id", ("$id", id));
        }

        private static ServiceArea Map(SqliteDataReader r)
        {
            var value = r.Long("retention_value");
            var period = Retention(value, r.Text("retention_unit"));
            return new ServiceArea
            {
                Id = r.Text("id"),
                Name = r.Text("name"),
                Description = r.Text("description"),
                Retention = period.ToString(),
                RetentionDays = period.Unit == RetentionUnit.Days ? (int)value : (int?)null,
                RetentionMonths = period.Unit == RetentionUnit.Months ? (int)value : (int?)null,
                CustomerNotice = r.Text("customer_notice"),
                AutomatedNotice = r.Bool("automated_notice"),
                ExtensionCount = (int)r.Long("extension_count"),
                CreatedAt = r.Time("created_at"),
                CreatedBy = r.Text("created_by"),
                ModifiedAt = r.Time("modified_at"),
                ModifiedBy = r.Text("modified_by"),
            };
        }
    }
}
