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
    /// <summary>Finishing or removing what a killed import left (".partial" files). Part of <see cref="RecordingRegister"/>, split out of RecordingRegister.cs (issue 10).</summary>
    public sealed partial class RecordingRegister
    {
        /// <summary>The ".partial" files killed imports left, which <see cref="Recover"/> would finish or remove (reading only).</summary>
        public IReadOnlyList<string> PendingRecovery()
        {
            var root = Path.Combine(_store.Path, RecordingStore.RecordingsFolderName);
            if (!Directory.Exists(root)) return new string[0];
            return Directory.EnumerateFiles(root, "*" + FileSuffix + PartialSuffix, SearchOption.AllDirectories).ToList();
        }

        /// <summary>
        /// Finishes what killed imports left: a ".partial" file whose row was committed is renamed into place;
        /// one with no row, not held open by a running import, is removed. Needs the Administrator role (a refusal is
        /// in the access log) and writes a RecoverImport audit event for each file it finishes or removes.
        /// Returns what it did.
        /// </summary>
        public IReadOnlyList<string> Recover()
        {
            var done = new List<string>();
            var partials = PendingRecovery();
            if (partials.Count == 0) return done;
            _store.Change("recover interrupted imports", "Import", ctx => { ctx.Require(RecordingRole.Administrator, "recover interrupted imports"); return 0; });
            using (var exclusive = ImportLock.TryExclusive(_store.Path))
            {
                // While another process imports, its ".partial" files are not leftovers: recovery waits for a later run.
                if (exclusive == null) return done;
                RecoverLocked(partials, done);
            }
            return done;
        }

        private void RecoverLocked(IReadOnlyList<string> partials, List<string> done)
        {
            foreach (var partial in partials)
            {
                var id = Path.GetFileName(partial);
                id = id.Substring(0, id.Length - FileSuffix.Length - PartialSuffix.Length);
                var final = partial.Substring(0, partial.Length - PartialSuffix.Length);
                string action = null;
                _store.Change("recover interrupted imports", ctx =>
                {
                    // Decided and audited inside the write lock, so a running import cannot commit its row meanwhile.
                    var state = ctx.Scalar("SELECT state FROM recording WHERE id = $id", ("$id", id)) as string;
                    if (state == "Active" && !File.Exists(final))
                    {
                        File.Move(partial, final);
                        action = "completed import of " + id;
                    }
                    else if (state == null && NotInUse(partial))
                    {
                        File.Delete(partial);
                        action = "removed the unfinished import file of " + id;
                    }
                    if (action != null)
                    {
                        ctx.Audit("RecoverImport", "Recording", id, new Dictionary<string, object> { ["file"] = partial, ["action"] = action });
                    }
                    return 0;
                });
                if (action != null) done.Add(action);
            }
        }
    }
}
