// Tree nodes are stored for every perfect subtree, so any proof is a handful
// of primary-key lookups (see docs/ARCHITECTURE.md, "Logs on disk").
export const schema = `
CREATE TABLE IF NOT EXISTS member (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS credential (
  token_hash BLOB PRIMARY KEY,
  member_id INTEGER NOT NULL REFERENCES member(id),
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
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
  urls TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cosignature (
  log_id INTEGER NOT NULL,
  size INTEGER NOT NULL,
  cosigner TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  signature TEXT NOT NULL,
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
`;
