using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

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
            private readonly Dictionary<string, List<AuthorisationWindow>> _windows = new Dictionary<string, List<AuthorisationWindow>>(StringComparer.Ordinal);

            public static Authorisations Load(SqliteConnection c, SqliteTransaction tx)
            {
                var a = new Authorisations();
                using (var cmd = PolicyDb.Command(c, tx, "SELECT e.number, sa.id, sa.name, sa.retention_value, sa.retention_unit FROM recorded_extension e JOIN service_area sa ON sa.id = e.service_area_id"))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        a._extensions[r.GetString(0)] = (r.GetString(1), r.GetString(2), RetentionPeriod.Create((int)r.GetInt64(3), r.GetString(4) == "Days" ? RetentionUnit.Days : RetentionUnit.Months));
                    }
                }
                using (var cmd = PolicyDb.Command(c, tx, "SELECT service_area_id, id, effective_from, until, stopped_at FROM recording_request WHERE status IN ('Approved', 'Stopped') ORDER BY effective_from"))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        if (!a._windows.TryGetValue(r.GetString(0), out var list)) a._windows[r.GetString(0)] = list = new List<AuthorisationWindow>();
                        list.Add(new AuthorisationWindow(r.GetString(1), Timestamp.Parse(r.GetString(2)), r.IsDBNull(3) ? (DateTimeOffset?)null : Timestamp.Parse(r.GetString(3)), r.IsDBNull(4) ? (DateTimeOffset?)null : Timestamp.Parse(r.GetString(4))));
                    }
                }
                return a;
            }

            /// <summary>The area and authorising request of a call; ExtensionNotRecorded or RecordingNotAuthorised otherwise.</summary>
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
