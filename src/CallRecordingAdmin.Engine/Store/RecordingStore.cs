using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.AccessLog;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.LegalHolds;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Retention;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// An open store with an acting principal: the policy database, the recordings folder and the master
    /// key. Every operation goes through it; every change is one transaction with its audit event.
    /// </summary>
    public sealed class RecordingStore
    {
        public const string DatabaseFileName = "policy.db";
        public const string RecordingsFolderName = "recordings";
        public const string StoreVariable = "CALLRECORDINGADMIN_STORE";

        private RecordingStore(string path, string identity, IClock clock, string osAccount = null)
        {
            Path = path;
            Identity = Principal.Normalise(identity, "Identity");
            OsAccount = osAccount ?? Principal.OperatingSystemAccount();
            Clock = clock ?? SystemClock.Instance;
            Db = new PolicyDb(System.IO.Path.Combine(path, DatabaseFileName));
            ServiceAreas = new ServiceAreaRegister(this);
            Roles = new RoleRegister(this);
            Extensions = new ExtensionRegister(this);
            Audit = new AuditLog(this);
            Requests = new RequestRegister(this);
            Recordings = new RecordingRegister(this);
            Grants = new GrantRegister(this);
            AccessLog = new AccessLogRegister(this);
            Purge = new RetentionPurge(this);
            Holds = new LegalHoldRegister(this);
            HoldExports = new HoldExport(this);
            Investigations = new Investigations.InvestigationRegister(this);
            SubjectAccess = new SubjectAccess.SubjectAccessRegister(this);
            Notices = new Notices.NoticeRegister(this);
            Compliance = new Compliance.ComplianceReport(this);
        }

        public string Path { get; }
        public string StoreId { get; private set; }
        /// <summary>The acting principal: who every change and audit event is attributed to.</summary>
        public string Identity { get; }
        /// <summary>The operating-system account this process runs as: recorded on every audit event and compared by separation of duties.</summary>
        public string OsAccount { get; }
        /// <summary>
        /// True for a store created with -SharedOsAccount (demonstration and test stores): separation of duties then compares
        /// principals only, so one operating-system account may act under several names. Fixed at creation.
        /// </summary>
        public bool SharedOsAccount { get; private set; }
        public IClock Clock { get; }
        public string KeyPath { get; private set; }
        public string DatabasePath => Db.Path;

        /// <summary>
        /// Until the returned scope is disposed, this store's database calls share one connection (opened on first use)
        /// instead of opening and closing one each; disposing it closes the connection. A cmdlet holds one for its call.
        /// </summary>
        public IDisposable BeginConnectionScope() => Db.BeginScope();
        internal PolicyDb Db { get; }

        public ServiceAreaRegister ServiceAreas { get; }
        public RoleRegister Roles { get; }
        public ExtensionRegister Extensions { get; }
        public AuditLog Audit { get; }
        public RequestRegister Requests { get; }
        public RecordingRegister Recordings { get; }
        public GrantRegister Grants { get; }
        public AccessLogRegister AccessLog { get; }
        public RetentionPurge Purge { get; }
        public LegalHoldRegister Holds { get; }
        public HoldExport HoldExports { get; }
        public Investigations.InvestigationRegister Investigations { get; }
        public SubjectAccess.SubjectAccessRegister SubjectAccess { get; }
        public Notices.NoticeRegister Notices { get; }
        public Compliance.ComplianceReport Compliance { get; }
        public string KeyFingerprint { get; private set; }

        /// <summary>Overrides where the master key is read from (a vault-mounted file, say).</summary>
        public const string KeyPathVariable = "CALLRECORDINGADMIN_KEY_PATH";
        private byte[] _masterKey;

        /// <summary>Where the master key is read from: $env:CALLRECORDINGADMIN_KEY_PATH when set, else the store's key path.</summary>
        public string EffectiveKeyPath
        {
            get
            {
                var fromEnvironment = Environment.GetEnvironmentVariable(KeyPathVariable);
                return string.IsNullOrWhiteSpace(fromEnvironment) ? KeyPath : System.IO.Path.GetFullPath(fromEnvironment);
            }
        }

        /// <summary>The master key, read once and checked against the store's fingerprint; without it nothing is encrypted or decrypted (fail closed).</summary>
        internal byte[] ReadMasterKey()
        {
            if (_masterKey != null) return _masterKey;
            var path = EffectiveKeyPath;
            if (!File.Exists(path))
            {
                throw new PolicyException("EncryptionKeyUnavailable", FailureKind.SecurityError,
                    "The store's master key is not at '" + path + "'; recordings cannot be encrypted or read without it. Restore the key file or set $env:" + KeyPathVariable + ".", path);
            }
            var key = MasterKey.Read(path);
            if (!string.IsNullOrEmpty(KeyFingerprint) && MasterKey.Fingerprint(key) != KeyFingerprint)
            {
                throw new PolicyException("EncryptionKeyUnavailable", FailureKind.SecurityError,
                    "The key at '" + path + "' is not this store's master key (its fingerprint differs).", path);
            }
            return _masterKey = key;
        }

        /// <summary>The folder used when no path is given: $env:CALLRECORDINGADMIN_STORE, else the per-user local application-data folder.</summary>
        public static string DefaultPath()
        {
            var fromEnvironment = Environment.GetEnvironmentVariable(StoreVariable);
            if (!string.IsNullOrWhiteSpace(fromEnvironment))
            {
                return System.IO.Path.GetFullPath(fromEnvironment);
            }
            var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            if (string.IsNullOrEmpty(local))
            {
                local = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }
            return System.IO.Path.Combine(local, "CallRecordingAdmin", "Store");
        }

        /// <summary>Closes every SQLite connection this process holds (Disconnect-RecordingStore). No pool is kept, so normally there is none.</summary>
        public static void CloseConnections() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        public static bool IsStore(string path) => File.Exists(System.IO.Path.Combine(path, DatabaseFileName));

        /// <summary>
        /// Creates a store in <paramref name="path"/> (an empty or missing folder) and makes
        /// <paramref name="identity"/> its first Administrator. An existing store is opened instead.
        /// </summary>
        public static RecordingStore Create(string path, string identity, string keyPath = null, IClock clock = null, bool sharedOsAccount = false)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (IsStore(full))
            {
                return Open(full, identity, clock);
            }
            if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            {
                throw new PolicyException("StoreFolderNotEmpty", FailureKind.ResourceExists,
                    "'" + full + "' already holds files and is not a recording store; give an empty or new folder.", full);
            }
            if (File.Exists(full))
            {
                throw new PolicyException("StoreFolderNotEmpty", FailureKind.ResourceExists, "'" + full + "' is a file, not a folder.", full);
            }
            OwnerOnly.CreateDirectory(full);
            OwnerOnly.CreateDirectory(System.IO.Path.Combine(full, RecordingsFolderName));
            var store = new RecordingStore(full, identity, clock);
            var keyFile = System.IO.Path.GetFullPath(keyPath ?? System.IO.Path.Combine(full, MasterKey.DefaultFileName));
            var fingerprint = MasterKey.Create(keyFile);
            var temp = store.Db.Path + ".creating";
            PolicyDb.CreateFile(temp);
            OwnerOnly.Restrict(temp); // SQLite gives -wal and -shm the database file's permissions
            var creating = new PolicyDb(temp);
            var storeId = Guid.NewGuid().ToString("D");
            creating.Write((c, tx) =>
            {
                var now = store.Clock.UtcNow;
                Migrations.Apply(c, tx, now);
                foreach (var (k, v) in new[]
                         {
                             ("store_id", storeId), ("created_at", Timestamp.ToText(now)), ("created_by", store.Identity),
                             ("key_fingerprint", fingerprint), ("key_path", keyPath == null ? "" : keyFile),
                             ("shared_os_account", sharedOsAccount ? "1" : "0"),
                         })
                {
                    PolicyDb.Execute(c, tx, "INSERT INTO store_meta(key, value) VALUES ($k, $v)", ("$k", k), ("$v", v));
                }
                var admin = new RoleAssignment
                {
                    Id = Ids.New("role"), Principal = store.Identity, Role = RecordingRole.Administrator, ServiceArea = "",
                    AssignedAt = now, AssignedBy = store.Identity,
                };
                RoleRegister.Insert(c, tx, admin, null);
                AuditChain.Append(c, tx, storeId, now, store.Identity, store.OsAccount, "NewRecordingStore", "RecordingStore", storeId,
                    new Dictionary<string, object>
                    {
                        ["path"] = full, ["schemaVersion"] = Migrations.Latest, ["keyFingerprint"] = fingerprint,
                        ["sharedOsAccount"] = sharedOsAccount ? (object)true : null,
                    });
                AuditChain.Append(c, tx, storeId, now, store.Identity, store.OsAccount, "AddRecordingRole", "RoleAssignment", admin.Id,
                    new Dictionary<string, object> { ["principal"] = store.Identity, ["role"] = "Administrator", ["reason"] = "creator of the store" });
            });
            // The database appears under its real name only once it is complete: a crash part-way leaves no half-made store.
            File.Move(temp, store.Db.Path);
            foreach (var suffix in new[] { "-wal", "-shm" })
            {
                if (File.Exists(temp + suffix)) File.Delete(temp + suffix);
            }
            store.Load();
            return store;
        }

        /// <summary>Opens an existing store, bringing its schema up to date in one transaction.</summary>
        public static RecordingStore Open(string path, string identity, IClock clock = null)
        {
            var full = System.IO.Path.GetFullPath(path);
            if (!IsStore(full))
            {
                throw new PolicyException("StoreNotFound", FailureKind.ObjectNotFound,
                    "'" + full + "' is not a recording store (no " + DatabaseFileName + "). Create one with New-RecordingStore.", full);
            }
            var store = new RecordingStore(full, identity, clock);
            using (store.Db.BeginScope())
            {
            // A restored backup is a single rollback-journal file: the live store always runs in WAL mode (a no-op when it already does).
            store.Db.Read(c => PolicyDb.Execute(c, null, "PRAGMA journal_mode=WAL;"));
            store.Db.Write((c, tx) =>
            {
                var hasMeta = Convert.ToInt64(PolicyDb.Scalar(c, tx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'")) > 0;
                if (!hasMeta)
                {
                    throw new PolicyException("NotARecordingStore", FailureKind.InvalidData,
                        "'" + store.Db.Path + "' is a SQLite database but not a CallRecordingAdmin policy database.", full);
                }
                Migrations.Apply(c, tx, store.Clock.UtcNow);
            });
            store.Load();
            }
            return store;
        }

        /// <summary>The same store acting as another principal.</summary>
        public RecordingStore As(string identity) => Copy(identity, Clock, OsAccount);

        /// <summary>The same store and principal with another clock (tests, forecasts).</summary>
        public RecordingStore WithClock(IClock clock) => Copy(Identity, clock, OsAccount);

        /// <summary>The same store as if run by another operating-system account (engine tests only: a real process has one account).</summary>
        internal RecordingStore WithOsAccount(string osAccount) => Copy(Identity, Clock, osAccount);

        private RecordingStore Copy(string identity, IClock clock, string osAccount) =>
            new RecordingStore(Path, identity, clock, osAccount) { StoreId = StoreId, KeyPath = KeyPath, KeyFingerprint = KeyFingerprint, SharedOsAccount = SharedOsAccount };

        private void Load()
        {
            var meta = Db.Read(c => Meta(c));
            StoreId = meta["store_id"];
            KeyFingerprint = meta.TryGetValue("key_fingerprint", out var fingerprint) ? fingerprint : null;
            SharedOsAccount = meta.TryGetValue("shared_os_account", out var shared) && shared == "1";
            KeyPath = string.IsNullOrEmpty(meta["key_path"]) ? System.IO.Path.Combine(Path, MasterKey.DefaultFileName) : meta["key_path"];
        }

        private static Dictionary<string, string> Meta(Microsoft.Data.Sqlite.SqliteConnection c)
        {
            var meta = new Dictionary<string, string>();
            using (var cmd = PolicyDb.Command(c, null, "SELECT key, value FROM store_meta"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) meta[r.GetString(0)] = r.GetString(1);
            }
            return meta;
        }

        /// <summary>
        /// Runs one change: the rules, the data and the audit event in one transaction. A refusal for want of a
        /// role is itself written to the audit log (in its own transaction, since the change is rolled back).
        /// </summary>
        internal T Change<T>(string doing, Func<ChangeContext, T> work) => Change(doing, null, work);

        /// <summary>
        /// A change to recordings or grants (import, purge, nominations): a refusal for want of a role also goes to
        /// the access log, under <paramref name="accessAction"/>, so that the log shows every denial of clause 3.1.
        /// </summary>
        internal T Change<T>(string doing, string accessAction, Func<ChangeContext, T> work)
        {
            try
            {
                return Db.Write((c, tx) => work(new ChangeContext(this, c, tx, Clock.UtcNow)));
            }
            catch (PolicyException e) when (e.Refusal == RefusalLog.Role || (accessAction != null && e.Refusal == RefusalLog.Change))
            {
                Db.Write((c, tx) =>
                {
                    if (accessAction == null)
                    {
                        AuditChain.Append(c, tx, StoreId, Clock.UtcNow, Identity, OsAccount, "AccessDenied", "Action", doing, new Dictionary<string, object> { ["message"] = e.Message, ["errorId"] = e.ErrorId });
                    }
                    else
                    {
                        AccessRecord.Write(new ChangeContext(this, c, tx, Clock.UtcNow), accessAction, AccessOutcome.Refused, null, null, null, doing, e.ErrorId + ": " + e.Message);
                    }
                });
                throw;
            }
        }

        /// <summary>A refusal that is not for want of a role (a destination inside the store, say), in the audit log with who, what and why.</summary>
        internal void AuditRefusal(string doing, PolicyException e) =>
            Db.Write((c, tx) => AuditChain.Append(c, tx, StoreId, Clock.UtcNow, Identity, OsAccount, "Refused", "Action", doing,
                new Dictionary<string, object> { ["errorId"] = e.ErrorId, ["message"] = e.Message, ["target"] = Convert.ToString(e.Target, System.Globalization.CultureInfo.InvariantCulture) }));

        /// <summary>
        /// Runs one access to a recording (clause 3.1). A refusal — no grant, an overdue review, a hold —
        /// is itself written to the access log and the audit chain, in its own transaction, then rethrown.
        /// </summary>
        internal T Access<T>(string action, string recordingId, AccessPurpose purpose, Func<ChangeContext, T> work)
        {
            try
            {
                // A missing or unacceptable reason is a refused access like any other: checked here, so it is logged.
                purpose?.Require();
                return Db.Write((c, tx) => work(new ChangeContext(this, c, tx, Clock.UtcNow)));
            }
            catch (PolicyException e) when (e.Refusal != RefusalLog.None)
            {
                Db.Write((c, tx) =>
                {
                    var ctx = new ChangeContext(this, c, tx, Clock.UtcNow);
                    var area = ctx.Scalar("SELECT sa.name FROM recording r JOIN service_area sa ON sa.id = r.service_area_id WHERE r.id = $id", ("$id", (object)recordingId)) as string;
                    AccessRecord.Write(ctx, action, AccessOutcome.Refused, recordingId, area, purpose?.Purpose.ToString(), purpose?.LoggedReason, e.ErrorId + ": " + Text.Printable(e.Message, 4000));
                });
                throw;
            }
        }

        public StoreSummary Summary() => Db.Read(c =>
        {
            long Count(string table) => Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM " + table));
            var meta = Meta(c);
            return new StoreSummary
            {
                StoreId = StoreId,
                Path = Path,
                Identity = Identity,
                Roles = string.Join(", ", Roles.OfIdentity().Select(r => r.ServiceArea == "" ? r.Role.ToString() : r.Role + " (" + r.ServiceArea + ")")),
                SchemaVersion = Migrations.CurrentVersion(c, null),
                CreatedAt = Timestamp.Parse(meta["created_at"]),
                CreatedBy = meta["created_by"],
                KeyPath = KeyPath,
                ServiceAreas = Count("service_area"),
                RecordedExtensions = Count("recorded_extension"),
                RoleAssignments = Count("role_assignment"),
                RecordingRequests = Count("recording_request"),
                Recordings = Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM recording WHERE state IN ('Active', 'PendingDelete')")),
                AccessGrants = Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM access_grant WHERE revoked_at IS NULL")),
                AuditEvents = Count("audit_event"),
            };
        });

        /// <summary>Checks the store and reports; it never repairs or deletes anything. <paramref name="deep"/> also decrypts every recording to verify its tags and hash.</summary>
        /// <remarks>
        /// A run that finishes (every finding enumerated) by a principal with a role is recorded: a
        /// <see cref="StoreCheckRules.Action"/> audit event with the counts of findings by check and severity and the
        /// problems themselves (up to <see cref="StoreCheckRules.FindingCap"/>), which the compliance report reads.
        /// </remarks>
        public IEnumerable<StoreFinding> Test(bool deep = false, Action<long, long> progress = null)
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
            if (Roles.OfIdentity().Count == 0) return;
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
            var integrity = Db.Read(c =>
            {
                var lines = new List<string>();
                using (var cmd = PolicyDb.Command(c, null, "PRAGMA integrity_check"))
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read()) lines.Add(r.GetString(0));
                }
                return lines;
            });
            yield return integrity.Count == 1 && integrity[0] == "ok"
                ? new StoreFinding("DatabaseIntegrity", FindingSeverity.Ok, "SQLite integrity check passed.", DatabasePath)
                : new StoreFinding("DatabaseIntegrity", FindingSeverity.Error, "SQLite integrity check: " + string.Join("; ", integrity.Take(10)), DatabasePath);

            var fk = Db.Read(c => Convert.ToInt64(PolicyDb.Scalar(c, null, "SELECT count(*) FROM pragma_foreign_key_check")));
            yield return fk == 0
                ? new StoreFinding("ForeignKeys", FindingSeverity.Ok, "Every reference points at an existing row.", DatabasePath)
                : new StoreFinding("ForeignKeys", FindingSeverity.Error, fk + " row(s) refer to rows that do not exist.", DatabasePath);

            var chain = AuditChain.Verify(Db, StoreId, null);
            yield return chain.IsValid
                ? new StoreFinding("AuditChain", FindingSeverity.Ok, "The audit chain holds over " + chain.EventCount + " events (head " + chain.HeadSequence + ").", DatabasePath)
                : new StoreFinding("AuditChain", FindingSeverity.Error, chain.Problem, chain.FirstBrokenSequence?.ToString());

            yield return CheckKey(KeyFingerprint);
            yield return CheckPermissions();
            yield return CheckSeparation();
            foreach (var finding in CheckRecordings(deep, progress)) yield return finding;
        }

        private IEnumerable<StoreFinding> CheckRecordings(bool deep, Action<long, long> progress)
        {
            var root = System.IO.Path.Combine(Path, RecordingsFolderName);
            var expected = new HashSet<string>(StringComparer.Ordinal);
            long missing = 0, active = 0;
            var rows = Db.Query("SELECT id, state FROM recording WHERE state IN ('Active', 'PendingDelete')", null, r => (Id: r.GetString(0), State: r.GetString(1)));
            foreach (var row in rows)
            {
                var file = Recordings.StoredFile(row.Id);
                if (row.State == "PendingDelete")
                {
                    if (File.Exists(file))
                    {
                        expected.Add(file);
                        if (Db.Read(c => Retention.RecordingDeletion.HasFailed(c, row.Id)))
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
            foreach (var (rec, bad) in Db.Query(RecordingRegister.Select + " WHERE r.state = 'Active'", null, RecordingRegister.MapChecked))
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
                        RecordingCipher.Decrypt(stored, Stream.Null, rec.RecordingId, ReadMasterKey(), rec.Sha256);
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
            var details = Db.Read(c => PolicyDb.Scalar(c, null, "SELECT details FROM audit_event WHERE action = 'NewRecordingStore' ORDER BY seq LIMIT 1") as string) ?? "";
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
