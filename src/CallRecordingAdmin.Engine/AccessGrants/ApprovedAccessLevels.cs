using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>
    /// Clause 2.2: a recording request outlines the levels of access staff need; clause 3.1: only nominated staff
    /// reach recordings. A nomination names one of the levels of the area's approved request (one that authorises
    /// the area now) and gets no right beyond that level's. The one place this rule lives: nominations, reviews and
    /// Get-RecordingAccess (WithinApprovedLevel) all use it.
    /// </summary>
    internal sealed class ApprovedAccessLevels
    {
        // area id → staff group → rights; a group named in two current approved requests has the rights of both.
        private readonly Dictionary<string, Dictionary<string, HashSet<AccessRight>>> _areas =
            new Dictionary<string, Dictionary<string, HashSet<AccessRight>>>(StringComparer.Ordinal);

        /// <summary>The levels of every approved request in force at <paramref name="now"/>, read through the grant repository.</summary>
        public static ApprovedAccessLevels Load(IGrantRepository grants, DateTimeOffset now) => From(grants.ApprovedLevels(now));

        /// <summary>The rule over plain facts: (area id, staff group, rights text) of each level of each approved request in force.</summary>
        public static ApprovedAccessLevels From(IEnumerable<(string AreaId, string Level, string Rights)> rows)
        {
            var levels = new ApprovedAccessLevels();
            foreach (var (areaId, level, rightsText) in rows)
            {
                if (!levels._areas.TryGetValue(areaId, out var groups))
                {
                    levels._areas[areaId] = groups = new Dictionary<string, HashSet<AccessRight>>(StringComparer.OrdinalIgnoreCase);
                }
                if (!groups.TryGetValue(level, out var rights)) groups[level] = rights = new HashSet<AccessRight>();
                foreach (var right in Parse(rightsText)) rights.Add(right);
            }
            return levels;
        }

        private static IEnumerable<AccessRight> Parse(string rights) =>
            rights.Split(new[] { '+', ',', ' ' }, StringSplitOptions.RemoveEmptyEntries)
                .Select(x => Enum.TryParse(x.Trim(), true, out AccessRight right) ? (AccessRight?)right : null)
                .Where(x => x.HasValue).Select(x => x.Value);

        /// <summary>The level's name as the request spells it, and its rights; AccessLevelNotApproved when the area's approved request names no such level.</summary>
        public (string Name, IReadOnlyCollection<AccessRight> Rights) Find(string areaId, string areaName, string level)
        {
            var wanted = Text.Required(level, "AccessLevelRequired",
                "a nomination names the level of access it gives (-Level), one of the levels in the approved recording request of '" + areaName + "'.", "2.2");
            var groups = _areas.TryGetValue(areaId, out var g) ? g : null;
            var match = groups?.Keys.FirstOrDefault(k => string.Equals(k, wanted, StringComparison.OrdinalIgnoreCase));
            if (match == null)
            {
                throw new PolicyException("AccessLevelNotApproved", FailureKind.InvalidArgument,
                    groups == null || groups.Count == 0
                        ? "service area '" + areaName + "' has no approved recording request in force, so it has no levels of access to nominate anyone to."
                        : "the approved recording request of '" + areaName + "' outlines no level '" + wanted + "'; its levels are " +
                          string.Join("; ", groups.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => p.Key + "=" + GrantRegister.RightsText(p.Value))) + ".",
                    wanted, "2.2");
            }
            return (match, groups[match]);
        }

        /// <summary>RightNotInApprovedAccessLevel unless every right is within the level.</summary>
        public static void RequireWithin(string areaName, (string Name, IReadOnlyCollection<AccessRight> Rights) level, IEnumerable<AccessRight> rights)
        {
            var beyond = rights.Where(r => !level.Rights.Contains(r)).Distinct().OrderBy(r => r).ToList();
            if (beyond.Count > 0)
            {
                throw new PolicyException("RightNotInApprovedAccessLevel", FailureKind.PermissionDenied,
                    string.Join("+", beyond) + " is beyond the level '" + level.Name + "' (" + GrantRegister.RightsText(level.Rights) + ") that the approved recording request of '" +
                    areaName + "' outlines; nominate to a level that includes it, or ask for the request to be changed.", string.Join("+", beyond), "2.2");
            }
        }

        /// <summary>Whether an area grant names a level that the area's approved request outlines now, with no right beyond it. Null for a share.</summary>
        public bool? IsWithin(string areaId, string level, string rights)
        {
            if (areaId == null) return null;
            if (string.IsNullOrEmpty(level) || !_areas.TryGetValue(areaId, out var groups) || !groups.TryGetValue(level, out var allowed)) return false;
            return Parse(rights ?? "").All(allowed.Contains);
        }
    }
}
