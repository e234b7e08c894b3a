import type { CheckpointRecord, Commit, LogId } from '../store.ts';
import { CHANNEL } from './change-feed.ts';
import { logKey, type Queryable } from './log-rows.ts';

/** Every row of a commit in one statement, and a NOTIFY for each log that grew. */
export async function writeCommit(c: Queryable, commit: Commit, signed: CheckpointRecord[], ids: Map<string, number>, from: string): Promise<void> {
  const id = (log: LogId) => ids.get(logKey(log))!;
  const e = { log: [] as number[], seq: [] as number[], bytes: [] as Uint8Array[] };
  const n = { log: [] as number[], level: [] as number[], idx: [] as number[], hash: [] as Uint8Array[] };
  const sizes = new Map<number, number>();
  for (const entry of commit.entries) {
    const log = id(entry);
    e.log.push(log), e.seq.push(entry.seq), e.bytes.push(entry.bytes);
    for (const node of entry.nodes) n.log.push(log), n.level.push(node.level), n.idx.push(node.index), n.hash.push(node.hash);
    sizes.set(log, Math.max(sizes.get(log) ?? 0, entry.seq + 1));
  }
  // One row per (log, size), the last given winning, as INSERT OR REPLACE does: ON CONFLICT may not touch a row twice.
  const checkpoints = new Map<string, { log: number; size: number; note: string }>();
  for (const cp of [...commit.checkpoints, ...signed]) checkpoints.set(`${id(cp)}/${cp.size}`, { log: id(cp), size: cp.size, note: cp.note });
  const cps = [...checkpoints.values()];
  const cos = commit.cosignatures ?? [];
  if (e.log.length === 0 && cps.length === 0 && cos.length === 0) return;
  await c.query(`WITH
    e AS (INSERT INTO entry (log_id, seq, bytes) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])),
    n AS (INSERT INTO node (log_id, level, idx, hash) SELECT * FROM unnest($4::bigint[], $5::bigint[], $6::bigint[], $7::bytea[])),
    c AS (INSERT INTO checkpoint (log_id, size, note) SELECT * FROM unnest($8::bigint[], $9::bigint[], $10::text[])
          ON CONFLICT (log_id, size) DO UPDATE SET note = excluded.note),
    k AS (INSERT INTO cosignature (log_id, size, cosigner, timestamp, signature, pq_signature)
          SELECT * FROM unnest($11::bigint[], $12::bigint[], $13::text[], $14::bigint[], $15::text[], $16::text[]) ON CONFLICT DO NOTHING),
    s AS (UPDATE log SET size = v.size FROM unnest($17::bigint[], $18::bigint[]) AS v(id, size)
          WHERE log.id = v.id AND v.size > log.size RETURNING log.line_id, log.party, log.size)
    SELECT pg_notify('${CHANNEL}', json_build_object('from', $19::text, 'kind', 'log', 'line', line_id, 'party', party, 'size', size)::text) FROM s`, [
    e.log, e.seq, e.bytes,
    n.log, n.level, n.idx, n.hash,
    cps.map((x) => x.log), cps.map((x) => x.size), cps.map((x) => x.note),
    cos.map(id), cos.map((x) => x.size), cos.map((x) => x.cosigner), cos.map((x) => x.timestamp), cos.map((x) => x.signature), cos.map((x) => x.pqSignature ?? null),
    [...sizes.keys()], [...sizes.values()],
    from,
  ]);
}
