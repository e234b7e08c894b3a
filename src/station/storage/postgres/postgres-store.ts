import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Line } from '../../../core/line.ts';
import { nodeKey, type NodeId } from '../../../core/merkle/node.ts';
import { HotlineError } from '../../../core/errors.ts';
import type {
  AlarmRecord, CheckpointRecord, Commit, CosignatureRecord, CredentialRecord, EvidenceRecord, LineRecord, LinkEventRecord, LogId, MemberRecord, PasskeyRecord, PeerRecord, ReadoutDraftRecord,
  NewAlarm, SecurityEventRecord, Store, StoreChange, StoredCredential, TicketRecord, TotpRecord,
} from '../store.ts';
import { CHANNEL, ChangeFeed } from './change-feed.ts';
import { clientConfig, storeError, type PostgresOptions } from './connection.ts';
import { writeCommit } from './commit-statement.ts';
import { LogRows, logKey } from './log-rows.ts';
import { migratePostgres } from './migrate.ts';
import { deepFreeze, toAlarm, toCredential, toMember, toPasskey, toSecurityEvent, type Row } from '../rows.ts';

export interface PostgresStoreOptions extends PostgresOptions {
  /** Errors that reach no caller (an idle pooled connection dropped, the change feed reconnecting). */
  onError?: (error: unknown) => void;
}

/** Announcements larger than this go through the `broadcast` table (NOTIFY's payload limit is 8000 bytes). */
const NOTIFY_LIMIT = 7000;
const BROADCAST_KEEP = "interval '5 minutes'";


/**
 * The store for a station whose replicas share one PostgreSQL database.
 * Every commit is one transaction of four round trips whatever its size
 * (rows go in as arrays through unnest): the lease's fence and the log rows
 * are locked first, so the compare-and-set and the signature happen where no
 * other writer can move the logs, and the sizes reached are NOTIFYed from
 * inside the transaction, so other replicas hear of entries only once they are
 * durable.
 */
export class PostgresStore implements Store {
  /**
   * The lease epoch this process leads under, set by the lease while it leads:
   * every commit then checks the lease still carries it, so a leader that lost
   * its lease (paused, partitioned) cannot write even before it notices.
   */
  fence: number | null = null;
  /** Schema versions before and after this open's migration. */
  migration = { from: 0, to: 0 };
  /** This process's id in notifications: it never hears its own. */
  readonly id = randomBytes(8).toString('hex');
  readonly pool: pg.Pool;

  private readonly feed: ChangeFeed;
  private readonly onError: (error: unknown) => void;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private readonly logRows = new LogRows();
  // Lines are read on every request; cached only while the feed listens, and dropped when another process changes one.
  private readonly lines = new Map<string, LineRecord>();
  private lineEpoch = 0;
  private closed = false;

  private constructor(options: PostgresStoreOptions) {
    const onError = (this.onError = options.onError ?? (() => {}));
    const config = clientConfig(options);
    this.pool = new pg.Pool({ ...config, max: options.poolSize ?? 16, idleTimeoutMillis: 30_000 });
    // An idle pooled connection that the server or the network closes must not become an uncaught error.
    this.pool.on('error', onError);
    // The pool listens for errors only on idle connections. One that fails while checked out (a transaction under way
    // when the network drops) fails its query, which is reported; its 'error' event must not end the process.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    // The feed's own connection waits on LISTEN for as long as it likes: the heartbeat, not a query timeout, watches it.
    this.feed = new ChangeFeed({ ...config, query_timeout: undefined }, this.id, (change) => this.heard(change), onError, options.heartbeatMs);
  }

  /** Connects, migrates the schema to the latest version (serialized across processes) and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      const client = await store.pool.connect();
      try {
        store.migration = await migratePostgres(client);
      } finally {
        client.release();
      }
    } catch (e) {
      await store.close();
      throw storeError(e);
    }
    return store;
  }

  /** Resolves once the change feed is listening (starting it): changes committed after this are heard. */
  listening(): Promise<void> {
    return this.feed.ready();
  }

  /** Whether the change feed's LISTEN is in place right now (false while it reconnects: changes may be missed, a gap follows). */
  changesHeard(): boolean {
    return this.feed.isListening;
  }

  private async q(sql: string, params: unknown[] = [], what?: string): Promise<pg.QueryResult<Row>> {
    try {
      return await this.pool.query(sql, params);
    } catch (e) {
      throw storeError(e, what);
    }
  }

