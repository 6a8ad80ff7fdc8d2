using System;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Compliance;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.SubjectAccess;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>
    /// One session on the policy database: every repository, declared here once so that no package of the
    /// reshape (issue 10) needs to edit this file. Read methods work in both kinds of session; write methods
    /// need an <see cref="IPolicyTransaction"/>.
    /// </summary>
    public interface IPolicySession : IDisposable
    {
        IServiceAreaRepository ServiceAreas { get; }
        IExtensionRepository Extensions { get; }
        IRequestRepository Requests { get; }
        IRoleRepository Roles { get; }
        IRecordingRepository Recordings { get; }
        IGrantRepository Grants { get; }
        IAccessLogRepository AccessLog { get; }
        IHoldRepository Holds { get; }
        IInvestigationRepository Investigations { get; }
        ISubjectAccessRepository SubjectAccess { get; }
        IAuditRepository Audit { get; }
        /// <summary>Store-wide reads for Test-RecordingStore and Get-RecordingStore (added by issue 10 P3).</summary>
        Store.IStoreHealthRepository Health { get; }
        /// <summary>Call participants and the mail outbox of the directory features (added by issue 10 P3).</summary>
        Directories.IDirectoryRepository Directory { get; }
        INoticeRepository Notices { get; }
        IComplianceRepository Compliance { get; }
    }

    /// <summary>A write session: the write lock is held until it is committed or disposed (disposing without <see cref="Commit"/> rolls back).</summary>
    public interface IPolicyTransaction : IPolicySession
    {
        void Commit();
    }
}
