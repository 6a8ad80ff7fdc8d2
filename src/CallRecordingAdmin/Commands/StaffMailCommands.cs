using System;
using System.Linq;
using System.Management.Automation;
using CallRecordingAdmin.Binding;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Notices;

namespace CallRecordingAdmin.Commands
{
    /// <summary>
    /// <para type="synopsis">Fills a service area's roster from an Entra ID group's transitive membership (clause 2.3).</para>
    /// <para type="description">Reads every user of the group, through nested groups, then adds each enabled user who is not on the area's roster as a Member (with their display name and mail address), and takes off the roster each Member who is no longer an enabled user of the group, with a reason; the entry and the notices they were given stay on record. A roster entry matches a directory user by principal (user principal name) or by e-mail, so an entry written as DOMAIN\user with the person's address is kept. Frequent callers (staff of other areas) are left alone. Returns one change object per principal (Added, Removed, Unchanged); -WhatIf lists additions and removals and changes nothing. The directory is read before anything is written; each change is its own transaction and audit event, so a failure affects that person alone. Administrators and the area's Supervisor. Needs GroupMember.Read.All.</para>
    /// </summary>
    /// <example><code>Sync-ServiceAreaMember -GroupId 5d1c… -ServiceArea 'Student Enquiries' -WhatIf</code><para>Shows who would join and leave the roster.</para></example>
    /// <example><code>Sync-ServiceAreaMember -GroupId 5d1c… -ServiceArea 'Student Enquiries' | Where-Object Action -ne Unchanged</code><para>The nightly runbook step: only the changes are shown.</para></example>
    [Cmdlet(VerbsData.Sync, "ServiceAreaMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(RosterSyncChange))]
    public sealed class SyncServiceAreaMemberCommand : StoreCmdlet
    {
        /// <summary><para type="description">The Entra ID group's object id.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string GroupId { get; set; }

        /// <summary><para type="description">The area whose roster follows the group.</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Why people who left the group are taken off the roster (default: 'Left directory group &lt;id&gt;').</para></summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string Reason { get; set; }

        protected override void ProcessRecord()
        {
            Try(GroupId, () =>
            {
                var sync = new RosterSync(ActiveStore, GraphSession.Directory);
                WriteVerbose("Reading the transitive members of group " + GroupId + ".");
                var plan = sync.Plan(GroupId, ServiceArea);
                WriteVerbose(plan.Count(c => c.Action == RosterSyncAction.Added) + " to add to the roster of '" + ServiceArea + "', " +
                             plan.Count(c => c.Action == RosterSyncAction.Removed) + " to take off, " + plan.Count(c => c.Action == RosterSyncAction.Unchanged) + " unchanged.");
                foreach (var change in plan)
                {
                    if (change.Action == RosterSyncAction.Unchanged)
                    {
                        WriteObject(change);
                        continue;
                    }
                    var what = change.Action == RosterSyncAction.Added
                        ? "Add to the roster of '" + change.ServiceArea + "' as a Member (in group " + change.GroupId + ")"
                        : "Remove from the roster of '" + change.ServiceArea + "' (" + change.Detail + ")";
                    if (!ShouldProcess(change.Principal, what))
                    {
                        WriteObject(change);
                        continue;
                    }
                    Try(change.Principal, () => WriteObject(sync.Apply(change, Reason)));
                }
            });
        }
    }

    /// <summary>
    /// <para type="synopsis">Mails each member of a service area who is overdue for a notice, and records the notice for each mail accepted (clause 2.3).</para>
    /// <para type="description">Finds the area's members overdue by the rule Get-StaffNotification -Overdue and the compliance report use: -Kind Induction mails members with no induction notice on record, -Kind Annual members whose last notice is more than 12 months old. Each gets their own message (sendMail as the -From mailbox, app-only), sent to the roster's e-mail address. The outbox rows are written in one store transaction and sent after it commits; the notification (Register-StaffNotification, with the message id as evidence) is recorded only for mails Microsoft Graph accepted, in the transaction that records its answer. A refused mail, or a member without an address, is a non-terminating error for that person alone, and nothing is registered for them. -Subject and -Body replace the default text; {DisplayName}, {Principal} and {ServiceArea} in them become each recipient's. -WhatIf lists the recipients and sends nothing. Administrators and the area's Supervisor. Needs Mail.Send.</para>
    /// </summary>
    /// <example><code>Send-StaffNotification -ServiceArea 'Student Enquiries' -Kind Annual -From crs-runbook@uni.example -WhatIf</code><para>Lists who would get the annual reminder.</para></example>
    /// <example><code>Send-StaffNotification -ServiceArea 'Student Enquiries' -Kind Induction -From crs-runbook@uni.example -Subject 'Welcome to {ServiceArea}: call recording'</code><para>Mails the induction notice to new members and records it for each mail accepted.</para></example>
    [Cmdlet(VerbsCommunications.Send, "StaffNotification", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(StaffNoticeMailResult))]
    public sealed class SendStaffNotificationCommand : StoreCmdlet
    {
        /// <summary><para type="description">The area whose overdue members are mailed.</para></summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ServiceAreaCompleter))]
        public string ServiceArea { get; set; }

        /// <summary><para type="description">Induction (members with no induction notice) or Annual (members whose last notice is more than 12 months old).</para></summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Induction", "Annual")]
        public string Kind { get; set; }

        /// <summary><para type="description">The mailbox the mail is sent as (the app registration needs Mail.Send).</para></summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string From { get; set; }

        /// <summary><para type="description">The subject, instead of the default; {DisplayName}, {Principal} and {ServiceArea} are filled in.</para></summary>
        [Parameter]
        public string Subject { get; set; }

        /// <summary><para type="description">The plain-text body, instead of the default; {DisplayName}, {Principal} and {ServiceArea} are filled in.</para></summary>
        [Parameter]
        public string Body { get; set; }

        protected override void ProcessRecord()
        {
            Try(ServiceArea, () =>
            {
                var kind = (NoticeKind)Enum.Parse(typeof(NoticeKind), Kind, true);
                var mail = new StaffNoticeMail(ActiveStore);
                var plan = mail.Plan(ServiceArea, kind);
                WriteVerbose(plan.Count + " member(s) of '" + ServiceArea + "' are due a " + kind + " notice.");
                var chosen = plan.Where(r => ShouldProcess(r.Principal + (string.IsNullOrEmpty(r.To) ? " (no e-mail address on the roster)" : " <" + r.To + ">"),
                    "Mail the " + kind + " notice of '" + r.ServiceArea + "' from " + From)).ToList();
                if (chosen.Count > 0) mail.Send(chosen, From, Subject, Body, GraphSession.Mailer);
                foreach (var r in plan)
                {
                    // under -WhatIf (or a declined -Confirm) the recipient comes back with MailState Planned
                    if (r.MailState == "NotSent")
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException("No notice was mailed to '" + r.Principal + "': " + r.Result),
                            "StaffNotificationNotSent", ErrorCategory.InvalidData, r.Principal));
                    }
                    else if (r.MailState == "Refused" || r.MailState == "Pending")
                    {
                        WriteError(new ErrorRecord(new InvalidOperationException("The mail to '" + r.Principal + "' <" + r.To + "> was not accepted, so no notice is registered for them: " + r.Result),
                            "StaffNotificationMailRefused", ErrorCategory.ConnectionError, r.Principal));
                    }
                    WriteObject(r);
                }
            });
        }
    }
}
