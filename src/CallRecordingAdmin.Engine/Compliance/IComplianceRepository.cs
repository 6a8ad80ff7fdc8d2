using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.SubjectAccess;

namespace CallRecordingAdmin.Engine.Compliance
{
    /// <summary>
    /// The reads the compliance report needs: rows and aggregates only, never a decision. Every decision is made by
    /// the clause's rules type (AreaRules, NoticeRules, RetentionRules, AccessRules, AuditRules …) that enforcement
    /// also uses; where a rule is evaluated by the database over millions of rows, the implementation writes its
    /// query from the same rules type (RetentionRules.DueSql, AccessRules.LacksPurposeSql).
    /// </summary>
    public interface IComplianceRepository
    {
        /// <summary>Every service area with its authorisation windows, the purposes of each authorising request, its recorded extensions and how many notification measures it has.</summary>
        List<ComplianceArea> Areas();

        /// <summary>The names of every service area.</summary>
        IReadOnlyList<string> AreaNames();

        /// <summary>Every recorded extension number in the store.</summary>
        HashSet<string> RecordedNumbers();

        /// <summary>Recordings of an area that started in [from, to) (null bounds are open): how many, the first and last start time.</summary>
        (long Count, string First, string Last) RecordingsBetween(string areaId, DateTimeOffset? from, DateTimeOffset? to);

        /// <summary>Approved requests with their consultations.</summary>
        List<ComplianceApprovedRequest> ApprovedRequests();

        /// <summary>Per area id: recordings the purge would delete at <paramref name="at"/> (RetentionRules.DueSql), with the earliest expiry.</summary>
        Dictionary<string, (long Count, string Earliest)> RetentionDue(DateTimeOffset at);

        /// <summary>Per area id: recordings part-way through deletion.</summary>
        Dictionary<string, long> PendingDeletions();

        /// <summary>Holds not released, with how many recordings each keeps.</summary>
        List<(string Id, string Case, DateTimeOffset? RetainUntil, DateTimeOffset? ReleasedAt, long Recordings)> Holds();

        /// <summary>Unrevoked area grants.</summary>
        List<(string Id, string Principal, string AreaId, string Area, DateTimeOffset? ReviewBy, DateTimeOffset? ExpiresOn, DateTimeOffset? RevokedAt)> AreaGrants();

        /// <summary>Per logged area name: allowed accesses with no purpose or reason (AccessRules.LacksPurposeSql), with the first.</summary>
        List<(string Area, long Count, string First)> AccessWithoutPurpose();

        /// <summary>Investigation requests awaiting a decision.</summary>
        List<(string Id, string Subject, InvestigationStatus Status, DateTimeOffset RequestedAt)> Investigations();

        /// <summary>Open subject access requests, by due date.</summary>
        List<(string Id, string Reference, SubjectAccessStatus Status, DateTime DueOn)> OpenSubjectAccessRequests();

        /// <summary>When the last audit checkpoint was exported, or null.</summary>
        DateTimeOffset? LastCheckpoint();

        /// <summary>The most recent recorded store check (Test-RecordingStore), or null when none was ever recorded.</summary>
        Store.StoreCheckRules.RecordedRun LastStoreCheck();

        /// <summary>The most recent recorded Test-AuditChain: its sequence, time, whether the chain held and the problem found.</summary>
        (long Sequence, DateTimeOffset RanAt, bool Valid, string Problem)? LastChainCheck();

        /// <summary>The newest event after <paramref name="afterSequence"/> whose action is one of <paramref name="actions"/>: its sequence, action and time.</summary>
        (long Sequence, string Action, string OccurredAt)? NewestEventAfter(long afterSequence, IEnumerable<string> actions);

        /// <summary>
        /// Each distinct (principal, operating-system account) pair the audit log records (case-insensitive; events
        /// with no account recorded are left out). Found through the index on both, so it costs the number of pairs,
        /// not the number of events.
        /// </summary>
        IReadOnlyList<(string Principal, string OsAccount)> PrincipalOsAccounts();

        /// <summary>How many audit events one (principal, operating-system account) pair made, and the last one's sequence.</summary>
        (long Count, long LastSeq) EventsOf(string principal, string osAccount);

        /// <summary>Audit events with one of <paramref name="actions"/> (a failed deletion) whose recording is still not Deleted.</summary>
        List<(string RecordingId, string Area, string OccurredAt, string State)> FailedDeletions(IEnumerable<string> actions);

        /// <summary>The chart aggregates at <paramref name="asOf"/> for the areas <paramref name="areaWanted"/> accepts.</summary>
        void Charts(ComplianceCharts charts, DateTimeOffset asOf, Func<string, bool> areaWanted);
    }

    /// <summary>A service area as the compliance report sees it.</summary>
    public sealed class ComplianceArea
    {
        public string Id { get; set; }
        public string Name { get; set; }
        public string CustomerNotice { get; set; }
        public bool AutomatedNotice { get; set; }
        public List<AuthorisationWindow> Windows { get; } = new List<AuthorisationWindow>();
        /// <summary>The purposes text of each request that opened a window, by request id.</summary>
        public Dictionary<string, string> RequestPurposes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public List<RecordedExtension> Extensions { get; } = new List<RecordedExtension>();
        public int Measures { get; set; }
    }

    /// <summary>An approved recording request and the consultations on record for it.</summary>
    public sealed class ComplianceApprovedRequest
    {
        public string Id { get; set; }
        public string AreaId { get; set; }
        public bool Special { get; set; }
        public bool Identity { get; set; }
        public bool Card { get; set; }
        public DateTimeOffset? Until { get; set; }
        public DateTimeOffset? StoppedAt { get; set; }
        public List<RequestConsultation> Consultations { get; } = new List<RequestConsultation>();
    }
}
