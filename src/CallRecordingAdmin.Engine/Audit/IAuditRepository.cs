using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Audit
{
    /// <summary>
    /// The audit chain's rows. Hashing stays in <see cref="AuditChain"/> (pure); the repository reads the head, appends
    /// and streams. Append-only: nothing here updates or deletes an event.
    /// </summary>
    public interface IAuditRepository
    {
        /// <summary>
        /// Appends one event after the chain's head, in the session's transaction (a write session only). The head is
        /// remembered between appends of one transaction, since the write lock is held.
        /// </summary>
        AuditEvent Append(string storeId, DateTimeOffset at, string principal, string osAccount, string action, string targetType, string target, IDictionary<string, object> details);

        /// <summary>The operating-system account of the latest <paramref name="action"/> event on <paramref name="target"/>; null if none is recorded (separation of duties, issue 10 P1).</summary>
        string OsAccountOf(string action, string target);

        /// <summary>Whether <paramref name="osAccount"/> has acted as <paramref name="principal"/> or <paramref name="otherSpelling"/> (names compared without regard to case) in any audit event (separation of duties, issue 10 P1).</summary>
        bool HasActedAs(string osAccount, string principal, string otherSpelling);

        /// <summary>The last event's sequence and hash, or null when the chain is empty.</summary>
        (long Sequence, string Hash)? Head();

        /// <summary>Events by the query's filters, in sequence order. Streams.</summary>
        IEnumerable<AuditEvent> Query(AuditQuery query);

        /// <summary>
        /// Every event from <paramref name="fromSequence"/> on, in sequence order, as stored (the text the hash covers,
        /// never re-formatted): what verification walks. Streams.
        /// </summary>
        IEnumerable<AuditRow> Range(long fromSequence);

        /// <summary>The details of the first event with <paramref name="action"/>, or null.</summary>
        string FirstDetails(string action);

        /// <summary>Whether any event with <paramref name="action"/> names <paramref name="target"/>.</summary>
        bool Any(string action, string target);
    }

    /// <summary>One audit event exactly as stored: the columns its canonical form is built from.</summary>
    public readonly struct AuditRow
    {
        public AuditRow(long sequence, int format, string occurredAt, string principal, string osAccount, string action,
            string targetType, string target, string details, string previousHash, string hash)
        {
            Sequence = sequence; Format = format; OccurredAt = occurredAt; Principal = principal; OsAccount = osAccount; Action = action;
            TargetType = targetType; Target = target; Details = details; PreviousHash = previousHash; Hash = hash;
        }

        public long Sequence { get; }
        public int Format { get; }
        public string OccurredAt { get; }
        public string Principal { get; }
        public string OsAccount { get; }
        public string Action { get; }
        public string TargetType { get; }
        public string Target { get; }
        public string Details { get; }
        public string PreviousHash { get; }
        public string Hash { get; }
    }
}
