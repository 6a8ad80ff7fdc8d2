using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Investigations;
using CallRecordingAdmin.Engine.Notices;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using CallRecordingAdmin.Engine.SubjectAccess;

namespace CallRecordingAdmin.Engine.Compliance
{
    /// <summary>
    /// Maps the whole store to the policy: one finding per problem, an empty result when compliant. Each
    /// check asks the clause's rules type — the one the enforcing cmdlets use — so the report cannot
    /// disagree with what the cmdlets do. Administrators, Auditors and the DPO may run it.
    /// </summary>
    public sealed class ComplianceReport
    {
        private readonly RecordingStore _store;

        internal ComplianceReport(RecordingStore store) { _store = store; }

        private void RequireReader(string doing) =>
            _store.Check(doing, null, ctx => ctx.RequireAny(doing, null, null, RecordingRole.Administrator, RecordingRole.Auditor, RecordingRole.DataProtectionOfficer));

        private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        private static string Day(DateTime t) => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        private static string Q(string s) => "'" + (s ?? "").Replace("'", "''") + "'";
        private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        /// <summary>
        /// The findings at <paramref name="asOf"/> (default now; a later date forecasts what will be due, against the store
        /// as it is now). With <paramref name="areas"/>, only those areas' findings (names, wildcards allowed) and no store-wide ones.
        /// <paramref name="progress"/> is told each step's name.
        /// </summary>
        /// <remarks>
        /// The store's own check (Test-RecordingStore: the database's integrity, every recording's file, the key) and the
        /// audit chain's verification read every page and every file, minutes over a million recordings; the report reads the
        /// outcome of the most recent recorded run instead (<see cref="StoreCheckRules"/>) and reports when there is none
        /// in the last 7 days or the recordings changed after it. <paramref name="includeStoreCheck"/> runs the store check
        /// now (and records it).
        /// </remarks>
        public IReadOnlyList<ComplianceFinding> Run(IReadOnlyList<string> areas = null, DateTimeOffset? asOf = null, Action<string> progress = null, bool includeStoreCheck = false)
        {
            RequireReader("run the compliance report");
            return Collect(areas, asOf, progress, includeStoreCheck);
        }

