using System;

namespace CallRecordingAdmin.Engine.Policy
{
    /// <summary>What kind of failure a <see cref="PolicyException"/> is; the cmdlets map it to PowerShell's ErrorCategory.</summary>
    public enum FailureKind
    {
        InvalidArgument,
        PermissionDenied,
        ObjectNotFound,
        ResourceExists,
        InvalidOperation,
        InvalidData,
        ResourceUnavailable,
        SecurityError,
        ReadError,
        WriteError,
        ConnectionError,
    }

    /// <summary>
    /// A refusal or failure with a stable ErrorId that scripts can act on, the clause of the policy it
    /// enforces (where there is one) and the object it concerns.
    /// </summary>
    public sealed class PolicyException : Exception
    {
        public PolicyException(string errorId, FailureKind kind, string message, object target = null, string clause = null, Exception inner = null)
            : base(clause == null ? message : "Clause " + clause + ": " + message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
            Clause = clause;
        }

        public string ErrorId { get; }
        public FailureKind Kind { get; }
        public object Target { get; }
        /// <summary>The policy clause, e.g. "2.5"; null where the rule is not the policy's.</summary>
        public string Clause { get; }
        /// <summary>Whether, and where, this refusal is logged: from its entry in the <see cref="ErrorIds"/> catalogue.</summary>
        public RefusalLog Refusal => ErrorIds.Find(ErrorId)?.Refusal ?? RefusalLog.None;
    }
}
