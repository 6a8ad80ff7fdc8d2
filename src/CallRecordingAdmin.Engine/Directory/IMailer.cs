using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>One message to one recipient (each person gets their own message: recipients never see each other).</summary>
    public sealed class MailMessage
    {
        /// <summary>The mailbox it is sent as (app-only sendMail needs the Mail.Send application permission).</summary>
        public string From { get; set; }
        public string To { get; set; }
        public string Subject { get; set; }
        /// <summary>Plain text.</summary>
        public string Body { get; set; }
    }

    /// <summary>What the mail service said about one message.</summary>
    public sealed class MailDelivery
    {
        public string Recipient { get; set; }
        /// <summary>True when the service accepted the message for delivery (Graph answered 202).</summary>
        public bool Accepted { get; set; }
        /// <summary>The refusal's error id (GraphPermissionMissing, MailRefused, …); null when accepted.</summary>
        public string ErrorId { get; set; }
        public string Message { get; set; }
    }

    /// <summary>Sends mail. Never called inside a store transaction: the outbox row is written first, the send happens after it commits.</summary>
    public interface IMailer
    {
        /// <summary>Sends each message on its own; returns one delivery per message, in order. A refusal of one does not stop the rest.</summary>
        IReadOnlyList<MailDelivery> Send(IReadOnlyList<MailMessage> messages);
    }
}
