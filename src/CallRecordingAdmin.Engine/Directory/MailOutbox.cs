using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Directories
{
    public enum OutboxState { Pending, Sent, Refused }

    /// <summary>A message in the outbox: written in the transaction that decided to send it, sent after that commits.</summary>
    public sealed class OutboxMessage
    {
        public string MessageId { get; set; }
        public string Kind { get; set; }
        public string From { get; set; }
        public string To { get; set; }
        public string Subject { get; set; }
        public OutboxState State { get; set; }
        public string RelatedType { get; set; }
        public string RelatedId { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public string CreatedBy { get; set; }
        public DateTimeOffset? AttemptedAt { get; set; }
        /// <summary>The mail service's answer: empty when accepted, else its error id and message.</summary>
        public string Result { get; set; }
    }

    /// <summary>
    /// The mail outbox. A mail that a change decides to send is a row written in that change's transaction; the
    /// mail service is called only after the commit (never holding the store's write lock), and a second
    /// transaction records what it answered. A crash between the two leaves the row Pending: the next
    /// <see cref="Send"/> of it sends again (at least once, never silently lost).
    /// </summary>
    public sealed class MailOutbox
    {
        private readonly RecordingStore _store;

        public MailOutbox(RecordingStore store) { _store = store; }

        /// <summary>Writes one outbox row in the change's transaction; returns its id.</summary>
        internal static string Queue(ChangeContext ctx, string kind, MailMessage message, string relatedType, string relatedId)
        {
            var to = MailAddress(message.To, "To");
            var from = MailAddress(message.From, "From");
            var id = Ids.New("mail");
            ctx.Execute(@"INSERT INTO mail_outbox(id, kind, sender, recipient, subject, body, related_type, related_id, state, created_at, created_by)
                          VALUES ($id, $k, $f, $t, $s, $b, $rt, $ri, 'Pending', $now, $by)",
                ("$id", id), ("$k", kind), ("$f", from), ("$t", to), ("$s", message.Subject ?? ""), ("$b", message.Body ?? ""),
                ("$rt", (object)relatedType ?? DBNull.Value), ("$ri", (object)relatedId ?? DBNull.Value),
                ("$now", Timestamp.ToText(ctx.Now)), ("$by", ctx.Principal));
            return id;
        }

        /// <summary>A mail address: one '@', no spaces or angle brackets, at most 254 characters.</summary>
        public static string MailAddress(string value, string parameterName)
        {
            var v = value?.Trim();
            if (string.IsNullOrEmpty(v) || v.Length > 254 || v.Count(ch => ch == '@') != 1 || v.StartsWith("@") || v.EndsWith("@") ||
                v.Any(ch => char.IsWhiteSpace(ch) || ch == '<' || ch == '>' || ch == ',' || ch == ';' || char.IsControl(ch)))
            {
                throw new PolicyException("MailAddressInvalid", FailureKind.InvalidArgument, "-" + parameterName + " '" + value + "' is not a mail address (name@domain).", value);
            }
            return v;
        }

        /// <summary>Sends the given Pending rows through <paramref name="mailer"/> (outside any transaction), then records each answer with an audit event.</summary>
        public IReadOnlyList<OutboxMessage> Send(IMailer mailer, IReadOnlyList<string> messageIds) => Send(mailer, messageIds, null);

        /// <summary>
        /// As <see cref="Send(IMailer, IReadOnlyList{string})"/>; <paramref name="onAccepted"/> runs for each accepted message in the
        /// transaction that records the answer, so what the acceptance proves (a staff notification) is written with it or not at all.
        /// It returns a note for the row's result (empty when there is nothing to add).
        /// </summary>
        internal IReadOnlyList<OutboxMessage> Send(IMailer mailer, IReadOnlyList<string> messageIds, Func<ChangeContext, OutboxMessage, string> onAccepted)
        {
            var pending = messageIds.Select(Load).Where(m => m.State == OutboxState.Pending).ToList();
            if (pending.Count == 0) return messageIds.Select(Load).ToList();
            var bodies = _store.Db.Query("SELECT id, body FROM mail_outbox WHERE state = 'Pending'", null, r => (Id: r.GetString(0), Body: r.GetString(1)))
                .ToDictionary(x => x.Id, x => x.Body);
            var deliveries = mailer.Send(pending.Select(m => new MailMessage { From = m.From, To = m.To, Subject = m.Subject, Body = bodies[m.MessageId] }).ToList());
            _store.Change("record mail deliveries", ctx =>
            {
                for (var i = 0; i < pending.Count; i++)
                {
                    var d = deliveries[i];
                    var result = d.Accepted ? (onAccepted?.Invoke(ctx, pending[i]) ?? "") : (d.ErrorId ?? "MailRefused") + ": " + d.Message;
                    ctx.Execute("UPDATE mail_outbox SET state = $s, attempted_at = $t, result = $r WHERE id = $id AND state = 'Pending'",
                        ("$s", d.Accepted ? "Sent" : "Refused"), ("$t", Timestamp.ToText(ctx.Now)), ("$r", result), ("$id", pending[i].MessageId));
                    ctx.Audit(d.Accepted ? "MailSent" : "MailRefused", "Mail", pending[i].MessageId, new Dictionary<string, object>
                    {
                        ["kind"] = pending[i].Kind, ["to"] = pending[i].To, ["from"] = pending[i].From, ["result"] = result,
                    });
                }
                return 0;
            });
            return messageIds.Select(Load).ToList();
        }

        /// <summary>Outbox rows, newest first: by state, kind and creation time.</summary>
        public IEnumerable<OutboxMessage> Get(OutboxState? state = null, string kind = null, DateTimeOffset? after = null)
        {
            var where = new List<string>();
            if (state.HasValue) where.Add("state = $s");
            if (!string.IsNullOrWhiteSpace(kind)) where.Add(SqliteLike.HasWildcard(kind) ? "kind LIKE $k ESCAPE '\\'" : "kind = $k COLLATE NOCASE");
            if (after.HasValue) where.Add("created_at >= $after");
            return _store.Db.Query("SELECT * FROM mail_outbox" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY created_at DESC, id", cmd =>
            {
                if (state.HasValue) cmd.Parameters.AddWithValue("$s", state.Value.ToString());
                if (!string.IsNullOrWhiteSpace(kind)) cmd.Parameters.AddWithValue("$k", SqliteLike.HasWildcard(kind) ? SqliteLike.From(kind) : kind.Trim());
                if (after.HasValue) cmd.Parameters.AddWithValue("$after", Timestamp.ToText(after.Value));
            }, Map);
        }

        private static OutboxMessage Map(Microsoft.Data.Sqlite.SqliteDataReader r) => new OutboxMessage
        {
            MessageId = r.Text("id"), Kind = r.Text("kind"), From = r.Text("sender"), To = r.Text("recipient"), Subject = r.Text("subject"),
            State = (OutboxState)Enum.Parse(typeof(OutboxState), r.Text("state")), RelatedType = r.Text("related_type"), RelatedId = r.Text("related_id"),
            CreatedAt = r.Time("created_at"), CreatedBy = r.Text("created_by"), AttemptedAt = r.NullableTime("attempted_at"), Result = r.Text("result") ?? "",
        };

        public OutboxMessage Load(string id)
        {
            var found = _store.Db.Query("SELECT * FROM mail_outbox WHERE id = $id", cmd => cmd.Parameters.AddWithValue("$id", id), r => new OutboxMessage
            {
                MessageId = r.Text("id"), Kind = r.Text("kind"), From = r.Text("sender"), To = r.Text("recipient"), Subject = r.Text("subject"),
                State = (OutboxState)Enum.Parse(typeof(OutboxState), r.Text("state")), RelatedType = r.Text("related_type"), RelatedId = r.Text("related_id"),
                CreatedAt = r.Time("created_at"), CreatedBy = r.Text("created_by"), AttemptedAt = r.NullableTime("attempted_at"), Result = r.Text("result") ?? "",
            }).ToList();
            if (found.Count == 0) throw new PolicyException("MailNotFound", FailureKind.ObjectNotFound, "There is no outbox message '" + id + "'.", id);
            return found[0];
        }
    }
}
