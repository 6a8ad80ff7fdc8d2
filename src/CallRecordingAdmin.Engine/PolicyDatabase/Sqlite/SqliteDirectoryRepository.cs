using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>The directory features' tables on SQLite (issue 10 P3): call_participant and mail_outbox.</summary>
    internal sealed class SqliteDirectoryRepository : IDirectoryRepository
    {
        private readonly SqliteSession _session;

        internal SqliteDirectoryRepository(SqliteSession session) { _session = session; }

        public IReadOnlyList<(string Id, string Area, DateTimeOffset Start)> RecordingsOfCall(string callId, string serviceAreaId) =>
            _session.Query(@"SELECT r.id, sa.name, r.start_time FROM recording r JOIN service_area sa ON sa.id = r.service_area_id
                             WHERE r.call_id = $c AND ($a IS NULL OR r.service_area_id = $a)", Match, ("$c", callId), ("$a", serviceAreaId)).ToList();

        public IReadOnlyList<(string Id, string Area, DateTimeOffset Start)> RecordingsOfNumber(string number, DateTimeOffset from, DateTimeOffset to, string serviceAreaId) =>
            _session.Query(@"SELECT r.id, sa.name, r.start_time FROM recording r JOIN service_area sa ON sa.id = r.service_area_id
                             WHERE r.remote_number = $n AND r.start_time >= $from AND r.start_time <= $to AND ($a IS NULL OR r.service_area_id = $a)",
                Match, ("$n", number), ("$from", Timestamp.ToText(from)), ("$to", Timestamp.ToText(to)), ("$a", serviceAreaId)).ToList();

        private static (string, string, DateTimeOffset) Match(SqliteDataReader r) => (r.GetString(0), r.GetString(1), Timestamp.Parse(r.GetString(2)));

        public int AddParticipant(string recordingId, string directoryCallId, string source, string matchedBy, string role, string displayName, string userId,
            string userPrincipalName, string phoneNumber, DateTimeOffset at, string by)
        {
            _session.RequireWrite("Linking a call participant");
            // Raw, as before the move: Import-CallRecord's change translates a failure at its boundary.
            return SqliteRaw.Execute(_session,
                @"INSERT OR IGNORE INTO call_participant(recording_id, directory_call_id, source, matched_by, role, display_name, user_id, user_principal_name, phone_number, linked_at, linked_by)
                  VALUES ($r, $c, $s, $m, $role, $dn, $uid, $upn, $ph, $t, $by)",
                ("$r", recordingId), ("$c", directoryCallId), ("$s", source), ("$m", matchedBy), ("$role", role),
                ("$dn", displayName), ("$uid", userId), ("$upn", userPrincipalName), ("$ph", phoneNumber), ("$t", Timestamp.ToText(at)), ("$by", by));
        }

        public string ParticipantsText(string recordingId) =>
            _session.Scalar(@"SELECT group_concat(coalesce(display_name, user_principal_name, phone_number) || coalesce(' <' || coalesce(user_principal_name, phone_number) || '>', ''), '; ')
                              FROM call_participant WHERE recording_id = $r", ("$r", recordingId)) as string ?? "";

        public void QueueMail(OutboxMessage m, string body)
        {
            _session.RequireWrite("Queueing a mail");
            SqliteRaw.Execute(_session,
                @"INSERT INTO mail_outbox(id, kind, sender, recipient, subject, body, related_type, related_id, state, created_at, created_by)
                  VALUES ($id, $k, $f, $t, $s, $b, $rt, $ri, 'Pending', $now, $by)",
                ("$id", m.MessageId), ("$k", m.Kind), ("$f", m.From), ("$t", m.To), ("$s", m.Subject ?? ""), ("$b", body ?? ""),
                ("$rt", m.RelatedType), ("$ri", m.RelatedId), ("$now", Timestamp.ToText(m.CreatedAt)), ("$by", m.CreatedBy));
        }

        public IReadOnlyDictionary<string, string> PendingBodies() =>
            _session.Query("SELECT id, body FROM mail_outbox WHERE state = 'Pending'", r => (Id: r.GetString(0), Body: r.GetString(1))).ToDictionary(x => x.Id, x => x.Body);

        public void RecordDelivery(string messageId, OutboxState state, DateTimeOffset at, string result)
        {
            _session.RequireWrite("Recording a mail delivery");
            SqliteRaw.Execute(_session,
                "UPDATE mail_outbox SET state = $s, attempted_at = $t, result = $r WHERE id = $id AND state = 'Pending'",
                ("$s", state.ToString()), ("$t", Timestamp.ToText(at)), ("$r", result), ("$id", messageId));
        }

        public IEnumerable<OutboxMessage> Outbox(OutboxState? state, string kind, DateTimeOffset? after)
        {
            var where = new List<string>();
            var args = new List<(string, object)>();
            if (state.HasValue) { where.Add("state = $s"); args.Add(("$s", state.Value.ToString())); }
            if (!string.IsNullOrWhiteSpace(kind))
            {
                where.Add(SqliteLike.HasWildcard(kind) ? "kind LIKE $k ESCAPE '\\'" : "kind = $k COLLATE NOCASE");
                args.Add(("$k", SqliteLike.HasWildcard(kind) ? SqliteLike.From(kind) : kind.Trim()));
            }
            if (after.HasValue) { where.Add("created_at >= $after"); args.Add(("$after", Timestamp.ToText(after.Value))); }
            return _session.Query("SELECT * FROM mail_outbox" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY created_at DESC, id", Map, args.ToArray());
        }

        public OutboxMessage FindMail(string messageId) =>
            _session.Query("SELECT * FROM mail_outbox WHERE id = $id", Map, ("$id", messageId)).FirstOrDefault();

        private static OutboxMessage Map(SqliteDataReader r) => new OutboxMessage
        {
            MessageId = r.Text("id"), Kind = r.Text("kind"), From = r.Text("sender"), To = r.Text("recipient"), Subject = r.Text("subject"),
            State = (OutboxState)Enum.Parse(typeof(OutboxState), r.Text("state")), RelatedType = r.Text("related_type"), RelatedId = r.Text("related_id"),
            CreatedAt = r.Time("created_at"), CreatedBy = r.Text("created_by"), AttemptedAt = r.NullableTime("attempted_at"), Result = r.Text("result") ?? "",
        };
    }
}
