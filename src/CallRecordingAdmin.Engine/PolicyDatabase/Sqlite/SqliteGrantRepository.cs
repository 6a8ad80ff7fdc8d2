using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Access grants on SQLite: every statement on access_grant (issue 10 P3). Rights stay the text "Play+Download" in the rights column.</summary>
    internal sealed class SqliteGrantRepository : IGrantRepository
    {
        // A grant with its area's name: an area grant's own area, or a share's recording's area.
        private const string Select = @"SELECT g.*, coalesce(sa.name, rsa.name) AS area_name FROM access_grant g
            LEFT JOIN service_area sa ON sa.id = g.service_area_id
            LEFT JOIN recording r ON r.id = g.recording_id
            LEFT JOIN service_area rsa ON rsa.id = r.service_area_id";

        private readonly SqliteSession _session;

        internal SqliteGrantRepository(SqliteSession session) { _session = session; }

        public AccessGrant Find(string grantId) =>
            _session.Query(Select + " WHERE g.id = $id", Map, ("$id", grantId?.Trim())).FirstOrDefault();

        public IEnumerable<AccessGrant> Query(GrantQuery q, DateTimeOffset reviewDueBy)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (!string.IsNullOrEmpty(q.GrantId)) { where.Add("g.id = $id"); args.Add(("$id", q.GrantId.Trim())); }
            if (!string.IsNullOrEmpty(q.Principal))
            {
                where.Add(SqliteLike.HasWildcard(q.Principal) ? "g.principal LIKE $p ESCAPE '\\'" : "g.principal = $p COLLATE NOCASE");
                args.Add(("$p", SqliteLike.HasWildcard(q.Principal) ? SqliteLike.From(q.Principal) : q.Principal.Trim()));
            }
            if (!string.IsNullOrEmpty(q.ServiceArea))
            {
                var (areaSql, arg) = SqliteServiceAreaRepository.Filter(ServiceAreas.AreaSelector.Parse(q.ServiceArea), "coalesce(sa.name, rsa.name)", "coalesce(sa.id, rsa.id)", "$a");
                where.Add(areaSql);
                args.Add(arg);
            }
            if (!string.IsNullOrEmpty(q.RecordingId)) { where.Add("g.recording_id = $r"); args.Add(("$r", q.RecordingId.Trim())); }
            if (!q.IncludeRevoked) where.Add("g.revoked_at IS NULL");
            if (q.ReviewDue)
            {
                where.Add("g.review_by IS NOT NULL AND g.review_by <= $due");
                args.Add(("$due", Timestamp.ToText(reviewDueBy)));
            }
            var sql = Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY g.principal COLLATE NOCASE, area_name, g.granted_at";
            return _session.Query(sql, Map, args.ToArray());
        }

        public string UnrevokedAreaGrant(string principal, string serviceAreaId) =>
            _session.Scalar("SELECT id FROM access_grant WHERE principal = $p COLLATE NOCASE AND service_area_id = $a AND revoked_at IS NULL",
                ("$p", principal), ("$a", serviceAreaId)) as string;

        // One query for the gate (before: a scalar for the recording's area, then the grants). Raw (SqliteRaw): exports call the gate per row.
        public IReadOnlyList<AccessGrant> ForRecording(string principal, string recordingId) => OverRecording(principal, recordingId, includeRevoked: false);

        public IReadOnlyList<AccessGrant> ForRecordingEver(string principal, string recordingId) => OverRecording(principal, recordingId, includeRevoked: true);

        /// <summary>The principal's grants over the recording's area and shares of the recording; revoked ones only when asked (a playback judged as of its time).</summary>
        private IReadOnlyList<AccessGrant> OverRecording(string principal, string recordingId, bool includeRevoked) =>
            SqliteRaw.Query(_session, @"SELECT g.*, NULL AS area_name FROM access_grant g
                     WHERE g.principal = $p COLLATE NOCASE" + (includeRevoked ? "" : " AND g.revoked_at IS NULL") + @"
                       AND (g.service_area_id = (SELECT service_area_id FROM recording WHERE id = $r) OR g.recording_id = $r)",
                Map, ("$p", principal), ("$r", recordingId));

        public (IReadOnlyList<string> SupervisedAreaIds, IReadOnlyList<AccessGrant> AreaGrants) VisibilityFacts(string principal)
        {
            // P1's role repository (RolesOf) may take over the supervised areas; kept here so visibility reads one repository.
            var supervised = _session.Query("SELECT service_area_id FROM role_assignment WHERE principal = $p COLLATE NOCASE AND role = 'Supervisor' AND service_area_id IS NOT NULL",
                r => r.GetString(0), ("$p", principal)).ToList();
            var grants = _session.Query("SELECT g.*, NULL AS area_name FROM access_grant g WHERE g.principal = $p COLLATE NOCASE AND g.revoked_at IS NULL AND g.service_area_id IS NOT NULL",
                Map, ("$p", principal)).ToList();
            return (supervised, grants);
        }

        public IReadOnlyList<(string AreaId, string Level, string Rights)> ApprovedLevels(DateTimeOffset now) =>
            _session.Query(@"SELECT rr.service_area_id, l.staff_group, l.rights FROM request_access_level l
                       JOIN recording_request rr ON rr.id = l.request_id
                       WHERE rr.status = 'Approved' AND rr.effective_from <= $now AND (rr.until IS NULL OR rr.until > $now)",
                r => (r.GetString(0), r.GetString(1), r.GetString(2)), ("$now", Timestamp.ToText(now))).ToList();

        public void Insert(AccessGrant g)
        {
            _session.RequireWrite("Writing an access grant");
            _session.Execute(@"INSERT INTO access_grant(id, principal, service_area_id, recording_id, rights, access_level, reason, review_by, expires_on, granted_at, granted_by, source_group, directory_object_id)
                              VALUES ($id, $p, $a, $r, $rights, $lvl, $why, $rb, $exp, $t, $by, $sg, $oid)",
                ("$id", g.GrantId), ("$p", g.Principal), ("$a", g.AreaId), ("$r", Empty(g.RecordingId)), ("$rights", g.Rights), ("$lvl", Empty(g.Level)),
                ("$why", g.Reason), ("$rb", Time(g.ReviewBy)), ("$exp", Time(g.ExpiresOn)), ("$t", Timestamp.ToText(g.GrantedAt)), ("$by", g.GrantedBy),
                ("$sg", Empty(g.SourceGroup)), ("$oid", Empty(g.DirectoryObjectId)));
        }

        public void Review(string grantId, string level, DateTimeOffset at, string by, string comment, DateTimeOffset reviewBy)
        {
            _session.RequireWrite("Reviewing an access grant");
            _session.Execute("UPDATE access_grant SET access_level = $lvl, reviewed_at = $t, reviewed_by = $p, review_comment = $c, review_by = $rb WHERE id = $id",
                ("$lvl", level), ("$t", Timestamp.ToText(at)), ("$p", by), ("$c", comment), ("$rb", Timestamp.ToText(reviewBy)), ("$id", grantId));
        }

        public void Revoke(string grantId, DateTimeOffset at, string by, string reason)
        {
            _session.RequireWrite("Revoking an access grant");
            _session.Execute("UPDATE access_grant SET revoked_at = $t, revoked_by = $p, revoke_reason = $r WHERE id = $id",
                ("$t", Timestamp.ToText(at)), ("$p", by), ("$r", reason), ("$id", grantId));
        }

        public bool SetDirectoryObjectId(string grantId, string objectId)
        {
            _session.RequireWrite("Recording a directory object id");
            return _session.Execute("UPDATE access_grant SET directory_object_id = $o WHERE id = $id AND directory_object_id IS NULL", ("$o", objectId), ("$id", grantId)) == 1;
        }

        private static object Empty(string value) => string.IsNullOrEmpty(value) ? null : value;

        private static object Time(DateTimeOffset? value) => value.HasValue ? Timestamp.ToText(value.Value) : null;

        private static AccessGrant Map(SqliteDataReader r) => new AccessGrant
        {
            GrantId = r.Text("id"),
            Principal = r.Text("principal"),
            ServiceArea = r.Text("area_name"),
            AreaId = r.Text("service_area_id"),
            RecordingId = r.Text("recording_id") ?? "",
            Rights = r.Text("rights"),
            Level = r.Text("access_level") ?? "",
            Reason = r.Text("reason"),
            ReviewBy = r.NullableTime("review_by"),
            ExpiresOn = r.NullableTime("expires_on"),
            GrantedAt = r.Time("granted_at"),
            GrantedBy = r.Text("granted_by"),
            ReviewedAt = r.NullableTime("reviewed_at"),
            ReviewedBy = r.Text("reviewed_by"),
            ReviewComment = r.Text("review_comment"),
            RevokedAt = r.NullableTime("revoked_at"),
            RevokedBy = r.Text("revoked_by"),
            RevokeReason = r.Text("revoke_reason"),
            SourceGroup = r.Text("source_group") ?? "",
            DirectoryObjectId = r.Text("directory_object_id") ?? "",
        };
    }
}
