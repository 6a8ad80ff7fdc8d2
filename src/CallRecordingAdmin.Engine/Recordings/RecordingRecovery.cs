using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Files;
using CallRecordingAdmin.Engine.Roles;

namespace CallRecordingAdmin.Engine.Recordings
{
    /// <summary>Finishing or removing what a killed import left (staged files). Part of <see cref="RecordingRegister"/>.</summary>
    public sealed partial class RecordingRegister
    {
        /// <summary>Where the staged files killed imports left are, which <see cref="Recover"/> would finish or remove (reading only).</summary>
        public IReadOnlyList<string> PendingRecovery() => Staged().Select(f => f.Location).ToList();

        private List<StoredFileInfo> Staged() => _store.Files.List().Where(f => f.Staged).ToList();

        /// <summary>
        /// Finishes what killed imports left: a staged file whose row was committed is committed into place;
        /// one with no row, not held open by a running import, is removed. Needs the Administrator role (a refusal is
        /// in the access log) and writes a RecoverImport audit event for each file it finishes or removes.
        /// Returns what it did.
        /// </summary>
        public IReadOnlyList<string> Recover()
        {
            var done = new List<string>();
            var staged = Staged();
            if (staged.Count == 0) return done;
            _store.Change("recover interrupted imports", "Import", ctx => { ctx.Require(RecordingRole.Administrator, "recover interrupted imports"); return 0; });
            using (var exclusive = ImportLock.TryExclusive(_store.Path))
            {
                // While another process imports, its staged files are not leftovers: recovery waits for a later run.
                if (exclusive == null) return done;
                RecoverLocked(staged, done);
            }
            return done;
        }

        private void RecoverLocked(IReadOnlyList<StoredFileInfo> staged, List<string> done)
        {
            var files = _store.Files;
            foreach (var info in staged)
            {
                var id = info.RecordingId;
                var file = info.AsStaged();
                string action = null;
                _store.Change("recover interrupted imports", ctx =>
                {
                    // Decided and audited inside the write lock, so a running import cannot commit its row meanwhile.
                    var state = ctx.Db.Recordings.StateOf(id);
                    if (state == RecordingState.Active && !files.Exists(id))
                    {
                        files.Commit(file);
                        action = "completed import of " + id;
                    }
                    else if (state == null)
                    {
                        var outcome = files.Discard(file, onlyIfUnused: true);
                        if (outcome.Result == DeleteResult.Deleted) action = "removed the unfinished import file of " + id;
                        else if (outcome.Result == DeleteResult.Failed) throw outcome.Cause;
                    }
                    if (action != null)
                    {
                        ctx.Audit("RecoverImport", "Recording", id, new Dictionary<string, object> { ["file"] = info.Location, ["action"] = action });
                    }
                    return 0;
                });
                if (action != null) done.Add(action);
            }
        }
    }
}
