using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.SubjectAccess
{
    /// <summary>Subject access requests in the policy database (issue 10 P2). Rows come whole, in one query (no per-request reads); Overdue is the register's to set (SubjectAccessRules).</summary>
    public interface ISubjectAccessRepository
    {
        /// <summary>One request; null when there is none.</summary>
        SubjectAccessRequest Find(string requestId);

        /// <summary>
        /// Requests by due date: one (<paramref name="requestId"/>), the open ones due before <paramref name="overdueBefore"/>,
        /// the open ones due on or before <paramref name="dueBy"/>; every filter given applies.
        /// </summary>
        IEnumerable<SubjectAccessRequest> Query(string requestId, DateTime? overdueBefore, DateTime? dueBy);

        void Insert(SubjectAccessRequest request);

        /// <summary>Open → Fulfilled with when, by whom, where to and how many recordings were exported.</summary>
        void MarkFulfilled(string requestId, DateTimeOffset at, string by, string exportedTo, int recordingsExported);
    }
}
