using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>One overdue member's notice by mail: planned (-WhatIf), Pending (sent, answer not yet recorded), Sent or Refused.</summary>
    public sealed class StaffNoticeMailResult
    {
        public string ServiceArea { get; set; }
        public string Principal { get; set; }
        public string DisplayName { get; set; }
        public string To { get; set; }
        public NoticeKind Kind { get; set; }
        /// <summary>Why the member is due (the notice rule's reason).</summary>
        public string Due { get; set; }
        /// <summary>Planned, Pending, Sent or Refused.</summary>
        public string MailState { get; set; }
        public string MessageId { get; set; }
        /// <summary>The notification registered when the mail service accepted the mail; empty otherwise.</summary>
        public string NotificationId { get; set; }
        /// <summary>The mail service's error for a refused mail, or a note.</summary>
        public string Result { get; set; }
    }

    /// <summary>
    /// Clause 2.3's notices sent by mail. Each overdue member of the area (by <see cref="NoticeRules.Standing"/>, the rule
    /// Get-StaffNotification -Overdue and the compliance report use) gets one message: Induction goes to members with no
    /// induction notice, Annual to members whose last notice is more than 12 months old. The outbox rows and their audit
    /// event are one transaction; the mail service is called after it commits; the transaction that records each answer
    /// also registers the notification for every mail the service accepted, and for no other.
    /// </summary>
    public sealed class StaffNoticeMail
    {
        public const int SubjectMax = 255;
        public const int BodyMax = 20000;
        private readonly RecordingStore _store;

        public StaffNoticeMail(RecordingStore store) { _store = store; }

        /// <summary>The members a mail of <paramref name="kind"/> is due to, with their address (empty when the roster has none).</summary>
        public IReadOnlyList<StaffNoticeMailResult> Plan(string serviceArea, NoticeKind kind)
        {
            if (kind == NoticeKind.FrequentCaller)
            {
                throw new PolicyException("NoticeKindMismatch", FailureKind.InvalidArgument, "Send-StaffNotification mails members: -Kind Induction or Annual.", kind.ToString(), "2.3");
            }
            var area = _store.ServiceAreas.Get(serviceArea);
            var result = new List<StaffNoticeMailResult>();
            foreach (var s in _store.Notices.Standing(area.Id).Where(s => s.Relation == MemberRelation.Member && s.Overdue))
            {
                // an Annual reminder does not stand in for a missing induction notice, nor the other way round
                if ((kind == NoticeKind.Induction) != !s.InductionOn.HasValue) continue;
                result.Add(new StaffNoticeMailResult
                {
                    ServiceArea = s.ServiceArea, Principal = s.Principal, DisplayName = s.DisplayName ?? "", To = s.Email ?? "", Kind = kind, Due = s.Reason, MailState = "Planned",
                    MessageId = "", NotificationId = "", Result = "",
                });
            }
            return result;
        }

        /// <summary>
        /// Queues and sends one mail per planned recipient; one without a usable address comes back NotSent (MemberEmailMissing or
        /// MailAddressInvalid in Result) and nothing is written for them. Roster keepers only: Administrators and the area's Supervisor.
        /// </summary>
        public IReadOnlyList<StaffNoticeMailResult> Send(IReadOnlyList<StaffNoticeMailResult> recipients, string from, string subject, string body, IMailer mailer)
        {
            if (mailer == null) throw new ArgumentNullException(nameof(mailer));
            var sender = MailOutbox.MailAddress(from, "From");
            var subjectText = Text.Optional(subject, "Subject", SubjectMax);
            var bodyText = Body(body);
            var all = recipients.Where(r => r != null).ToList();
            var list = new List<StaffNoticeMailResult>();
            foreach (var r in all)
            {
                // a member without a usable address is refused alone, before anything is written
                if (string.IsNullOrWhiteSpace(r.To))
                {
                    r.MailState = "NotSent";
                    r.Result = "MemberEmailMissing: the roster has no e-mail address for '" + r.Principal + "' (Add-ServiceAreaMember -Email, or Sync-ServiceAreaMember)";
                    continue;
                }
                try { r.To = MailOutbox.MailAddress(r.To, "To"); list.Add(r); }
                catch (PolicyException e) { r.MailState = "NotSent"; r.Result = e.ErrorId + ": " + e.Message; }
            }
            if (list.Count == 0) return all;
            var ids = _store.Change("mail staff notifications", ctx =>
            {
                var queued = new List<string>();
                foreach (var r in list)
                {
                    var area = ServiceAreaRegister.Find(ctx, r.ServiceArea);
                    ctx.RequireAny("record staff notifications in '" + area.Name + "'", area.Id, area.Name, RecordingRole.Administrator, RecordingRole.Supervisor);
                    var id = MailOutbox.Queue(ctx, "StaffNotification:" + r.Kind, new MailMessage
                    {
                        From = sender, To = MailOutbox.MailAddress(r.To, "To"),
                        Subject = Fill(subjectText ?? DefaultSubject(r.Kind), r, area),
                        Body = Fill(bodyText ?? DefaultBody(r.Kind), r, area),
                    }, "ServiceAreaMember", r.Principal + "@" + area.Id);
                    queued.Add(id);
                    r.MessageId = id;
                    r.MailState = OutboxState.Pending.ToString();
                }
                ctx.Audit("QueueStaffNotificationMail", "ServiceArea", list[0].ServiceArea, new Dictionary<string, object>
                {
                    ["kind"] = list[0].Kind.ToString(), ["from"] = sender, ["recipients"] = string.Join(", ", list.Select(r => r.Principal)), ["messages"] = string.Join(", ", queued),
                });
                return queued;
            });
            var byMessage = list.ToDictionary(r => r.MessageId);
            var sent = new MailOutbox(_store).Send(mailer, ids, (ctx, message) =>
            {
                var r = byMessage[message.MessageId];
                try
                {
                    var n = NoticeRegister.RegisterIn(ctx, r.Principal, r.ServiceArea, r.Kind, null,
                        "Mail " + message.MessageId + " from " + message.From + " to " + message.To + ", accepted by the mail service at " + Timestamp.ToText(ctx.Now));
                    r.NotificationId = n.NotificationId;
                    return "";
                }
                catch (PolicyException e)
                {
                    // the mail went; the notice cannot be recorded (the person left the roster meanwhile): say so on the outbox row
                    r.Result = "sent, but not registered: " + e.ErrorId + ": " + e.Message;
                    return r.Result;
                }
            });
            foreach (var m in sent)
            {
                var r = byMessage[m.MessageId];
                r.MailState = m.State.ToString();
                if (m.State != OutboxState.Sent) r.Result = m.Result;
            }
            return all;
        }

        private static string Body(string body)
        {
            if (string.IsNullOrWhiteSpace(body)) return null;
            var text = body.Replace("\r\n", "\n").Trim();
            foreach (var line in text.Split('\n')) Text.Check(line, "Body", BodyMax);
            if (text.Length > BodyMax) Text.Check(text.Replace('\n', ' '), "Body", BodyMax);
            return text.Replace("\n", "\r\n");
        }

        /// <summary>{DisplayName}, {Principal} and {ServiceArea} in a subject or body become the recipient's.</summary>
        private static string Fill(string template, StaffNoticeMailResult r, ServiceArea area) =>
            template.Replace("{DisplayName}", string.IsNullOrEmpty(r.DisplayName) ? r.Principal : r.DisplayName).Replace("{Principal}", r.Principal).Replace("{ServiceArea}", area.Name);

        private static string DefaultSubject(NoticeKind kind) => kind == NoticeKind.Induction
            ? "Calls on {ServiceArea}'s telephone extensions are recorded"
            : "Annual reminder: calls on {ServiceArea}'s telephone extensions are recorded";

        private static string DefaultBody(NoticeKind kind) =>
            "Dear {DisplayName},\r\n\r\n" +
            (kind == NoticeKind.Induction ? "As a member of {ServiceArea}, please note" : "This is your annual reminder, as a member of {ServiceArea},") +
            " that calls made and received on the area's recorded telephone extensions are recorded under the University's Call Recording Policy." +
            " Recordings are kept only for the purposes the policy allows, for a limited time, and only nominated staff may access them.\r\n\r\n" +
            "If you have questions about call recording, please contact IT Services or the Data Protection Officer.\r\n";
    }
}
