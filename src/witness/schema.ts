// The witness keeps, per log, only what c2sp.org/tlog-witness requires: the
// keys it trusts for the origin and the latest checkpoint it cosigned. The
// evidence table is the spec's optional "log the request even if the proof
// doesn't verify": a log-signed checkpoint that contradicts what the witness
// saw is proof of a split view, and the witness is the one who can show it.
// key_rotation keeps each rotation statement the witness followed: why it
// trusts a key the operator never pinned by hand.
export const witnessSchema = `
CREATE TABLE IF NOT EXISTS log (
  origin TEXT PRIMARY KEY,
  size INTEGER NOT NULL DEFAULT 0,
  root BLOB,
  note TEXT,
  cosigned_at INTEGER NOT NULL DEFAULT 0,
  added_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_key (
  origin TEXT NOT NULL REFERENCES log(origin),
  vkey TEXT NOT NULL,
  PRIMARY KEY (origin, vkey)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS key_rotation (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL REFERENCES log(origin),
  statement TEXT NOT NULL,
  rotated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS evidence (
  id INTEGER PRIMARY KEY,
  origin TEXT NOT NULL REFERENCES log(origin),
  received_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  request TEXT NOT NULL
);
`;
