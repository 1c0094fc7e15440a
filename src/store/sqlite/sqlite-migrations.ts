/**
 * SQLite schema, as numbered migrations applied in order at start (`PRAGMA user_version` records the
 * last one applied). Every table is keyed by `portal_id` first where it holds tenant data, matching
 * the PostgreSQL schema so both can be reasoned about the same way.
 */
export const sqliteMigrations: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  CREATE TABLE portals (id INTEGER PRIMARY KEY, time_zone TEXT NOT NULL);
  CREATE TABLE developer_accounts (id INTEGER PRIMARY KEY, api_key TEXT NOT NULL UNIQUE);
  CREATE TABLE apps (id INTEGER PRIMARY KEY, developer_account_id INTEGER NOT NULL);
  CREATE TABLE access_tokens (
    token TEXT PRIMARY KEY,
    portal_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    scopes TEXT NOT NULL
  );
  CREATE TABLE event_templates (
    id INTEGER PRIMARY KEY,
    app_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    object_type TEXT NOT NULL,
    header_template TEXT,
    detail_template TEXT,
    tokens TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
  );
  CREATE INDEX event_templates_by_app ON event_templates (app_id, id);
  CREATE TABLE crm_records (
    portal_id INTEGER NOT NULL,
    object_type TEXT NOT NULL,
    id INTEGER NOT NULL,
    email_key TEXT,
    properties TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, object_type, id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX crm_records_by_email ON crm_records (portal_id, email_key) WHERE email_key IS NOT NULL;
  CREATE TABLE contact_utks (
    portal_id INTEGER NOT NULL,
    utk TEXT NOT NULL,
    contact_id INTEGER NOT NULL,
    PRIMARY KEY (portal_id, utk)
  ) WITHOUT ROWID;
  CREATE TABLE timeline_events (
    portal_id INTEGER NOT NULL,
    template_id INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (portal_id, template_id, event_id)
  );
  CREATE INDEX timeline_events_by_record ON timeline_events (portal_id, object_type, object_id, ts);
  `,
  // 2: the per-record timeline index goes. No query reads it yet (the API has no read path by
  // record), and it was the largest cost of ingestion: keyed by record, every insert lands on a
  // random page (measured with bench/ingest: 67-68k events/s with it, 84-89k without, same run).
  // The record-timeline read path, when built, should index behind the append-only table, in
  // sorted batches off the insert path, reads merging the small unindexed tail.
  `
  DROP INDEX IF EXISTS timeline_events_by_record;
  `,
  // App event types: are event templates marked with their project uid (unique per app).
  `
  ALTER TABLE event_templates ADD COLUMN app_event_uid TEXT;
  CREATE UNIQUE INDEX event_templates_by_app_event_uid ON event_templates (app_id, app_event_uid)
    WHERE app_event_uid IS NOT NULL;
  `,
  // The OAuth stand-in: clients, authorization codes, refresh tokens; access tokens expire.
  `
  ALTER TABLE access_tokens ADD COLUMN expires_at INTEGER;
  CREATE TABLE oauth_clients (
    client_id TEXT PRIMARY KEY,
    client_secret TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    app_id INTEGER NOT NULL
  );
  CREATE TABLE oauth_codes (
    code TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    portal_id INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT,
    code_challenge_method TEXT,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL
  );
  CREATE TABLE oauth_refresh_tokens (
    token TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    portal_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL
  );
  `,
  // Record timelines: the per-record timeline order, built off the insert path. `timeline_events` stays an
  // append-only log in rowid order; the SQLite thread copies its rows into `timeline_record_index`
  // (and counts them per record in `timeline_record_activity`) in sorted batches between group
  // commits; `timeline_index_state` holds the last rowid copied. Reads merge the rows past it.
  `
  CREATE TABLE timeline_record_index (
    portal_id INTEGER NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    template_id INTEGER NOT NULL,
    PRIMARY KEY (portal_id, object_type, object_id, ts, event_id, template_id)
  ) WITHOUT ROWID;
  CREATE TABLE timeline_record_activity (
    portal_id INTEGER NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    last_event_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, object_type, object_id)
  ) WITHOUT ROWID;
  CREATE INDEX timeline_record_activity_by_recency
    ON timeline_record_activity (portal_id, object_type, last_event_at, object_id);
  CREATE TABLE timeline_index_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL);
  INSERT INTO timeline_index_state (id, indexed_through) VALUES (1, 0);
  `,
  // Custom object schemas, per portal, unique by name; ids 2-N from the sequences table
  `
  CREATE TABLE object_schemas (
    portal_id INTEGER NOT NULL,
    object_type_id TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (portal_id, object_type_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX object_schemas_by_name ON object_schemas (portal_id, name);
  `,
  // Rate limits: a portal's own rate-limit setting, and request counts (per second and per day) keyed by
  // portal and app. The server keeps SQLite windows in memory (one process owns the file) and writes
  // the daily totals here, so a restart does not refill a day; the seconds table serves countRequest.
  `
  ALTER TABLE portals ADD COLUMN rate_limit TEXT;
  CREATE TABLE request_counts_daily (
    portal_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (portal_id, app_id, day)
  ) WITHOUT ROWID;
  CREATE TABLE request_counts_seconds (
    portal_id INTEGER NOT NULL,
    app_id INTEGER NOT NULL,
    second INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (portal_id, app_id, second)
  ) WITHOUT ROWID;
  `,
  // The records search by index. Each record with indexed events has its search keys
  // (lower-cased email, that email's domain, lower-cased \`domain\`: recordSearchKeys) here, written
  // by the timeline indexer off the insert path and by CRM updates, so \`q\` seeks a prefix range
  // instead of reading every record of the portal. The keys are computed in JavaScript (the search
  // rule's lower-casing), so the index is rebuilt from the log: reads merge the rows not yet redone.
  `
  CREATE TABLE timeline_record_search (
    portal_id INTEGER NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    email TEXT,
    email_domain TEXT,
    domain TEXT,
    PRIMARY KEY (portal_id, object_type, object_id)
  ) WITHOUT ROWID;
  CREATE INDEX timeline_record_search_by_email ON timeline_record_search (portal_id, object_type, email)
    WHERE email IS NOT NULL;
  CREATE INDEX timeline_record_search_by_email_domain
    ON timeline_record_search (portal_id, object_type, email_domain) WHERE email_domain IS NOT NULL;
  CREATE INDEX timeline_record_search_by_domain ON timeline_record_search (portal_id, object_type, domain)
    WHERE domain IS NOT NULL;
  DELETE FROM timeline_record_index;
  DELETE FROM timeline_record_activity;
  UPDATE timeline_index_state SET indexed_through = 0;
  `,
  // Secrets the server only verifies are kept as SHA-256 hashes (hex, \`timeline_sha256\`, a
  // function the store registers before migrating), so a copy of the file gives no working
  // credential; the start credentials' meta keeps the hashes, not the secrets. Access tokens get
  // their kind (what they may see: their app's data, or the whole portal's). Web UI sessions are
  // kept server-side by the hash of their id; the admin can let an app skip the OAuth approval page
  // for a portal.
  `
  UPDATE access_tokens SET token = timeline_sha256(token);
  ALTER TABLE access_tokens RENAME COLUMN token TO token_hash;
  ALTER TABLE access_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'app';
  UPDATE developer_accounts SET api_key = timeline_sha256(api_key);
  ALTER TABLE developer_accounts RENAME COLUMN api_key TO api_key_hash;
  UPDATE oauth_clients SET client_secret = timeline_sha256(client_secret);
  ALTER TABLE oauth_clients RENAME COLUMN client_secret TO client_secret_hash;
  UPDATE oauth_codes SET code = timeline_sha256(code);
  ALTER TABLE oauth_codes RENAME COLUMN code TO code_hash;
  UPDATE oauth_refresh_tokens SET token = timeline_sha256(token);
  ALTER TABLE oauth_refresh_tokens RENAME COLUMN token TO token_hash;
  UPDATE meta SET value = json_remove(
      json_set(value,
        '$.accessTokenHash', timeline_sha256(json_extract(value, '$.accessToken')),
        '$.developerApiKeyHash', timeline_sha256(json_extract(value, '$.developerApiKey'))),
      '$.accessToken', '$.developerApiKey', '$.adminToken', '$.oauthClientSecret')
    WHERE key = 'provisioned';
  UPDATE access_tokens SET kind = 'private-app'
    WHERE token_hash = (SELECT json_extract(value, '$.accessTokenHash') FROM meta WHERE key = 'provisioned');
  CREATE TABLE ui_sessions (
    id_hash TEXT PRIMARY KEY,
    credential TEXT NOT NULL,
    portal_ids TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE oauth_trusted_portals (
    app_id INTEGER NOT NULL,
    portal_id INTEGER NOT NULL,
    PRIMARY KEY (app_id, portal_id)
  ) WITHOUT ROWID;
  `,
  // When each record property was last set, for the web UI's record page: the times of the changes
  // made after the record's creation, kept by the record writes (rows.ts `mergedRow`). Records
  // changed before this migration have no times (NULL, known as such by updated_at).
  `
  ALTER TABLE crm_records ADD COLUMN property_times TEXT;
  `,
];
