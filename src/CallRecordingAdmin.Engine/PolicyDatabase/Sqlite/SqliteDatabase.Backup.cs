using System.IO;
using CallRecordingAdmin.Engine.Store;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>Backups of the SQLite policy database (moved out of Store/StoreBackup.cs, issue 10 P3).</summary>
    public sealed partial class SqliteDatabase
    {
        /// <summary>SQLite's online backup into a single self-contained file (rollback journal, so it opens read-only anywhere); Connect-RecordingStore turns WAL back on.</summary>
        public void CopyTo(string file)
        {
            var cs = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
            using (var target = new SqliteConnection(cs))
            {
                try
                {
                    target.Open();
                }
                catch (SqliteException e)
                {
                    throw SqliteErrors.Translate(e);
                }
                OwnerOnly.Restrict(file);
                Read(source =>
                {
                    source.BackupDatabase(target);
                    return 0;
                });
                Execute(target, null, "PRAGMA journal_mode=DELETE;");
            }
            using (var f = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite)) f.Flush(true);
        }
    }
}
