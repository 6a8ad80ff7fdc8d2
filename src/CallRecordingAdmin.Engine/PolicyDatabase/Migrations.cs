using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>One forward-only step of the schema.</summary>
    public sealed class Migration
    {
        public Migration(int version, string name, string sql)
        {
            Version = version;
            Name = name;
            Sql = sql;
        }

        public int Version { get; }
        public string Name { get; }
        public string Sql { get; }
    }

    /// <summary>
    /// The schema's history. Steps are only ever appended; each runs once, in the same transaction as
    /// its row in schema_migration, so a store is always at exactly one version.
    /// </summary>
    public static class Migrations
    {
        public static readonly IReadOnlyList<Migration> All = new[]
        {
            new Migration(1, "Foundation: store, audit chain, roles, service areas, recorded extensions", @"
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE audit_event (
    seq         INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    principal   TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target      TEXT NOT NULL,
    details     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_event_principal ON audit_event(principal COLLATE NOCASE);
CREATE INDEX audit_event_action ON audit_event(action);
CREATE INDEX audit_event_target ON audit_event(target);
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

CREATE TABLE service_area (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL COLLATE NOCASE UNIQUE,
    description      TEXT,
    retention_value  INTEGER NOT NULL CHECK (retention_value > 0),
    retention_unit   TEXT NOT NULL CHECK (retention_unit IN ('Days', 'Months')),
    customer_notice  TEXT,
    automated_notice INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    modified_at      TEXT NOT NULL,
    modified_by      TEXT NOT NULL
);

CREATE TABLE role_assignment (
    id              TEXT PRIMARY KEY,
    principal       TEXT NOT NULL COLLATE NOCASE,
    role            TEXT NOT NULL,
    service_area_id TEXT REFERENCES service_area(id),
    assigned_at     TEXT NOT NULL,
    assigned_by     TEXT NOT NULL
);
CREATE UNIQUE INDEX role_assignment_unique ON role_assignment(principal COLLATE NOCASE, role, ifnull(service_area_id, ''));

CREATE TABLE recorded_extension (
    id                       TEXT PRIMARY KEY,
    number                   TEXT NOT NULL UNIQUE,
    service_area_id          TEXT NOT NULL REFERENCES service_area(id),
    mode                     TEXT NOT NULL CHECK (mode IN ('Constant', 'OnDemand')),
    labelled                 INTEGER NOT NULL,
    non_recorded_alternative TEXT,
    created_at               TEXT NOT NULL,
    created_by               TEXT NOT NULL,
    modified_at              TEXT NOT NULL,
    modified_by              TEXT NOT NULL,
    CHECK (mode <> 'Constant' OR non_recorded_alternative IS NOT NULL)
);
CREATE INDEX recorded_extension_area ON recorded_extension(service_area_id);
"),
            new Migration(2, "Recording requests: clause 2.2 justification, consultations and decisions", @"
CREATE TABLE recording_request (
    id                    TEXT PRIMARY KEY,
    service_area_id       TEXT NOT NULL REFERENCES service_area(id),
    business_reason       TEXT NOT NULL,
    purposes              TEXT NOT NULL,
    retention_value       INTEGER NOT NULL CHECK (retention_value > 0),
    retention_unit        TEXT NOT NULL CHECK (retention_unit IN ('Days', 'Months')),
    until                 TEXT,
    dpia_reference        TEXT,
    dpo_advice            TEXT,
    special_category_data INTEGER NOT NULL DEFAULT 0,
    identity_validation   INTEGER NOT NULL DEFAULT 0,
    payment_card_data     INTEGER NOT NULL DEFAULT 0,
    related_regimes       TEXT NOT NULL DEFAULT '',
    notes                 TEXT,
    status                TEXT NOT NULL CHECK (status IN ('Pending', 'Approved', 'Denied', 'Stopped')),
    requested_at          TEXT NOT NULL,
    requested_by          TEXT NOT NULL,
    decided_at            TEXT,
    decided_by            TEXT,
    decision_comment      TEXT,
    effective_from        TEXT,
    stopped_at            TEXT,
    stopped_by            TEXT,
    stop_reason           TEXT
);
CREATE INDEX recording_request_area ON recording_request(service_area_id, status);

CREATE TABLE request_access_level (
    request_id  TEXT NOT NULL REFERENCES recording_request(id),
    staff_group TEXT NOT NULL,
    rights      TEXT NOT NULL,
    PRIMARY KEY (request_id, staff_group)
);

CREATE TABLE request_consultation (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES recording_request(id),
    team        TEXT NOT NULL CHECK (team IN ('SecurityTeam', 'PciDssTeam', 'DataProtectionOfficer')),
    outcome     TEXT NOT NULL CHECK (outcome IN ('Supported', 'SupportedWithMitigations', 'NotSupported')),
    mitigations TEXT NOT NULL DEFAULT '',
    notes       TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX request_consultation_request ON request_consultation(request_id);
"),
        };

        public static int Latest => All[All.Count - 1].Version;

        internal static int CurrentVersion(SqliteConnection c, SqliteTransaction tx)
        {
            var exists = PolicyDb.Scalar(c, tx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'");
            if (Convert.ToInt64(exists) == 0)
            {
                return 0;
            }
            return Convert.ToInt32(PolicyDb.Scalar(c, tx, "SELECT ifnull(max(version), 0) FROM schema_migration"));
        }

        /// <summary>Brings the schema to <see cref="Latest"/>; refuses a store written by a newer module.</summary>
        internal static int Apply(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now)
        {
            PolicyDb.Execute(c, tx, "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
            var current = CurrentVersion(c, tx);
            if (current > Latest)
            {
                throw new PolicyException("StoreSchemaTooNew", FailureKind.InvalidOperation,
                    "The store's schema is version " + current + ", newer than this module understands (" + Latest +
                    "). Update CallRecordingAdmin before using this store; it was not changed.", current);
            }
            foreach (var m in All.Where(m => m.Version > current))
            {
                PolicyDb.Execute(c, tx, m.Sql);
                PolicyDb.Execute(c, tx, "INSERT INTO schema_migration(version, name, applied_at) VALUES ($v, $n, $t)",
                    ("$v", m.Version), ("$n", m.Name), ("$t", Timestamp.ToText(now)));
            }
            return Latest;
        }
    }
}
