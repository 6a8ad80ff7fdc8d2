using System;
using System.Collections.Generic;

// The namespace is "Directories", not "Directory": a namespace CallRecordingAdmin.Engine.Directory would hide
// System.IO.Directory from every engine file that uses it.
namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>Where a directory account stands. NotFound: no such account (never existed, or deleted past restore).</summary>
    public enum AccountState { Enabled, Disabled, Deleted, NotFound }

    /// <summary>A person in the organisation's directory (Entra ID): enough to name them in a grant and mail them.</summary>
    public sealed class DirectoryUser
    {
        /// <summary>The directory's immutable object id.</summary>
        public string ObjectId { get; set; }
        public string UserPrincipalName { get; set; }
        public string Mail { get; set; }
        public string DisplayName { get; set; }
        public bool AccountEnabled { get; set; }
    }

    /// <summary>An account looked up by object id or user principal name, with its state.</summary>
    public sealed class DirectoryAccount
    {
        public string ObjectId { get; set; }
        public string UserPrincipalName { get; set; }
        public string DisplayName { get; set; }
        public AccountState State { get; set; }
    }

    /// <summary>Which directory source a call came from.</summary>
    public enum DirectoryCallSource { CallRecord, PstnCall, DirectRoutingCall }

    /// <summary>One party to a call as the directory's call records name them.</summary>
    public sealed class DirectoryCallParticipant
    {
        /// <summary>Organizer, Participant, Caller or Callee.</summary>
        public string Role { get; set; }
        public string DisplayName { get; set; }
        public string UserId { get; set; }
        public string UserPrincipalName { get; set; }
        /// <summary>A telephone number as the directory gives it (E.164 where it can).</summary>
        public string PhoneNumber { get; set; }
    }

    /// <summary>A call as the directory records it: a Teams call record, or a PSTN / direct-routing call log entry.</summary>
    public sealed class DirectoryCall
    {
        /// <summary>The call record's id (Teams) or the PSTN log's call id.</summary>
        public string CallId { get; set; }
        public DirectoryCallSource Source { get; set; }
        public DateTimeOffset Start { get; set; }
        public DateTimeOffset? End { get; set; }
        public IReadOnlyList<DirectoryCallParticipant> Participants { get; set; } = Array.Empty<DirectoryCallParticipant>();
    }

    /// <summary>
    /// The organisation's directory as the engine needs it. Implementations page through results lazily and
    /// throw <see cref="Policy.PolicyException"/> (GraphPermissionMissing, DirectoryUnavailable, …); they
    /// never run inside a store transaction.
    /// </summary>
    public interface IDirectory
    {
        /// <summary>Every user that is a member of the group directly or through nested groups, page by page.</summary>
        IEnumerable<DirectoryUser> GetTransitiveGroupUsers(string groupId);

        /// <summary>The account with this object id or user principal name: enabled, disabled, deleted (restorable) or not found.</summary>
        DirectoryAccount GetAccount(string objectIdOrUserPrincipalName);

        /// <summary>Teams call records that started in [after, before): the caller keeps the window within the directory's retention.</summary>
        IEnumerable<DirectoryCall> GetCallRecords(DateTimeOffset after, DateTimeOffset before);

        /// <summary>PSTN (Calling Plan) and direct-routing call log entries in [after, before): at most <see cref="DirectoryWindows.PstnQueryDays"/> days a call.</summary>
        IEnumerable<DirectoryCall> GetPstnCalls(DateTimeOffset after, DateTimeOffset before);
    }
}
