using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>
    /// What the directory (Microsoft Graph) features keep in the policy database: call participants linked to recordings
    /// (Import-CallRecord) and the mail outbox. It reads and writes; the matching rules and the sending are the callers'.
    /// </summary>
    public interface IDirectoryRepository
    {
        /// <summary>Recordings (id, area name, start) with this call id, in <paramref name="serviceAreaId"/> when given.</summary>
        IReadOnlyList<(string Id, string Area, DateTimeOffset Start)> RecordingsOfCall(string callId, string serviceAreaId);

        /// <summary>Recordings (id, area name, start) with this remote number that started between <paramref name="from"/> and <paramref name="to"/>, in <paramref name="serviceAreaId"/> when given.</summary>
        IReadOnlyList<(string Id, string Area, DateTimeOffset Start)> RecordingsOfNumber(string number, DateTimeOffset from, DateTimeOffset to, string serviceAreaId);

        /// <summary>Links one participant of a directory call to a recording unless that link exists; returns 1 when it was added, 0 when it was already there. A write session only.</summary>
        int AddParticipant(string recordingId, string directoryCallId, string source, string matchedBy, string role, string displayName, string userId,
            string userPrincipalName, string phoneNumber, DateTimeOffset at, string by);

        /// <summary>A recording's participants as one line: "Name &lt;upn or number&gt;; …" (empty when none).</summary>
        string ParticipantsText(string recordingId);

        /// <summary>Writes one Pending outbox row. A write session only.</summary>
        void QueueMail(OutboxMessage message, string body);

        /// <summary>The bodies of every Pending outbox row, by message id.</summary>
        IReadOnlyDictionary<string, string> PendingBodies();

        /// <summary>Records the mail service's answer on a row that is still Pending. A write session only.</summary>
        void RecordDelivery(string messageId, OutboxState state, DateTimeOffset at, string result);

        /// <summary>Outbox rows by state, kind (exact, any case, or a wildcard) and creation time, newest first. Streams.</summary>
        IEnumerable<OutboxMessage> Outbox(OutboxState? state, string kind, DateTimeOffset? after);

        /// <summary>One outbox row by id, or null.</summary>
        OutboxMessage FindMail(string messageId);
    }
}
