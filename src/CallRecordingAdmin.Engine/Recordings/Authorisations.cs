using System;
using System.Collections.Generic;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>Clauses 2.1 and 2.2 at import: is the call's extension recorded, and was its area authorised at the call's time. Part of <see cref="RecordingRegister"/>, split out of RecordingRegister.cs (issue 10).</summary>
    public sealed partial class RecordingRegister
    {
        private sealed class CallAuthorisation
        {
            public string AreaId;
            public string AreaName;
            public string RequestId;
            public RetentionPeriod Retention;
        }

        /// <summary>
        /// Clauses 2.1 and 2.2 for a batch of calls: the recorded extensions and the authorisation windows of
        /// every area, read once in the batch's transaction and checked in memory for each call.
        /// </summary>
        private sealed class Authorisations
        {
            private readonly Dictionary<string, (string AreaId, string AreaName, RetentionPeriod Retention)> _extensions = new Dictionary<string, (string, string, RetentionPeriod)>(StringComparer.Ordinal);
            private readonly Dictionary<string, IReadOnlyList<AuthorisationWindow>> _windows = new Dictionary<string, IReadOnlyList<AuthorisationWindow>>(StringComparer.Ordinal);

            /// <summary>The facts of 2.1 and 2.2 for a batch, from the session: every recorded extension with its area, and every area's windows.</summary>
            public static Authorisations Load(IPolicySession db)
            {
                var a = new Authorisations();
                foreach (var e in db.Extensions.Areas())
                {
                    a._extensions[e.Number] = (e.AreaId, e.AreaName, e.Retention);
                }
                foreach (var w in db.Requests.Windows(null))
                {
                    a._windows[w.Key] = w.Value;
                }
                return a;
            }

            /// <summary>The service area of a recorded extension; ExtensionNotRecorded otherwise.</summary>
            public (string AreaId, string AreaName, RetentionPeriod Retention) AreaOf(string extension, string callId)
            {
                if (!_extensions.TryGetValue(extension, out var area))
                {
                    throw new PolicyException("ExtensionNotRecorded", FailureKind.InvalidData,
                        "call " + callId + " was made on extension " + extension + ", which is not a recorded extension of any service area; it was not imported.", callId, "2.1");
                }
                return area;
            }

            /// <summary>The area and authorising request of a call (<see cref="AreaRules.AuthorisingRequest"/>); ExtensionNotRecorded or RecordingNotAuthorised otherwise.</summary>
            public CallAuthorisation Check(string extension, DateTimeOffset start, string callId)
            {
                var area = AreaOf(extension, callId);
                var at = Timestamp.ToText(start);
                var requestId = _windows.TryGetValue(area.AreaId, out var windows) ? AreaRules.AuthorisingRequest(windows, Timestamp.Parse(at)) : null;
                if (requestId == null)
                {
                    throw new PolicyException("RecordingNotAuthorised", FailureKind.PermissionDenied,
                        "call " + callId + " (" + at + ") in service area '" + area.AreaName + "' is not covered by an approved recording request (clause 2.2); a service area may record only while one authorises it. It was not imported.",
                        callId, "2.1");
                }
                return new CallAuthorisation { AreaId = area.AreaId, AreaName = area.AreaName, RequestId = requestId, Retention = area.Retention };
            }
        }
    }
}
