using System;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase.Sqlite
{
    /// <summary>SQLite's error codes as the store's ErrorIds: busy and locked, damaged, cannot open, constraint, anything else.</summary>
    internal static class SqliteErrors
    {
        internal static Exception Translate(SqliteException e)
        {
            switch (e.SqliteErrorCode)
            {
                case 5: // SQLITE_BUSY
                case 6: // SQLITE_LOCKED
                    return new PolicyException("StoreBusy", FailureKind.ResourceUnavailable,
                        "The store stayed locked by another process for longer than " + SqliteDatabase.LockWait.TotalSeconds +
                        " seconds; nothing was changed. Run the command again.", null, null, e);
                case 11: // SQLITE_CORRUPT
                case 26: // SQLITE_NOTADB
                    return new PolicyException("StoreDatabaseInvalid", FailureKind.InvalidData,
                        "The policy database is damaged or is not a SQLite database (" + e.Message + "). Restore it from backup; Test-RecordingStore reports what it can read.", null, null, e);
                case 14: // SQLITE_CANTOPEN
                    return new PolicyException("StoreUnavailable", FailureKind.ResourceUnavailable,
                        "The policy database could not be opened (" + e.Message + ").", null, null, e);
                case 13: // SQLITE_FULL
                    return DiskFull(e);
                case 10 when e.SqliteExtendedErrorCode == 4874: // SQLITE_IOERR_SHMSIZE: the -shm file cannot grow (a full volume)
                    return DiskFull(e);
                case 19: // SQLITE_CONSTRAINT
                    return new PolicyException("ConstraintViolated", FailureKind.InvalidOperation,
                        "The change conflicts with data already in the store (" + e.Message + ").", null, null, e);
                default:
                    return new PolicyException("StoreError", FailureKind.WriteError,
                        "The policy database reported an error: " + e.Message, null, null, e);
            }
        }

        // SQLite rolls the transaction back when a write fails for want of space, so nothing of the change is kept.
        private static Exception DiskFull(SqliteException e) =>
            new PolicyException("StoreDiskFull", FailureKind.WriteError,
                "The disk holding the policy database is full (" + e.Message + "); nothing was changed. Free space on the store's volume and run the command again.", null, null, e);
    }
}
