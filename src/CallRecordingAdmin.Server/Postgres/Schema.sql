-- The server store's identity slice (issue 13): who acts is said by the server, not by a parameter.
--
--   crec_owner  NOLOGIN; owns schema crec, every table, view and function in it.
--   crec_user   NOLOGIN; granted to each person's login role. USAGE on the schema, SELECT on the views crec.v_*,
--               EXECUTE on the functions below; no privilege on any table.
--
-- Every write is a SECURITY DEFINER function owned by crec_owner, with a fixed search_path, that takes the acting
-- principal from session_user through crec.principal_map: a person with psql and their own login can call it, but
-- can neither write a table directly nor name someone else as the actor.
--
-- Run by PostgresSchema.Install as a role that may create roles and SET ROLE crec_owner (a superuser, or a
-- CREATEROLE role that is a member of crec_owner), inside one transaction.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'crec_owner') THEN
        CREATE ROLE crec_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'crec_user') THEN
        CREATE ROLE crec_user NOLOGIN;
    END IF;
END
$roles$;

CREATE SCHEMA crec AUTHORIZATION crec_owner;
REVOKE ALL ON SCHEMA crec FROM PUBLIC;
GRANT USAGE ON SCHEMA crec TO crec_user;

-- Everything below is created by, and so owned by, the owner role.
SET LOCAL ROLE crec_owner;

-- The store's identity (the audit chain's genesis is derived from it).
CREATE TABLE crec.store (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    store_id  text NOT NULL CHECK (store_id ~ '^[0-9a-fA-F-]{1,64}$')
);

-- Which database login is which principal of the policy (and which operating-system account it is known by).
CREATE TABLE crec.principal_map (
    db_role    name PRIMARY KEY,
    principal  text NOT NULL UNIQUE CHECK (char_length(principal) BETWEEN 1 AND 256 AND principal !~ '[\u0001-\u001F\u007F]'),
    os_account text NOT NULL DEFAULT '' CHECK (char_length(os_account) <= 256 AND os_account !~ '[\u0001-\u001F\u007F]')
);

-- The head of the chain: one row, locked FOR UPDATE by each append, so appends are serialised and the
-- sequence has no gaps (a rolled-back append rolls the head back with it; no SEQUENCE is used).
CREATE TABLE crec.audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq       bigint NOT NULL CHECK (seq >= 0),
    hash      text NOT NULL
);

-- The same columns and canonical text as the SQLite store's audit_event (occurred_at is the hashed text form),
-- plus the database login that wrote the row.
CREATE TABLE crec.audit_event (
    seq         bigint PRIMARY KEY CHECK (seq >= 1),
    occurred_at text NOT NULL,
    principal   text NOT NULL,
    os_account  text NOT NULL,
    db_role     name NOT NULL,
    format      integer NOT NULL,
    action      text NOT NULL,
    target_type text NOT NULL,
    target      text NOT NULL,
    details     text NOT NULL,
    prev_hash   text NOT NULL,
    hash        text NOT NULL UNIQUE
);

CREATE VIEW crec.v_store AS SELECT store_id FROM crec.store;
CREATE VIEW crec.v_audit_event AS
    SELECT seq, occurred_at, principal, os_account, db_role, format, action, target_type, target, details, prev_hash, hash
    FROM crec.audit_event;

