using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.RecordingRequests
{
    /// <summary>Where a request stands. Expired is not stored: an approved, time-limited request is Expired once its date has passed.</summary>
    public enum RequestStatus { Pending, Approved, Denied, Stopped, Expired }

    /// <summary>The teams clause 2.2 says a requester consults.</summary>
    public enum ConsultationTeam { SecurityTeam, PciDssTeam, DataProtectionOfficer }

    public enum ConsultationOutcome { Supported, SupportedWithMitigations, NotSupported }

    /// <summary>Related legislation or University policy the requester must be mindful of (clause 2.2).</summary>
    public enum RelatedRegime { ResearchEthics, PECR, Other }

    /// <summary>One staff group and the rights it needs (clause 2.2 "levels of access").</summary>
    public sealed class AccessLevel
    {
        public AccessLevel(string staffGroup, IEnumerable<AccessRight> rights)
        {
            StaffGroup = staffGroup;
            Rights = rights.Distinct().OrderBy(r => r).ToArray();
        }

        public string StaffGroup { get; }
        public IReadOnlyList<AccessRight> Rights { get; }

        public override string ToString() => StaffGroup + "=" + string.Join("+", Rights);

        /// <summary>Reads the text form "Supervisor=Play+Download; Advisor=Play" (rights may also be separated by ',' or '|').</summary>
        public static IReadOnlyList<AccessLevel> Parse(string text)
        {
            var result = new List<AccessLevel>();
            foreach (var part in (text ?? "").Split(new[] { ';', '\n' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var pair = part.Split(new[] { '=' }, 2);
                if (pair.Length != 2 || string.IsNullOrWhiteSpace(pair[0]))
                {
                    throw Invalid(text);
                }
                result.Add(Create(pair[0], pair[1].Split(new[] { '+', ',', '|', ' ' }, StringSplitOptions.RemoveEmptyEntries)));
            }
            if (result.Count == 0)
            {
                throw Invalid(text);
            }
            return result;
        }

        public static AccessLevel Create(string staffGroup, IEnumerable<string> rights)
        {
            var group = staffGroup?.Trim();
            if (string.IsNullOrEmpty(group) || group.IndexOfAny(new[] { '=', ';', '\n' }) >= 0)
            {
                throw Invalid(staffGroup);
            }
            var parsed = new List<AccessRight>();
            foreach (var r in rights)
            {
                if (!Enum.TryParse(r.Trim(), true, out AccessRight right) || !Enum.IsDefined(typeof(AccessRight), right))
                {
                    throw new PolicyException("AccessLevelInvalid", FailureKind.InvalidArgument,
                        "'" + r + "' is not an access right; use Play, Download, Copy, Share or Delete.", r, "2.2");
                }
                parsed.Add(right);
            }
            if (parsed.Count == 0)
            {
                throw new PolicyException("AccessLevelInvalid", FailureKind.InvalidArgument, "staff group '" + group + "' is given no rights.", staffGroup, "2.2");
            }
            return new AccessLevel(group, parsed);
        }

        private static PolicyException Invalid(string text) =>
            new PolicyException("AccessLevelInvalid", FailureKind.InvalidArgument,
                "the levels of access '" + text + "' cannot be read; write them as @{ Supervisor = 'Play','Download'; Advisor = 'Play' } or 'Supervisor=Play+Download; Advisor=Play'.",
                text, "2.2");
    }

    /// <summary>A team's recorded view of a request.</summary>
    public sealed class RequestConsultation
    {
        public string ConsultationId { get; set; }
        public string RequestId { get; set; }
        public ConsultationTeam Team { get; set; }
        public ConsultationOutcome Outcome { get; set; }
        /// <summary>The mitigations agreed, separated by "; ".</summary>
        public string Mitigations { get; set; }
        public string Notes { get; set; }
        public DateTimeOffset RecordedAt { get; set; }
        public string RecordedBy { get; set; }
    }

    /// <summary>A request to record calls in a service area, with everything clause 2.2 asks it to carry. Every property is a scalar so that Export-Csv gives flat columns.</summary>
    public sealed class RecordingRequest
    {
        public string RequestId { get; set; }
        public string ServiceArea { get; set; }
        public RequestStatus Status { get; set; }
        public string BusinessReason { get; set; }
        /// <summary>Purposes from clause 2.1, separated by ", ".</summary>
        public string Purposes { get; set; }
        /// <summary>Levels of access in the text form "Advisor=Play; Supervisor=Play+Download".</summary>
        public string AccessLevels { get; set; }
        public string Retention { get; set; }
        public int? RetentionDays { get; set; }
        public int? RetentionMonths { get; set; }
        public DateTimeOffset? Until { get; set; }
        public string DpiaReference { get; set; }
        public string DpoAdvice { get; set; }
        public bool SpecialCategoryData { get; set; }
        public bool IdentityValidation { get; set; }
        public bool PaymentCardData { get; set; }
        public string RelatedRegimes { get; set; }
        public string Notes { get; set; }
        /// <summary>Each consultation as "Team: Outcome (mitigations)", separated by "; ".</summary>
        public string Consultations { get; set; }
        public DateTimeOffset RequestedAt { get; set; }
        public string RequestedBy { get; set; }
        public DateTimeOffset? DecidedAt { get; set; }
        public string DecidedBy { get; set; }
        public string DecisionComment { get; set; }
        /// <summary>When the authorisation starts; before the decision date when an existing paper approval was brought in.</summary>
        public DateTimeOffset? EffectiveFrom { get; set; }
        public DateTimeOffset? StoppedAt { get; set; }
        public string StoppedBy { get; set; }
        public string StopReason { get; set; }
        /// <summary>Every step of the request from the audit log, one line each.</summary>
        public string History { get; set; }

        public bool NeedsSecurityConsultation => RequestRules.NeedsSecurityConsultation(SpecialCategoryData, IdentityValidation, PaymentCardData);
    }

    /// <summary>A new request as New-RecordingRequest describes it.</summary>
    public sealed class RecordingRequestDraft
    {
        public string ServiceArea { get; set; }
        public string BusinessReason { get; set; }
        public IReadOnlyList<Purpose> Purposes { get; set; }
        public IReadOnlyList<AccessLevel> AccessLevels { get; set; }
        public RetentionPeriod Retention { get; set; }
        public DateTimeOffset? Until { get; set; }
        public string DpiaReference { get; set; }
        public string DpoAdvice { get; set; }
        public bool SpecialCategoryData { get; set; }
        public bool IdentityValidation { get; set; }
        public bool PaymentCardData { get; set; }
        public IReadOnlyList<RelatedRegime> RelatedRegimes { get; set; }
        public string Notes { get; set; }
    }

    /// <summary>What Set-RecordingRequest completes on a pending request: a null property is left as it is.</summary>
    public sealed class RecordingRequestChange
    {
        public string BusinessReason { get; set; }
        public string DpiaReference { get; set; }
        public string DpoAdvice { get; set; }
        public string Notes { get; set; }
    }

    /// <summary>Filters for Get-RecordingRequest.</summary>
    public sealed class RecordingRequestQuery
    {
        public string RequestId { get; set; }
        public string ServiceArea { get; set; }
        public RequestStatus? Status { get; set; }
        public int? ExpiringWithinDays { get; set; }
    }
}
