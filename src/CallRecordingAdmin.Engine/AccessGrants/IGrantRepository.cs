using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.AccessGrants
{
    /// <summary>
    /// Access grants (clause 3.1): the facts <see cref="AccessRules"/> reasons over, queries, insert, review, revoke.
    /// It reads and writes; it never decides: a grant comes back with its dates, and its status is
    /// <see cref="AccessRules.StatusAt"/>'s to say. Rights are the text "Play+Download" on the grant (the storage
    /// form is the repository's business).
    /// </summary>
    public interface IGrantRepository
    {
        /// <summary>One grant by id (any status), or null.</summary>
        AccessGrant Find(string grantId);

        /// <summary>
        /// Grants by the query's filters (not revoked unless asked; review due by <paramref name="reviewDueBy"/> when
        /// the query asks for it), ordered by principal, area, time granted. Streams.
        /// </summary>
        IEnumerable<AccessGrant> Query(GrantQuery query, DateTimeOffset reviewDueBy);

        /// <summary>The id of the principal's unrevoked grant over the area (not a share), or null.</summary>
        string UnrevokedAreaGrant(string principal, string serviceAreaId);

        /// <summary>
        /// Every unrevoked grant of <paramref name="principal"/> that could let them reach <paramref name="recordingId"/>:
        /// a grant over the recording's area or a share of the recording, in one query (what the access gate needs).
        /// </summary>
        IReadOnlyList<AccessGrant> ForRecording(string principal, string recordingId);

        /// <summary>Every grant of the principal over the recording's area or on the recording, revoked ones included (a playback judged as of when it happened).</summary>
        IReadOnlyList<AccessGrant> ForRecordingEver(string principal, string recordingId);

        /// <summary>
        /// What makes areas visible to a principal who holds no store-wide role, in one round trip: the ids of the areas
        /// they supervise, and their unrevoked grants over areas (no shares). <see cref="AccessRules.VisibleAreas"/> decides.
        /// </summary>
        (IReadOnlyList<string> SupervisedAreaIds, IReadOnlyList<AccessGrant> AreaGrants) VisibilityFacts(string principal);

        /// <summary>The levels of access in every approved recording request in force at <paramref name="now"/> (clause 2.2): area id, staff group, rights text.</summary>
        IReadOnlyList<(string AreaId, string Level, string Rights)> ApprovedLevels(DateTimeOffset now);

        /// <summary>Writes a grant: an area grant (<see cref="AccessGrant.AreaId"/>) or a share (<see cref="AccessGrant.RecordingId"/>). A write session only.</summary>
        void Insert(AccessGrant grant);

        /// <summary>Records a review: the level confirmed, who reviewed and when, the comment, the next review date. A write session only.</summary>
        void Review(string grantId, string level, DateTimeOffset at, string by, string comment, DateTimeOffset reviewBy);

        /// <summary>Revokes a grant. A write session only.</summary>
        void Revoke(string grantId, DateTimeOffset at, string by, string reason);

        /// <summary>Remembers the grantee's directory object id where none is recorded yet; true when it was written. A write session only.</summary>
        bool SetDirectoryObjectId(string grantId, string objectId);
    }
}
