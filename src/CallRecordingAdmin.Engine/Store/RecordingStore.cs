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
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;

namespace CallRecordingAdmin.Engine.Store
{
    /// <summary>
    /// An open store with an acting principal: the policy database, the recordings folder and the master
    /// key. Every operation goes through it; every change is one transaction with its audit event.
    /// The composition root (issue 10): it wires the clock, the database, the key and the identity to the
    /// registers and operations; refusals are in Refusals.cs, the master key in MasterKeySource.cs, the
    /// checks of Test-RecordingStore in StoreHealth, Get-RecordingStore's counts in StoreSummary.
    /// </summary>
    public sealed partial class RecordingStore
    {
        public const string DatabaseFileName = "policy.db";
        public const string RecordingsFolderName = "recordings";
        public const string StoreVariable = "CALLRECORDINGADMIN_STORE";

        private readonly SqliteDatabase _database;

        private RecordingStore(string path, string identity, IClock clock, string osAccount = null)
        {
            Path = path;
            Identity = Principal.Normalise(identity, "Identity");
            OsAccount = osAccount ?? Principal.OperatingSystemAccount();
            Clock = clock ?? SystemClock.Instance;
            _database = new SqliteDatabase(System.IO.Path.Combine(path, DatabaseFileName));
            // services (one line per package)
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
        public string DatabasePath => _database.Path;

        /// <summary>
        /// Until the returned scope is disposed, this store's database calls share one connection (opened on first use)
        /// instead of opening and closing one each; disposing it closes the connection. A cmdlet holds one for its call.
        /// </summary>
        public IDisposable BeginConnectionScope() => _database.BeginScope();
        /// <summary>The policy database, whatever its dialect: sessions and repositories (issue 10).</summary>
        internal IPolicyDatabase Database => _database;
        /// <summary>A read-only handle on a database copy made by <see cref="IPolicyDatabase.CopyTo"/> (a backup being checked), in this store's dialect.</summary>
        internal static IPolicyDatabase OpenCopy(string file) => new SqliteDatabase(file, readOnly: true);
        /// <summary>The SQLite database itself, for code whose SQL has not yet moved behind a repository.</summary>
        [Obsolete("Issue 10 P5 removes RecordingStore.Db: use Database (IPolicyDatabase) and the session's repositories.")]
        internal SqliteDatabase Db => _database;

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
        public static void CloseConnections() => SqliteDatabase.CloseConnections();

        public static bool IsStore(string path) => File.Exists(System.IO.Path.Combine(path, DatabaseFileName));

        /// <summary>
        /// Creates a store in <paramref name="path"/> (an empty or missing folder) and makes
        /// <paramref name="identity"/> its first Administrator. An existing store is opened instead. A folder inside
        /// another store's folder is refused (<c>DestinationInsideStore</c>).
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
            // Never a store (or its key) inside another store's folder, whether that store is connected or not.
            StorePaths.EnsureNotInsideAnyStore(full, "the new store's folder");
            if (keyPath != null) StorePaths.EnsureNotInsideAnyStore(keyPath, "the new store's key file");
            OwnerOnly.CreateDirectory(full);
            OwnerOnly.CreateDirectory(System.IO.Path.Combine(full, RecordingsFolderName));
            var store = new RecordingStore(full, identity, clock);
            var keyFile = System.IO.Path.GetFullPath(keyPath ?? System.IO.Path.Combine(full, MasterKey.DefaultFileName));
            var fingerprint = MasterKey.Create(keyFile);
            var storeId = Guid.NewGuid().ToString("D");
            var now = store.Clock.UtcNow;
            var meta = new StoreMeta
            {
                StoreId = storeId, CreatedAt = now, CreatedBy = store.Identity, KeyFingerprint = fingerprint,
                KeyPath = keyPath == null ? "" : keyFile, SharedOsAccount = sharedOsAccount,
            };
            // The database appears under its real name only once it is complete: a crash part-way leaves no half-made store.
            SqliteDatabase.Create(store.DatabasePath, meta, now, tx =>
            {
                var admin = new RoleAssignment
                {
                    Id = Ids.New("role"), Principal = store.Identity, Role = RecordingRole.Administrator, ServiceArea = "",
                    AssignedAt = now, AssignedBy = store.Identity,
                };
                tx.Roles.Add(admin, null);
                tx.Audit.Append(storeId, now, store.Identity, store.OsAccount, "NewRecordingStore", "RecordingStore", storeId,
                    new Dictionary<string, object>
                    {
                        ["path"] = full, ["schemaVersion"] = Migrations.Latest, ["keyFingerprint"] = fingerprint,
                        ["sharedOsAccount"] = sharedOsAccount ? (object)true : null,
                    });
                tx.Audit.Append(storeId, now, store.Identity, store.OsAccount, "AddRecordingRole", "RoleAssignment", admin.Id,
                    new Dictionary<string, object> { ["principal"] = store.Identity, ["role"] = "Administrator", ["reason"] = "creator of the store" });
            });
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
            using (store._database.BeginScope())
            {
                store.Database.Migrate(store.Clock.UtcNow);
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
            var meta = Database.Meta();
            StoreId = meta.StoreId;
            KeyFingerprint = meta.KeyFingerprint;
            SharedOsAccount = meta.SharedOsAccount;
            KeyPath = string.IsNullOrEmpty(meta.KeyPath) ? System.IO.Path.Combine(Path, MasterKey.DefaultFileName) : meta.KeyPath;
        }

        public StoreSummary Summary() => StoreSummary.Of(this);

        /// <summary>Checks the store and reports; it never repairs or deletes anything. <paramref name="deep"/> also decrypts every recording to verify its tags and hash.</summary>
        public IEnumerable<StoreFinding> Test(bool deep = false, Action<long, long> progress = null) => new StoreHealth(this).Test(deep, progress);
    }
}
