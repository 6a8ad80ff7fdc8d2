using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>An audit checkpoint sent by mail, and what the mail service answered.</summary>
    public sealed class MailedCheckpoint
    {
        public string StoreId { get; set; }
        public long Sequence { get; set; }
        public string Hash { get; set; }
        public DateTimeOffset WrittenAt { get; set; }
        public string WrittenBy { get; set; }
        public string MailTo { get; set; }
        public string MessageId { get; set; }
        public OutboxState MailState { get; set; }
        public string MailResult { get; set; }
    }

    /// <summary>
    /// An external witness for the audit chain: the checkpoint (store, sequence, head hash, time) is mailed to a mailbox
    /// outside the store's administrators, so a rewritten log is caught by someone who never saw the file. The export
    /// event and the outbox row are one transaction; the mail is sent after it commits.
    /// </summary>
    public sealed class CheckpointWitness
    {
        private readonly RecordingStore _store;

        public CheckpointWitness(RecordingStore store) { _store = store; }

        public MailedCheckpoint Mail(string mailTo, string from, IMailer mailer)
        {
            var to = MailOutbox.MailAddress(mailTo, "MailTo");
            var sender = MailOutbox.MailAddress(from, "From");
            var (head, messageId) = _store.Change("export an audit checkpoint", ctx =>
            {
                ctx.RequireAny("export an audit checkpoint", null, null, RecordingRole.Administrator, RecordingRole.Auditor);
                var admins = ctx.Db.Roles.Query(null, RecordingRole.Administrator, null).Select(a => a.Principal).ToList();
                if (admins.Any(a => string.Equals(a, to, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new PolicyException("CheckpointWitnessNotIndependent", FailureKind.InvalidArgument,
                        "'" + to + "' is an Administrator of this store; mail the checkpoint to a mailbox the store's administrators do not control (the DPO's).", to);
                }
                var ledger = Audit.LedgerCheck.Head(ctx, _store.StoreId); // the state digest (issue 11)
                var e = ctx.Audit("ExportAuditCheckpoint", "AuditCheckpoint", "mailto:" + to, new Dictionary<string, object>
                {
                    ["mailTo"] = to, ["from"] = sender, ["ledgerBlock"] = ledger.Block, ["ledgerHash"] = ledger.Hash,
                });
                var body = "CallRecordingAdmin audit checkpoint\r\n\r\nStore: " + _store.StoreId + "\r\nSequence: " + e.Sequence + "\r\nHead hash: " + e.Hash +
                           "\r\nLedger block: " + ledger.Block + "\r\nLedger hash: " + ledger.Hash +
                           "\r\nTime (UTC): " + Timestamp.ToText(e.OccurredAt) + "\r\nExported by: " + ctx.Principal +
                           "\r\n\r\nKeep this message. Test-AuditChain -Checkpoint with a file holding these values proves the log still contains this head unchanged.\r\n";
                var id = MailOutbox.Queue(ctx, "AuditCheckpoint", new MailMessage
                {
                    From = sender, To = to, Subject = "Audit checkpoint " + e.Sequence + " of call recording store " + _store.StoreId, Body = body,
                }, "AuditEvent", e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return (e, id);
            });
            var sent = new MailOutbox(_store).Send(mailer, new[] { messageId }).Single();
            return new MailedCheckpoint
            {
                StoreId = _store.StoreId, Sequence = head.Sequence, Hash = head.Hash, WrittenAt = head.OccurredAt, WrittenBy = _store.Identity,
                MailTo = to, MessageId = messageId, MailState = sent.State, MailResult = sent.Result,
            };
        }
    }
}
