import type Database from 'better-sqlite3';
import { openDatabase } from './open-database.ts';
import type { Line } from '../../../core/line.ts';
import { nodeKey, type NodeId } from '../../../core/merkle/node.ts';
import { HotlineError } from '../../../core/errors.ts';
import type {
  AlarmRecord, CheckpointRecord, Commit, CosignatureRecord, CredentialRecord, EvidenceRecord, LineRecord, LinkEventRecord, LogId, MemberRecord, PasskeyRecord, PeerRecord, ReadoutDraftRecord,
  NewAlarm, SecurityEventRecord, Store, StoreChange, StoredCredential, TicketRecord, TotpRecord,
} from '../store.ts';
import { migrations, schema, SCHEMA_VERSION } from './schema.ts';
import { deepFreeze, toAlarm, toCredential, toMember } from '../rows.ts';

type Row = Record<string, any>;

/**
 * The embedded default. WAL with synchronous=FULL: a commit is on disk when it
 * returns. better-sqlite3 is synchronous, so a commit holds the event loop for
 * one fsync while further requests queue up and form the next group commit.
 */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  private readonly logIds = new Map<string, number>();
  // Every request reads its line; lines change only through this store, so a cache is safe here.
  private readonly lines = new Map<string, LineRecord>();
  private readonly s: Record<string, Database.Statement>;
  /** The schema version the file had before this open migrated it (`hotline migrate` reports it). */
  readonly migratedFrom: number;

  constructor(path: string) {
    this.db = openDatabase(path, schema);
    this.migratedFrom = migrate(this.db);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      addMember: p('INSERT INTO member (name, role, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?)'),
      memberByName: p('SELECT * FROM member WHERE name = ?'),
      memberById: p('SELECT * FROM member WHERE id = ?'),
      listMembers: p('SELECT * FROM member ORDER BY id'),
      addCredential: p('INSERT INTO credential (token_hash, member_id, kind, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      credential: p('SELECT * FROM credential WHERE token_hash = ?'),
      removeCredential: p('DELETE FROM credential WHERE token_hash = ?'),
      credentials: p('SELECT * FROM credential ORDER BY created_at'),
      memberCredentials: p('SELECT * FROM credential WHERE member_id = ? ORDER BY created_at'),
      touchCredential: p('UPDATE credential SET last_used_at = ? WHERE token_hash = ?'),
      totp: p('SELECT * FROM totp WHERE member_id = ?'),
      setTotp: p('INSERT OR REPLACE INTO totp (member_id, secret, confirmed_at, last_step) VALUES (?, ?, ?, ?)'),
      removeTotp: p('DELETE FROM totp WHERE member_id = ?'),
      advanceTotp: p('UPDATE totp SET last_step = ? WHERE member_id = ? AND last_step < ?'),
      addPasskey: p('INSERT INTO passkey (id, member_id, public_key, counter, transports, label, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      passkeys: p('SELECT * FROM passkey WHERE member_id = ? ORDER BY created_at'),
      passkeyUsed: p('UPDATE passkey SET counter = ?, last_used_at = ? WHERE id = ?'),
      removePasskey: p('DELETE FROM passkey WHERE member_id = ? AND id = ?'),
      clearRecovery: p('DELETE FROM recovery_code WHERE member_id = ?'),
      addRecovery: p('INSERT OR IGNORE INTO recovery_code (member_id, code_hash) VALUES (?, ?)'),
      useRecovery: p('DELETE FROM recovery_code WHERE member_id = ? AND code_hash = ?'),
      recoveryLeft: p('SELECT COUNT(*) AS n FROM recovery_code WHERE member_id = ?'),
      addSecurityEvent: p('INSERT INTO security_event (time, kind, member, actor, address, detail) VALUES (?, ?, ?, ?, ?, ?)'),
      securityEvents: p('SELECT * FROM security_event WHERE time >= ? ORDER BY id LIMIT ?'),
      setting: p('SELECT json FROM setting WHERE key = ?'),
      setSetting: p('INSERT OR REPLACE INTO setting (key, json) VALUES (?, ?)'),
      addLine: p('INSERT INTO line (id, definition) VALUES (?, ?)'),
      line: p('SELECT * FROM line WHERE id = ?'),
      lines: p('SELECT * FROM line ORDER BY id'),
      lineMembers: p('SELECT member_id FROM line_member WHERE line_id = ? ORDER BY member_id'),
      clearLineMembers: p('DELETE FROM line_member WHERE line_id = ?'),
      addLineMember: p('INSERT INTO line_member (line_id, member_id) VALUES (?, ?)'),
      logs: p('SELECT line_id, party, size FROM log ORDER BY line_id, party'),
      logId: p('SELECT id FROM log WHERE line_id = ? AND party = ?'),
      addLog: p('INSERT INTO log (line_id, party) VALUES (?, ?)'),
      logSize: p('SELECT size FROM log WHERE id = ?'),
      setLogSize: p('UPDATE log SET size = MAX(size, ?) WHERE id = ?'),
      addEntry: p('INSERT INTO entry (log_id, seq, bytes) VALUES (?, ?, ?)'),
      addNode: p('INSERT INTO node (log_id, level, idx, hash) VALUES (?, ?, ?, ?)'),
      addCheckpoint: p('INSERT OR REPLACE INTO checkpoint (log_id, size, note) VALUES (?, ?, ?)'),
      entries: p('SELECT bytes FROM entry WHERE log_id = ? AND seq >= ? AND seq < ? ORDER BY seq'),
      node: p('SELECT hash FROM node WHERE log_id = ? AND level = ? AND idx = ?'),
      nodeRange: p('SELECT hash FROM node WHERE log_id = ? AND level = ? AND idx >= ? AND idx < ? ORDER BY idx'),
      latestCheckpoint: p('SELECT size, note FROM checkpoint WHERE log_id = ? ORDER BY size DESC LIMIT 1'),
      checkpoint: p('SELECT size, note FROM checkpoint WHERE log_id = ? AND size = ?'),
      checkpointAtMost: p('SELECT size, note FROM checkpoint WHERE log_id = ? AND size <= ? ORDER BY size DESC LIMIT 1'),
      setPeer: p('INSERT INTO peer (name, key, urls, pq_key) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET key = excluded.key, urls = excluded.urls, pq_key = excluded.pq_key'),
      removePeer: p('DELETE FROM peer WHERE name = ?'),
      peers: p('SELECT * FROM peer ORDER BY name'),
      addCosignature: p('INSERT OR IGNORE INTO cosignature (log_id, size, cosigner, timestamp, signature, pq_signature) VALUES (?, ?, ?, ?, ?, ?)'),
      cosignatures: p('SELECT * FROM cosignature WHERE log_id = ? ORDER BY size, cosigner'),
      cosignaturesAt: p('SELECT * FROM cosignature WHERE log_id = ? AND size = ? ORDER BY cosigner'),
      cosignedSizes: p('SELECT cosigner, MAX(size) AS size FROM cosignature WHERE log_id = ? GROUP BY cosigner'),
      addEvidence: p('INSERT INTO evidence (line_id, party, time, kind, detail, material) VALUES (?, ?, ?, ?, ?, ?)'),
      evidence: p('SELECT * FROM evidence ORDER BY id'),
      addLinkEvent: p('INSERT INTO link_event (peer, time, status, endpoint, rtt_ms) VALUES (?, ?, ?, ?, ?)'),
      linkEvents: p('SELECT * FROM link_event WHERE peer = ? AND time >= ? ORDER BY id'),
      clearRoster: p('DELETE FROM roster WHERE line_id = ?'),
      preferences: p('SELECT json FROM member_preference WHERE member_id = ?'),
      setPreferences: p('INSERT OR REPLACE INTO member_preference (member_id, json) VALUES (?, ?)'),
      addRoster: p('INSERT INTO roster (line_id, position, member_id) VALUES (?, ?, ?)'),
      roster: p('SELECT member_id FROM roster WHERE line_id = ? ORDER BY position'),
      saveDraft: p('INSERT OR REPLACE INTO readout_draft (line_id, call, text, lang, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      draft: p('SELECT * FROM readout_draft WHERE line_id = ? AND call = ?'),
      removeDraft: p('DELETE FROM readout_draft WHERE line_id = ? AND call = ?'),
      raiseAlarm: p('INSERT OR IGNORE INTO alarm (key, kind, line_id, raised_at, subject) VALUES (?, ?, ?, ?, ?) RETURNING *'),
      clearAlarm: p('UPDATE alarm SET cleared_at = ?, cleared_why = ?, cleared_by = ? WHERE key = ? AND cleared_at IS NULL RETURNING *'),
      acknowledgeAlarm: p('UPDATE alarm SET acked_by = COALESCE(acked_by, ?), acked_at = COALESCE(acked_at, ?) WHERE id = ? RETURNING *'),
      alarm: p('SELECT * FROM alarm WHERE id = ?'),
      alarms: p('SELECT * FROM alarm ORDER BY id DESC LIMIT ?'),
      openAlarms: p('SELECT * FROM alarm WHERE acked_at IS NULL AND cleared_at IS NULL ORDER BY id DESC LIMIT ?'),
      addTicket: p('INSERT INTO ticket (hash, member_id, token_hash, expires_at) VALUES (?, ?, ?, ?)'),
      dropExpiredTickets: p('DELETE FROM ticket WHERE expires_at < ?'),
      takeTicket: p('DELETE FROM ticket WHERE hash = ? RETURNING member_id, token_hash, expires_at'),
    };
  }

  private logId(log: LogId, create = false): number | undefined {
    const key = `${log.line}\n${log.party}`;
    let id = this.logIds.get(key);
    if (id !== undefined) return id;
    const row = this.s.logId.get(log.line, log.party) as Row | undefined;
    if (row) id = row.id as number;
    else if (create) id = Number(this.s.addLog.run(log.line, log.party).lastInsertRowid);
    if (id !== undefined) this.logIds.set(key, id);
    return id;
  }

  async addMember(m: Omit<MemberRecord, 'id'>): Promise<MemberRecord> {
    try {
      const info = this.s.addMember.run(m.name, m.role, m.passwordHash, m.createdAt, m.disabled ? 1 : 0);
      return { lockedUntil: null, ...m, id: Number(info.lastInsertRowid) };
    } catch (e) {
      // Two requests for the same new name race past the route's check; the UNIQUE index decides.
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new HotlineError('conflict', `a member named ${m.name} already exists`);
      throw e;
    }
  }

  async memberByName(name: string) {
    return toMember(this.s.memberByName.get(name) as Row | undefined);
  }

  async memberById(id: number) {
    return toMember(this.s.memberById.get(id) as Row | undefined);
  }

  async listMembers() {
    return (this.s.listMembers.all() as Row[]).map((r) => toMember(r)!);
  }

  async updateMember(id: number, change: Partial<Pick<MemberRecord, 'role' | 'passwordHash' | 'disabled' | 'lockedUntil'>>) {
    const sets: string[] = [];
    const values: unknown[] = [];
    if (change.role !== undefined) sets.push('role = ?'), values.push(change.role);
    if (change.passwordHash !== undefined) sets.push('password_hash = ?'), values.push(change.passwordHash);
    if (change.disabled !== undefined) sets.push('disabled = ?'), values.push(change.disabled ? 1 : 0);
    if (change.lockedUntil !== undefined) sets.push('locked_until = ?'), values.push(change.lockedUntil);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE member SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async addCredential(tokenHash: Uint8Array, c: CredentialRecord) {
    this.s.addCredential.run(tokenHash, c.memberId, c.kind, c.label, c.createdAt, c.expiresAt);
  }

  async credential(tokenHash: Uint8Array): Promise<CredentialRecord | null> {
    const r = this.s.credential.get(tokenHash) as Row | undefined;
    if (!r) return null;
    return toCredential(r);
  }

  async removeCredential(tokenHash: Uint8Array) {
    this.s.removeCredential.run(tokenHash);
  }

  async credentials(memberId?: number): Promise<StoredCredential[]> {
    const rows = (memberId === undefined ? this.s.credentials.all() : this.s.memberCredentials.all(memberId)) as Row[];
    return rows.map((r) => ({ ...toCredential(r), tokenHash: new Uint8Array(r.token_hash) }));
  }

  async touchCredential(tokenHash: Uint8Array, time: number) {
    this.s.touchCredential.run(time, tokenHash);
  }

  async totp(memberId: number): Promise<TotpRecord | null> {
    const r = this.s.totp.get(memberId) as Row | undefined;
    return r ? { secret: r.secret, confirmedAt: r.confirmed_at ?? null, lastStep: r.last_step } : null;
  }

  async setTotp(memberId: number, totp: TotpRecord | null) {
    if (totp) this.s.setTotp.run(memberId, totp.secret, totp.confirmedAt, totp.lastStep);
    else this.s.removeTotp.run(memberId);
  }

  async advanceTotpStep(memberId: number, step: number) {
    return this.s.advanceTotp.run(step, memberId, step).changes === 1;
  }

  async addPasskey(k: PasskeyRecord) {
    this.s.addPasskey.run(k.id, k.memberId, k.publicKey, k.counter, JSON.stringify(k.transports), k.label, k.createdAt, k.lastUsedAt);
  }

  async passkeys(memberId: number): Promise<PasskeyRecord[]> {
    return (this.s.passkeys.all(memberId) as Row[]).map((r) => ({
      id: r.id, memberId: r.member_id, publicKey: new Uint8Array(r.public_key), counter: r.counter, transports: JSON.parse(r.transports),
      label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at ?? null,
    }));
  }

  async passkeyUsed(id: string, counter: number, time: number) {
    this.s.passkeyUsed.run(counter, time, id);
  }

  async removePasskey(memberId: number, id: string) {
    return this.s.removePasskey.run(memberId, id).changes === 1;
  }

  async setRecoveryCodes(memberId: number, hashes: Uint8Array[]) {
    this.db.transaction(() => {
      this.s.clearRecovery.run(memberId);
      for (const h of hashes) this.s.addRecovery.run(memberId, h);
    })();
  }

  async useRecoveryCode(memberId: number, hash: Uint8Array) {
    return this.s.useRecovery.run(memberId, hash).changes === 1;
  }

  async recoveryCodesLeft(memberId: number) {
    return (this.s.recoveryLeft.get(memberId) as Row).n as number;
  }

  async addSecurityEvent(e: Omit<SecurityEventRecord, 'id'>): Promise<SecurityEventRecord> {
    const info = this.s.addSecurityEvent.run(e.time, e.kind, e.member, e.actor, e.address, e.detail);
    return { id: Number(info.lastInsertRowid), ...e };
  }

  async securityEvents(query: { since?: number; limit: number }): Promise<SecurityEventRecord[]> {
    return (this.s.securityEvents.all(query.since ?? 0, query.limit) as Row[]).map((r) => ({
      id: r.id, time: r.time, kind: r.kind, member: r.member ?? null, actor: r.actor ?? null, address: r.address ?? null, detail: r.detail,
    }));
  }

  async setting(key: string): Promise<unknown> {
    const r = this.s.setting.get(key) as Row | undefined;
    return r ? JSON.parse(r.json) : null;
  }

  async setSetting(key: string, value: unknown) {
    this.s.setSetting.run(key, JSON.stringify(value));
  }

  async createLine(line: LineRecord) {
    const { memberIds, ...definition } = line;
    this.db.transaction(() => {
      this.s.addLine.run(line.id, JSON.stringify(definition));
      for (const id of memberIds) this.s.addLineMember.run(line.id, id);
    })();
  }

  async line(id: string): Promise<LineRecord | null> {
    const hit = this.lines.get(id);
    if (hit) return hit;
    const r = this.s.line.get(id) as Row | undefined;
    if (!r) return null;
    // Shared by every caller and frozen, not copied per call (appends read their line on every request): a caller that
    // tried to change it would throw rather than change the cache under the others.
    const line = deepFreeze(this.toLine(r));
    this.lines.set(id, line);
    return line;
  }

  async listLines() {
    return (this.s.lines.all() as Row[]).map((r) => this.toLine(r));
  }

  async setLineMembers(id: string, memberIds: number[]) {
    this.lines.delete(id);
    this.db.transaction(() => {
      this.s.clearLineMembers.run(id);
      for (const m of memberIds) this.s.addLineMember.run(id, m);
    })();
  }

  private toLine(r: Row): LineRecord {
    const definition = JSON.parse(r.definition) as Line;
    const memberIds = (this.s.lineMembers.all(r.id) as Row[]).map((m) => m.member_id as number);
    return { ...definition, memberIds };
  }

  async logs() {
    return (this.s.logs.all() as Row[]).map((r) => ({ line: r.line_id as string, party: r.party as string, size: r.size as number }));
  }

  async logSize(log: LogId) {
    const id = this.logId(log);
    if (id === undefined) return 0;
    return (this.s.logSize.get(id) as Row).size as number;
  }

  async commit(commit: Commit) {
    this.db.transaction(() => {
      // Inside the write transaction: a stale view fails here, and a writer in another process that moved
      // the file on since this transaction's snapshot makes it fail with SQLITE_BUSY instead of forking.
      for (const g of commit.grewFrom ?? []) {
        const id = this.logId(g);
        const size = id === undefined ? 0 : ((this.s.logSize.get(id) as Row).size as number);
        if (size !== g.size) throw new HotlineError('conflict', `log ${g.line}/${g.party} is at size ${size}, not ${g.size}: another writer got there first`);
      }
      const sizes = new Map<number, number>();
      for (const e of commit.entries) {
        const id = this.logId(e, true)!;
        this.s.addEntry.run(id, e.seq, e.bytes);
        for (const n of e.nodes) this.s.addNode.run(id, n.level, n.index, n.hash);
        sizes.set(id, Math.max(sizes.get(id) ?? 0, e.seq + 1));
      }
      for (const [id, size] of sizes) this.s.setLogSize.run(size, id);
      const signed = commit.sign ? commit.sign() : [];
      for (const c of [...commit.checkpoints, ...signed]) this.s.addCheckpoint.run(this.logId(c, true)!, c.size, c.note);
      for (const c of commit.cosignatures ?? []) this.s.addCosignature.run(this.logId(c, true)!, c.size, c.cosigner, c.timestamp, c.signature, c.pqSignature ?? null);
    })();
  }

  async entries(log: LogId, start: number, end: number) {
    const id = this.logId(log);
    if (id === undefined) return [];
    return (this.s.entries.all(id, start, end) as Row[]).map((r) => new Uint8Array(r.bytes));
  }

  async nodes(log: LogId, ids: NodeId[]) {
    const out = new Map<string, Uint8Array>();
    const id = this.logId(log);
    if (id === undefined) return out;
    for (const n of ids) {
      const r = this.s.node.get(id, n.level, n.index) as Row | undefined;
      if (r) out.set(nodeKey(n), new Uint8Array(r.hash));
    }
    return out;
  }

  async nodeRange(log: LogId, level: number, start: number, end: number) {
    const id = this.logId(log);
    if (id === undefined) return [];
    return (this.s.nodeRange.all(id, level, start, end) as Row[]).map((r) => new Uint8Array(r.hash));
  }

  async latestCheckpoint(log: LogId): Promise<CheckpointRecord | null> {
    const id = this.logId(log);
    if (id === undefined) return null;
    const r = this.s.latestCheckpoint.get(id) as Row | undefined;
    return r ? { ...log, size: r.size, note: r.note } : null;
  }

  async checkpoint(log: LogId, size: number): Promise<CheckpointRecord | null> {
    const id = this.logId(log);
    if (id === undefined) return null;
    const r = this.s.checkpoint.get(id, size) as Row | undefined;
    return r ? { ...log, size: r.size, note: r.note } : null;
  }

  async checkpointAtMost(log: LogId, size: number): Promise<CheckpointRecord | null> {
    const id = this.logId(log);
    if (id === undefined) return null;
    const r = this.s.checkpointAtMost.get(id, size) as Row | undefined;
    return r ? { ...log, size: r.size, note: r.note } : null;
  }

  async setPeer(peer: PeerRecord) {
    this.s.setPeer.run(peer.name, peer.key, JSON.stringify(peer.urls), peer.pqKey ?? null);
  }

  async removePeer(name: string) {
    this.s.removePeer.run(name);
  }

  async listPeers(): Promise<PeerRecord[]> {
    return (this.s.peers.all() as Row[]).map((r) => ({ name: r.name, key: r.key, urls: JSON.parse(r.urls), ...(r.pq_key ? { pqKey: r.pq_key } : {}) }));
  }

  async addCosignatures(list: CosignatureRecord[], options: { resent?: boolean } = {}) {
    const add = this.db.transaction(() => {
      for (const c of list) this.s.addCosignature.run(this.logId(c, true)!, c.size, c.cosigner, c.timestamp, c.signature, c.pqSignature ?? null);
    });
    if (!options.resent) return add();
    // Written to the WAL without an fsync: the next synchronous=FULL commit syncs it with its own.
    this.db.pragma('synchronous = NORMAL');
    try {
      add();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async cosignatures(log: LogId, size?: number): Promise<CosignatureRecord[]> {
    const id = this.logId(log);
    if (id === undefined) return [];
    const rows = (size === undefined ? this.s.cosignatures.all(id) : this.s.cosignaturesAt.all(id, size)) as Row[];
    return rows.map((r) => ({ ...log, size: r.size, cosigner: r.cosigner, timestamp: r.timestamp, signature: r.signature, ...(r.pq_signature ? { pqSignature: r.pq_signature } : {}) }));
  }

  async cosignedSizes(log: LogId): Promise<Map<string, number>> {
    const id = this.logId(log);
    if (id === undefined) return new Map();
    return new Map((this.s.cosignedSizes.all(id) as Row[]).map((r) => [r.cosigner as string, r.size as number]));
  }

  async addEvidence(e: EvidenceRecord) {
    this.s.addEvidence.run(e.line, e.party, e.time, e.kind, e.detail, JSON.stringify(e.material));
  }

  async listEvidence(): Promise<EvidenceRecord[]> {
    return (this.s.evidence.all() as Row[]).map((r) => ({ line: r.line_id, party: r.party, time: r.time, kind: r.kind, detail: r.detail, material: JSON.parse(r.material) }));
  }

  async addLinkEvent(e: LinkEventRecord) {
    this.s.addLinkEvent.run(e.peer, e.time, e.status, e.endpoint, e.rttMs);
  }

  async setRoster(line: string, memberIds: number[]) {
    this.db.transaction(() => {
      this.s.clearRoster.run(line);
      memberIds.forEach((id, i) => this.s.addRoster.run(line, i, id));
    })();
  }

  async roster(line: string): Promise<number[]> {
    return (this.s.roster.all(line) as Row[]).map((r) => r.member_id);
  }

  async preferences(memberId: number): Promise<Record<string, string>> {
    const r = this.s.preferences.get(memberId) as Row | undefined;
    return r ? JSON.parse(r.json) : {};
  }

  async setPreferences(memberId: number, preferences: Record<string, string>) {
    this.s.setPreferences.run(memberId, JSON.stringify(preferences));
  }

  async raiseAlarm(a: NewAlarm): Promise<AlarmRecord | null> {
    const r = this.s.raiseAlarm.get(a.key, a.kind, a.line, a.raisedAt, JSON.stringify(a.subject)) as Row | undefined;
    return r ? toAlarm(r) : null;
  }

  async clearAlarm(key: string, c: { at: number; why: string; by: string | null }): Promise<AlarmRecord | null> {
    const r = this.s.clearAlarm.get(c.at, c.why, c.by, key) as Row | undefined;
    return r ? toAlarm(r) : null;
  }

  async acknowledgeAlarm(id: number, ack: { by: string; at: number }): Promise<AlarmRecord | null> {
    const r = this.s.acknowledgeAlarm.get(ack.by, ack.at, id) as Row | undefined;
    return r ? toAlarm(r) : null;
  }

  async alarm(id: number): Promise<AlarmRecord | null> {
    const r = this.s.alarm.get(id) as Row | undefined;
    return r ? toAlarm(r) : null;
  }

  async alarms(query: { open?: boolean; limit: number }): Promise<AlarmRecord[]> {
    return ((query.open ? this.s.openAlarms : this.s.alarms).all(query.limit) as Row[]).map(toAlarm);
  }

  async saveReadoutDraft(d: ReadoutDraftRecord) {
    this.s.saveDraft.run(d.line, d.call, d.text, d.lang, d.updatedBy, d.updatedAt);
  }

  async readoutDraft(line: string, call: string): Promise<ReadoutDraftRecord | null> {
    const r = this.s.draft.get(line, call) as Row | undefined;
    return r ? { line: r.line_id, call: r.call, text: r.text, lang: r.lang ?? null, updatedBy: r.updated_by, updatedAt: r.updated_at } : null;
  }

  async removeReadoutDraft(line: string, call: string) {
    this.s.removeDraft.run(line, call);
  }

  async linkEvents(peer: string, since: number): Promise<LinkEventRecord[]> {
    return (this.s.linkEvents.all(peer, since) as Row[]).map((r) => ({ peer: r.peer, time: r.time, status: r.status, endpoint: r.endpoint ?? null, rttMs: r.rtt_ms ?? null }));
  }

  async addTicket(hash: Uint8Array, t: TicketRecord) {
    try {
      this.s.addTicket.run(hash, t.memberId, t.tokenHash, t.expiresAt);
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new HotlineError('conflict', 'that ticket already exists');
      throw e;
    }
  }

  async takeTicket(hash: Uint8Array, now: number): Promise<TicketRecord | null> {
    return this.db.transaction(() => {
      this.s.dropExpiredTickets.run(now);
      const r = this.s.takeTicket.get(hash) as Row | undefined;
      return r ? { memberId: r.member_id as number, tokenHash: new Uint8Array(r.token_hash), expiresAt: r.expires_at as number } : null;
    })();
  }

  // One process owns the file: there is nobody to tell and nobody to hear.
  async announce(_change: StoreChange) {}

  onChange(_listener: (change: StoreChange) => void): () => void {
    return () => {};
  }

  changesHeard() {
    return true;
  }

  async close() {
    if (this.db.open) this.db.close();
  }
}

/** Brings a database made by an older version to SCHEMA_VERSION, in one transaction; returns the version it had. */
function migrate(db: Database.Database): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version >= SCHEMA_VERSION) return version;
  db.transaction(() => {
    for (const m of migrations) {
      if (m.to <= version) continue;
      for (const [table, column, definition] of m.columns) {
        const present = (db.prepare(`PRAGMA table_info(${table})`).all() as Row[]).some((c) => c.name === column);
        if (!present) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
      }
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return version;
}