-- One field of the canonical text, exactly as the engine's AuditChain writes it: the field's length in UTF-16 code
-- units (.NET string.Length: a character outside the Basic Multilingual Plane counts 2), ':', the field, a newline.
CREATE FUNCTION crec.canonical_field(field text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = crec, pg_temp
    RETURN (char_length(field) + char_length(regexp_replace(field, '[\u0001-\uFFFF]', '', 'g')))::text || ':' || field || E'\n';

-- The canonical text of an event in format 2 (AuditChain.Canonical with FormatWithOsAccount), the only format the
-- server writes.
CREATE FUNCTION crec.audit_canonical(seq bigint, occurred_at text, principal text, os_account text, action text,
                                     target_type text, target text, details text, prev_hash text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = crec, pg_temp
    RETURN crec.canonical_field('v2') || crec.canonical_field(seq::text) || crec.canonical_field(occurred_at)
        || crec.canonical_field(principal) || crec.canonical_field(os_account) || crec.canonical_field(action)
        || crec.canonical_field(target_type) || crec.canonical_field(target) || crec.canonical_field(details)
        || crec.canonical_field(prev_hash);

-- SHA-256 (PostgreSQL's built-in sha256, the digest pgcrypto's digest(..., 'sha256') gives) of the canonical text's
-- UTF-8 bytes, in lower-case hex: AuditChain.Sha256Hex.
CREATE FUNCTION crec.audit_hash(canonical text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = crec, pg_temp
    RETURN encode(sha256(convert_to(canonical, 'UTF8')), 'hex');

-- Appends one event as the session's own principal. There is no principal parameter: the actor is session_user
-- (the authenticated login; SET ROLE does not change it) mapped through crec.principal_map. An unmapped login is
-- refused (42501). Inputs are checked here, as a psql caller meets this function without the engine in front.
CREATE FUNCTION crec.append_audit(action text, target_type text, target text, details text)
    RETURNS TABLE (event_seq bigint, event_hash text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = crec, pg_temp
AS $append$
DECLARE
    v_role      name := session_user;
    v_principal text;
    v_os        text;
    v_prev_seq  bigint;
    v_prev_hash text;
    v_seq       bigint;
    v_at        text;
    v_details   jsonb;
    v_hash      text;
BEGIN
    SELECT m.principal, m.os_account INTO v_principal, v_os FROM crec.principal_map m WHERE m.db_role = v_role;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The database login "%" is not mapped to a principal of this store, so it cannot act on it.', v_role
            USING ERRCODE = 'insufficient_privilege', HINT = 'An administrator maps the login with Add-RecordingRole -Principal.';
    END IF;
    IF action IS NULL OR action !~ '^[A-Za-z][A-Za-z0-9]{0,63}$' THEN
        RAISE EXCEPTION 'The audit action must be 1 to 64 letters and digits, beginning with a letter.' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF target_type IS NULL OR target_type !~ '^([A-Za-z][A-Za-z0-9]{0,63})?$' THEN
        RAISE EXCEPTION 'The audit target type must be empty or 1 to 64 letters and digits, beginning with a letter.' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF target IS NULL OR char_length(target) > 1024 OR target ~ '[\u0001-\u001F\u007F]' THEN
        RAISE EXCEPTION 'The audit target must be at most 1024 characters without control characters.' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF details IS NULL OR char_length(details) > 65536 THEN
        RAISE EXCEPTION 'The audit details must be a JSON object of at most 65536 characters.' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    BEGIN
        v_details := details::jsonb;
    EXCEPTION WHEN invalid_text_representation THEN
        RAISE EXCEPTION 'The audit details are not JSON.' USING ERRCODE = 'invalid_parameter_value';
    END;
    IF jsonb_typeof(v_details) <> 'object' THEN
        RAISE EXCEPTION 'The audit details must be a JSON object.' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- One writer at a time: the head row, locked until this transaction ends.
    SELECT h.seq, h.hash INTO v_prev_seq, v_prev_hash FROM crec.audit_head h WHERE h.singleton FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'The audit chain has no head row: the store was not installed by PostgresSchema.Install.' USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    v_seq := v_prev_seq + 1;
    -- Taken after the lock, so time order follows sequence order; Timestamp.ToText's form (UTC, 7 fractional digits).
    v_at := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '0Z';
    v_hash := crec.audit_hash(crec.audit_canonical(v_seq, v_at, v_principal, v_os, action, target_type, target, details, v_prev_hash));

    INSERT INTO crec.audit_event(seq, occurred_at, principal, os_account, db_role, format, action, target_type, target, details, prev_hash, hash)
    VALUES (v_seq, v_at, v_principal, v_os, v_role, 2, action, target_type, target, details, v_prev_hash, v_hash);
    UPDATE crec.audit_head h SET seq = v_seq, hash = v_hash WHERE h.singleton;

    event_seq := v_seq;
    event_hash := v_hash;
    RETURN NEXT;
END
$append$;

RESET ROLE;

-- Functions are executable by PUBLIC by default: only crec_user may call them.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA crec FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA crec FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crec.append_audit(text, text, text, text) TO crec_user;
GRANT EXECUTE ON FUNCTION crec.canonical_field(text) TO crec_user;
GRANT EXECUTE ON FUNCTION crec.audit_canonical(bigint, text, text, text, text, text, text, text, text) TO crec_user;
GRANT EXECUTE ON FUNCTION crec.audit_hash(text) TO crec_user;
GRANT SELECT ON crec.v_store, crec.v_audit_event TO crec_user;