        private Func<string, bool> AreaFilter(IReadOnlyList<string> areas, IEnumerable<string> known)
        {
            if (areas == null || areas.Count == 0) return _ => true;
            var patterns = areas.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).ToList();
            foreach (var p in patterns.Where(p => !Wildcard.HasWildcard(p)))
            {
                if (!known.Any(k => string.Equals(k, p, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new PolicyException("ServiceAreaNotFound", FailureKind.ObjectNotFound, "There is no service area named '" + p + "'.", p);
                }
            }
            var matchers = patterns.Select(Wildcard.Matcher).ToList();
            return name => matchers.Any(m => m(name));
        }

        private IReadOnlyList<ComplianceFinding> Collect(IReadOnlyList<string> areaNames, DateTimeOffset? asOf, Action<string> progress, bool includeStoreCheck)
        {
            StoreCheckRules.RecordedRun storeCheck = null;
            (long Sequence, string Action, string OccurredAt)? changedAfterCheck = null;
            (long Sequence, DateTimeOffset RanAt, bool Valid, string Problem)? chainCheck = null;
            var now = asOf ?? _store.Clock.UtcNow;
            var findings = new List<ComplianceFinding>();
            void Add(string clause, ComplianceSeverity severity, string rule, string area, string subject, string finding, string remedy, long count = 1) =>
                findings.Add(new ComplianceFinding { Clause = clause, Severity = severity, Rule = rule, ServiceArea = area ?? "", Subject = subject ?? "", Finding = finding, Remedy = remedy, Count = count, AsOf = now });

            var storeWide = areaNames == null || areaNames.Count == 0;
            var members = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var formerMembers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var m in _store.Notices.GetMembers(relation: MemberRelation.Member, includeRemoved: true))
            {
                if (m.RemovedAt.HasValue) { formerMembers.Add(m.ServiceArea + "\n" + m.Principal); continue; }
                members.Add(m.ServiceArea + "\n" + m.Principal);
            }
            Func<string, bool> wanted = null;
            _store.Database.Read(session =>
            {
                var repo = session.Compliance;
                progress?.Invoke("Service areas, authorisations and extensions (2.1-2.4)");
                var areas = repo.Areas();
                wanted = AreaFilter(areaNames, areas.Select(a => a.Name));
                var recorded = repo.RecordedNumbers();
                foreach (var a in areas.Where(a => wanted(a.Name)))
                {
                    // 2.1 / 2.2: recordings outside every authorisation window, extensions held without one now.
                    long outside = 0; string first = null, last = null;
                    foreach (var gap in AreaRules.Gaps(a.Windows))
                    {
                        var (n, f, l) = repo.RecordingsBetween(a.Id, gap.Start, gap.End);
                        if (n == 0) continue;
                        outside += n;
                        if (first == null || string.CompareOrdinal(f, first) < 0) first = f;
                        if (last == null || string.CompareOrdinal(l, last) > 0) last = l;
                    }
                    if (outside > 0)
                    {
                        Add("2.1", ComplianceSeverity.High, "RecordingOutsideAuthorisation", a.Name, a.Name,
                            N(outside) + " recording(s) started when no approved request authorised recording in the area (" + first.Substring(0, 10) + " to " + last.Substring(0, 10) + ").",
                            "Get-Recording -ServiceArea " + Q(a.Name) + " | Where-Object { -not $_.AuthorisingRequestId } ; find out why they were made, and remove them (Remove-Recording) or cover the area with an approved request (New-RecordingRequest).", outside);
                    }
                    var authorisingNow = AreaRules.AuthorisingRequest(a.Windows, now);
                    if (a.Extensions.Count > 0 && authorisingNow == null)
                    {
                        Add("2.1", ComplianceSeverity.High, "ExtensionsWithoutAuthorisation", a.Name, string.Join(", ", a.Extensions.Select(e => e.Number)),
                            "The area holds " + a.Extensions.Count + " recorded extension(s) but no approved request authorises recording now; calls on them cannot lawfully be recorded or imported.",
                            "New-RecordingRequest -ServiceArea " + Q(a.Name) + " ... then Approve-RecordingRequest; or stop recording: Get-RecordedExtension -ServiceArea " + Q(a.Name) + " | Remove-RecordedExtension");
                    }
                    var end = AreaRules.EndOfAuthorisation(a.Windows, now);
                    if (end.HasValue && AreaRules.EndsSoon(a.Windows, now))
                    {
                        Add("2.2", ComplianceSeverity.Medium, "AuthorisationEndingSoon", a.Name, end.Value.RequestId,
                            "The authorisation to record ends on " + Day(end.Value.End) + ", within " + AreaRules.ExpiryWarningDays + " days, and no later approved request continues it.",
                            "New-RecordingRequest -ServiceArea " + Q(a.Name) + " ... (a renewal, decided before " + Day(end.Value.End) + "), or remove the extensions when recording ends.");
                    }

                    // 2.3: extensions.
                    foreach (var e in a.Extensions)
                    {
                        var problem = ExtensionRules.AlternativeProblem(e.Number, e.Mode, e.NonRecordedAlternative, recorded.Contains);
                        if (problem != null)
                        {
                            Add("2.3", ComplianceSeverity.High, "NonRecordedAlternativeMissing", a.Name, e.Number, "Extension " + e.Number + ": " + problem,
                                "Set-RecordedExtension -Number " + e.Number + " -NonRecordedAlternative <an extension that is not recorded>");
                        }
                        if (ExtensionRules.NeedsLabel(e.Labelled))
                        {
                            Add("2.3", ComplianceSeverity.Low, "ExtensionNotLabelled", a.Name, e.Number, "Recorded extension " + e.Number + " (" + e.Mode + ") is not marked or labelled as recorded.",
                                "Label the handset, then: Set-RecordedExtension -Number " + e.Number + " -Labelled");
                        }
                    }

                    // 2.4: customer notice, its purposes, measures where it is not automated.
                    if (a.Extensions.Count > 0 || authorisingNow != null)
                    {
                        if (NoticeRules.LacksNotice(a.CustomerNotice))
                        {
                            Add("2.4", ComplianceSeverity.High, "CustomerNoticeMissing", a.Name, a.Name, "The area records calls but has no customer notice: customers must be told at the start of every call.",
                                "Set-ServiceArea " + Q(a.Name) + " -CustomerNotice 'Calls are recorded for ...' -AutomatedNotice");
                        }
                        else if (authorisingNow != null && a.RequestPurposes.TryGetValue(authorisingNow, out var purposes))
                        {
                            var missing = NoticeRules.PurposesNotStated(a.CustomerNotice, NoticeRules.ParsePurposes(purposes));
                            if (missing.Count > 0)
                            {
                                Add("2.4", ComplianceSeverity.Medium, "CustomerNoticePurposeMissing", a.Name, string.Join(", ", missing),
                                    "The customer notice does not state authorised purpose(s) " + string.Join(", ", missing) + " of request " + authorisingNow + "; it states " +
                                    (NoticeRules.PurposesStated(a.CustomerNotice).Count == 0 ? "none" : string.Join(", ", NoticeRules.PurposesStated(a.CustomerNotice))) + ".",
                                    "Set-ServiceArea " + Q(a.Name) + " -CustomerNotice '<a notice that names every purpose>'");
                            }
                        }
                        if (NoticeRules.NeedsMeasure(a.AutomatedNotice, a.Measures))
                        {
                            Add("2.4", ComplianceSeverity.Medium, "NotificationMeasureMissing", a.Name, a.Name,
                                "The customer notice is not automated and no reasonable efforts to tell callers in advance are on record.",
                                "Register-NotificationMeasure -ServiceArea " + Q(a.Name) + " -Description 'What was done to tell callers'");
                        }
                    }
                }

                // 2.2: approved requests that no longer carry the consultations approval required.
                var areaName = areas.ToDictionary(a => a.Id, a => a.Name);
                foreach (var q in repo.ApprovedRequests())
                {
                    if (!areaName.TryGetValue(q.AreaId, out var name) || !wanted(name)) continue;
                    if (q.Until.HasValue && q.Until.Value <= now) continue;
                    var missing = RequestRules.MissingConsultations(q.Special, q.Identity, q.Card, q.Consultations);
                    var opposed = RequestRules.Opposed(q.Consultations);
                    if (missing.Count > 0 || opposed.Count > 0)
                    {
                        Add("2.2", ComplianceSeverity.High, "ConsultationMissing", name, q.Id,
                            "Approved request " + q.Id + " involves sensitive data but " + (missing.Count > 0 ? "lacks the " + string.Join(" and ", missing) + " consultation" : "") +
                            (missing.Count > 0 && opposed.Count > 0 ? ", and " : "") + (opposed.Count > 0 ? "the " + string.Join(" and ", opposed) + " consultation does not support it" : "") +
                            " (its data changed after approval); approval would be refused today.",
                            "Stop-RecordingRequest -RequestId " + q.Id + " -Reason 'Consultation missing' ; then a new request with the consultations (Add-RequestConsultation).");
                    }
                }

                // 2.5: retention, pending deletions, holds.
                progress?.Invoke("Retention and holds (2.5)");
                foreach (var kv in repo.RetentionDue(now))
                {
                    if (!areaName.TryGetValue(kv.Key, out var name) || !wanted(name)) continue;
                    Add("2.5", ComplianceSeverity.High, "RetentionOverdue", name, name,
                        N(kv.Value.Count) + " recording(s) are past their retention and not on hold, yet still in the store (earliest expiry " + kv.Value.Earliest.Substring(0, 10) + ").",
                        "Invoke-RetentionPurge -ServiceArea " + Q(name), kv.Value.Count);
                }
                foreach (var kv in repo.PendingDeletions())
                {
                    if (!areaName.TryGetValue(kv.Key, out var name) || !wanted(name)) continue;
                    Add("2.5", ComplianceSeverity.Medium, "PendingDeletion", name, name,
                        N(kv.Value) + " recording(s) are part-way through deletion (an interrupted purge or removal).",
                        "Invoke-RetentionPurge -ServiceArea " + Q(name) + " (it finishes them first)", kv.Value);
                }
                if (storeWide)
                {
                    foreach (var h in repo.Holds())
                    {
                        if (RetentionRules.HoldWithoutRetention(h.RetainUntil, h.ReleasedAt))
                        {
                            Add("2.5", ComplianceSeverity.Medium, "HoldWithoutRetention", "", h.Id + " (" + h.Case + ")",
                                "Legal hold " + h.Case + " keeps " + N(h.Recordings) + " recording(s) with no retain-until date: the case's own retention is not recorded, so they could be kept for ever.",
                                "New-LegalHold -CaseReference " + Q(h.Case) + " -RetainUntil <date> ... and move the recordings; then Remove-LegalHold -HoldId " + h.Id + " -Reason 'Replaced with a dated hold'");
                        }
                        if (RetentionRules.HoldPastRetainUntil(h.RetainUntil, h.ReleasedAt, now))
                        {
                            Add("Integrity", ComplianceSeverity.Medium, "HoldPastRetainUntil", "", h.Id + " (" + h.Case + ")",
                                "Legal hold " + h.Case + " passed its retain-until date " + Day(h.RetainUntil.Value) + " but still keeps " + N(h.Recordings) + " recording(s).",
                                "Remove-LegalHold -HoldId " + h.Id + " -Reason 'Case retention ended' (a second person confirms), then Invoke-RetentionPurge");
                        }
                    }
                }

                // 3.1: grants past review, grants to people not on the area's roster, access without purpose.
                progress?.Invoke("Access grants and the access log (3.1)");
                foreach (var g in repo.AreaGrants())
                {
                    if (!wanted(g.Area)) continue;
                    var status = AccessRules.StatusOf(g.RevokedAt, g.ExpiresOn, g.ReviewBy, now);
                    if (status == GrantStatus.ReviewOverdue)
                    {
                        Add("3.1", ComplianceSeverity.High, "GrantReviewOverdue", g.Area, g.Principal,
                            "Grant " + g.Id + " of " + g.Principal + " passed its review date " + Day(g.ReviewBy.Value) + " unconfirmed (it does not work until reviewed).",
                            "Confirm-RecordingAccess -GrantId " + g.Id + "   # or: Revoke-RecordingAccess -GrantId " + g.Id + " -Reason 'Not confirmed at review'");
                    }
                    if (AccessRules.NoLongerOnRoster(members.Contains(g.Area + "\n" + g.Principal), formerMembers.Contains(g.Area + "\n" + g.Principal)))
                    {
                        Add("3.1", ComplianceSeverity.Medium, "GrantToNonMember", g.Area, g.Principal,
                            "Grant " + g.Id + " lets " + g.Principal + " reach the area's recordings, but they are no longer a member on its roster.",
                            "Revoke-RecordingAccess -GrantId " + g.Id + " -Reason 'Left the area'   # or, if they are back: Add-ServiceAreaMember -ServiceArea " + Q(g.Area) + " -Principal " + Q(g.Principal));
                    }
                }
                foreach (var (area, count, firstAt) in repo.AccessWithoutPurpose())
                {
                    if (area == "" ? !storeWide : !wanted(area)) continue;
                    Add("3.1", ComplianceSeverity.High, "AccessWithoutPurpose", area, area == "" ? "(no area)" : area,
                        N(count) + " allowed access(es) in the access log state no purpose or no reason (first " + firstAt.Substring(0, 10) + "); every access must have both.",
                        "Get-AccessLog -ServiceArea " + Q(area) + " | Where-Object { -not $_.Purpose -or -not $_.Reason } ; find out who accessed what and why, and record it with the DPO.", count);
                }

                if (storeWide)
                {
                    // 3.2 and subject access.
                    progress?.Invoke("Investigations and subject access (3.2, 4.0)");
                    foreach (var i in repo.Investigations())
                    {
                        if (InvestigationRules.IsAwaitingDecisionTooLong(i.Status, i.RequestedAt, now))
                        {
                            Add("3.2", ComplianceSeverity.Medium, "InvestigationAwaitingDecision", "", i.Id,
                                "Investigation request " + i.Id + " about " + i.Subject + " has waited since " + Day(i.RequestedAt) + ", more than " + InvestigationRules.DecisionDays + " days, for the DPO's decision.",
                                "Approve-InvestigationRequest -InvestigationId " + i.Id + "   # or: Deny-InvestigationRequest -InvestigationId " + i.Id + " -Reason '...'");
                        }
                    }
                    foreach (var s in repo.OpenSubjectAccessRequests())
                    {
                        if (SubjectAccessRules.IsOverdue(s.Status, s.DueOn, now))
                        {
                            Add("4.0", ComplianceSeverity.High, "SubjectAccessOverdue", "", s.Reference,
                                "Subject access request " + s.Reference + " (" + s.Id + ") was due on " + Day(s.DueOn) + " and is still open.",
                                "Export-SubjectAccessRequest -RequestId " + s.Id + " -Destination <folder>");
                        }
                        else if (SubjectAccessRules.IsDueWithin(s.Status, s.DueOn, now, SubjectAccessRules.WarningDays))
                        {
                            Add("4.0", ComplianceSeverity.Medium, "SubjectAccessDueSoon", "", s.Reference,
                                "Subject access request " + s.Reference + " (" + s.Id + ") is due on " + Day(s.DueOn) + ", within " + SubjectAccessRules.WarningDays + " days.",
                                "Export-SubjectAccessRequest -RequestId " + s.Id + " -Destination <folder>");
                        }
                    }

                    // Integrity: checkpoints, who acted, failed deletions.
                    progress?.Invoke("The audit log's own integrity");
                    if (!includeStoreCheck)
                    {
                        storeCheck = repo.LastStoreCheck();
                        if (storeCheck != null) changedAfterCheck = repo.NewestEventAfter(storeCheck.Sequence, StoreCheckRules.ChangingActions);
                    }
                    chainCheck = repo.LastChainCheck();
                    var checkpoint = repo.LastCheckpoint();
                    if (AuditRules.CheckpointOverdue(checkpoint, now))
                    {
                        Add("Integrity", ComplianceSeverity.Medium, "CheckpointOverdue", "", "audit log",
                            checkpoint.HasValue ? "The last audit checkpoint was exported on " + Day(checkpoint.Value) + ", more than " + AuditRules.CheckpointDays + " days ago."
                                                : "No audit checkpoint has ever been exported: truncation or a rewritten tail of the audit log could not be detected.",
                            "Export-AuditCheckpoint -Path \\\\evidence\\crs\\checkpoint-$(Get-Date -Format yyyy-MM-dd).json   # keep it where the database's administrators cannot change it");
                    }
                    foreach (var p in repo.PrincipalOsAccounts())
                    {
                        if (AuditRules.ActedAsSomeoneElse(p.Principal, p.OsAccount, _store.SharedOsAccount))
                        {
                            var (count, lastSeq) = repo.EventsOf(p.Principal, p.OsAccount);
                            Add("Integrity", ComplianceSeverity.Medium, "ActingPrincipalDiffers", "", p.Principal,
                                N(count) + " audit event(s) (last " + lastSeq + ") are attributed to " + p.Principal + " but were made by the operating-system account " + p.OsAccount + ".",
                                "Get-AuditEvent -Principal " + Q(p.Principal) + " ; confirm that " + p.OsAccount + " was entitled to act as " + p.Principal + ".", count);
                        }
                    }
                    foreach (var d in repo.FailedDeletions(AuditRules.FailedDeletionActions))
                    {
                        Add("Integrity", ComplianceSeverity.High, "DeletionFailed", d.Area, d.RecordingId,
                            "Deleting recording " + d.RecordingId + " failed on " + d.OccurredAt.Substring(0, 10) + " and it is still " + (d.State == "" ? "in the store's records" : d.State) + ".",
                            "Invoke-RetentionPurge   # or Remove-Recording -RecordingId " + d.RecordingId + " ; Test-RecordingStore shows what is left");
                    }
                }
                return 0;
            });

            // 2.3: staff notices, by the same rule as Get-StaffNotification -Overdue.
            progress?.Invoke("Staff notices (2.3)");
            foreach (var s in _store.Notices.Standing(asOf: now))
            {
                if (!wanted(s.ServiceArea) || !s.Overdue) continue;
                if (s.Standing == NoticeStanding.NeverInformed)
                {
                    Add("2.3", ComplianceSeverity.Medium, "FrequentCallerNotInformed", s.ServiceArea, s.Principal, s.Principal + ": " + s.Reason + ".",
                        "Register-StaffNotification -Principal " + Q(s.Principal) + " -ServiceArea " + Q(s.ServiceArea) + " -Kind FrequentCaller -Evidence '...'");
                }
                else
                {
                    Add("2.3", ComplianceSeverity.Medium, "StaffNoticeOverdue", s.ServiceArea, s.Principal, s.Principal + ": " + s.Reason + ".",
                        "Register-StaffNotification -Principal " + Q(s.Principal) + " -ServiceArea " + Q(s.ServiceArea) + " -Kind " + (s.InductionOn.HasValue ? "Annual" : "Induction") + " -Evidence '...'");
                }
            }

            if (storeWide)
            {
                // Integrity: the store's own check (Test-RecordingStore, the audit chain included): run now when asked, else its last recorded run.
                if (includeStoreCheck)
                {
                    progress?.Invoke("Test-RecordingStore");
                    var live = _store.Test(false).ToList();
                    var recorded = StoreCheckRules.Read(0, _store.Clock.UtcNow, _store.Identity, AuditChain.DetailsJson(StoreCheckRules.Details(live, false)));
                    storeCheck = recorded;
                    AddStoreCheck(recorded, true, Add);
                    chainCheck = null; // the live run's AuditChain check is the newest word on the chain
                }
                else if (StoreCheckRules.Overdue(storeCheck?.RanAt, now))
                {
                    Add("Integrity", ComplianceSeverity.Medium, "StoreCheckOverdue", "", "store check",
                        storeCheck == null ? "No store check (Test-RecordingStore) has been recorded: the database's integrity, the recordings' files and the audit chain have not been verified."
                                           : "The last store check (Test-RecordingStore) ran on " + Day(storeCheck.RanAt) + ", more than " + StoreCheckRules.OverdueDays + " days ago; its findings may no longer hold.",
                        "Test-RecordingStore | Where-Object Severity -ne Ok   # the nightly runbook runs it before the report");
                }
                if (!includeStoreCheck && storeCheck != null)
                {
                    if (changedAfterCheck.HasValue && StoreCheckRules.Outdated(storeCheck.Sequence, changedAfterCheck.Value.Sequence))
                    {
                        Add("Integrity", ComplianceSeverity.Low, "StoreCheckOutdated", "", "store check",
                            "The last store check (Test-RecordingStore, " + Stamp(storeCheck.RanAt) + ") predates a change to the recordings (" + changedAfterCheck.Value.Action + ", audit event " +
                            changedAfterCheck.Value.Sequence + ", " + changedAfterCheck.Value.OccurredAt.Substring(0, 16).Replace('T', ' ') + " UTC); its findings do not cover it.",
                            "Test-RecordingStore | Where-Object Severity -ne Ok   # or: Get-ComplianceReport -IncludeStoreCheck");
                    }
                    AddStoreCheck(storeCheck, false, Add, chainCheck.HasValue && chainCheck.Value.Sequence > storeCheck.Sequence);
                }
                if (!includeStoreCheck && chainCheck.HasValue && (storeCheck == null || chainCheck.Value.Sequence > storeCheck.Sequence) && !chainCheck.Value.Valid)
                {
                    Add("Integrity", ComplianceSeverity.High, "AuditChainBroken", "", "audit log",
                        "The audit chain did not hold when Test-AuditChain checked it (" + Stamp(chainCheck.Value.RanAt) + "): " + chainCheck.Value.Problem,
                        "Test-AuditChain -Checkpoint <your latest checkpoint> ; restore the policy database from a backup that verifies, and investigate who changed it.");
                }
            }

            var clauseOrder = ComplianceClauses.All.Select((c, i) => (c.Clause, i)).ToDictionary(x => x.Clause, x => x.i);
            return findings.OrderBy(f => clauseOrder.TryGetValue(f.Clause, out var i) ? i : 99).ThenBy(f => f.Severity)
                .ThenBy(f => f.ServiceArea, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.Subject, StringComparer.OrdinalIgnoreCase).ToList();
        }

