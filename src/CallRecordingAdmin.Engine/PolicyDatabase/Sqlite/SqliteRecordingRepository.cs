using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>
    /// IRecordingRepository on SQLite (issue 10 P2): every statement on the recording table, the one recording SELECT
    /// (<see cref="Select"/>) and the SQL forms of RetentionRules' "on hold" and "expired" (<see cref="HeldSql"/>,
    /// <see cref="ExpiredSql"/>, <see cref="DueSql"/>), written from the rule and used by every query that needs them.
    /// </summary>
    internal sealed class SqliteRecordingRepository : IRecordingRepository
    {
        /// <summary>
        /// RetentionRules.IsOnHold in SQL: the unreleased holds of the recording named by <paramref name="recordingColumn"/>
        /// (a FROM … WHERE fragment; the only place the rule is written in SQL).
        /// </summary>
        private static string UnreleasedHoldsOf(string recordingColumn) =>
            "legal_hold_recording hr JOIN legal_hold h ON h.id = hr.hold_id WHERE hr.recording_id = " + recordingColumn + " AND h.released_at IS NULL";

        /// <summary>RetentionRules.IsOnHold: a recording row aliased <c>r</c> is on at least one hold that has not been released.</summary>
        internal static readonly string HeldSql = "EXISTS (SELECT 1 FROM " + UnreleasedHoldsOf("r.id") + ")";

        /// <summary>RetentionRules.IsExpired: a recording row aliased <c>r</c> has expired by the moment bound to <paramref name="atParameter"/> and is still in the store.</summary>
        internal static string ExpiredSql(string atParameter) => "r.state = 'Active' AND r.expires_at <= " + atParameter;

        /// <summary>RetentionRules.IsDue: a recording row aliased <c>r</c> is due for deletion at <paramref name="atParameter"/>: expired and not held.</summary>
        internal static string DueSql(string atParameter) => ExpiredSql(atParameter) + " AND NOT " + HeldSql;

        /// <summary>The one SELECT of a recording row with its area's name, whether it is on hold, and the call's participants.</summary>
        internal static readonly string Select = @"SELECT r.*, sa.name AS area_name,
            " + HeldSql + @" AS on_hold,
            (SELECT group_concat(coalesce(cp.display_name, cp.user_principal_name, cp.phone_number) || coalesce(' <' || coalesce(cp.user_principal_name, cp.phone_number) || '>', ''), '; ')
               FROM call_participant cp WHERE cp.recording_id = r.id) AS participants
            FROM recording r JOIN service_area sa ON sa.id = r.service_area_id";

        private readonly SqliteSession _session;

        internal SqliteRecordingRepository(SqliteSession session) { _session = session; }

        public string AreaNameOf(string recordingId) =>
            _session.Scalar("SELECT sa.name FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.id = $id", ("$id", (object)recordingId)) as string;

        public string AreaIdOf(string recordingId) =>
            _session.Scalar("SELECT service_area_id FROM recording WHERE id = $id", ("$id", (object)recordingId)) as string;

        public Recording Find(string recordingId) =>
            _session.Query(Select + " WHERE r.id = $id", Map, ("$id", (object)recordingId)).FirstOrDefault();

        public RecordingState? StateOf(string recordingId)
        {
            var state = _session.Scalar("SELECT state FROM recording WHERE id = $id", ("$id", (object)recordingId)) as string;
            return state == null ? (RecordingState?)null : (RecordingState)Enum.Parse(typeof(RecordingState), state);
        }

        public ExistingCall FindByCallId(string callId) =>
            _session.Query("SELECT id, sha256 FROM recording WHERE call_id = $c", r => new ExistingCall { RecordingId = r.GetString(0), Sha256 = r.GetString(1) }, ("$c", (object)callId))
                .FirstOrDefault();

        public IReadOnlyList<string> VisibleAreaIds(string principal)
        {
            var roles = _session.Roles;
            foreach (var role in new[] { RecordingRole.Administrator, RecordingRole.DataProtectionOfficer, RecordingRole.Auditor })
            {
                if (roles.Holds(principal, role, null)) return null;
            }
            return _session.Query(@"SELECT service_area_id FROM role_assignment WHERE principal = $p COLLATE NOCASE AND role = 'Supervisor'
                       UNION SELECT service_area_id FROM access_grant WHERE principal = $p COLLATE NOCASE AND revoked_at IS NULL AND service_area_id IS NOT NULL",
                    r => r.IsDBNull(0) ? null : r.GetString(0), ("$p", (object)principal))
                .Where(id => id != null).ToList();
        }

        public IEnumerable<(Recording Recording, PolicyException Error)> Query(RecordingQuery q, IReadOnlyList<string> visibleAreaIds, DateTimeOffset now)
        {
            var (where, args) = Filter(q, visibleAreaIds, now);
            var sql = Select + where + " ORDER BY r.start_time, r.id" +
                      (q.First.HasValue || q.Skip > 0 ? " LIMIT " + (q.First ?? -1).ToString(CultureInfo.InvariantCulture) + " OFFSET " + q.Skip.ToString(CultureInfo.InvariantCulture) : "");
            return Streamed(sql, MapChecked, args.ToArray());
        }

        public long Count(RecordingQuery q, IReadOnlyList<string> visibleAreaIds, DateTimeOffset now)
        {
            var (where, args) = Filter(q, visibleAreaIds, now);
            return Convert.ToInt64(_session.Scalar("SELECT count(*) FROM recording r JOIN service_area sa ON sa.id = r.service_area_id" + where, args.ToArray()));
        }

        public IEnumerable<(Recording Recording, PolicyException Error)> Active() => Streamed(Select + " WHERE r.state = 'Active'", MapChecked);

        /// <summary>
        /// Rows read as the caller enumerates. A caller that stops early (a stopped pipeline) leaves the session marked failed,
        /// so its connection is closed rather than given back to a connection scope, as an abandoned query always did.
        /// </summary>
        private IEnumerable<T> Streamed<T>(string sql, Func<SqliteDataReader, T> map, params (string Name, object Value)[] args)
        {
            var finished = false;
            try
            {
                foreach (var row in _session.Query(sql, map, args)) yield return row;
                finished = true;
            }
            finally
            {
                if (!finished) _session.MarkFailed();
            }
        }

        /// <summary>The WHERE clause of a query, limited to <paramref name="visible"/> (null: every area; empty: none).</summary>
        private static (string Where, List<(string, object)> Args) Filter(RecordingQuery q, IReadOnlyList<string> visible, DateTimeOffset now)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (visible != null)
            {
                if (visible.Count == 0) where.Add("0 = 1");
                var names = new List<string>();
                for (var i = 0; i < visible.Count; i++) { names.Add("$va" + i); args.Add(("$va" + i, visible[i])); }
                if (visible.Count > 0) where.Add("r.service_area_id IN (" + string.Join(", ", names) + ")");
            }
            if (!string.IsNullOrEmpty(q.RecordingId)) { where.Add("r.id = $id"); args.Add(("$id", q.RecordingId.Trim())); }
            if (!string.IsNullOrEmpty(q.CallId)) { where.Add("r.call_id = $call"); args.Add(("$call", q.CallId.Trim())); }
            if (!string.IsNullOrEmpty(q.ServiceArea))
            {
                var (areaSql, arg) = SqliteServiceAreaRepository.Filter(AreaSelector.Parse(q.ServiceArea), "sa.name", "sa.id", "$sa");
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
            // -Expired: past the expiry by the clock whatever the state (the state filter below decides which rows are listed).
            if (q.Expired) { where.Add("r.expires_at <= $now"); args.Add(("$now", Timestamp.ToText(now))); }
            if (q.OnHold.HasValue) where.Add((q.OnHold.Value ? "" : "NOT ") + HeldSql);
            if (q.State.HasValue) { where.Add("r.state = $state"); args.Add(("$state", q.State.Value.ToString())); }
            else if (!q.IncludeGone && string.IsNullOrEmpty(q.RecordingId)) where.Add("r.state IN ('Active', 'PendingDelete')");
            return (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "", args);
        }

        public IReadOnlyList<Recording> InHold(string holdId) =>
            _session.Query(Select + " JOIN legal_hold_recording hr ON hr.recording_id = r.id WHERE hr.hold_id = $h ORDER BY r.start_time", Map, ("$h", (object)holdId)).ToList();

        public IReadOnlyList<Recording> ByRemoteNumbers(IReadOnlyList<string> numbers)
        {
            if (numbers.Count == 0) return new List<Recording>();
            var names = numbers.Select((n, i) => "$n" + i).ToList();
            return _session.Query(Select + " WHERE r.remote_number IN (" + string.Join(", ", names) + ") ORDER BY r.start_time", Map,
                numbers.Select((n, i) => ("$n" + i, (object)n)).ToArray()).ToList();
        }

        public void Insert(NewRecording row)
        {
            _session.RequireWrite("Importing a recording");
            var rec = row.Recording;
            _session.Execute(@"INSERT INTO recording(id, call_id, service_area_id, request_id, extension, start_time, duration_seconds, direction, remote_number, remote_number_raw,
                            agent, format, size_bytes, stored_bytes, sha256, file, state, expires_at, imported_at, imported_by)
                          VALUES ($id, $call, $area, $req, $ext, $start, $dur, $dir, $rn, $raw, $agent, $fmt, $size, $stored, $sha, $file, $state, $exp, $t, $p)",
                ("$id", rec.RecordingId), ("$call", rec.CallId), ("$area", row.ServiceAreaId), ("$req", rec.AuthorisingRequestId), ("$ext", rec.Extension),
                ("$start", Timestamp.ToText(rec.StartTime)), ("$dur", rec.DurationSeconds), ("$dir", rec.Direction.ToString()), ("$rn", rec.RemoteNumber),
                ("$raw", row.RemoteNumberRaw), ("$agent", rec.Agent), ("$fmt", rec.Format), ("$size", rec.SizeBytes), ("$stored", rec.StoredBytes),
                ("$sha", rec.Sha256), ("$file", row.FileKey), ("$state", rec.State.ToString()), ("$exp", Timestamp.ToText(rec.ExpiresAt)),
                ("$t", Timestamp.ToText(rec.ImportedAt)), ("$p", rec.ImportedBy));
        }

        public IReadOnlyList<(string RecordingId, DateTimeOffset StartTime)> ActiveStarts(string areaId) =>
            _session.Query("SELECT id, start_time FROM recording WHERE service_area_id = $a AND state = 'Active'",
                r => (r.GetString(0), Timestamp.Parse(r.GetString(1))), ("$a", (object)areaId)).ToList();

        public void SetExpiries(IEnumerable<(string RecordingId, DateTimeOffset ExpiresAt)> expiries)
        {
            _session.RequireWrite("Recomputing expiries");
            using (var update = _session.Command("UPDATE recording SET expires_at = $e WHERE id = $id", ("$e", ""), ("$id", "")))
            {
                foreach (var (id, expires) in expiries)
                {
                    update.Parameters["$e"].Value = Timestamp.ToText(expires);
                    update.Parameters["$id"].Value = id;
                    Run(update);
                }
            }
        }

        public string ActiveHoldOf(string recordingId) =>
            _session.Scalar("SELECT h.case_reference FROM " + UnreleasedHoldsOf("$id") + " LIMIT 1", ("$id", (object)recordingId)) as string;

        public bool Claim(string recordingId)
        {
            _session.RequireWrite("Claiming a deletion");
            return _session.Execute("UPDATE recording SET state = 'PendingDelete' WHERE id = $id AND state = 'Active'", ("$id", recordingId)) > 0;
        }

        public IReadOnlyList<(string RecordingId, long StoredBytes)> DueCandidates(string areaId, DateTimeOffset cutoff, DateTimeOffset now, int limit) =>
            _session.Query("SELECT r.id, r.stored_bytes FROM recording r WHERE r.service_area_id = $a AND r.expires_at <= $cut AND " + DueSql("$now") +
                           " ORDER BY r.expires_at LIMIT " + limit.ToString(CultureInfo.InvariantCulture),
                r => (r.GetString(0), r.GetInt64(1)), ("$a", (object)areaId), ("$cut", Timestamp.ToText(cutoff)), ("$now", Timestamp.ToText(now))).ToList();

        public IReadOnlyList<(string RecordingId, long StoredBytes)> ClaimDue(string areaId, DateTimeOffset cutoff, DateTimeOffset now, int limit)
        {
            _session.RequireWrite("Claiming a purge batch");
            // The claim re-checks expiry, state and holds inside the write transaction.
            var batch = DueCandidates(areaId, cutoff, now, limit);
            using (var claim = _session.Command("UPDATE recording SET state = 'PendingDelete' WHERE id = $id AND state = 'Active'", ("$id", "")))
            {
                foreach (var (id, _) in batch)
                {
                    claim.Parameters["$id"].Value = id;
                    Run(claim);
                }
            }
            return batch;
        }

        public bool ClaimForExtraction(string recordingId, string extractedTo, DateTimeOffset at)
        {
            _session.RequireWrite("Claiming an extraction");
            return _session.Execute("UPDATE recording SET state = 'PendingDelete', extracted_to = $to, extracted_at = $t WHERE id = $id AND state IN ('Active', 'PendingDelete')",
                ("$to", extractedTo), ("$t", Timestamp.ToText(at)), ("$id", recordingId)) > 0;
        }

        public PendingDeletion Pending(string recordingId) =>
            _session.Query("SELECT r.call_id, r.sha256, sa.name, r.start_time, r.extracted_to FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.id = $id AND r.state = 'PendingDelete'",
                rd => new PendingDeletion { CallId = rd.GetString(0), Sha256 = rd.GetString(1), ServiceArea = rd.GetString(2), StartTime = rd.GetString(3), ExtractedTo = rd.IsDBNull(4) ? null : rd.GetString(4) },
                ("$id", (object)recordingId)).FirstOrDefault();

        public IReadOnlyList<(string RecordingId, string AreaId, long StoredBytes)> PendingDeletes() =>
            _session.Query("SELECT id, service_area_id, stored_bytes FROM recording WHERE state = 'PendingDelete'", r => (r.GetString(0), r.GetString(1), r.GetInt64(2))).ToList();

        public bool MarkExtracted(string recordingId)
        {
            _session.RequireWrite("Finishing an extraction");
            return _session.Execute("UPDATE recording SET state = 'Extracted' WHERE id = $id AND state = 'PendingDelete'", ("$id", recordingId)) > 0;
        }

        public bool MarkDeleted(string recordingId, DateTimeOffset at, string by, string reason)
        {
            _session.RequireWrite("Finishing a deletion");
            return _session.Execute("UPDATE recording SET state = 'Deleted', deleted_at = $t, deleted_by = $p, deletion_reason = $r WHERE id = $id AND state = 'PendingDelete'",
                ("$t", Timestamp.ToText(at)), ("$p", by), ("$r", reason), ("$id", recordingId)) > 0;
        }

        public IReadOnlyList<ExpiredCount> ExpiredCounts(DateTimeOffset cutoff) =>
            _session.Query("SELECT area, count(*), coalesce(sum(held), 0), coalesce(sum(CASE WHEN held = 0 THEN bytes ELSE 0 END), 0) FROM " +
                           "(SELECT r.service_area_id AS area, r.stored_bytes AS bytes, " + HeldSql + " AS held FROM recording r WHERE " + ExpiredSql("$cut") + ") GROUP BY area",
                r => new ExpiredCount { ServiceAreaId = r.GetString(0), Expired = r.GetInt64(1), OnHold = r.GetInt64(2), UnheldStoredBytes = r.GetInt64(3) },
                ("$cut", (object)Timestamp.ToText(cutoff))).ToList();

        public IReadOnlyList<(string Id, string Name)> ServiceAreas() =>
            _session.Query("SELECT id, name FROM service_area ORDER BY name COLLATE NOCASE", r => (r.GetString(0), r.GetString(1))).ToList();

        private const string AuditEventCount = "SELECT count(*) FROM audit_event WHERE target = $id AND action = $a";

        public bool HasAuditEvent(string recordingId, string auditAction) =>
            Convert.ToInt64(_session.Scalar(AuditEventCount, ("$id", (object)recordingId), ("$a", auditAction))) > 0;

        /// <summary>The same on a bare connection (StoreHealth, until issue 10 P3 reads through a session).</summary>
        internal static bool HasAuditEvent(SqliteConnection c, string recordingId, string auditAction) =>
            Convert.ToInt64(SqliteDatabase.Scalar(c, null, AuditEventCount, ("$id", recordingId), ("$a", auditAction))) > 0;

        private void Run(SqliteCommand command)
        {
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                _session.MarkFailed();
                throw SqliteErrors.Translate(e);
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

        internal static Recording Map(SqliteDataReader r)
        {
            var rec = new Recording
            {
                RecordingId = r.Text("id"),
                Participants = r.Text("participants") ?? "",
                CallId = r.Text("call_id"),
                ServiceArea = r.Text("area_name"),
                Extension = r.Text("extension"),
                StartTime = r.Time("start_time"),
                DurationSeconds = r.IsDBNull(r.GetOrdinal("duration_seconds")) ? (double?)null : r.GetDouble(r.GetOrdinal("duration_seconds")),
                Direction = (CallDirection)Enum.Parse(typeof(CallDirection), r.Text("direction")),
                RemoteNumber = r.Text("remote_number"),
                Agent = r.Text("agent"),
                Format = r.Text("format"),
                SizeBytes = r.Long("size_bytes"),
                Sha256 = r.Text("sha256"),
                State = (RecordingState)Enum.Parse(typeof(RecordingState), r.Text("state")),
                ExpiresAt = r.Time("expires_at"),
                OnHold = r.Bool("on_hold"),
                AuthorisingRequestId = r.Text("request_id"),
                ImportedAt = r.Time("imported_at"),
                ImportedBy = r.Text("imported_by"),
                DeletedAt = r.NullableTime("deleted_at"),
                DeletedBy = r.Text("deleted_by"),
                DeletionReason = r.Text("deletion_reason"),
                ExtractedTo = r.Text("extracted_to"),
                ExtractedAt = r.NullableTime("extracted_at"),
            };
            rec.StoredBytes = r.Long("stored_bytes");
            return rec;
        }
    }
}
