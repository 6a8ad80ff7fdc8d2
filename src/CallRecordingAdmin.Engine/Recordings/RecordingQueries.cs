using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>Finding recordings: the query, its count, and the areas the acting principal may see. Part of <see cref="RecordingRegister"/>, split out of RecordingRegister.cs (issue 10).</summary>
    public sealed partial class RecordingRegister
    {
        /// <summary>Streams recordings matching <paramref name="q"/> that the acting principal may see.</summary>
        public IEnumerable<Recording> Get(RecordingQuery q)
        {
            var filter = Filter(q);
            if (filter == null) yield break;
            var (where, args) = filter.Value;
            var sql = Select + where + " ORDER BY r.start_time, r.id" +
                      (q.First.HasValue || q.Skip > 0 ? " LIMIT " + (q.First ?? -1).ToString(CultureInfo.InvariantCulture) + " OFFSET " + q.Skip.ToString(CultureInfo.InvariantCulture) : "");
            foreach (var (rec, error) in _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, MapChecked))
            {
                if (error == null)
                {
                    yield return rec;
                }
                else if (q.OnRowError != null)
                {
                    q.OnRowError(error);
                }
                else
                {
                    throw error;
                }
            }
        }

        /// <summary>
        /// <see cref="Map"/>, or for a row holding a value the module never writes (a timestamp in another form, text where a
        /// number belongs: a row edited outside the module) a StoredValueInvalid error naming the row, so that the row fails alone.
        /// </summary>
        internal static (Recording Recording, PolicyException Error) MapChecked(SqliteDataReader r)
        {
            try
            {
                return (Map(r), null);
            }
            catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException || e is ArgumentException)
            {
                string id;
                try { id = r.Text("id"); } catch (Exception) { id = null; }
                return (null, new PolicyException("StoredValueInvalid", FailureKind.InvalidData,
                    "recording " + id + " holds a value the module never writes (" + e.Message + "): the row was changed outside the module. It is reported and skipped; compare it with the audit log and restore it from a backup.", id));
            }
        }

        /// <summary>How many recordings match <paramref name="q"/> (paging ignored), for -IncludeTotalCount.</summary>
        public long Count(RecordingQuery q)
        {
            var filter = Filter(q);
            if (filter == null) return 0;
            var (where, args) = filter.Value;
            return _store.Db.Read(c => Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM recording r JOIN service_area sa ON sa.id = r.service_area_id" + where, args.ToArray())));
        }

        /// <summary>The WHERE clause of a query, limited to the areas the acting principal may see; null when they may see none.</summary>
        private (string Where, List<(string, object)> Args)? Filter(RecordingQuery q)
        {
            var now = _store.Clock.UtcNow;
            var where = new List<string>();
            var args = new List<(string, object)>();
            var visible = _store.Db.Read(c => VisibleAreas(c, _store.Identity, now));
            if (visible != null)
            {
                if (visible.Count == 0) return null;
                var names = new List<string>();
                for (var i = 0; i < visible.Count; i++) { names.Add("$va" + i); args.Add(("$va" + i, visible[i])); }
                where.Add("r.service_area_id IN (" + string.Join(", ", names) + ")");
            }
            if (!string.IsNullOrEmpty(q.RecordingId)) { where.Add("r.id = $id"); args.Add(("$id", q.RecordingId.Trim())); }
            if (!string.IsNullOrEmpty(q.CallId)) { where.Add("r.call_id = $call"); args.Add(("$call", q.CallId.Trim())); }
            if (!string.IsNullOrEmpty(q.ServiceArea))
            {
                var (areaSql, arg) = PolicyDatabase.Sqlite.SqliteServiceAreaRepository.Filter(ServiceAreas.AreaSelector.Parse(q.ServiceArea), "sa.name", "sa.id", "$sa");
                where.Add(areaSql);
                args.Add(arg);
            }
            if (!string.IsNullOrEmpty(q.Extension)) { where.Add("r.extension = $ext"); args.Add(("$ext", ExtensionRegister.NormaliseNumber(q.Extension, "Extension"))); }
            if (!string.IsNullOrEmpty(q.Agent))
            {
                where.Add(SqliteLike.HasWildcard(q.Agent) ? "r.agent LIKE $agent ESCAPE '\\'" : "r.agent = $agent");
                args.Add(("$agent", SqliteLike.HasWildcard(q.Agent) ? SqliteLike.From(q.Agent) : q.Agent.Trim()));
            }
            if (!string.IsNullOrEmpty(q.RemoteNumber)) { where.Add("r.remote_number = $rn"); args.Add(("$rn", RemoteNumber.Normalise(q.RemoteNumber))); }
            if (q.After.HasValue) { where.Add("r.start_time > $after"); args.Add(("$after", Timestamp.ToText(q.After.Value))); }
            if (q.Before.HasValue) { where.Add("r.start_time < $before"); args.Add(("$before", Timestamp.ToText(q.Before.Value))); }
            if (q.ExpiresBefore.HasValue) { where.Add("r.expires_at < $eb"); args.Add(("$eb", Timestamp.ToText(q.ExpiresBefore.Value))); }
            if (q.Expired) { where.Add("r.expires_at <= $now"); args.Add(("$now", Timestamp.ToText(now))); }
            if (q.OnHold.HasValue)
            {
                where.Add((q.OnHold.Value ? "" : "NOT ") + RetentionRules.HeldSql);
            }
            if (q.State.HasValue) { where.Add("r.state = $state"); args.Add(("$state", q.State.Value.ToString())); }
            else if (!q.IncludeGone && string.IsNullOrEmpty(q.RecordingId)) where.Add("r.state IN ('Active', 'PendingDelete')");
            return (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "", args);
        }

        /// <summary>Areas whose recordings the principal may list; null for all (Administrator, DPO, Auditor).</summary>
        private static IReadOnlyList<string> VisibleAreas(SqliteConnection c, string principal, DateTimeOffset now)
        {
            foreach (var role in new[] { RecordingRole.Administrator, RecordingRole.DataProtectionOfficer, RecordingRole.Auditor })
            {
                if (SqliteRoleRepository.Holds(c, null, principal, role, null)) return null;
            }
            var list = new List<string>();
            using (var cmd = PolicyDb.Command(c, null, @"SELECT service_area_id FROM role_assignment WHERE principal = $p COLLATE NOCASE AND role = 'Supervisor'
                       UNION SELECT service_area_id FROM access_grant WHERE principal = $p COLLATE NOCASE AND revoked_at IS NULL AND service_area_id IS NOT NULL",
                       ("$p", principal)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) if (!r.IsDBNull(0)) list.Add(r.GetString(0));
            }
            return list;
        }
    }
}