        private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

        /// <summary>A store check's problems as findings: one per check that was not Ok (PendingDeletion has its own rule), with its full count and the first finding kept.</summary>
        private static void AddStoreCheck(StoreCheckRules.RecordedRun run, bool live, Action<string, ComplianceSeverity, string, string, string, string, string, long> add, bool chainCheckedLater = false)
        {
            var when = live ? "now" : "on " + Stamp(run.RanAt) + " by " + run.Principal;
            foreach (var p in run.Problems.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (p.Key == "PendingDeletion") continue;
                var first = run.Findings.FirstOrDefault(f => f.Check == p.Key && f.Severity != FindingSeverity.Ok);
                var message = first?.Message ?? "(the finding was not kept: the record keeps the first " + StoreCheckRules.FindingCap + ")";
                if (p.Key == "AuditChain")
                {
                    if (chainCheckedLater) continue; // a later Test-AuditChain is the newer word on the chain
                    add("Integrity", ComplianceSeverity.High, "AuditChainBroken", "", "audit log", "The store check " + when + " found the audit chain does not hold: " + message,
                        "Test-AuditChain -Checkpoint <your latest checkpoint> ; restore the policy database from a backup that verifies, and investigate who changed it.", 1);
                    continue;
                }
                var worst = p.Value.Worst == FindingSeverity.Error ? ComplianceSeverity.High : ComplianceSeverity.Low;
                add("Integrity", worst, "StoreCheck" + p.Key, "", p.Value.Count == 1 ? first?.Target ?? p.Key : N(p.Value.Count) + " items",
                    "Store check " + when + " found (" + p.Key + "): " + message + (p.Value.Count > 1 ? " (and " + N(p.Value.Count - 1) + " more like it)" : ""),
                    "Test-RecordingStore | Where-Object Check -eq " + Q(p.Key), p.Value.Count);
            }
        }

