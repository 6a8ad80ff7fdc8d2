using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// The checks of Test-RecordingStore: the database's integrity and references, the audit chain, the key, permissions,
    /// separation of duties and every recording's file. It reports; it never repairs or deletes. Split out of
    /// RecordingStore.cs (issue 10); its reads go through IStoreHealthRepository and IAuditRepository (P3).
    /// </summary>
    internal sealed class StoreHealth
    {
        private readonly RecordingStore _store;

        internal StoreHealth(RecordingStore store) { _store = store; }

        private string Path => _store.Path;
        private string StoreId => _store.StoreId;
        private string KeyPath => _store.KeyPath;
        private string KeyFingerprint => _store.KeyFingerprint;
        private string DatabasePath => _store.DatabasePath;
        private bool SharedOsAccount => _store.SharedOsAccount;
        private string EffectiveKeyPath => _store.EffectiveKeyPath;
        private const string KeyPathVariable = RecordingStore.KeyPathVariable;
        private const string RecordingsFolderName = RecordingStore.RecordingsFolderName;
        private PolicyDatabase.IPolicyDatabase Db => _store.Database;
        private RecordingRegister Recordings => _store.Recordings;
        private T Change<T>(string doing, Func<ChangeContext, T> work) => _store.Change(doing, work);
        private byte[] ReadMasterKey() => _store.ReadMasterKey();

        /// <summary>Checks the store and reports; it never repairs or deletes anything. <paramref name="deep"/> also decrypts every recording to verify its tags and hash.</summary>
        /// <remarks>
        /// A run that finishes (every finding enumerated) by a principal with a role is recorded: a
        /// <see cref="StoreCheckRules.Action"/> audit event with the counts of findings by check and severity and the
        /// problems themselves (up to <see cref="StoreCheckRules.FindingCap"/>), which the compliance report reads.
        /// </remarks>
        internal IEnumerable<StoreFinding> Test(bool deep = false, Action<long, long> progress = null)
        {
            var all = new List<StoreFinding>();
            foreach (var finding in Checks(deep, progress))
            {
                all.Add(finding);
                yield return finding;
            }
            RecordCheck(all, deep);
        }

        /// <summary>Records a finished store check in the audit log, when the acting principal holds a role (an unknown principal leaves no record).</summary>
        internal void RecordCheck(IReadOnlyList<StoreFinding> findings, bool deep)
        {
            if (_store.Roles.OfIdentity().Count == 0) return;
            Change("record the store check (Test-RecordingStore)", ctx => ctx.Audit(StoreCheckRules.Action, "RecordingStore", StoreId, StoreCheckRules.Details(findings, deep)));
        }

        private IEnumerable<StoreFinding> Checks(bool deep, Action<long, long> progress)
        {
            if (deep)
            {
                // -Deep decrypts every recording: an Administrator or Auditor only, and the audit log says who did it.
                Change("verify every recording (Test-RecordingStore -Deep)", ctx =>
                {
                    ctx.RequireAny("verify every recording (Test-RecordingStore -Deep)", null, null, RecordingRole.Administrator, RecordingRole.Auditor);
                    return ctx.Audit("TestRecordingStoreDeep", "RecordingStore", StoreId);
                });
            }
            var integrity = _store.Database.CheckIntegrity();
            yield return integrity.Count == 1 && integrity[0] == "ok"
                ? new StoreFinding("DatabaseIntegrity", FindingSeverity.Ok, "SQLite integrity check passed.", DatabasePath)
                : new StoreFinding("DatabaseIntegrity", FindingSeverity.Error, "SQLite integrity check: " + string.Join("; ", integrity.Take(10)), DatabasePath);

            var fk = Db.Read(s => s.Health.BrokenReferences());
            yield return fk == 0
                ? new StoreFinding("ForeignKeys", FindingSeverity.Ok, "Every reference points at an existing row.", DatabasePath)
                : new StoreFinding("ForeignKeys", FindingSeverity.Error, fk + " row(s) refer to rows that do not exist.", DatabasePath);

            var chain = Db.Read(s => AuditChain.Verify(s.Audit, StoreId, null));
            yield return chain.IsValid
                ? new StoreFinding("AuditChain", FindingSeverity.Ok, "The audit chain holds over " + chain.EventCount + " events (head " + chain.HeadSequence + ").", DatabasePath)
                : new StoreFinding("AuditChain", FindingSeverity.Error, chain.Problem, chain.FirstBrokenSequence?.ToString());

            yield return CheckKey(KeyFingerprint);
            yield return CheckPermissions();
            yield return CheckSeparation();
            foreach (var finding in StoreSchemaCheck.Findings(_store.Database)) yield return finding;
            foreach (var finding in StoreFolderCheck.Findings(Path, KeyPath, EffectiveKeyPath)) yield return finding;
            foreach (var finding in CheckRecordings(deep, progress)) yield return finding;
            if (deep) foreach (var finding in LedgerCheck.Findings(_store)) yield return finding; // the row ledger (issue 11)
        }

        private IEnumerable<StoreFinding> CheckRecordings(bool deep, Action<long, long> progress)
        {
            var root = System.IO.Path.Combine(Path, RecordingsFolderName);
            var expected = new HashSet<string>(StringComparer.Ordinal);
            long missing = 0, active = 0;
            foreach (var row in Rows(s => s.Health.StoredRecordings()))
            {
                var file = Recordings.StoredFile(row.Id);
                if (row.State == RecordingState.PendingDelete)
                {
                    if (File.Exists(file))
                    {
                        expected.Add(file);
                        if (Db.Read(s => s.Audit.Any(Retention.RecordingDeletion.FailedAction, row.Id)))
                        {
                            yield return new StoreFinding("RecordingDeleteFailed", FindingSeverity.Error,
                                "Recording " + row.Id + " is past its deletion but its file could not be deleted (" + file + "); it stays PendingDelete. Make the file deletable; the next Invoke-RetentionPurge retries.", row.Id);
                            continue;
                        }
                    }
                    yield return new StoreFinding("PendingDeletion", FindingSeverity.Warning, "Recording " + row.Id + " is being deleted; the next Invoke-RetentionPurge finishes it.", row.Id);
                    continue;
                }
                active++;
                expected.Add(file);
                if (!File.Exists(file))
                {
                    missing++;
                    yield return new StoreFinding("RecordingFile", FindingSeverity.Error, "Recording " + row.Id + " has no file" + (File.Exists(file + ".partial") ? " (an interrupted import left it as .partial; Import-Recording finishes it)" : "") + ".", row.Id);
                }
            }
            yield return missing == 0
                ? new StoreFinding("RecordingFiles", FindingSeverity.Ok, "Every one of " + active + " active recordings has its file.", root)
                : new StoreFinding("RecordingFiles", FindingSeverity.Error, missing + " of " + active + " active recordings have no file.", root);
            long orphans = 0;
            if (Directory.Exists(root))
            {
                foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
                {
                    if (expected.Contains(file)) continue;
                    orphans++;
                    yield return new StoreFinding("OrphanFile", FindingSeverity.Warning, "'" + file + "' belongs to no recording; it is reported, not deleted.", file);
                }
            }
            if (orphans == 0) yield return new StoreFinding("OrphanFiles", FindingSeverity.Ok, "No file in the recordings folder is without its recording.", root);
            if (!deep) yield break;
            long checkedCount = 0, failed = 0;
            var oldFormat = new List<string>();
            foreach (var (rec, bad) in Rows(s => s.Health.ActiveRecordings()))
            {
                if (bad != null)
                {
                    // A row the module did not write (edited outside it): reported, and the check goes on.
                    failed++;
                    yield return new StoreFinding("StoredValueInvalid", FindingSeverity.Error, bad.Message, Convert.ToString(bad.Target, System.Globalization.CultureInfo.InvariantCulture));
                    continue;
                }
                var file = Recordings.StoredFile(rec);
                if (!File.Exists(file)) continue;
                StoreFinding problem = null;
                try
                {
                    using (var stored = File.OpenRead(file))
                    {
                        if (RecordingCipher.Verify(stored, rec.RecordingId, ReadMasterKey(), rec.Sha256, KeyFingerprint).Format < CrecHeader.CurrentFormat) oldFormat.Add(rec.RecordingId);
                    }
                }
                catch (IOException e)
                {
                    throw FileRead.Failed(file, e);
                }
                catch (PolicyException e)
                {
                    failed++;
                    problem = new StoreFinding("RecordingIntegrity", FindingSeverity.Error, e.Message, rec.RecordingId);
                }
                if (problem != null) yield return problem;
                checkedCount++;
                progress?.Invoke(checkedCount, active);
            }
            yield return failed == 0
                ? new StoreFinding("RecordingIntegrity", FindingSeverity.Ok, "All " + checkedCount + " recordings decrypted with valid tags and matching SHA-256.", root)
                : new StoreFinding("RecordingIntegrity", FindingSeverity.Error, failed + " of " + checkedCount + " recordings failed their integrity check.", root);
            foreach (var finding in RecordingFormatCheck.Findings(oldFormat, checkedCount, root)) yield return finding;
        }

        /// <summary>Rows of one read, streamed within its own read session (closed when the enumeration ends or is abandoned).</summary>
        private IEnumerable<T> Rows<T>(Func<PolicyDatabase.IPolicySession, IEnumerable<T>> rows)
        {
            using (var session = Db.Read())
            {
                foreach (var row in rows(session)) yield return row;
            }
        }

        private StoreFinding CheckKey(string fingerprint)
        {
            // The same key Save-Recording would use: $env:CALLRECORDINGADMIN_KEY_PATH when set, else the store's key path.
            var keyPath = EffectiveKeyPath;
            var where = keyPath == KeyPath ? "" : " ($env:" + KeyPathVariable + ")";
            if (!File.Exists(keyPath))
            {
                return new StoreFinding("MasterKey", FindingSeverity.Error, "The master key file is missing at '" + keyPath + "'" + where + ": recordings cannot be read or written.", keyPath);
            }
            string actual;
            try
            {
                actual = MasterKey.Fingerprint(MasterKey.Read(keyPath));
            }
            catch (PolicyException e)
            {
                return new StoreFinding("MasterKey", FindingSeverity.Error, e.Message, keyPath);
            }
            if (actual != fingerprint)
            {
                return new StoreFinding("MasterKey", FindingSeverity.Error, "The key file" + where + " is not this store's master key (its fingerprint differs).", keyPath);
            }
            return MasterKey.IsReadableByOthers(keyPath)
                ? new StoreFinding("MasterKey", FindingSeverity.Warning, "The master key file" + where + " is readable by group or others; make it readable by its owner only (chmod 600).", keyPath)
                : new StoreFinding("MasterKey", FindingSeverity.Ok, "The master key" + where + " is present, matches the store and is readable by its owner only.", keyPath);
        }

        /// <summary>The store folder, the recordings folder and the database files must be open to their owner only (0700/0600).</summary>
        private StoreFinding CheckPermissions()
        {
            var open = new List<string>();
            foreach (var path in new[] { Path, System.IO.Path.Combine(Path, RecordingsFolderName), DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
            {
                if ((File.Exists(path) || Directory.Exists(path)) && OwnerOnly.IsOpenToOthers(path)) open.Add(path);
            }
            return open.Count == 0
                ? new StoreFinding("StorePermissions", FindingSeverity.Ok, "The store folder, the recordings folder and the database are open to their owner only.", Path)
                : new StoreFinding("StorePermissions", FindingSeverity.Warning, "Open to group or others (make them owner-only, chmod 700 folders and 600 files): " + string.Join(", ", open), Path);
        }

        /// <summary>-SharedOsAccount is fixed at creation: the setting must agree with the store's first audit event.</summary>
        private StoreFinding CheckSeparation()
        {
            var details = Db.Read(s => s.Audit.FirstDetails("NewRecordingStore")) ?? "";
            var createdShared = details.Contains("\"sharedOsAccount\":true");
            if (SharedOsAccount && !createdShared)
            {
                return new StoreFinding("SeparationOfDuties", FindingSeverity.Error,
                    "The store says one operating-system account may act under several principals, but it was not created so: store_meta was edited to weaken separation of duties.", DatabasePath);
            }
            return SharedOsAccount
                ? new StoreFinding("SeparationOfDuties", FindingSeverity.Ok, "This store was created with -SharedOsAccount (demonstration or test): separation of duties compares principals only.", DatabasePath)
                : new StoreFinding("SeparationOfDuties", FindingSeverity.Ok, "Separation of duties compares both the principal and the operating-system account.", DatabasePath);
        }
    }
}
