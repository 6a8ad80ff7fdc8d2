using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>
    /// Clause 3.1: only nominated staff may download, copy, share or delete recordings, and that privileged
    /// access is reviewed and confirmed at least annually. Administrators nominate; a grant's review date is
    /// never more than 12 months ahead; a grant past its review date stops working until it is confirmed.
    /// </summary>
    public sealed class GrantRegister
    {
        public const int MaximumShareDays = 30;
        private const string Select = @"SELECT g.*, coalesce(sa.name, rsa.name) AS area_name FROM access_grant g
            LEFT JOIN service_area sa ON sa.id = g.service_area_id
            LEFT JOIN recording r ON r.id = g.recording_id
            LEFT JOIN service_area rsa ON rsa.id = r.service_area_id";
        private readonly RecordingStore _store;

        internal GrantRegister(RecordingStore store) { _store = store; }

        internal static string RightsText(IEnumerable<AccessRight> rights) => string.Join("+", rights.Distinct().OrderBy(r => r));

        private static IReadOnlyList<AccessRight> RequireRights(IReadOnlyList<AccessRight> rights)
        {
            if (rights == null || rights.Count == 0)
            {
                throw new PolicyException("RightRequired", FailureKind.InvalidArgument, "name at least one right: Play, Download, Copy, Share or Delete.", null, "3.1");
            }
            return rights;
        }

        private static DateTimeOffset ReviewDate(DateTimeOffset now, DateTimeOffset? reviewBy)
        {
            var latest = now.AddMonths(12);
            var date = reviewBy ?? latest;
            if (date > latest)
            {
                throw new PolicyException("ReviewPeriodExceedsPolicy", FailureKind.InvalidArgument,
                    "privileged access must be reviewed and confirmed at least annually; a review date of " + Timestamp.ToText(date) + " is more than 12 months ahead.", date, "3.1");
            }
            if (date <= now)
            {
                throw new PolicyException("ReviewDateInPast", FailureKind.InvalidArgument, "the review date must be in the future.", date, "3.1");
            }
            return date;
        }

        /// <summary>
        /// Nominates <paramref name="principal"/> for rights over an area's recordings at <paramref name="level"/>, one of the
        /// levels of access in the area's approved recording request (clause 2.2); <paramref name="rights"/> default to the
        /// level's and may not go beyond them. Administrators only, and never for themselves (another Administrator does).
        /// </summary>
        public AccessGrant Grant(string principal, string serviceArea, string level, IReadOnlyList<AccessRight> rights, string reason, DateTimeOffset? reviewBy) =>
            Grant(principal, serviceArea, level, rights, reason, reviewBy, null, null);

        /// <summary>
        /// A nomination that came from a directory group (Sync-RecordingAccess): the grant remembers the group and the
        /// person's directory object id, so a later sync revokes it when they leave and never touches grants made by hand.
        /// </summary>
        internal AccessGrant Grant(string principal, string serviceArea, string level, IReadOnlyList<AccessRight> rights, string reason, DateTimeOffset? reviewBy, string sourceGroup, string directoryObjectId)
        {
            principal = Principal.Normalise(principal);
            var why = Text.Required(reason, "ReasonRequired", "a nomination needs a reason (-Reason).", "3.1");
            return _store.Change("grant access to recordings", "Grant", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "grant access to recordings", null, null, "3.1");
                RequireNotSelf(ctx, principal);
                var area = ServiceAreaRegister.Find(ctx, serviceArea);
                var approved = ApprovedAccessLevels.Load(ctx.Connection, ctx.Transaction, ctx.Now).Find(area.Id, area.Name, level);
                if (rights == null || rights.Count == 0) rights = approved.Rights.ToList();
                ApprovedAccessLevels.RequireWithin(area.Name, approved, rights);
                var review = ReviewDate(ctx.Now, reviewBy);
                var existing = ctx.Scalar("SELECT id FROM access_grant WHERE principal = $p COLLATE NOCASE AND service_area_id = $a AND revoked_at IS NULL",
                    ("$p", principal), ("$a", area.Id)) as string;
                if (existing != null)
                {
                    throw new PolicyException("GrantExists", FailureKind.ResourceExists,
                        "'" + principal + "' already holds grant " + existing + " in '" + area.Name + "'; revoke it first to change its rights.", principal);
                }
                var id = Ids.New("grant");
                ctx.Execute(@"INSERT INTO access_grant(id, principal, service_area_id, rights, access_level, reason, review_by, granted_at, granted_by, source_group, directory_object_id)
                              VALUES ($id, $p, $a, $r, $lvl, $why, $rb, $t, $by, $sg, $oid)",
                    ("$id", id), ("$p", principal), ("$a", area.Id), ("$r", RightsText(rights)), ("$lvl", approved.Name), ("$why", why),
                    ("$rb", Timestamp.ToText(review)), ("$t", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal),
                    ("$sg", (object)sourceGroup ?? DBNull.Value), ("$oid", (object)directoryObjectId ?? DBNull.Value));
                var details = new Dictionary<string, object>
                {
                    ["principal"] = principal, ["serviceArea"] = area.Name, ["level"] = approved.Name, ["rights"] = RightsText(rights), ["reviewBy"] = review, ["reason"] = why,
                };
                if (sourceGroup != null) { details["sourceGroup"] = sourceGroup; details["directoryObjectId"] = directoryObjectId; }
                ctx.Audit("GrantRecordingAccess", "AccessGrant", id, details);
                return Load(ctx, id);
            });
        }

        /// <summary>Clause 3.1: nobody nominates themselves or shares with themselves; another member of staff must.</summary>
        private static void RequireNotSelf(ChangeContext ctx, string principal)
        {
            if (SeparationOfDuties.IsActor(ctx, principal))
            {
                throw new PolicyException("SelfNominationRefused", FailureKind.PermissionDenied,
                    SeparationOfDuties.Who(ctx, principal) + " may not nominate themselves for access to recordings (or share one with themselves); another Administrator must.", principal, "3.1");
            }
        }

        /// <summary>
        /// Shares one recording for playback: needs the Share right on its area, a purpose and a reason, and
        /// ends within 30 days. The share and any refusal are in the access log.
        /// </summary>
        public AccessGrant Share(string recordingId, string principal, IReadOnlyList<AccessRight> rights, AccessPurpose purpose, DateTimeOffset expiresOn)
        {
            principal = Principal.Normalise(principal);
            RequireRights(rights);
            if (rights.Any(r => r != AccessRight.Play))
            {
                throw new PolicyException("ShareRightNotAllowed", FailureKind.InvalidArgument,
                    "a shared recording may only be played; downloading, copying, sharing and deleting stay with nominated staff.", principal, "3.1");
            }
            var id = Ids.New("grant");
            _store.Recordings.Reach(AccessRight.Share, recordingId, purpose,
                "shared with " + principal + " until " + Timestamp.ToText(expiresOn) + " (grant " + id + ")", (ctx, recording) =>
                {
                    RequireNotSelf(ctx, principal);
                    if (expiresOn <= ctx.Now || expiresOn > ctx.Now.AddDays(MaximumShareDays))
                    {
                        throw new PolicyException("ShareExpiryInvalid", FailureKind.InvalidArgument,
                            "a shared recording must stop being available within " + MaximumShareDays + " days; -ExpiresOn " + Timestamp.ToText(expiresOn) + " is not between now and then.", expiresOn, "3.1");
                    }
                    ctx.Execute(@"INSERT INTO access_grant(id, principal, recording_id, rights, reason, expires_on, granted_at, granted_by)
                                  VALUES ($id, $p, $r, $rights, $why, $exp, $t, $by)",
                        ("$id", id), ("$p", principal), ("$r", recording.RecordingId), ("$rights", RightsText(rights)), ("$why", purpose.Reason),
                        ("$exp", Timestamp.ToText(expiresOn)), ("$t", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal));
                });
            return Get(new GrantQuery { GrantId = id }).Single();
        }

        public AccessGrant Revoke(string grantId, string principal, string serviceArea, string reason)
        {
            return _store.Change("revoke access to recordings", "Revoke", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "revoke access to recordings", null, null, "3.1");
                var id = grantId;
                if (string.IsNullOrWhiteSpace(id))
                {
                    var area = ServiceAreaRegister.Find(ctx, serviceArea);
                    id = ctx.Scalar("SELECT id FROM access_grant WHERE principal = $p COLLATE NOCASE AND service_area_id = $a AND revoked_at IS NULL",
                        ("$p", Principal.Normalise(principal)), ("$a", area.Id)) as string;
                    if (id == null)
                    {
                        throw new PolicyException("GrantNotFound", FailureKind.ObjectNotFound, "'" + principal + "' holds no grant in '" + area.Name + "'.", principal);
                    }
                }
                var grant = Load(ctx, id);
                if (grant.Status == GrantStatus.Revoked)
                {
                    throw new PolicyException("GrantAlreadyRevoked", FailureKind.InvalidOperation, "Grant " + id + " was already revoked on " + Timestamp.ToText(grant.RevokedAt.Value) + ".", id);
                }
                var why = Text.Optional(reason, "Reason") ?? "Revoked";
                ctx.Execute("UPDATE access_grant SET revoked_at = $t, revoked_by = $p, revoke_reason = $r WHERE id = $id",
                    ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$r", why), ("$id", id));
                ctx.Audit("RevokeRecordingAccess", "AccessGrant", id, new Dictionary<string, object> { ["principal"] = grant.Principal, ["serviceArea"] = grant.ServiceArea, ["reason"] = why });
                return Load(ctx, id);
            });
        }

        /// <summary>Records the review of a grant (who, when) and sets its next review date. The reviewer cannot be the grantee.</summary>
        /// <remarks>
        /// The confirmed grant must fit a level of the area's approved request (clause 2.2): <paramref name="level"/> sets
        /// the level (a grant made before levels were recorded has none); without it the grant keeps its own.
        /// </remarks>
        public AccessGrant Confirm(string grantId, DateTimeOffset? reviewBy, string comment, string level = null)
        {
            return _store.Change("review access to recordings", "ConfirmReview", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "review access to recordings", null, null, "3.1");
                var grant = Load(ctx, grantId);
                if (grant.Status == GrantStatus.Revoked)
                {
                    throw new PolicyException("GrantAlreadyRevoked", FailureKind.InvalidOperation, "Grant " + grantId + " is revoked; grant access anew instead.", grantId);
                }
                if (grant.RecordingId != "")
                {
                    throw new PolicyException("ShareNotReviewed", FailureKind.InvalidOperation, "Grant " + grantId + " is a time-limited share; it ends by itself and has no review.", grantId);
                }
                if (SeparationOfDuties.SamePerson(ctx.Principal, ctx.OsAccount, grant.Principal, null, ctx.Store.SharedOsAccount))
                {
                    throw new PolicyException("SelfReviewNotAllowed", FailureKind.PermissionDenied,
                        "'" + ctx.Principal + "' holds grant " + grantId + " and cannot review it; another Administrator must.", grantId, "3.1");
                }
                var review = ReviewDate(ctx.Now, reviewBy);
                var areaId = (string)ctx.Scalar("SELECT service_area_id FROM access_grant WHERE id = $id", ("$id", grant.GrantId));
                var approved = ApprovedAccessLevels.Load(ctx.Connection, ctx.Transaction, ctx.Now).Find(areaId, grant.ServiceArea, Text.Optional(level) ?? grant.Level);
                ApprovedAccessLevels.RequireWithin(grant.ServiceArea, approved, grant.Rights.Split('+').Select(x => (AccessRight)Enum.Parse(typeof(AccessRight), x)));
                ctx.Execute("UPDATE access_grant SET access_level = $lvl WHERE id = $id", ("$lvl", approved.Name), ("$id", grant.GrantId));
                ctx.Execute("UPDATE access_grant SET reviewed_at = $t, reviewed_by = $p, review_comment = $c, review_by = $rb WHERE id = $id",
                    ("$t", Timestamp.ToText(ctx.Now)), ("$p", ctx.Principal), ("$c", Text.Optional(comment, "Comment")),
                    ("$rb", Timestamp.ToText(review)), ("$id", grantId));
                ctx.Audit("ConfirmRecordingAccess", "AccessGrant", grantId, new Dictionary<string, object>
                {
                    ["principal"] = grant.Principal, ["serviceArea"] = grant.ServiceArea, ["level"] = approved.Name, ["reviewBy"] = review, ["comment"] = comment,
                });
                return Load(ctx, grantId);
            });
        }

        public IEnumerable<AccessGrant> Get(GrantQuery q)
        {
            var now = _store.Clock.UtcNow;
            var where = new List<string>();
            var args = new List<(string, object)> { ("$now", Timestamp.ToText(now)) };
            if (!string.IsNullOrEmpty(q.GrantId)) { where.Add("g.id = $id"); args.Add(("$id", q.GrantId.Trim())); }
            if (!string.IsNullOrEmpty(q.Principal))
            {
                where.Add(SqliteLike.HasWildcard(q.Principal) ? "g.principal LIKE $p ESCAPE '\\'" : "g.principal = $p COLLATE NOCASE");
                args.Add(("$p", SqliteLike.HasWildcard(q.Principal) ? SqliteLike.From(q.Principal) : q.Principal.Trim()));
            }
            if (!string.IsNullOrEmpty(q.ServiceArea))
            {
                var (areaSql, arg) = ServiceAreas.ServiceAreaRegister.Selector(q.ServiceArea, "coalesce(sa.name, rsa.name)", "coalesce(sa.id, rsa.id)", "$a");
                where.Add(areaSql);
                args.Add(arg);
            }
            if (!string.IsNullOrEmpty(q.RecordingId)) { where.Add("g.recording_id = $r"); args.Add(("$r", q.RecordingId.Trim())); }
            if (!q.IncludeRevoked) where.Add("g.revoked_at IS NULL");
            if (q.ReviewDue)
            {
                where.Add("g.review_by IS NOT NULL AND g.review_by <= $due");
                args.Add(("$due", Timestamp.ToText(now.AddDays(q.WithinDays))));
            }
            var sql = Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY g.principal COLLATE NOCASE, area_name, g.granted_at";
            var levels = _store.Db.Read(c => ApprovedAccessLevels.Load(c, null, now));
            return _store.Db.Query(sql, cmd => { foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v); }, r => Annotate(Map(r, now), r, levels));
        }

        private static AccessGrant Annotate(AccessGrant g, SqliteDataReader r, ApprovedAccessLevels levels)
        {
            g.WithinApprovedLevel = levels.IsWithin(r.Text("service_area_id"), g.Level, g.Rights);
            return g;
        }

        internal static AccessGrant Load(ChangeContext ctx, string grantId)
        {
            using (var cmd = ctx.Command(Select + " WHERE g.id = $id", ("$id", grantId?.Trim())))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new PolicyException("GrantNotFound", FailureKind.ObjectNotFound, "There is no access grant '" + grantId + "'.", grantId);
                }
                return Annotate(Map(r, ctx.Now), r, ApprovedAccessLevels.Load(ctx.Connection, ctx.Transaction, ctx.Now));
            }
        }

        internal static AccessGrant Map(SqliteDataReader r, DateTimeOffset now)
        {
            var g = new AccessGrant
            {
                GrantId = r.Text("id"),
                Principal = r.Text("principal"),
                ServiceArea = r.Text("area_name"),
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
            g.Status = AccessRules.StatusOf(g.RevokedAt, g.ExpiresOn, g.ReviewBy, now);
            return g;
        }
    }

    /// <summary>The one check every access to a recording passes: an active, reviewed grant with the right.</summary>
    internal static class AccessGate
    {
        public static string Require(ChangeContext ctx, string principal, Recording recording, AccessRight right)
        {
            Audit.LedgerCheck.Require(ctx.Db, "recording", recording.RecordingId, right + " recording " + recording.RecordingId); // the row ledger (issue 11): its area is the one sealed
            var areaId = ctx.Scalar("SELECT service_area_id FROM recording WHERE id = $id", ("$id", recording.RecordingId)) as string;
            var overdue = (string)null;
            using (var cmd = ctx.Command(@"SELECT g.*, NULL AS area_name FROM access_grant g
                     WHERE g.principal = $p COLLATE NOCASE AND g.revoked_at IS NULL AND (g.service_area_id = $a OR g.recording_id = $r)",
                       ("$p", principal), ("$a", areaId), ("$r", recording.RecordingId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read())
                {
                    var g = GrantRegister.Map(r, ctx.Now);
                    if (!g.Rights.Split('+').Contains(right.ToString())) continue;
                    if (g.Status == GrantStatus.Active)
                    {
                        Audit.LedgerCheck.Require(ctx.Db, "access_grant", g.GrantId, right + " recording " + recording.RecordingId + " on grant " + g.GrantId); // the row ledger (issue 11)
                        return g.GrantId;
                    }
                    if (g.Status == GrantStatus.ReviewOverdue) overdue = g.GrantId;
                }
            }
            if (overdue != null)
            {
                throw new PolicyException("AccessReviewOverdue", FailureKind.PermissionDenied,
                    "grant " + overdue + " of '" + principal + "' passed its review date without being confirmed; it works again once an Administrator confirms it (Confirm-RecordingAccess).", principal, "3.1");
            }
            throw new PolicyException("AccessNotGranted", FailureKind.PermissionDenied,
                "'" + principal + "' is not nominated for " + right + " on recordings of '" + recording.ServiceArea + "'; only nominated staff may do that.", principal, "3.1");
        }
    }
}