        /// <summary>The chart aggregates at <paramref name="asOf"/>, limited to <paramref name="areas"/> where given.</summary>
        internal ComplianceCharts Charts(IReadOnlyList<string> areas = null, DateTimeOffset? asOf = null)
        {
            var now = asOf ?? _store.Clock.UtcNow;
            var charts = new ComplianceCharts();
            _store.Database.Read(session =>
            {
                var repo = session.Compliance;
                repo.Charts(charts, now, AreaFilter(areas, repo.AreaNames()));
                return 0;
            });
            return charts;
        }

        /// <summary>Writes the report: a self-contained HTML page (no external assets), or the findings as CSV through the injection-safe writer.</summary>
        public ComplianceExport Export(string path, ComplianceExportFormat format, IReadOnlyList<string> areas = null, DateTimeOffset? asOf = null, bool overwrite = true, Action<string> progress = null, bool includeStoreCheck = false)
        {
            var full = Path.GetFullPath(path);
            RequireReader("export the compliance report");
            StorePaths.Checked(_store, "export the compliance report", full);
            if (File.Exists(full) && !overwrite)
            {
                throw new PolicyException("FileExists", FailureKind.ResourceExists, "'" + full + "' already exists; use -Force to replace it.", full);
            }
            var now = asOf ?? _store.Clock.UtcNow;
            var findings = Collect(areas, now, progress, includeStoreCheck);
            using (var output = SafeOutput.Begin(_store, full))
            {
                var stream = output.Stream;
                {
                    if (format == ComplianceExportFormat.Csv)
                    {
                        ComplianceCsv.Write(stream, findings);
                    }
                    else
                    {
                        progress?.Invoke("Charts");
                        var charts = Charts(areas, now);
                        ComplianceHtml.Write(stream, findings, charts, new ComplianceHtml.Context
                        {
                            StorePath = _store.Path, StoreId = _store.StoreId, Identity = _store.Identity, AsOf = now, GeneratedAt = _store.Clock.UtcNow,
                            Areas = areas == null || areas.Count == 0 ? null : string.Join(", ", areas),
                        });
                    }
                }
                output.Commit();
            }
            return new ComplianceExport { Path = full, Format = format, Findings = findings.Count, High = findings.Count(f => f.Severity == ComplianceSeverity.High), AsOf = now, SizeBytes = new FileInfo(full).Length };
        }
    }

    public enum ComplianceExportFormat { Html, Csv }

    /// <summary>What Export-ComplianceReport wrote.</summary>
    public sealed class ComplianceExport
    {
        public string Path { get; set; }
        public ComplianceExportFormat Format { get; set; }
        public int Findings { get; set; }
        public int High { get; set; }
        public DateTimeOffset AsOf { get; set; }
        public long SizeBytes { get; set; }
    }
}
