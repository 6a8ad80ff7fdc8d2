using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.ServiceAreas;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Recorded extensions on SQLite: every statement on recorded_extension (issue 10 P1).</summary>
    internal sealed class SqliteExtensionRepository : IExtensionRepository
    {
        private const string Select = "SELECT e.*, sa.name AS area_name FROM recorded_extension e JOIN service_area sa ON sa.id = e.service_area_id";
        private readonly SqliteSession _session;

        internal SqliteExtensionRepository(SqliteSession session) { _session = session; }

        public RecordedExtension Find(string number) =>
            _session.Query(Select + " WHERE e.number = $n", Map, ("$n", number)).FirstOrDefault();

        public RecordedExtension Load(string id) =>
            _session.Query(Select + " WHERE e.id = $id", Map, ("$id", id)).FirstOrDefault();

        public IReadOnlyList<RecordedExtension> Query(string number, AreaSelector serviceArea, ExtensionMode? mode)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (!string.IsNullOrEmpty(number))
            {
                if (SqliteLike.HasWildcard(number)) { where.Add("e.number LIKE $n ESCAPE '\\'"); args.Add(("$n", SqliteLike.From(number))); }
                else { where.Add("e.number = $n"); args.Add(("$n", number)); }
            }
            if (serviceArea != null)
            {
                var (sql, arg) = SqliteServiceAreaRepository.Filter(serviceArea, "sa.name", "sa.id", "$a");
                where.Add(sql);
                args.Add(arg);
            }
            if (mode.HasValue) { where.Add("e.mode = $m"); args.Add(("$m", mode.Value.ToString())); }
            var query = Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY sa.name COLLATE NOCASE, e.number";
            return _session.Query(query, Map, args.ToArray()).ToList();
        }

        public bool IsRecorded(string number) =>
            Convert.ToInt64(_session.Scalar("SELECT count(*) FROM recorded_extension WHERE number = $n", ("$n", number))) > 0;

        public string DependentOf(string number) =>
            _session.Scalar("SELECT number FROM recorded_extension WHERE non_recorded_alternative = $n AND number <> $n LIMIT 1", ("$n", number)) as string;

        public IReadOnlyList<ExtensionArea> Areas() =>
            _session.Query("SELECT e.number, sa.id, sa.name, sa.retention_value, sa.retention_unit FROM recorded_extension e JOIN service_area sa ON sa.id = e.service_area_id",
                r => new ExtensionArea(r.GetString(0), r.GetString(1), r.GetString(2), SqliteServiceAreaRepository.Retention(r.GetInt64(3), r.GetString(4)))).ToList();

        public void Insert(RecordedExtension e, string serviceAreaId)
        {
            _session.RequireWrite("Adding a recorded extension");
            _session.Execute(@"INSERT INTO recorded_extension(id, number, service_area_id, mode, labelled, non_recorded_alternative, created_at, created_by, modified_at, modified_by)
                              VALUES ($id, $n, $a, $m, $l, $alt, $t, $p, $t, $p)",
                ("$id", e.Id), ("$n", e.Number), ("$a", serviceAreaId), ("$m", e.Mode.ToString()), ("$l", e.Labelled ? 1 : 0), ("$alt", e.NonRecordedAlternative),
                ("$t", Timestamp.ToText(e.CreatedAt)), ("$p", e.CreatedBy));
        }

        public void Update(string id, string serviceAreaId, ExtensionMode mode, bool labelled, string nonRecordedAlternative, DateTimeOffset at, string by)
        {
            _session.RequireWrite("Changing a recorded extension");
            _session.Execute(@"UPDATE recorded_extension SET service_area_id = ifnull($a, service_area_id), mode = $m, labelled = $l, non_recorded_alternative = $alt,
                              modified_at = $t, modified_by = $p WHERE id = $id",
                ("$a", serviceAreaId), ("$m", mode.ToString()), ("$l", labelled ? 1 : 0), ("$alt", nonRecordedAlternative),
                ("$t", Timestamp.ToText(at)), ("$p", by), ("$id", id));
        }

        public void Delete(string id)
        {
            _session.RequireWrite("Removing a recorded extension");
            _session.Execute("DELETE FROM recorded_extension WHERE id = $id", ("$id", id));
        }

        private static RecordedExtension Map(SqliteDataReader r) => new RecordedExtension
        {
            Id = r.Text("id"),
            Number = r.Text("number"),
            ServiceArea = r.Text("area_name"),
            Mode = r.Text("mode") == "Constant" ? ExtensionMode.Constant : ExtensionMode.OnDemand,
            Labelled = r.Bool("labelled"),
            NonRecordedAlternative = r.Text("non_recorded_alternative"),
            CreatedAt = r.Time("created_at"),
            CreatedBy = r.Text("created_by"),
            ModifiedAt = r.Time("modified_at"),
            ModifiedBy = r.Text("modified_by"),
        };
    }
}
