using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase.Sqlite;
using Microsoft.Data.Sqlite;

namespace CallRecordingAdmin.Engine.PolicyDatabase
{
    /// <summary>
    /// The schema's history in SQLite (the dialect's DDL; numbers and names are the neutral <see cref="Migration"/>).
    /// Steps are only ever appended; each runs once, in the same transaction as its row in schema_migration,
    /// so a store is always at exactly one version. Still named Migrations in the PolicyDatabase namespace so
    /// helpers appending a step (Migrations.All) need no change; issue 10's P5 may rename it SqliteMigrations.
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
            new Migration(3, "Recordings, access grants, the access log and legal holds: clauses 2.5 and 3.1", @"
CREATE TABLE recording (
    id                TEXT PRIMARY KEY,
    call_id           TEXT NOT NULL UNIQUE,
    service_area_id   TEXT NOT NULL REFERENCES service_area(id),
    request_id        TEXT REFERENCES recording_request(id),
    extension         TEXT NOT NULL,
    start_time        TEXT NOT NULL,
    duration_seconds  REAL,
    direction         TEXT NOT NULL CHECK (direction IN ('Inbound', 'Outbound', 'Internal')),
    remote_number     TEXT,
    remote_number_raw TEXT,
    agent             TEXT COLLATE NOCASE,
    format            TEXT,
    size_bytes        INTEGER NOT NULL,
    stored_bytes      INTEGER NOT NULL,
    sha256            TEXT NOT NULL,
    file              TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('Active', 'PendingDelete', 'Deleted', 'Extracted')),
    expires_at        TEXT NOT NULL,
    imported_at       TEXT NOT NULL,
    imported_by       TEXT NOT NULL,
    deleted_at        TEXT,
    deleted_by        TEXT,
    deletion_reason   TEXT,
    extracted_to      TEXT,
    extracted_at      TEXT
);
CREATE INDEX recording_state_expiry ON recording(state, expires_at);
CREATE INDEX recording_remote ON recording(remote_number);
CREATE INDEX recording_area_start ON recording(service_area_id, start_time);
CREATE INDEX recording_agent ON recording(agent);
CREATE INDEX recording_extension ON recording(extension, start_time);

CREATE TABLE access_grant (
    id              TEXT PRIMARY KEY,
    principal       TEXT NOT NULL COLLATE NOCASE,
    service_area_id TEXT REFERENCES service_area(id),
    recording_id    TEXT REFERENCES recording(id),
    rights          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    review_by       TEXT,
    expires_on      TEXT,
    granted_at      TEXT NOT NULL,
    granted_by      TEXT NOT NULL,
    reviewed_at     TEXT,
    reviewed_by     TEXT,
    review_comment  TEXT,
    revoked_at      TEXT,
    revoked_by      TEXT,
    revoke_reason   TEXT,
    CHECK ((service_area_id IS NULL) <> (recording_id IS NULL))
);
CREATE INDEX access_grant_principal ON access_grant(principal COLLATE NOCASE, revoked_at);
CREATE INDEX access_grant_area ON access_grant(service_area_id);
CREATE INDEX access_grant_recording ON access_grant(recording_id);

CREATE TABLE access_log (
    id           INTEGER PRIMARY KEY,
    occurred_at  TEXT NOT NULL,
    principal    TEXT NOT NULL COLLATE NOCASE,
    action       TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('Allowed', 'Refused')),
    recording_id TEXT,
    service_area TEXT,
    purpose      TEXT,
    reason       TEXT,
    detail       TEXT,
    audit_seq    INTEGER NOT NULL,
    audit_hash   TEXT NOT NULL
);
CREATE INDEX access_log_time ON access_log(occurred_at);
CREATE INDEX access_log_principal ON access_log(principal COLLATE NOCASE);
CREATE INDEX access_log_recording ON access_log(recording_id);
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;

CREATE TABLE legal_hold (
    id              TEXT PRIMARY KEY,
    case_reference  TEXT NOT NULL,
    kind            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    retain_until    TEXT,
    investigation_id TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    release_requested_at TEXT,
    release_requested_by TEXT,
    release_reason  TEXT,
    released_at     TEXT,
    released_by     TEXT
);
CREATE TABLE legal_hold_recording (
    hold_id      TEXT NOT NULL REFERENCES legal_hold(id),
    recording_id TEXT NOT NULL REFERENCES recording(id),
    added_at     TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    PRIMARY KEY (hold_id, recording_id)
);
CREATE INDEX legal_hold_recording_recording ON legal_hold_recording(recording_id);

