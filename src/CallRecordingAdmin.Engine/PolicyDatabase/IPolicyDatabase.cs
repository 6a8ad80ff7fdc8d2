using System;
using System.Collections.Generic;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>
    /// The policy database of one store, whatever its dialect (SQLite today under Sqlite/, PostgreSQL later).
    /// Nothing here names an ADO type: engine operations see sessions and repositories, never connections.
    /// A session lives no longer than the call that opened it (no connection outlives a cmdlet call).
    /// </summary>
    public interface IPolicyDatabase
    {
        /// <summary>Where the database is (a file path for SQLite; a connection name for a server).</summary>
        string Location { get; }

        /// <summary>A snapshot read that takes no write lock (SQLite: a deferred transaction): a reader never queues behind a purge.</summary>
        IPolicySession Read();

        /// <summary>The write lock (SQLite: BEGIN IMMEDIATE, waiting up to the lock wait): the change and its audit event commit together or not at all.</summary>
        IPolicyTransaction Write();

        /// <summary>Runs <paramref name="work"/> in a read session; the dialect's errors come out as <see cref="Policy.PolicyException"/>.</summary>
        T Read<T>(Func<IPolicySession, T> work);

        /// <summary>Runs <paramref name="work"/> in one write transaction and commits it; the dialect's errors come out as <see cref="Policy.PolicyException"/>.</summary>
        T Write<T>(Func<IPolicyTransaction, T> work);

        /// <summary>The schema version the database is at (0 for an empty one).</summary>
        int SchemaVersion();

        /// <summary>Brings the schema up to <see cref="Migration"/>s' latest in one transaction; refuses a database that is not a policy database or is newer than this module.</summary>
        void Migrate(DateTimeOffset now);

        /// <summary>What the store says about itself (written once at creation).</summary>
        StoreMeta Meta();

        /// <summary>The database's own consistency check: one line "ok" when it holds.</summary>
        IReadOnlyList<string> CheckIntegrity();

        /// <summary>
        /// A consistent copy of the whole database, taken while it is in use, into <paramref name="file"/> (an empty file
        /// the caller made): self-contained, so it opens read-only anywhere (RecordingStore.OpenCopy). Backup-RecordingStore uses it.
        /// </summary>
        void CopyTo(string file);

        /// <summary>
        /// How the database's schema (tables and their columns, indexes, triggers, views) differs from the one its migrations
        /// make, computed by running the migrations up to the store's version on a scratch database: empty when they agree.
        /// </summary>
        IReadOnlyList<SchemaDifference> SchemaDifferences();
    }
}
