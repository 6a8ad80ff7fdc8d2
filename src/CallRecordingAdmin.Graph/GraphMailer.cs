using System.Collections.Generic;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.SendMail;

namespace CallRecordingAdmin.Graph
{
    /// <summary>sendMail as the sending mailbox (app-only: the Mail.Send application permission), one message per recipient.</summary>
    internal sealed class GraphMailer : IMailer
    {
        private readonly GraphApi _api;

        public GraphMailer(GraphApi api) { _api = api; }

        public IReadOnlyList<MailDelivery> Send(IReadOnlyList<MailMessage> messages)
        {
            var results = new List<MailDelivery>();
            foreach (var m in messages)
            {
                try
                {
                    _api.Call("send mail as " + m.From, "Mail.Send", async client =>
                    {
                        await client.Users[m.From].SendMail.PostAsync(new SendMailPostRequestBody
                        {
                            Message = new Message
                            {
                                Subject = m.Subject,
                                Body = new ItemBody { ContentType = BodyType.Text, Content = m.Body },
                                ToRecipients = new List<Recipient> { new Recipient { EmailAddress = new EmailAddress { Address = m.To } } },
                            },
                            SaveToSentItems = true,
                        }).ConfigureAwait(false);
                        return 0;
                    });
                    results.Add(new MailDelivery { Recipient = m.To, Accepted = true });
                }
                catch (PolicyException e)
                {
                    results.Add(new MailDelivery { Recipient = m.To, Accepted = false, ErrorId = e.ErrorId, Message = e.Message });
                }
            }
            return results;
        }
    }
}
