// Tree nodes are stored for every perfect subtree, so any proof is a handful
// of primary-key lookups (see docs/ARCHITECTURE.md, "Logs on disk").
export const schema = `
CREATE TABLE IF NOT EXISTS member (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER
);
CREATE TABLE IF NOT EXISTS credential (
  token_hash BLOB PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES member(id),
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS credential_member ON credential (member_id);
CREATE TABLE IF NOT EXISTS line (
  id TEXT PRIMARY KEY,
  definition TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS line_member (
  line_id TEXT NOT NULL REFERENCES line(id),
  member_id INTEGER NOT NULL REFERENCES member(id),
  PRIMARY KEY (line_id, member_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY,
  line_id TEXT NOT NULL,
  party TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0,
  UNIQUE (line_id, party)
);
CREATE TABLE IF NOT EXISTS entry (
  log_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (log_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS node (
  log_id INTEGER NOT NULL,
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (log_id, level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoint (
  log_id INTEGER NOT NULL,
  size INTEGER NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (log_id, size)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS peer (
  name TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  urls TEXT NOT NULL,
  pq_key TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cosignature (
  log_id INTEGER NOT NULL,
  size INTEGER NOT NULL,
  cosigner TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  signature TEXT NOT NULL,
  pq_signature TEXT,
  PRIMARY KEY (log_id, cosigner, size)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS evidence (
  id INTEGER PRIMARY KEY,
  line_id TEXT NOT NULL,
  party TEXT NOT NULL,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  material TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS link_event (
  id INTEGER PRIMARY KEY,
  peer TEXT NOT NULL,
  time INTEGER NOT NULL,
  status TEXT NOT NULL,
  endpoint TEXT,
  rtt_ms REAL
);
CREATE INDEX IF NOT EXISTS link_event_peer_time ON link_event (peer, time);
CREATE TABLE IF NOT EXISTS roster (
  line_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  member_id INTEGER NOT NULL,
  PRIMARY KEY (line_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS member_preference (
  member_id INTEGER PRIMARY KEY,
  json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS readout_draft (
  line_id TEXT NOT NULL,
  call TEXT NOT NULL,
  text TEXT NOT NULL,
  lang TEXT,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (line_id, call)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS totp (
  member_id INTEGER PRIMARY KEY REFERENCES member(id),
  secret TEXT NOT NULL,
  confirmed_at INTEGER,
  last_step INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS passkey (
  id TEXT PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES member(id),
  public_key BLOB NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS passkey_member ON passkey (member_id);
CREATE TABLE IF NOT EXISTS recovery_code (
  member_id INTEGER NOT NULL REFERENCES member(id),
  code_hash BLOB NOT NULL,
  PRIMARY KEY (member_id, code_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS security_event (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  kind TEXT NOT NULL,
  member TEXT,
  actor TEXT,
  address TEXT,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS security_event_time ON security_event (time);
CREATE TABLE IF NOT EXISTS setting (
  key TEXT PRIMARY KEY,
  json TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ticket (
  hash BLOB PRIMARY KEY,
  member_id INTEGER NOT NULL,
  token_hash BLOB NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alarm (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  line_id TEXT,
  raised_at INTEGER NOT NULL,
  subject TEXT NOT NULL,
  acked_by TEXT,
  acked_at INTEGER,
  cleared_at INTEGER,
  cleared_why TEXT,
  cleared_by TEXT
);
CREATE INDEX IF NOT EXISTS alarm_open ON alarm (acked_at, cleared_at);
`;

/**
 * The schema's version, kept in SQLite's user_version. `schema` above is the
 * latest shape and creates missing tables; each migration brings a database
 * made by an older version up by one (columns CREATE TABLE IF NOT EXISTS
 * cannot add). A database with no version is version 0 or a fresh one.
 */
export const SCHEMA_VERSION = 4;

export interface Migration {
  /** The version this migration leads to. */
  to: number;
  /** Columns it adds, as table, column, definition: skipped where present (a fresh database has them). */
  columns: Array<[table: string, column: string, definition: string]>;
}

export const migrations: Migration[] = [
  // Issue 9: sign-in lockouts and the idle timeout.
  { to: 1, columns: [['member', 'locked_until', 'INTEGER'], ['credential', 'last_used_at', 'INTEGER']] },
  // Issue 10: event-stream tickets in the database (the table itself is created by `schema`).
  { to: 2, columns: [] },
  // Issue 13: ML-DSA lines beside Ed25519: a receipt's ML-DSA line, a peer's pinned ML-DSA key (both nullable: older rows have none).
  { to: 3, columns: [['cosignature', 'pq_signature', 'TEXT'], ['peer', 'pq_key', 'TEXT']] },
  // Issue 11: alarms as station state (the table itself is created by `schema`).
  { to: 4, columns: [] },
];
