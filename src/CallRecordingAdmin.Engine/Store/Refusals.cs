using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// How a change, an access and a read-only check run, and how a refusal of each is logged: every refusal
    /// the ErrorId catalogue says is logged (PolicyException.Refusal) is written in its own write transaction,
    /// since the refused work is rolled back (split out of RecordingStore.cs, issue 10).
    /// </summary>
    public sealed partial class RecordingStore
    {
        /// <summary>
        /// Runs one change: the rules, the data and the audit event in one transaction. A refusal for want of a
        /// role is itself written to the audit log (in its own transaction, since the change is rolled back).
        /// </summary>
        internal T Change<T>(string doing, Func<ChangeContext, T> work) => Change(doing, null, work);

        /// <summary>
        /// A change to recordings or grants (import, purge, nominations): a refusal for want of a role also goes to
        /// the access log, under <paramref name="accessAction"/>, so that the log shows every denial of clause 3.1.
        /// </summary>
        internal T Change<T>(string doing, string accessAction, Func<ChangeContext, T> work)
        {
            try
            {
                return Database.Write(tx => work(new ChangeContext(this, tx, Clock.UtcNow)));
            }
            catch (PolicyException e) when (IsLoggedRefusal(e, accessAction))
            {
                LogRefusal(doing, accessAction, e);
                throw;
            }
        }

        /// <summary>
        /// Runs a read-only check — the role an auditor needs to read the access log, say — in a read session, so it
        /// takes no write lock and never queues behind a purge or an import. Only a refusal writes: in its own write
        /// transaction, exactly as a refused <see cref="Change{T}(string, string, Func{ChangeContext, T})"/> would.
        /// </summary>
        internal void Check(string doing, string accessAction, Action<ReadContext> check)
        {
            try
            {
                Database.Read(session =>
                {
                    check(new ReadContext(this, session, Clock.UtcNow));
                    return 0;
                });
            }
            catch (PolicyException e) when (IsLoggedRefusal(e, accessAction))
            {
                LogRefusal(doing, accessAction, e);
                throw;
            }
        }

        private static bool IsLoggedRefusal(PolicyException e, string accessAction) =>
            e.Refusal == RefusalLog.Role || (accessAction != null && e.Refusal == RefusalLog.Change);

        private void LogRefusal(string doing, string accessAction, PolicyException e) =>
            Database.Write(tx =>
            {
                if (accessAction == null)
                {
                    tx.Audit.Append(StoreId, Clock.UtcNow, Identity, OsAccount, "AccessDenied", "Action", doing, new Dictionary<string, object> { ["message"] = e.Message, ["errorId"] = e.ErrorId });
                }
                else
                {
                    AccessRecord.Write(new ChangeContext(this, tx, Clock.UtcNow), accessAction, AccessOutcome.Refused, null, null, null, doing, e.ErrorId + ": " + e.Message);
                }
                return 0;
            });

        /// <summary>A refusal that is not for want of a role (a destination inside the store, say), in the audit log with who, what and why.</summary>
        internal void AuditRefusal(string doing, PolicyException e) =>
            Database.Write(tx => tx.Audit.Append(StoreId, Clock.UtcNow, Identity, OsAccount, "Refused", "Action", doing,
                new Dictionary<string, object> { ["errorId"] = e.ErrorId, ["message"] = e.Message, ["target"] = Convert.ToString(e.Target, System.Globalization.CultureInfo.InvariantCulture) }));

        /// <summary>
        /// Runs one access to a recording (clause 3.1). A refusal — no grant, an overdue review, a hold —
        /// is itself written to the access log and the audit chain, in its own transaction, then rethrown.
        /// </summary>
        internal T Access<T>(string action, string recordingId, AccessPurpose purpose, Func<ChangeContext, T> work)
        {
            try
            {
                // A missing or unacceptable reason is a refused access like any other: checked here, so it is logged.
                purpose?.Require();
                return Database.Write(tx => work(new ChangeContext(this, tx, Clock.UtcNow)));
            }
            catch (PolicyException e) when (e.Refusal != RefusalLog.None)
            {
                Database.Write(tx =>
                {
                    var ctx = new ChangeContext(this, tx, Clock.UtcNow);
                    var area = tx.Recordings.AreaNameOf(recordingId);
                    AccessRecord.Write(ctx, action, AccessOutcome.Refused, recordingId, area, purpose?.Purpose.ToString(), purpose?.LoggedReason, e.ErrorId + ": " + Text.Printable(e.Message, 4000));
                    return 0;
                });
                throw;
            }
        }
    }
}
