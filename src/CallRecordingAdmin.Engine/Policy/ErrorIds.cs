using System;
using System.Collections.Generic;
using System.Linq;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>Which log a refusal goes to besides the error itself (see RecordingStore.Change and RecordingStore.Access).</summary>
    public enum RefusalLog
    {
        /// <summary>Not a refusal that is logged on its own (the change it refuses is rolled back and leaves no trace).</summary>
        None,
        /// <summary>A refusal for want of a role: an AccessDenied audit event, or an access-log row for recordings and grants.</summary>
        Role,
        /// <summary>A refused access to a recording's content (clause 3.1): an access-log row.</summary>
        Content,
        /// <summary>A refused change to recordings or grants (a self-nomination, a right beyond the approved level): an access-log row where the change names an access action, as for a missing role.</summary>
        Change,
    }

    /// <summary>One ErrorId: its category, the clause of the policy it enforces (if any) and what it means.</summary>
    public sealed class ErrorIdInfo
    {
        internal ErrorIdInfo(string id, FailureKind kind, string clause, string meaning, RefusalLog refusal)
        {
            Id = id;
            Kind = kind;
            Clause = clause;
            Meaning = meaning;
            Refusal = refusal;
            var parts = (clause ?? "none").Split(new[] { ", ", " or " }, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).ToList();
            AllowsNoClause = parts.Remove("none");
            Clauses = parts;
        }

        /// <summary>The stable ErrorId (the first part of FullyQualifiedErrorId).</summary>
        public string Id { get; }
        /// <summary>The category; the cmdlets map it to PowerShell's ErrorCategory of the same name.</summary>
        public FailureKind Kind { get; }
        /// <summary>The clause(s) as written in help, e.g. "2.5", "2.2, 3.1 or none"; null when no clause applies.</summary>
        public string Clause { get; }
        /// <summary>The clauses that a throw site may name.</summary>
        public IReadOnlyList<string> Clauses { get; }
        /// <summary>True when some (or every) throw site names no clause.</summary>
        public bool AllowsNoClause { get; }
        /// <summary>What the error means, in one line.</summary>
        public string Meaning { get; }
        /// <summary>Whether, and where, the refusal is logged.</summary>
        public RefusalLog Refusal { get; }
    }

    /// <summary>
    /// The catalogue of every ErrorId the module writes: one entry per id, with its category, clause and meaning.
    /// The build renders it into about_CallRecordingAdmin_Errors; a test fails when a throw site uses an id that is
    /// not here, or names another category or clause than its entry.
    /// </summary>
    public static class ErrorIds
    {
        private const FailureKind Arg = FailureKind.InvalidArgument, Denied = FailureKind.PermissionDenied, NotFound = FailureKind.ObjectNotFound,
            Exists = FailureKind.ResourceExists, Op = FailureKind.InvalidOperation, Data = FailureKind.InvalidData, Unavailable = FailureKind.ResourceUnavailable,
            Security = FailureKind.SecurityError, Read = FailureKind.ReadError, Write = FailureKind.WriteError;

        private static readonly ErrorIdInfo[] Entries =
        {
            // The store, its database and its key
            E("NotConnected", FailureKind.ConnectionError, null, "No store is connected: run Connect-RecordingStore, pass -Store, or set $env:CALLRECORDINGADMIN_STORE."),
            E("StoreNotFound", NotFound, null, "The path holds no policy database; create a store with New-RecordingStore."),
            E("NotARecordingStore", Data, null, "The file is a SQLite database but not a CallRecordingAdmin policy database."),
            E("StoreFolderNotEmpty", Exists, null, "New-RecordingStore was given a folder that already holds files, or a file."),
            E("StoreSchemaTooNew", Op, null, "The store was written by a newer module; update CallRecordingAdmin before using it."),
            E("StoreBusy", Unavailable, null, "Another process held the store's write lock for longer than the busy wait; nothing changed, run again."),
            E("StoreDatabaseInvalid", Data, null, "The policy database is damaged or not a SQLite database; restore it from backup."),
            E("StoreUnavailable", Unavailable, null, "The policy database could not be opened."),
            E("ConstraintViolated", Op, null, "The change conflicts with data already in the store (a database constraint)."),
            E("StoreError", Write, null, "The policy database reported another error; nothing was changed."),
            E("StoreDiskFull", Write, null, "The volume holding the policy database is full; the change was rolled back and nothing was changed."),
            E("EncryptionKeyUnavailable", Security, null, "The master key is missing, unreadable or not this store's; nothing can be encrypted or read."),
            E("KeyFileExists", Exists, null, "A key file already exists at -KeyPath; it is never overwritten."),
            E("KeyFileInsecure", Security, null, "The new key file could not be made readable by its owner only."),

            // Files
            E("FileExists", Exists, null, "The destination file exists; -Force replaces it. Refusing an access to a recording (Save-Recording), it is logged.", RefusalLog.Content),
            E("FileReadFailed", Read, null, "A file could not be read (an I/O error while reading, not while writing)."),
            E("FileWriteFailed", Write, null, "An I/O error while the command was writing a file (or an unclassified I/O error)."),
            E("FileAccessDenied", Denied, null, "The operating system refused access to a file or folder."),

            // People and roles
            E("PrincipalRequired", Arg, null, "A principal must name a person or account (DOMAIN\\user or user@domain)."),
            E("PrincipalInvalid", Arg, null, "A principal is longer than 256 characters, or holds invisible characters (format, zero-width, combining marks) or mixes Latin, Cyrillic and Greek letters (lookalike accounts), or is not shaped like an account (DOMAIN\\user, user@domain or a plain account name: no formula, quote, bracket or path)."),
            E("AccessDenied", Denied, "2.2, 2.5, 3.1, 3.2 or none", "The acting principal lacks the role the change needs; the refusal is logged.", RefusalLog.Role),
            E("RoleAlreadyAssigned", Exists, null, "The principal already holds that role (in that area)."),
            E("RoleNotAreaScoped", Arg, null, "A store-wide role was given a service area."),
            E("RoleNotAssigned", NotFound, null, "The principal does not hold that role (in that area)."),
            E("LastAdministrator", Op, null, "The store's last Administrator cannot be removed."),
            E("ServiceAreaRequired", Arg, "3.1 or none", "An area-scoped role needs -ServiceArea (or names several areas and must say which)."),
            E("SeparationOfDuties", Denied, "2.2 or 3.2", "Whoever made a request (recording or investigation) cannot also decide it."),

            // Service areas and extensions (2.1, 2.3, 2.5)
            E("ServiceAreaNameRequired", Arg, null, "A service area needs a name."),
            E("ServiceAreaNameInvalid", Arg, null, "A service area name is too long or holds wildcards or line breaks."),
            E("ServiceAreaExists", Exists, null, "A service area of that name exists (names compare without case)."),
            E("ServiceAreaNotFound", NotFound, null, "There is no service area of that name or id."),
            E("ServiceAreaInUse", Op, null, "The area still has extensions, roles or other records; remove them first."),
            E("RetentionNotPositive", Arg, "2.5", "A retention period must be at least one day or month."),
            E("RetentionExceedsPolicyMaximum", Arg, "2.5", "Local retention cannot exceed 12 months (365 days)."),
            E("InvalidExtensionNumber", Arg, null, "An extension is 2 to 20 digits, optionally with a leading '+'."),
            E("ExtensionExists", Exists, null, "The extension is already recorded."),
            E("ExtensionNotFound", NotFound, null, "The number is not a recorded extension."),
            E("NonRecordedAlternativeRequired", Arg, "2.3", "A constantly recorded extension needs a non-recorded alternative for confidential calls."),
            E("NonRecordedAlternativeConflict", Op, "2.3", "The extension is another's non-recorded alternative; recording it would leave no confidential line."),

            // Recording requests (2.1, 2.2)
            E("BusinessReasonRequired", Arg, "2.2", "A request must state clear business reasons."),
            E("PurposeRequired", Arg, "2.1", "A request must name at least one of the five purposes."),
            E("AccessLevelRequired", Arg, "2.2", "A request must outline the levels of access staff need; a nomination must name one of them.", RefusalLog.Change),
            E("AccessLevelInvalid", Arg, "2.2", "A level of access is malformed or names something other than Play, Download, Copy, Share or Delete."),
            E("RequestUntilInPast", Arg, "2.2", "A time-limited request must end in the future (at creation and at approval)."),
            E("EffectiveFromInFuture", Arg, null, "-EffectiveFrom brings in a past (paper) approval and must lie in the past."),
            E("MitigationRequired", Arg, "2.2", "A consultation outcome SupportedWithMitigations must name the mitigations."),
            E("ConsultationNotSupported", Op, "2.2", "A Security or PCI DSS consultation does not support the request, so it cannot be approved."),
            E("SecurityConsultationRequired", Op, "2.2", "Sensitive, identity or card data needs supporting Security and PCI DSS consultations before a decision."),
            E("DpiaRequired", Op, "2.2", "The request has no DPIA outcome; it is needed before a decision."),
            E("DpoAdviceRequired", Op, "2.2", "The request has no advice from the DPO; it is needed before a decision."),
            E("RequestNotPending", Op, null, "Only a pending request can be changed, approved or denied."),
            E("RequestNotApproved", Op, null, "Only an approved, unexpired authorisation can be stopped."),
            E("RecordingRequestNotFound", NotFound, null, "There is no recording request with that id."),
            E("ReasonRequired", Arg, "2.2, 2.5, 3.1 or 3.2", "A denial, early end, nomination, hold, release or access to a recording needs a reason. Refusing an access to a recording, it is logged.", RefusalLog.Content),

            // Recordings: import and content (2.1, 2.5, 3.1)
            E("ManifestNotFound", NotFound, null, "The recorder's manifest file does not exist; the import is refused.", RefusalLog.Change),
            E("CallIdRequired", Arg, null, "Every recording needs the recorder's CallId."),
            E("StartTimeInvalid", Data, null, "A manifest StartTime is not a date and time."),
            E("DurationInvalid", Data, null, "A Duration is not a number of seconds from 0 to 24 hours (negative, NaN, infinite or absurd)."),
            E("DirectionInvalid", Data, null, "A manifest Direction is not Inbound, Outbound or Internal."),
            E("PathOutsideSource", Security, null, "A manifest path leads outside the manifest's folder; it was refused."),
            E("RecordingFileNotFound", NotFound, null, "The audio file a manifest row names does not exist (or the row names none)."),
            E("RecordingFileUnreadable", Read, null, "The audio file to import could not be read."),
            E("StoreWriteFailed", Write, null, "Writing a recording into the store failed (disk full, an I/O error of the store's volume); nothing of that row was kept and the source file is untouched."),
            E("DuplicateCallId", Exists, null, "The call is already stored with different content; the new file was not imported."),
            E("ExtensionNotRecorded", Data, "2.1", "The call's extension is not a recorded extension of any service area; it was not imported."),
            E("RecordingNotAuthorised", Denied, "2.1", "No approved recording request covered the area at the call's time; it was not imported."),
            E("StoredValueInvalid", Data, null, "A row of the policy database holds a value the module never writes (changed outside it); that row alone is reported and skipped."),
            E("RowIntegrityFailed", Data, null, "A row the change would act on is not the one the row ledger last sealed (changed, inserted or deleted outside the module); nothing was done to it and the refusal is logged. Test-AuditChain -State lists every such row.", RefusalLog.Role),
            E("RecordingIntegrityFailed", Data, null, "A stored recording failed its authentication tag or SHA-256; its content was not returned."),
            E("RecordingFormatOutdated", Data, null, "A stored recording is in format 1, whose header is not authenticated (Test-RecordingStore -Deep); Update-RecordingFormat rewrites it in format 2."),
            E("StrayStoreEntry", Data, null, "A file or folder in the store folder that the store does not write (Test-RecordingStore); it is reported, never deleted."),
            E("StoreSchemaMismatch", Data, null, "A table, column, index, trigger or view of the policy database differs from what the migrations make: it was changed outside the module (Test-RecordingStore)."),
            E("RecordingNotFound", NotFound, null, "There is no recording with that id that you may see.", RefusalLog.Content),
            E("RecordingNotAvailable", NotFound, null, "The recording was deleted or extracted; its content is no longer in the store.", RefusalLog.Content),
            E("RecordingOnLegalHold", Op, "2.5", "The recording is on legal hold and must be kept; release the hold first.", RefusalLog.Content),
            E("PlayedAtInFuture", Arg, null, "A playback cannot be registered before it happened."),

            // Access grants (3.1)
            E("AccessNotGranted", Denied, "3.1", "The principal is not nominated for that right in the recording's service area.", RefusalLog.Content),
            E("AccessReviewOverdue", Denied, "3.1", "The grant passed its review date unconfirmed; it works again once confirmed.", RefusalLog.Content),
            E("RightRequired", Arg, "3.1", "A grant must name at least one right."),
            E("ReviewPeriodExceedsPolicy", Arg, "3.1", "Grants are reviewed at least annually; the review date is more than 12 months ahead."),
            E("ReviewDateInPast", Arg, "3.1", "A review date must be in the future."),
            E("GrantExists", Exists, null, "The principal already holds a grant in that area; revoke it first to change its rights."),
            E("GrantNotFound", NotFound, null, "There is no such grant."),
            E("GrantAlreadyRevoked", Op, null, "The grant was already revoked."),
            E("ShareRightNotAllowed", Arg, "3.1", "A share is play-only; other rights stay with nominated staff."),
            E("ShareExpiryInvalid", Arg, "3.1", "A share must end within 30 days from now."),
            E("ShareNotReviewed", Op, null, "A time-limited share ends by itself and has no review."),
            E("SelfReviewNotAllowed", Denied, "3.1", "Nobody reviews their own grant; another Administrator must.", RefusalLog.Change),

            // Legal holds and extraction (2.5)
            E("CaseReferenceRequired", Arg, "2.5", "A legal hold needs the case reference it serves."),
            E("RetainUntilInPast", Arg, "2.5", "-RetainUntil must be in the future."),
            E("LegalHoldNotFound", NotFound, null, "There is no legal hold with that id."),
            E("HoldReleased", Op, null, "The hold was released; place a new hold."),
            E("HoldNotActive", Op, null, "The hold is not active."),
            E("ReleaseNotRequested", Op, "2.5", "A release must be requested (Remove-LegalHold -Reason) before it is confirmed."),
            E("SecondPrincipalRequired", Denied, "2.5", "Whoever requested a hold's release cannot also confirm it."),
            E("ExportVerificationFailed", Data, "2.5", "An extracted copy did not match the SHA-256 taken at import; nothing was removed."),

            // Investigations (3.2)
            E("NotAnInvestigation", Arg, "3.2", "Monitoring the recording facility is not an investigation; use a grant for clause 3.1 purposes."),
            E("JustificationRequired", Arg, "3.2", "An investigation needs a specific, justified need."),
            E("FormReferenceRequired", Arg, "3.2", "An investigation needs the reference of its request form."),
            E("InvestigationNotFound", NotFound, null, "There is no investigation request with that id."),
            E("InvestigationNotPending", Op, null, "Only a pending investigation can be decided."),
            E("InvestigationNotApproved", Op, "3.2", "Only an approved investigation can open a legal hold."),

            // Subject access (UK GDPR)
            E("ReferenceRequired", Arg, null, "A subject access request needs its reference."),
            E("SubjectNameRequired", Arg, null, "A subject access request needs the person's name."),
            E("PhoneNumberRequired", Arg, null, "A subject access request needs at least one telephone number."),
            E("ReceivedOnInFuture", Arg, null, "-ReceivedOn cannot be in the future."),
            E("SubjectAccessRequestNotFound", NotFound, null, "There is no subject access request with that id."),

            // Audit
            E("CheckpointUnreadable", Read, null, "The audit checkpoint file could not be read."),
            E("CheckpointInvalid", Data, null, "The file is not an audit checkpoint written by Export-AuditCheckpoint."),
            // Issue 9: trust under careless or dishonest insiders, hostile input and faults
            E("BackupDestinationNotEmpty", Exists, null, "Backup-RecordingStore writes only into a new or empty folder."),
            E("BackupInvalid", Data, null, "The folder is not a backup this module wrote, or its manifest does not match its files."),
            E("PermissionsNotSet", Security, null, "The store's owner-only permissions could not be set on a file or folder."),
            E("DestinationInvalid", Arg, null, "The destination is not a usable path."),
            E("DestinationInsideStore", Security, "2.5", "No cmdlet writes inside the store folder or onto its master key (links resolved first); nothing was written.", RefusalLog.Content),
            E("TextInvalid", Arg, null, "Text is too long (ids and names 256, reasons 2,000 characters) or holds control or bidirectional characters. Refusing an access to a recording (a bad -Reason), it is logged.", RefusalLog.Content),
            E("StartTimeInFuture", Data, null, "A call's StartTime is more than a few minutes in the future."),
            E("AlreadyExpired", Data, "2.5", "The call is already past its area's retention period; it is not imported."),
            E("NotAudio", Data, "2.5", "The file is not a recording by its header (WAV PCM/A-law/mu-law/GSM, MP3, Ogg Opus/Vorbis)."),
            E("RecordingFileMissing", Read, "2.5", "The recording's stored file is missing; Test-RecordingStore reports it; restore it from a backup.", RefusalLog.Content),
            E("ManifestInvalid", Data, null, "The manifest cannot be read at all (no header, binary, empty); the import is refused.", RefusalLog.Change),
            E("ManifestRowInvalid", Data, null, "One manifest line cannot be read; that row alone is refused."),
            E("InvalidPhoneNumber", Data, null, "The remote number is not a possible telephone number ('withheld' and 'anonymous' are accepted)."),
            E("RecordingDeleteFailed", Write, "2.5", "The recording's file could not be deleted; the row stays PendingDelete and the next purge retries."),
            E("SelfRoleGrantRefused", Denied, "3.1", "Nobody grants themselves a role; another Administrator must.", RefusalLog.Role),
            E("SelfNominationRefused", Denied, "3.1", "Nobody nominates themselves (or shares with themselves); another Administrator must.", RefusalLog.Change),
            E("AccessLevelNotApproved", Arg, "2.2", "The level named is not one of the levels of access of an approved request in force for the area.", RefusalLog.Change),
            E("RightNotInApprovedAccessLevel", Denied, "2.2", "The right asked is beyond the rights of the approved level of access.", RefusalLog.Change),
            // Clauses 2.3 and 2.4: rosters, staff notifications, notification measures
            E("ExtensionInvalid", Arg, "2.3", "A roster entry's extension is not an extension number (digits, at most 32)."),
            E("DateInFuture", Arg, null, "A notification or measure cannot be dated in the future."),
            E("DateInvalid", Arg, null, "The date is not a valid calendar date in range."),
            E("DescriptionRequired", Arg, "2.4", "A notification measure needs a description of what was done."),
            E("EmailInvalid", Arg, "2.3", "The e-mail address is not one."),
            E("MemberExists", Exists, "2.3", "The principal is already on the area's roster."),
            E("MemberNotFound", NotFound, "2.3", "The principal is not on the area's roster."),
            E("NoticeKindMismatch", Arg, "2.3", "The kind of notice does not fit the person's relation to the area (members: Induction or Annual; frequent callers: FrequentCaller)."),
            // Microsoft 365 through Microsoft Graph (issue 14)
            E("GraphNotConnected", Op, null, "No Microsoft Graph connection in this session: run Connect-RecordingGraph first."),
            E("GraphParameterRequired", Arg, null, "The way of signing in chosen needs a parameter that was not given (-TenantId, -ClientId, -CertificatePath, …) or was empty."),
            E("GraphTokenRequired", Arg, null, "-AccessToken was empty."),
            E("GraphEndpointInvalid", Arg, null, "-Endpoint is not an absolute https URI (plain http only for a server on this machine)."),
            E("GraphCertificateUnreadable", Read, null, "The certificate file could not be read (wrong password, or not a PFX/PEM with its private key)."),
            E("GraphCertificateNotFound", NotFound, null, "No certificate with that thumbprint is in the CurrentUser or LocalMachine 'My' store."),
            E("GraphPermissionMissing", Denied, null, "Graph answered 403: the app registration lacks the permission the message names (GroupMember.Read.All, CallRecords.Read.All, Mail.Send, …)."),
            E("GraphAuthenticationFailed", Security, null, "Graph refused the credential or token (401), or sign-in failed."),
            E("GraphThrottled", Unavailable, null, "Graph kept answering 429 after the SDK's retries honoured Retry-After; run again later."),
            E("GraphRequestFailed", Op, null, "Graph answered with another error; its code and message are in the error."),
            E("DirectoryUnavailable", Unavailable, null, "Microsoft Graph could not be reached (network, DNS, TLS); nothing was changed."),
            E("GroupIdInvalid", Arg, null, "-GroupId is not a directory group id (a GUID)."),
            E("MailAddressInvalid", Arg, null, "A mail address (-MailTo, -From, a roster e-mail) is not name@domain."),
            E("MailNotFound", NotFound, null, "There is no outbox message with that id."),
            E("CheckpointWitnessNotIndependent", Arg, null, "The checkpoint's witness mailbox belongs to an Administrator of the store; mail it to someone outside them (the DPO)."),
            E("StaffNotificationMailRefused", FailureKind.ConnectionError, null, "Send-StaffNotification: the mail service did not accept the mail to that member, so no notice is registered for them; the outbox row says why."),
            E("StaffNotificationNotSent", Data, null, "Send-StaffNotification: the member has no usable e-mail address on the roster; nothing was sent or registered for them."),
            E("CheckpointMailRefused", FailureKind.ConnectionError, null, "The checkpoint was exported and recorded, but the mail service refused the mail; the outbox row says why."),
            // Issue 9 review findings (F10, F15, F16)
            E("StartTimeAmbiguous", Data, null, "A StartTime writes day and month in an order the text does not say (11/12/2026), or, without an offset, names a wall-clock time that happened twice in the time zone (clocks going back); write ISO 8601 with its offset."),
            E("TimeZoneNotFound", Arg, null, "-TimeZone names no time zone this machine knows (give an IANA name such as Europe/London, or a Windows one)."),
            E("PlayedAtBeforeCall", Arg, "3.1", "A playback cannot be registered at a time before the call began; the refused registration is in the access log.", RefusalLog.Content),
            E("EffectiveFromBeforePolicy", Arg, "2.2", "-EffectiveFrom cannot precede the Call Recording Policy's effective date, 6 February 2024."),
            E("PaperReferenceRequired", Arg, "2.2", "An approval backdated before its decision (-EffectiveFrom more than five minutes ago) needs the paper approval's reference (-Reference)."),
        };

        private static readonly Dictionary<string, ErrorIdInfo> ById = Entries.ToDictionary(e => e.Id, StringComparer.Ordinal);

        private static ErrorIdInfo E(string id, FailureKind kind, string clause, string meaning, RefusalLog refusal = RefusalLog.None) =>
            new ErrorIdInfo(id, kind, clause, meaning, refusal);

        /// <summary>Every ErrorId, in the catalogue's order (grouped by concept).</summary>
        public static IReadOnlyList<ErrorIdInfo> All => Entries;

        /// <summary>The entry for <paramref name="id"/>, or null when the id is not catalogued.</summary>
        public static ErrorIdInfo Find(string id) => id != null && ById.TryGetValue(id, out var e) ? e : null;
    }
}
