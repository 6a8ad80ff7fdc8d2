using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.LegalHolds
{
    /// <summary>
    /// Clause 2.5: recordings relevant to an investigation, disciplinary or legal query are kept for it. A held
    /// recording is never purged or removed. Releasing a hold can destroy evidence, so it takes two different
    /// principals: one requests the release, another confirms it. Administrators and the DPO manage holds.
    /// </summary>
    public sealed class LegalHoldRegister
    {
        private readonly RecordingStore _store;

        internal LegalHoldRegister(RecordingStore store) { _store = store; }

        private static void RequireHoldManager(ChangeContext ctx, string doing) =>
            ctx.RequireAny(doing, null, null, RecordingRole.Administrator, RecordingRole.DataProtectionOfficer);

        public LegalHold Create(string caseReference, HoldKind kind, string reason, DateTimeOffset? retainUntil, string investigationId)
        {
            var reference = Text.Required(caseReference, "CaseReferenceRequired", "a legal hold needs the case reference it serves.", "2.5", Text.NameMax, "CaseReference");
            var why = Text.Required(reason, "ReasonRequired", "a legal hold needs a reason.", "2.5");
            return _store.Change("place legal holds", ctx =>
            {
                RequireHoldManager(ctx, "place legal holds");
                if (retainUntil.HasValue && retainUntil.Value <= ctx.Now)
                {
                    throw new PolicyException("RetainUntilInPast", FailureKind.InvalidArgument, "-RetainUntil must be in the future.", retainUntil.Value, "2.5");
                }
                if (investigationId != null)
                {
                    var status = ctx.Db.Holds.InvestigationStatus(investigationId);
                    if (status != "Approved")
                    {
                        throw new PolicyException("InvestigationNotApproved", FailureKind.InvalidOperation,
                            "investigation " + investigationId + " is " + (status ?? "unknown") + "; only an approved investigation can open a hold.", investigationId, "3.2");
                    }
                }
                var id = Ids.New("hold");
                ctx.Db.Holds.Insert(new LegalHold
                {
                    HoldId = id, CaseReference = reference, Kind = kind, Reason = why, RetainUntil = retainUntil, InvestigationId = investigationId,
                    CreatedAt = ctx.Now, CreatedBy = ctx.Principal,
                });
                ctx.Audit("NewLegalHold", "LegalHold", id, new Dictionary<string, object>
                {
                    ["caseReference"] = reference, ["kind"] = kind.ToString(), ["reason"] = why, ["retainUntil"] = retainUntil, ["investigationId"] = investigationId,
                });
                return Load(ctx, id);
            });
        }

        /// <summary>Puts a recording on a hold. A recording already being deleted, or gone, cannot be held.</summary>
        public Recording Add(string holdId, string recordingId)
        {
            return _store.Change("place recordings on legal hold", ctx =>
            {
                RequireHoldManager(ctx, "place recordings on legal hold");
                var hold = Load(ctx, holdId);
                if (hold.Status == HoldStatus.Released)
                {
                    throw new PolicyException("HoldReleased", FailureKind.InvalidOperation, "hold " + holdId + " was released; place a new hold.", holdId);
                }
                var rec = RecordingRegister.FindActive(ctx, recordingId);
                if (ctx.Db.Holds.AddRecording(hold.HoldId, rec.RecordingId, ctx.Now, ctx.Principal))
                {
                    ctx.Audit("AddLegalHoldRecording", "LegalHold", hold.HoldId, new Dictionary<string, object> { ["recordingId"] = rec.RecordingId, ["caseReference"] = hold.CaseReference });
                }
                return RecordingRegister.Load(ctx, rec.RecordingId);
            });
        }

        public IEnumerable<LegalHold> Get(string holdId = null, bool includeReleased = false)
        {
            using (var session = _store.Database.Read())
            {
                foreach (var h in session.Holds.Query(holdId?.Trim(), includeReleased)) yield return h;
            }
        }

        /// <summary>
        /// The first half of a release: records who asks and why. The hold still holds until a different
        /// principal confirms (<see cref="ConfirmRelease"/>).
        /// </summary>
        public LegalHold RequestRelease(string holdId, string reason)
        {
            var why = Text.Required(reason, "ReasonRequired", "releasing a hold needs a reason.", "2.5");
            return _store.Change("release legal holds", ctx =>
            {
                RequireHoldManager(ctx, "release legal holds");
                var hold = Load(ctx, holdId);
                if (hold.Status != HoldStatus.Active)
                {
                    throw new PolicyException("HoldNotActive", FailureKind.InvalidOperation, "hold " + holdId + " is " + hold.Status + ".", holdId);
                }
                ctx.Db.Holds.RequestRelease(hold.HoldId, ctx.Now, ctx.Principal, why);
                ctx.Audit("RequestLegalHoldRelease", "LegalHold", hold.HoldId, new Dictionary<string, object> { ["caseReference"] = hold.CaseReference, ["reason"] = why });
                return Load(ctx, hold.HoldId);
            });
        }

        /// <summary>The second half: a principal other than the requester confirms; the recordings return to their area's retention.</summary>
        public LegalHold ConfirmRelease(string holdId)
        {
            return _store.Change("release legal holds", ctx =>
            {
                RequireHoldManager(ctx, "release legal holds");
                var hold = Load(ctx, holdId);
                if (hold.Status != HoldStatus.ReleaseRequested)
                {
                    throw new PolicyException("ReleaseNotRequested", FailureKind.InvalidOperation,
                        "hold " + holdId + " is " + hold.Status + "; a release must first be requested (Remove-LegalHold -Reason), then confirmed by someone else.", holdId, "2.5");
                }
                if (SeparationOfDuties.IsSamePerson(ctx, hold.ReleaseRequestedBy, "RequestLegalHoldRelease", hold.HoldId))
                {
                    throw new PolicyException("SecondPrincipalRequired", FailureKind.PermissionDenied,
                        SeparationOfDuties.Who(ctx, hold.ReleaseRequestedBy) + " requested the release of hold " + holdId + " and cannot also confirm it: releasing a hold can destroy evidence, so a second person must confirm.", holdId, "2.5");
                }
                ctx.Db.Holds.Release(hold.HoldId, ctx.Now, ctx.Principal);
                ctx.Audit("ReleaseLegalHold", "LegalHold", hold.HoldId, new Dictionary<string, object>
                {
                    ["caseReference"] = hold.CaseReference, ["requestedBy"] = hold.ReleaseRequestedBy, ["reason"] = hold.ReleaseReason, ["recordings"] = hold.RecordingCount,
                });
                return Load(ctx, hold.HoldId);
            });
        }

        internal static LegalHold Load(ChangeContext ctx, string holdId)
        {
            Audit.LedgerCheck.Require(ctx.Db, "legal_hold", holdId?.Trim() ?? "", "act on legal hold " + holdId); // the row ledger (issue 11)
            return ctx.Db.Holds.Find(holdId?.Trim())
                ?? throw new PolicyException("LegalHoldNotFound", FailureKind.ObjectNotFound, "There is no legal hold '" + holdId + "'.", holdId);
        }
    }
}