  private async transaction<T>(fn: (c: pg.PoolClient, begun: pg.QueryResult<Row>[]) => Promise<T>, begin = 'BEGIN', what?: string): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw storeError(e);
    }
    let broken = false;
    try {
      const begun = await client.query(begin);
      const result = await fn(client, Array.isArray(begun) ? begun : [begun]);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      const mapped = storeError(e, what);
      // A connection that failed or went silent is not asked to roll back (the server does when it goes): it is dropped.
      if (!(e instanceof HotlineError) && mapped instanceof HotlineError && mapped.code === 'unavailable') broken = true;
      else await client.query('ROLLBACK').catch(() => (broken = true));
      throw mapped;
    } finally {
      // A connection that could not even roll back is not given to the next caller.
      client.release(broken);
    }
  }

  private notice(change: StoreChange): string {
    return JSON.stringify({ from: this.id, ...change });
  }

  /** Runs one data-modifying statement (with RETURNING) and NOTIFYs `change` in its transaction when it changed a row. */
  private async announced(sql: string, params: unknown[], change: StoreChange, what?: string): Promise<Row[]> {
    const n = params.length + 1;
    const { rows } = await this.q(`WITH w AS (${sql}) SELECT w.*, pg_notify('${CHANNEL}', $${n}) AS notified FROM w`, [...params, this.notice(change)], what);
    return rows;
  }

  private heard(change: StoreChange): void {
    if (change.kind === 'line') {
      this.lines.delete(change.id);
      this.lineEpoch++;
    } else if (change.kind === 'gap') {
      this.lines.clear();
      this.lineEpoch++;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (e) {
        this.onError(e); // one listener's bug must not keep the change from the others
      }
    }
  }

  async addMember(m: Omit<MemberRecord, 'id'>): Promise<MemberRecord> {
    // Two requests for the same new name race past the route's check; the UNIQUE index decides.
    const [row] = await this.announced('INSERT INTO member (name, role, password_hash, created_at, disabled) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [m.name, m.role, m.passwordHash, m.createdAt, m.disabled ? 1 : 0], { kind: 'members' }, `a member named ${m.name} already exists`);
    return { lockedUntil: null, ...m, id: row.id };
  }

  async memberByName(name: string) {
    return toMember((await this.q('SELECT * FROM member WHERE name = $1', [name])).rows[0]);
  }

  async memberById(id: number) {
    return toMember((await this.q('SELECT * FROM member WHERE id = $1', [id])).rows[0]);
  }

  async listMembers() {
    return (await this.q('SELECT * FROM member ORDER BY id')).rows.map((r) => toMember(r)!);
  }

  async updateMember(id: number, change: Partial<Pick<MemberRecord, 'role' | 'passwordHash' | 'disabled' | 'lockedUntil'>>) {
    const sets: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown) => (values.push(value), sets.push(`${column} = $${values.length}`));
    if (change.role !== undefined) set('role', change.role);
    if (change.passwordHash !== undefined) set('password_hash', change.passwordHash);
    if (change.disabled !== undefined) set('disabled', change.disabled ? 1 : 0);
    if (change.lockedUntil !== undefined) set('locked_until', change.lockedUntil);
    if (sets.length === 0) return;
    values.push(id);
    await this.announced(`UPDATE member SET ${sets.join(', ')} WHERE id = $${values.length} RETURNING id`, values, { kind: 'members' });
  }

  async addCredential(tokenHash: Uint8Array, c: CredentialRecord) {
    await this.announced('INSERT INTO credential (token_hash, member_id, kind, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING member_id',
      [tokenHash, c.memberId, c.kind, c.label, c.createdAt, c.expiresAt], { kind: 'members' }, 'that credential already exists');
  }

  async credential(tokenHash: Uint8Array): Promise<CredentialRecord | null> {
    const r = (await this.q('SELECT * FROM credential WHERE token_hash = $1', [tokenHash])).rows[0];
    return r ? toCredential(r) : null;
  }

  async removeCredential(tokenHash: Uint8Array) {
    await this.announced('DELETE FROM credential WHERE token_hash = $1 RETURNING member_id', [tokenHash], { kind: 'members' });
  }

  async credentials(memberId?: number): Promise<StoredCredential[]> {
    const { rows } = memberId === undefined
      ? await this.q('SELECT * FROM credential ORDER BY created_at, token_hash')
      : await this.q('SELECT * FROM credential WHERE member_id = $1 ORDER BY created_at, token_hash', [memberId]);
    return rows.map((r) => ({ ...toCredential(r), tokenHash: r.token_hash }));
  }

  async touchCredential(tokenHash: Uint8Array, time: number) {
    // Not announced: it moves at most once a minute per credential and only the idle timeout reads it, from the database.
    await this.q('UPDATE credential SET last_used_at = $1 WHERE token_hash = $2', [time, tokenHash]);
  }

  async totp(memberId: number): Promise<TotpRecord | null> {
    const r = (await this.q('SELECT * FROM totp WHERE member_id = $1', [memberId])).rows[0];
    return r ? { secret: r.secret, confirmedAt: r.confirmed_at ?? null, lastStep: r.last_step } : null;
  }

  async setTotp(memberId: number, totp: TotpRecord | null) {
    if (totp) {
      await this.announced(`INSERT INTO totp (member_id, secret, confirmed_at, last_step) VALUES ($1, $2, $3, $4)
        ON CONFLICT (member_id) DO UPDATE SET secret = excluded.secret, confirmed_at = excluded.confirmed_at, last_step = excluded.last_step RETURNING member_id`,
      [memberId, totp.secret, totp.confirmedAt, totp.lastStep], { kind: 'members' });
    } else {
      await this.announced('DELETE FROM totp WHERE member_id = $1 RETURNING member_id', [memberId], { kind: 'members' });
    }
  }

  async advanceTotpStep(memberId: number, step: number) {
    return (await this.q('UPDATE totp SET last_step = $1 WHERE member_id = $2 AND last_step < $1', [step, memberId])).rowCount === 1;
  }

  async addPasskey(k: PasskeyRecord) {
    await this.announced('INSERT INTO passkey (id, member_id, public_key, counter, transports, label, created_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [k.id, k.memberId, k.publicKey, k.counter, JSON.stringify(k.transports), k.label, k.createdAt, k.lastUsedAt], { kind: 'members' }, 'that passkey is already registered');
  }

  async passkeys(memberId: number): Promise<PasskeyRecord[]> {
    return (await this.q('SELECT * FROM passkey WHERE member_id = $1 ORDER BY created_at, id COLLATE "C"', [memberId])).rows.map(toPasskey);
  }

  async passkeyUsed(id: string, counter: number, time: number) {
    await this.q('UPDATE passkey SET counter = $1, last_used_at = $2 WHERE id = $3', [counter, time, id]);
  }

  async removePasskey(memberId: number, id: string) {
    return (await this.announced('DELETE FROM passkey WHERE member_id = $1 AND id = $2 RETURNING id', [memberId, id], { kind: 'members' })).length === 1;
  }

  async setRecoveryCodes(memberId: number, hashes: Uint8Array[]) {
    await this.transaction(async (c) => {
      await c.query('DELETE FROM recovery_code WHERE member_id = $1', [memberId]);
      await c.query('INSERT INTO recovery_code (member_id, code_hash) SELECT $1, h FROM unnest($2::bytea[]) AS h ON CONFLICT DO NOTHING', [memberId, hashes]);
      await c.query('SELECT pg_notify($1, $2)', [CHANNEL, this.notice({ kind: 'members' })]);
    });
  }

  async useRecoveryCode(memberId: number, hash: Uint8Array) {
    return (await this.q('DELETE FROM recovery_code WHERE member_id = $1 AND code_hash = $2', [memberId, hash])).rowCount === 1;
  }

  async recoveryCodesLeft(memberId: number) {
    return (await this.q('SELECT COUNT(*) AS n FROM recovery_code WHERE member_id = $1', [memberId])).rows[0].n as number;
  }

  async addSecurityEvent(e: Omit<SecurityEventRecord, 'id'>): Promise<SecurityEventRecord> {
    const { rows } = await this.q('INSERT INTO security_event (time, kind, member, actor, address, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [e.time, e.kind, e.member, e.actor, e.address, e.detail]);
    return { id: rows[0].id, ...e };
  }

  async securityEvents(query: { since?: number; limit: number }): Promise<SecurityEventRecord[]> {
    return (await this.q('SELECT * FROM security_event WHERE time >= $1 ORDER BY id LIMIT $2', [query.since ?? 0, query.limit])).rows.map(toSecurityEvent);
  }

  async setting(key: string): Promise<unknown> {
    const r = (await this.q('SELECT json FROM setting WHERE key = $1', [key])).rows[0];
    return r ? JSON.parse(r.json) : null;
  }

  async setSetting(key: string, value: unknown) {
    await this.q('INSERT INTO setting (key, json) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET json = excluded.json', [key, JSON.stringify(value)]);
  }

  async createLine(line: LineRecord) {
    const { memberIds, ...definition } = line;
    await this.transaction(async (c) => {
      await c.query('INSERT INTO line (id, definition) VALUES ($1, $2)', [line.id, JSON.stringify(definition)]);
      await c.query('INSERT INTO line_member (line_id, member_id) SELECT $1, m FROM unnest($2::bigint[]) AS m', [line.id, memberIds]);
      await c.query('SELECT pg_notify($1, $2)', [CHANNEL, this.notice({ kind: 'line', id: line.id })]);
    }, 'BEGIN', `a line ${line.id} already exists`);
  }

  async line(id: string): Promise<LineRecord | null> {
    // Shared by every caller and frozen rather than copied on each read (see SqliteStore.line).
    const hit = this.lines.get(id);
    if (hit) return hit;
    this.feed.start();
    // Cache only what was read while listening, and only if no change to lines was heard during the read.
    const epoch = this.feed.isListening ? this.lineEpoch : null;
    const { rows } = await this.q(`SELECT id, definition, ARRAY(SELECT member_id FROM line_member WHERE line_id = line.id ORDER BY member_id) AS member_ids
      FROM line WHERE id = $1`, [id]);
    if (rows.length === 0) return null;
    const line = deepFreeze(toLine(rows[0]));
    if (epoch !== null && epoch === this.lineEpoch && this.feed.isListening) this.lines.set(id, line);
    return line;
  }

  async listLines() {
    const { rows } = await this.q(`SELECT id, definition, ARRAY(SELECT member_id FROM line_member WHERE line_id = line.id ORDER BY member_id) AS member_ids
      FROM line ORDER BY id COLLATE "C"`);
    return rows.map(toLine);
  }

  async setLineMembers(id: string, memberIds: number[]) {
    this.lines.delete(id);
    this.lineEpoch++;
    await this.transaction(async (c) => {
      await c.query('DELETE FROM line_member WHERE line_id = $1', [id]);
      await c.query('INSERT INTO line_member (line_id, member_id) SELECT $1, m FROM unnest($2::bigint[]) AS m', [id, memberIds]);
      await c.query('SELECT pg_notify($1, $2)', [CHANNEL, this.notice({ kind: 'line', id })]);
    });
  }

  async logs() {
    const { rows } = await this.q('SELECT line_id, party, size FROM log ORDER BY line_id COLLATE "C", party COLLATE "C"');
    return rows.map((r) => ({ line: r.line_id as string, party: r.party as string, size: r.size as number }));
  }

  async logSize(log: LogId) {
    const r = (await this.q('SELECT size FROM log WHERE line_id = $1 AND party = $2', [log.line, log.party])).rows[0];
    return r ? (r.size as number) : 0;
  }

  async commit(commit: Commit) {
    const fence = this.fence;
    // The fence is read in the round trip that begins the transaction; FOR SHARE holds the lease row, so a new
    // leader's epoch bump waits for this commit and every commit after the bump sees it.
    const begin = fence === null ? 'BEGIN' : 'BEGIN; SELECT epoch FROM lease WHERE id = 1 FOR SHARE';
    // Logs this commit creates: their ids are cached only once it has committed.
    const created = new Map<string, number>();
    await this.transaction(async (c, begun) => {
      if (fence !== null) {
        const epoch = begun[begun.length - 1]?.rows[0]?.epoch;
        if (epoch !== fence) throw new HotlineError('unavailable', `this replica no longer holds the lease (it leads epoch ${fence}, the lease is at ${epoch ?? 'none'}): the write goes to the leader`);
      }
      const touched: LogId[] = [...commit.entries, ...commit.checkpoints, ...(commit.cosignatures ?? []), ...(commit.grewFrom ?? [])];
      let ids: Map<string, number>;
      if (commit.grewFrom?.length || commit.sign) {
        const locked = await this.logRows.lock(c, touched, created);
        for (const g of commit.grewFrom ?? []) {
          const size = locked.get(logKey(g))?.size ?? 0;
          if (size !== g.size) throw new HotlineError('conflict', `log ${g.line}/${g.party} is at size ${size}, not ${g.size}: another writer got there first`);
        }
        ids = new Map([...locked].map(([k, v]) => [k, v.id]));
      } else {
        ids = await this.logRows.ids(c, touched, created);
      }
      const signed = commit.sign ? commit.sign() : [];
      const unknown = signed.filter((s) => !ids.has(logKey(s)));
      if (unknown.length) for (const [k, v] of await this.logRows.ids(c, unknown, created)) ids.set(k, v);
      await writeCommit(c, commit, signed, ids, this.id);
    }, begin);
    this.logRows.remember(created);
  }

  async entries(log: LogId, start: number, end: number) {
    const { rows } = await this.q(`SELECT e.bytes FROM entry e JOIN log l ON l.id = e.log_id
      WHERE l.line_id = $1 AND l.party = $2 AND e.seq >= $3 AND e.seq < $4 ORDER BY e.seq`, [log.line, log.party, start, end]);
    return rows.map((r) => r.bytes as Uint8Array);
  }

  async nodes(log: LogId, ids: NodeId[]) {
    const out = new Map<string, Uint8Array>();
    if (ids.length === 0) return out;
    const { rows } = await this.q(`SELECT n.level, n.idx, n.hash FROM node n JOIN log l ON l.id = n.log_id
      JOIN unnest($3::bigint[], $4::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx
      WHERE l.line_id = $1 AND l.party = $2`, [log.line, log.party, ids.map((i) => i.level), ids.map((i) => i.index)]);
    for (const r of rows) out.set(nodeKey({ level: r.level, index: r.idx }), r.hash);
    return out;
  }

  async nodeRange(log: LogId, level: number, start: number, end: number) {
    const { rows } = await this.q(`SELECT n.hash FROM node n JOIN log l ON l.id = n.log_id
      WHERE l.line_id = $1 AND l.party = $2 AND n.level = $3 AND n.idx >= $4 AND n.idx < $5 ORDER BY n.idx`, [log.line, log.party, level, start, end]);
    return rows.map((r) => r.hash as Uint8Array);
  }

  private async oneCheckpoint(log: LogId, condition: string, params: unknown[]): Promise<CheckpointRecord | null> {
    const { rows } = await this.q(`SELECT c.size, c.note FROM checkpoint c JOIN log l ON l.id = c.log_id
      WHERE l.line_id = $1 AND l.party = $2 ${condition} ORDER BY c.size DESC LIMIT 1`, [log.line, log.party, ...params]);
    return rows[0] ? { ...log, size: rows[0].size, note: rows[0].note } : null;
  }

  latestCheckpoint(log: LogId) {
    return this.oneCheckpoint(log, '', []);
  }

  checkpoint(log: LogId, size: number) {
    return this.oneCheckpoint(log, 'AND c.size = $3', [size]);
  }

  checkpointAtMost(log: LogId, size: number) {
    return this.oneCheckpoint(log, 'AND c.size <= $3', [size]);
  }

  async setPeer(peer: PeerRecord) {
    await this.announced('INSERT INTO peer (name, key, urls, pq_key) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET key = excluded.key, urls = excluded.urls, pq_key = excluded.pq_key RETURNING name',
      [peer.name, peer.key, JSON.stringify(peer.urls), peer.pqKey ?? null], { kind: 'peers' });
  }

  async removePeer(name: string) {
    await this.announced('DELETE FROM peer WHERE name = $1 RETURNING name', [name], { kind: 'peers' });
  }

  async listPeers(): Promise<PeerRecord[]> {
    return (await this.q('SELECT * FROM peer ORDER BY name COLLATE "C"')).rows.map((r) => ({ name: r.name, key: r.key, urls: JSON.parse(r.urls), ...(r.pq_key ? { pqKey: r.pq_key } : {}) }));
  }

  async addCosignatures(list: CosignatureRecord[], options: { resent?: boolean } = {}) {
    if (list.length === 0) return;
    let ids: Map<string, number>;
    try {
      ids = await this.logRows.ids(this.pool, list);
    } catch (e) {
      throw storeError(e);
    }
    const id = (c: CosignatureRecord) => ids.get(logKey(c))!;
    const insert = `INSERT INTO cosignature (log_id, size, cosigner, timestamp, signature, pq_signature)
      SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[]) ON CONFLICT DO NOTHING`;
    const params = [list.map(id), list.map((c) => c.size), list.map((c) => c.cosigner), list.map((c) => c.timestamp), list.map((c) => c.signature), list.map((c) => c.pqSignature ?? null)];
    if (!options.resent) {
      await this.q(insert, params);
      return;
    }
    // Asynchronous commit for this transaction only: the server does not wait for its WAL flush.
    await this.transaction((c) => c.query(insert, params), 'BEGIN; SET LOCAL synchronous_commit TO OFF');
  }

  async cosignatures(log: LogId, size?: number): Promise<CosignatureRecord[]> {
    const { rows } = await this.q(`SELECT c.size, c.cosigner, c.timestamp, c.signature, c.pq_signature FROM cosignature c JOIN log l ON l.id = c.log_id
      WHERE l.line_id = $1 AND l.party = $2 AND ($3::bigint IS NULL OR c.size = $3) ORDER BY c.size, c.cosigner COLLATE "C"`, [log.line, log.party, size ?? null]);
    return rows.map((r) => ({ ...log, size: r.size, cosigner: r.cosigner, timestamp: r.timestamp, signature: r.signature, ...(r.pq_signature ? { pqSignature: r.pq_signature } : {}) }));
  }

  async cosignedSizes(log: LogId): Promise<Map<string, number>> {
    const { rows } = await this.q(`SELECT c.cosigner, MAX(c.size) AS size FROM cosignature c JOIN log l ON l.id = c.log_id
      WHERE l.line_id = $1 AND l.party = $2 GROUP BY c.cosigner`, [log.line, log.party]);
    return new Map(rows.map((r) => [r.cosigner as string, r.size as number]));
  }

  async addEvidence(e: EvidenceRecord) {
    await this.q('INSERT INTO evidence (line_id, party, time, kind, detail, material) VALUES ($1, $2, $3, $4, $5, $6)', [e.line, e.party, e.time, e.kind, e.detail, JSON.stringify(e.material)]);
  }

  async listEvidence(): Promise<EvidenceRecord[]> {
    return (await this.q('SELECT * FROM evidence ORDER BY id')).rows.map((r) => ({ line: r.line_id, party: r.party, time: r.time, kind: r.kind, detail: r.detail, material: JSON.parse(r.material) }));
  }

  async addLinkEvent(e: LinkEventRecord) {
    await this.q('INSERT INTO link_event (peer, time, status, endpoint, rtt_ms) VALUES ($1, $2, $3, $4, $5)', [e.peer, e.time, e.status, e.endpoint, e.rttMs]);
  }

  async linkEvents(peer: string, since: number): Promise<LinkEventRecord[]> {
    return (await this.q('SELECT * FROM link_event WHERE peer = $1 AND time >= $2 ORDER BY id', [peer, since])).rows
      .map((r) => ({ peer: r.peer, time: r.time, status: r.status, endpoint: r.endpoint ?? null, rttMs: r.rtt_ms ?? null }));
  }

  async setRoster(line: string, memberIds: number[]) {
    await this.transaction(async (c) => {
      await c.query('DELETE FROM roster WHERE line_id = $1', [line]);
      await c.query('INSERT INTO roster (line_id, position, member_id) SELECT $1, p - 1, m FROM unnest($2::bigint[]) WITH ORDINALITY AS r(m, p)', [line, memberIds]);
    });
  }

  async roster(line: string): Promise<number[]> {
    return (await this.q('SELECT member_id FROM roster WHERE line_id = $1 ORDER BY position', [line])).rows.map((r) => r.member_id);
  }

  async preferences(memberId: number): Promise<Record<string, string>> {
    const r = (await this.q('SELECT json FROM member_preference WHERE member_id = $1', [memberId])).rows[0];
    return r ? JSON.parse(r.json) : {};
  }

  async setPreferences(memberId: number, preferences: Record<string, string>) {
    await this.q('INSERT INTO member_preference (member_id, json) VALUES ($1, $2) ON CONFLICT (member_id) DO UPDATE SET json = excluded.json', [memberId, JSON.stringify(preferences)]);
  }

  async raiseAlarm(a: NewAlarm): Promise<AlarmRecord | null> {
    const r = (await this.q('INSERT INTO alarm (key, kind, line_id, raised_at, subject) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING RETURNING *',
      [a.key, a.kind, a.line, a.raisedAt, JSON.stringify(a.subject)])).rows[0];
    return r ? toAlarm(r) : null;
  }

  async clearAlarm(key: string, c: { at: number; why: string; by: string | null }): Promise<AlarmRecord | null> {
    const r = (await this.q('UPDATE alarm SET cleared_at = $1, cleared_why = $2, cleared_by = $3 WHERE key = $4 AND cleared_at IS NULL RETURNING *', [c.at, c.why, c.by, key])).rows[0];
    return r ? toAlarm(r) : null;
  }

  async acknowledgeAlarm(id: number, ack: { by: string; at: number }): Promise<AlarmRecord | null> {
    const r = (await this.q('UPDATE alarm SET acked_by = COALESCE(acked_by, $1), acked_at = COALESCE(acked_at, $2) WHERE id = $3 RETURNING *', [ack.by, ack.at, id])).rows[0];
    return r ? toAlarm(r) : null;
  }

  async alarm(id: number): Promise<AlarmRecord | null> {
    const r = (await this.q('SELECT * FROM alarm WHERE id = $1', [id])).rows[0];
    return r ? toAlarm(r) : null;
  }

  async alarms(query: { open?: boolean; limit: number }): Promise<AlarmRecord[]> {
    const where = query.open ? 'WHERE acked_at IS NULL AND cleared_at IS NULL ' : '';
    return (await this.q(`SELECT * FROM alarm ${where}ORDER BY id DESC LIMIT $1`, [query.limit])).rows.map(toAlarm);
  }

  async saveReadoutDraft(d: ReadoutDraftRecord) {
    await this.q(`INSERT INTO readout_draft (line_id, call, text, lang, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (line_id, call) DO UPDATE SET text = excluded.text, lang = excluded.lang, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    [d.line, d.call, d.text, d.lang, d.updatedBy, d.updatedAt]);
  }

  async readoutDraft(line: string, call: string): Promise<ReadoutDraftRecord | null> {
    const r = (await this.q('SELECT * FROM readout_draft WHERE line_id = $1 AND call = $2', [line, call])).rows[0];
    return r ? { line: r.line_id, call: r.call, text: r.text, lang: r.lang ?? null, updatedBy: r.updated_by, updatedAt: r.updated_at } : null;
  }

  async removeReadoutDraft(line: string, call: string) {
    await this.q('DELETE FROM readout_draft WHERE line_id = $1 AND call = $2', [line, call]);
  }

  async addTicket(hash: Uint8Array, t: TicketRecord) {
    await this.q('INSERT INTO ticket (hash, member_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [hash, t.memberId, t.tokenHash, t.expiresAt], 'that ticket already exists');
  }

  async takeTicket(hash: Uint8Array, now: number): Promise<TicketRecord | null> {
    // The two deletes touch disjoint rows (expired, and this one if not expired); whichever replica deletes it first has it.
    const { rows } = await this.q(`WITH expired AS (DELETE FROM ticket WHERE expires_at < $2)
      DELETE FROM ticket WHERE hash = $1 AND expires_at >= $2 RETURNING member_id, token_hash, expires_at`, [hash, now]);
    const r = rows[0];
    return r ? { memberId: r.member_id, tokenHash: r.token_hash, expiresAt: r.expires_at } : null;
  }

  async announce(change: StoreChange) {
    const notice = this.notice(change);
    if (Buffer.byteLength(notice) <= NOTIFY_LIMIT) {
      await this.q('SELECT pg_notify($1, $2)', [CHANNEL, notice]);
      return;
    }
    // Too large for a notification: the row carries it, the notification its id; old rows are swept as new ones come.
    await this.q(`WITH swept AS (DELETE FROM broadcast WHERE created_at < now() - ${BROADCAST_KEEP}),
      b AS (INSERT INTO broadcast (payload) VALUES ($1) RETURNING id)
      SELECT pg_notify('${CHANNEL}', json_build_object('from', $2::text, 'kind', 'broadcast', 'id', b.id)::text) FROM b`, [notice, this.id]);
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    this.feed.start();
    return () => void this.listeners.delete(listener);
  }

  async close() {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.feed.stop();
    await this.pool.end().catch(() => {});
  }
}

function toLine(r: Row): LineRecord {
  const definition = JSON.parse(r.definition) as Line;
  return { ...definition, memberIds: (r.member_ids as Array<string | number>).map(Number) };
}
