using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.PolicyDatabase;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>Finding recordings: the query and its count, within the areas the acting principal may see, each in one read session. Part of <see cref="RecordingRegister"/>.</summary>
    public sealed partial class RecordingRegister
    {
        /// <summary>Streams recordings matching <paramref name="q"/> that the acting principal may see.</summary>
        public IEnumerable<Recording> Get(RecordingQuery q)
        {
            var now = _store.Clock.UtcNow;
            using (var session = _store.Database.Read())
            {
                var visible = VisibleAreas(session);
                if (visible != null && visible.Count == 0) yield break;
                foreach (var (rec, error) in session.Recordings.Query(q, visible, now))
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
        }

        /// <summary>How many recordings match <paramref name="q"/> (paging ignored), for -IncludeTotalCount.</summary>
        public long Count(RecordingQuery q)
        {
            var now = _store.Clock.UtcNow;
            return _store.Database.Read(session =>
            {
                var visible = VisibleAreas(session);
                return visible != null && visible.Count == 0 ? 0 : session.Recordings.Count(q, visible, now);
            });
        }

        /// <summary>Areas whose recordings the acting principal may list; null for all (Administrator, DPO, Auditor). Issue 10 P3 moves this to AccessRules.VisibleAreas.</summary>
        private IReadOnlyList<string> VisibleAreas(IPolicySession session) => session.Recordings.VisibleAreaIds(_store.Identity);
    }
}