CREATE TABLE investigation_request (
    id             TEXT PRIMARY KEY,
    subject        TEXT NOT NULL COLLATE NOCASE,
    basis          TEXT NOT NULL,
    justification  TEXT NOT NULL,
    form_reference TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('Pending', 'Approved', 'Denied')),
    requested_at   TEXT NOT NULL,
    requested_by   TEXT NOT NULL,
    decided_at     TEXT,
    decided_by     TEXT,
    decision_reason TEXT
);
"),
            new Migration(4, "Subject access requests (UK GDPR)", @"
CREATE TABLE subject_access_request (
    id                  TEXT PRIMARY KEY,
    reference           TEXT NOT NULL,
    subject_name        TEXT NOT NULL,
    phone_numbers       TEXT NOT NULL,
    received_on         TEXT NOT NULL,
    extended            INTEGER NOT NULL,
    due_on              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('Open', 'Fulfilled')),
    fulfilled_at        TEXT,
    fulfilled_by        TEXT,
    exported_to         TEXT,
    recordings_exported INTEGER,
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL
);
CREATE INDEX subject_access_request_due ON subject_access_request(status, due_on);
"),
            new Migration(5, "Who did it: the operating-system account on every audit event, in a versioned canonical form", @"
ALTER TABLE audit_event ADD COLUMN os_account TEXT;
ALTER TABLE audit_event ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
"),
            new Migration(6, "Nominations name the level of access of the area's approved request (clause 2.2)", @"
ALTER TABLE access_grant ADD COLUMN access_level TEXT;
"),
            new Migration(7, "Staff and customer notices: rosters, staff notifications, notification measures (clauses 2.3, 2.4)", @"
CREATE TABLE service_area_member (
    id              TEXT PRIMARY KEY,
    service_area_id TEXT NOT NULL REFERENCES service_area(id),
    principal       TEXT NOT NULL COLLATE NOCASE,
    display_name    TEXT,
    email           TEXT,
    extension       TEXT,
    relation        TEXT NOT NULL CHECK (relation IN ('Member', 'FrequentCaller')),
    added_at        TEXT NOT NULL,
    added_by        TEXT NOT NULL,
    removed_at      TEXT,
    removed_by      TEXT,
    remove_reason   TEXT
);
CREATE UNIQUE INDEX service_area_member_current ON service_area_member(service_area_id, principal COLLATE NOCASE) WHERE removed_at IS NULL;
CREATE INDEX service_area_member_principal ON service_area_member(principal COLLATE NOCASE);

CREATE TABLE staff_notification (
    id              TEXT PRIMARY KEY,
    service_area_id TEXT NOT NULL REFERENCES service_area(id),
    principal       TEXT NOT NULL COLLATE NOCASE,
    kind            TEXT NOT NULL CHECK (kind IN ('Induction', 'Annual', 'FrequentCaller')),
    notified_on     TEXT NOT NULL,
    evidence        TEXT,
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL
);
CREATE INDEX staff_notification_member ON staff_notification(service_area_id, principal COLLATE NOCASE, notified_on);
CREATE TRIGGER staff_notification_no_update BEFORE UPDATE ON staff_notification
BEGIN SELECT RAISE(ABORT, 'staff notifications are append-only'); END;
CREATE TRIGGER staff_notification_no_delete BEFORE DELETE ON staff_notification
BEGIN SELECT RAISE(ABORT, 'staff notifications are append-only'); END;

CREATE TABLE notification_measure (
    id              TEXT PRIMARY KEY,
    service_area_id TEXT NOT NULL REFERENCES service_area(id),
    description     TEXT NOT NULL,
    taken_on        TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    recorded_by     TEXT NOT NULL
);
CREATE INDEX notification_measure_area ON notification_measure(service_area_id, taken_on);
CREATE TRIGGER notification_measure_no_update BEFORE UPDATE ON notification_measure
BEGIN SELECT RAISE(ABORT, 'notification measures are append-only'); END;
CREATE TRIGGER notification_measure_no_delete BEFORE DELETE ON notification_measure
BEGIN SELECT RAISE(ABORT, 'notification measures are append-only'); END;
"),
            new Migration(8, "Microsoft 365 directory: grants that follow a group, the mail outbox, call-record participants", @"
ALTER TABLE access_grant ADD COLUMN source_group TEXT;
ALTER TABLE access_grant ADD COLUMN directory_object_id TEXT;
CREATE INDEX access_grant_source ON access_grant(service_area_id, source_group);

CREATE TABLE mail_outbox (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    sender       TEXT NOT NULL,
    recipient    TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    related_type TEXT,
    related_id   TEXT,
    state        TEXT NOT NULL CHECK (state IN ('Pending', 'Sent', 'Refused')),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    attempted_at TEXT,
    result       TEXT
);
CREATE INDEX mail_outbox_state ON mail_outbox(state, created_at);

CREATE TABLE call_participant (
    recording_id        TEXT NOT NULL REFERENCES recording(id),
    directory_call_id   TEXT NOT NULL,
    source              TEXT NOT NULL CHECK (source IN ('CallRecord', 'PstnCall', 'DirectRoutingCall')),
    matched_by          TEXT NOT NULL CHECK (matched_by IN ('CallId', 'NumberAndTime')),
    role                TEXT NOT NULL,
    display_name        TEXT,
    user_id             TEXT,
    user_principal_name TEXT,
    phone_number        TEXT,
    linked_at           TEXT NOT NULL,
    linked_by           TEXT NOT NULL
);
CREATE UNIQUE INDEX call_participant_unique ON call_participant(recording_id, directory_call_id, role, ifnull(user_id, ''), ifnull(phone_number, ''));
"),
            new Migration(SqliteLedger.MigrationVersion, SqliteLedger.MigrationName, SqliteLedger.MigrationSql),
            // Issue 12: the compliance report over millions of rows reads indexes, not tables. The partial index's WHERE is
            // the report's query filter, built from the same rule (AccessRules.LacksPurposeSql): SQLite uses a partial index
            // only for a query whose WHERE contains the index's terms (ComplianceQueryPlanTests checks that it still does).
            new Migration(11, "Compliance report at scale: who acted under which OS account, allowed access without a purpose, and the chart aggregates, from indexes", @"
DROP INDEX audit_event_principal;
CREATE INDEX audit_event_principal ON audit_event(principal COLLATE NOCASE, os_account COLLATE NOCASE);
CREATE INDEX access_log_without_purpose ON access_log(service_area, occurred_at) WHERE " + SqliteComplianceRepository.AccessWithoutPurposeWhere + @";
DROP INDEX access_log_time;
CREATE INDEX access_log_time ON access_log(occurred_at, outcome, service_area, purpose);
DROP INDEX recording_state_expiry;
CREATE INDEX recording_state_expiry ON recording(state, expires_at, service_area_id);
"),
        };

        public static int Latest => All[All.Count - 1].Version;

        internal static int CurrentVersion(SqliteConnection c, SqliteTransaction tx)
        {
            var exists = SqliteDatabase.Scalar(c, tx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'");
            if (Convert.ToInt64(exists) == 0)
            {
                return 0;
            }
            return Convert.ToInt32(SqliteDatabase.Scalar(c, tx, "SELECT ifnull(max(version), 0) FROM schema_migration"));
        }

        /// <summary>Brings the schema to <see cref="Latest"/>; refuses a store written by a newer module.</summary>
        internal static int Apply(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now) => Apply(c, tx, now, int.MaxValue);

        /// <summary>Applies the steps up to <paramref name="upTo"/> (the schema check builds an older store's expected schema so).</summary>
        internal static int Apply(SqliteConnection c, SqliteTransaction tx, DateTimeOffset now, int upTo)
        {
            SqliteDatabase.Execute(c, tx, "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
            var current = CurrentVersion(c, tx);
            if (current > Latest)
            {
                throw new PolicyException("StoreSchemaTooNew", FailureKind.InvalidOperation,
                    "The store's schema is version " + current + ", newer than this module understands (" + Latest +
                    "). Update CallRecordingAdmin before using this store; it was not changed.", current);
            }
            foreach (var m in All.Where(m => m.Version > current && m.Version <= upTo))
            {
                SqliteDatabase.Execute(c, tx, m.Sql);
                if (m.Version == SqliteLedger.MigrationVersion) SqliteLedger.Baseline(c, tx, now);
                SqliteDatabase.Execute(c, tx, "INSERT INTO schema_migration(version, name, applied_at) VALUES ($v, $n, $t)",
                    ("$v", m.Version), ("$n", m.Name), ("$t", Timestamp.ToText(now)));
            }
            return Latest;
        }
    }
}
