using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
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
            ctx.Db.Directory.QueueMail(new OutboxMessage
            {
                MessageId = id, Kind = kind, From = from, To = to, Subject = message.Subject ?? "", RelatedType = relatedType, RelatedId = relatedId,
                State = OutboxState.Pending, CreatedAt = ctx.Now, CreatedBy = ctx.Principal,
            }, message.Body ?? "");
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
            var bodies = _store.Database.Read(s => s.Directory.PendingBodies());
            var deliveries = mailer.Send(pending.Select(m => new MailMessage { From = m.From, To = m.To, Subject = m.Subject, Body = bodies[m.MessageId] }).ToList());
            _store.Change("record mail deliveries", ctx =>
            {
                for (var i = 0; i < pending.Count; i++)
                {
                    var d = deliveries[i];
                    var result = d.Accepted ? (onAccepted?.Invoke(ctx, pending[i]) ?? "") : (d.ErrorId ?? "MailRefused") + ": " + d.Message;
                    ctx.Db.Directory.RecordDelivery(pending[i].MessageId, d.Accepted ? OutboxState.Sent : OutboxState.Refused, ctx.Now, result);
                    ctx.Audit(d.Accepted ? "MailSent" : "MailRefused", "Mail", pending[i].MessageId, new Dictionary<string, object>
                    {
                        ["kind"] = pending[i].Kind, ["to"] = pending[i].To, ["from"] = pending[i].From, ["result"] = result,
                    });
                }
                return 0;
            });
            return messageIds.Select(Load).ToList();
        }

        /// <summary>Outbox rows, newest first: by state, kind and creation time. Streams within one read session.</summary>
        public IEnumerable<OutboxMessage> Get(OutboxState? state = null, string kind = null, DateTimeOffset? after = null)
        {
            using (var session = _store.Database.Read())
            {
                foreach (var m in session.Directory.Outbox(state, kind, after)) yield return m;
            }
        }

        public OutboxMessage Load(string id)
        {
            var found = _store.Database.Read(s => s.Directory.FindMail(id));
            if (found == null) throw new PolicyException("MailNotFound", FailureKind.ObjectNotFound, "There is no outbox message '" + id + "'.", id);
            return found;
        }
    }
}
