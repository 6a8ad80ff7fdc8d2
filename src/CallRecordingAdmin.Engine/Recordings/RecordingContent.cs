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
    /// <summary>Reaching a recording's content (clause 3.1): save decrypted, copy encrypted, register a playback, each logged. Part of <see cref="RecordingRegister"/>, split out of RecordingRegister.cs (issue 10).</summary>
    public sealed partial class RecordingRegister
    {
        /// <summary>Writes the decrypted audio to <paramref name="destination"/> (Download right), only after every tag and the hash verified.</summary>
        public Recording Save(string recordingId, string destination, AccessPurpose purpose, bool overwrite)
        {
            var full = Path.GetFullPath(destination);
            // A destination in the store, and an existing file without -Force, are refused (and logged) by the access itself.
            var recording = Reach(AccessRight.Download, recordingId, purpose, "saved to " + full, (ctx, rec) =>
            {
                StorePaths.EnsureOutsideStore(_store, full);
                if (File.Exists(full) && !overwrite)
                {
                    throw new PolicyException("FileExists", FailureKind.ResourceExists, "'" + full + "' already exists; use -Force to replace it.", full);
                }
            });
            DecryptTo(recording, full, "Download", purpose.Purpose.ToString(), purpose.LoggedReason);
            return recording;
        }

        /// <summary>
        /// Decrypts a recording whose access was logged as Allowed under <paramref name="action"/>. Decrypted audio never exists without
        /// its access-log row (that row comes first), and a record never says something untrue: when the decryption then fails — a
        /// damaged or tampered file (<c>RecordingIntegrityFailed</c>), the wrong or missing key, the file gone, the disk full — a second
        /// row says so (outcome Refused, the ErrorId, "nothing was written"), and the partial output is deleted before the error goes on.
        /// </summary>
        internal void DecryptTo(Recording recording, string full, string action, string purpose, string reason)
        {
            try
            {
                DecryptTo(recording, full);
            }
            catch (Exception e) when (e is PolicyException || e is IOException || e is UnauthorizedAccessException)
            {
                RecordFailure(action, recording, purpose, reason, full, e);
                throw;
            }
        }

        /// <summary>The access-log row (and its RecordingAccessRefused audit event) of an allowed access to content that did not complete.</summary>
        internal void RecordFailure(string action, Recording recording, string purpose, string reason, string destination, Exception e)
        {
            var id = e is PolicyException p ? p.ErrorId : "FileWriteFailed";
            var hint = id == "RecordingIntegrityFailed" ? " The stored recording is damaged or was altered: run Test-RecordingStore -Deep and restore it from a backup." : "";
            try
            {
                _store.Change("record a failed access to a recording", ctx =>
                {
                    AccessRecord.Write(ctx, action, AccessOutcome.Refused, recording.RecordingId, recording.ServiceArea, purpose, reason,
                        id + ": the " + action + " allowed above did not complete and nothing was written to " + destination + ": " + Text.Printable(e.Message, 2000) + hint);
                    return 0;
                });
            }
            catch (Exception logging) when (logging is PolicyException || logging is IOException || logging is SqliteException)
            {
                // The store itself cannot be written (read-only, full): the original error is the one the user needs.
            }
        }

        private void DecryptTo(Recording recording, string full)
        {
            var key = _store.ReadMasterKey();
            FileStream opened;
            try
            {
                opened = File.OpenRead(StoredFile(recording));
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new PolicyException("RecordingFileMissing", FailureKind.ReadError,
                    "the stored file of recording " + recording.RecordingId + " is missing; nothing was written. Test-RecordingStore reports it; restore the file from a backup.", recording.RecordingId, "2.5", e);
            }
            // Through a new, randomly named, exclusively created owner-only file beside the destination, renamed into place:
            // a link planted at any name the module writes can never redirect the plaintext (or the truncation) into the store.
            using (var stored = opened)
            using (var output = SafeOutput.Begin(_store, full, ownerOnly: true))
            {
                RecordingCipher.Decrypt(stored, output.Stream, recording.RecordingId, key, recording.Sha256);
                output.Commit();
            }
        }

        /// <summary>Copies the encrypted file, as stored, into a folder with a manifest (Copy right); the copy opens only with this store's key.</summary>
        public Recording Copy(string recordingId, string destinationFolder, AccessPurpose purpose)
        {
            var folder = Path.GetFullPath(destinationFolder);
            // Every path Copy writes (the folder, the copy and its manifest) is checked before the access is allowed and before anything is written.
            var recording = Reach(AccessRight.Copy, recordingId, purpose, "copied to " + folder, (ctx, rec) =>
            {
                StorePaths.EnsureOutsideStore(_store, folder);
                StorePaths.EnsureOutsideStore(_store, Path.Combine(folder, rec.RecordingId + FileSuffix));
                StorePaths.EnsureOutsideStore(_store, Path.Combine(folder, rec.RecordingId + FileSuffix + ".json"));
            });
            var target = Path.Combine(folder, recording.RecordingId + FileSuffix);
            try
            {
                CopyVerified(recording, folder, target, purpose);
            }
            catch (Exception e) when (e is PolicyException || e is IOException || e is UnauthorizedAccessException)
            {
                RecordFailure("Copy", recording, purpose.Purpose.ToString(), purpose.LoggedReason, folder, e);
                throw;
            }
            return recording;
        }

        /// <summary>
        /// Copies the stored file and checks that the copy opens with this store's key (every tag and the SHA-256), so a damaged or
        /// tampered recording is never handed over as a good copy; the copy goes (and no manifest is written) when it fails.
        /// </summary>
        private void CopyVerified(Recording recording, string folder, string target, AccessPurpose purpose)
        {
            SafeOutput.CreateFolder(folder);
            string encryptedSha;
            var key = _store.ReadMasterKey();
            using (var stored = File.OpenRead(StoredFile(recording)))
            using (var output = SafeOutput.Begin(_store, target, ownerOnly: true))
            {
                stored.CopyTo(output.Stream);
                output.Stream.Flush();
                stored.Position = 0;
                RecordingCipher.Decrypt(stored, Stream.Null, recording.RecordingId, key, recording.Sha256);
                output.Commit();
            }
            encryptedSha = RecordingCipher.Sha256OfFile(target);
            var manifest = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["format"] = "CallRecordingAdmin.RecordingCopy/1",
                ["recordingId"] = recording.RecordingId, ["callId"] = recording.CallId, ["serviceArea"] = recording.ServiceArea,
                ["startTime"] = Timestamp.ToText(recording.StartTime), ["originalSha256"] = recording.Sha256,
                ["encryptedSha256"] = encryptedSha, ["keyFingerprint"] = _store.KeyFingerprint,
                ["copiedBy"] = _store.Identity, ["copiedAt"] = Timestamp.ToText(_store.Clock.UtcNow),
                ["purpose"] = purpose.Purpose.ToString(), ["reason"] = purpose.Reason,
            };
            SafeOutput.WriteAllText(_store, target + ".json", JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
        }

        /// <summary>
        /// The area supervisor's record of a playback done in the telephony recorder (clause 3.1, last
        /// paragraph): only a Supervisor of the recording's area records it, and the person who played it
        /// must hold Play. The row names the player, with the purpose, the reason and when it was played.
        /// </summary>
        public Recording RegisterPlayback(string recordingId, string player, AccessPurpose purpose, DateTimeOffset? playedAt)
        {
            player = Principal.Normalise(player);
            return _store.Access("Play", recordingId, purpose, ctx =>
            {
                var rec = Load(ctx, recordingId);
                var areaId = ctx.Scalar("SELECT service_area_id FROM recording WHERE id = $id", ("$id", rec.RecordingId)) as string;
                ctx.Require(RecordingRole.Supervisor, "record playbacks in '" + rec.ServiceArea + "'", areaId, rec.ServiceArea, "3.1");
                var when = playedAt ?? ctx.Now;
                if (when > ctx.Now.AddMinutes(5))
                {
                    throw new PolicyException("PlayedAtInFuture", FailureKind.InvalidArgument, "a playback cannot be recorded before it happened (" + Timestamp.ToText(when) + ").", when);
                }
                if (when < rec.StartTime)
                {
                    throw new PolicyException("PlayedAtBeforeCall", FailureKind.InvalidArgument,
                        "a playback at " + Timestamp.ToText(when) + " would be before call " + rec.CallId + " began (" + Timestamp.ToText(rec.StartTime) + "); nothing was recorded.", when, "3.1");
                }
                // The nomination that counts is the one in force when the call was played, not today's.
                AccessGate.RequireAt(ctx, player, rec, AccessRight.Play, when);
                AccessRecord.Allowed(ctx, "Play", rec.RecordingId, rec.ServiceArea, purpose.Purpose.ToString(), purpose.Reason,
                    "played at " + Timestamp.ToText(when) + "; recorded by supervisor " + ctx.Principal, player);
                return rec;
            });
        }

        /// <summary>
        /// One access to an active recording's content with <paramref name="right"/> (clause 3.1): the grant is
        /// checked, <paramref name="also"/> runs in the same transaction, and the access is logged under the
        /// right's name; a refusal is logged by <see cref="RecordingStore.Access{T}"/>.
        /// </summary>
        internal Recording Reach(AccessRight right, string recordingId, AccessPurpose purpose, string detail, Action<ChangeContext, Recording> also = null) =>
            _store.Access(right.ToString(), recordingId, purpose, ctx =>
            {
                var rec = FindActive(ctx, recordingId);
                AccessGate.Require(ctx, ctx.Principal, rec, right);
                if (right != AccessRight.Delete) RequireFile(rec);
                also?.Invoke(ctx, rec);
                AccessRecord.Allowed(ctx, right.ToString(), rec.RecordingId, rec.ServiceArea, purpose.Purpose.ToString(), purpose.Reason, detail);
                return rec;
            });

        /// <summary>RecordingFileMissing when an active recording's stored file is not there (a read, never a write failure).</summary>
        internal void RequireFile(Recording rec)
        {
            var file = StoredFile(rec);
            if (!File.Exists(file))
            {
                throw new PolicyException("RecordingFileMissing", FailureKind.ReadError,
                    "the stored file of recording " + rec.RecordingId + " is missing (" + file + "); nothing was written. Test-RecordingStore reports it; restore the file from a backup.", rec.RecordingId, "2.5");
            }
        }
    }
}
