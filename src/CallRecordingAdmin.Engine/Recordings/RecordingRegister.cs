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
    /// <summary>
    /// Recordings in the store: imported encrypted from the telephony recorder, found by their metadata,
    /// reached only by nominated staff for a stated purpose, and removed with a record of the removal.
    /// A file and its row never exist one without the other for longer than a crash: an import writes
    /// "&lt;id&gt;.partial", commits the row, then renames; <see cref="Recover"/> finishes or removes what a
    /// killed run left.
    /// </summary>
    public sealed partial class RecordingRegister
    {
        internal const string Select = @"SELECT r.*, sa.name AS area_name,
            " + RetentionRules.HeldSql + @" AS on_hold,
            (SELECT group_concat(coalesce(cp.display_name, cp.user_principal_name, cp.phone_number) || coalesce(' <' || coalesce(cp.user_principal_name, cp.phone_number) || '>', ''), '; ')
               FROM call_participant cp WHERE cp.recording_id = r.id) AS participants
            FROM recording r JOIN service_area sa ON sa.id = r.service_area_id";
        private const string PartialSuffix = ".partial";
        private const string FileSuffix = ".crec";
        private readonly RecordingStore _store;

        internal RecordingRegister(RecordingStore store) { _store = store; }

        internal static string RelativeFile(string id) => Ids.Shard(id) + "/" + id + FileSuffix;

        internal string FullPath(string relative) => Path.Combine(_store.Path, RecordingStore.RecordingsFolderName, relative.Replace('/', Path.DirectorySeparatorChar));

        internal static Recording FindActive(ChangeContext ctx, string recordingId)
        {
            var rec = Load(ctx, recordingId);
            if (rec.State != RecordingState.Active)
            {
                throw new PolicyException("RecordingNotAvailable", FailureKind.ObjectNotFound,
                    "recording " + rec.RecordingId + " is " + rec.State + (rec.ExtractedTo != null ? " (to " + rec.ExtractedTo + ")" : "") + "; its content is no longer in the store.", rec.RecordingId);
            }
            return rec;
        }

        internal static Recording Load(ChangeContext ctx, string recordingId)
        {
            using (var cmd = ctx.Command(Select + " WHERE r.id = $id", ("$id", recordingId?.Trim())))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read())
                {
                    throw new PolicyException("RecordingNotFound", FailureKind.ObjectNotFound, "There is no recording '" + recordingId + "'.", recordingId);
                }
                return Map(r);
            }
        }

        internal string StoredFile(Recording rec) => StoredFile(rec.RecordingId);

        internal string StoredFile(string recordingId) => FullPath(RelativeFile(recordingId));

        /// <summary>Recomputes the expiry of an area's active recordings after its local retention changed (clause 2.5).</summary>
        internal static int RecomputeExpiry(ChangeContext ctx, string areaId, RetentionPeriod period)
        {
            var rows = new List<(string Id, string Start)>();
            using (var cmd = ctx.Command("SELECT id, start_time FROM recording WHERE service_area_id = $a AND state = 'Active'", ("$a", areaId)))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) rows.Add((r.GetString(0), r.GetString(1)));
            }
            using (var update = ctx.Command("UPDATE recording SET expires_at = $e WHERE id = $id", ("$e", ""), ("$id", "")))
            {
                foreach (var (id, start) in rows)
                {
                    update.Parameters["$e"].Value = Timestamp.ToText(period.ExpiryOf(Timestamp.Parse(start)));
                    update.Parameters["$id"].Value = id;
                    update.ExecuteNonQuery();
                }
            }
            return rows.Count;
        }

        internal static Recording Map(SqliteDataReader r)
        {
            var rec = new Recording
            {
                RecordingId = r.Text("id"),
                Participants = r.Text("participants") ?? "",
                CallId = r.Text("call_id"),
                ServiceArea = r.Text("area_name"),
                Extension = r.Text("extension"),
                StartTime = r.Time("start_time"),
                DurationSeconds = r.IsDBNull(r.GetOrdinal("duration_seconds")) ? (double?)null : r.GetDouble(r.GetOrdinal("duration_seconds")),
                Direction = (CallDirection)Enum.Parse(typeof(CallDirection), r.Text("direction")),
                RemoteNumber = r.Text("remote_number"),
                Agent = r.Text("agent"),
                Format = r.Text("format"),
                SizeBytes = r.Long("size_bytes"),
                Sha256 = r.Text("sha256"),
                State = (RecordingState)Enum.Parse(typeof(RecordingState), r.Text("state")),
                ExpiresAt = r.Time("expires_at"),
                OnHold = r.Long("on_hold") != 0,
                AuthorisingRequestId = r.Text("request_id"),
                ImportedAt = r.Time("imported_at"),
                ImportedBy = r.Text("imported_by"),
                DeletedAt = r.NullableTime("deleted_at"),
                DeletedBy = r.Text("deleted_by"),
                DeletionReason = r.Text("deletion_reason"),
                ExtractedTo = r.Text("extracted_to"),
                ExtractedAt = r.NullableTime("extracted_at"),
            };
            rec.StoredBytes = r.Long("stored_bytes");
            return rec;
        }
    }
}
