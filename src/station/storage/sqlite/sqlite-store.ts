import type Database from 'better-sqlite3';
import { openDatabase } from './open-database.ts';
import type { Line } from '../../../core/line.ts';
import { nodeKey, type NodeId } from '../../../core/merkle/node.ts';
import type { Role } from '../../../core/role.ts';
import type { CheckpointRecord, Commit, CosignatureRecord, CredentialRecord, EvidenceRecord, LineRecord, LinkEventRecord, LogId, MemberRecord, PeerRecord, ReadoutDraftRecord, Store } from '../store.ts';
import { schema } from './schema.ts';

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

  constructor(path: string) {
    this.db = openDatabase(path, schema);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      addMember: p('INSERT INTO member (name, role, password_hash, created_at, disabled) VALUES (?, ?, ?, ?, ?)'),
      memberByName: p('SELECT * FROM member WHERE name = ?'),
      memberById: p('SELECT * FROM member WHERE id = ?'),
      listMembers: p('SELECT * FROM member ORDER BY id'),
      addCredential: p('INSERT INTO credential (token_hash, member_id, kind, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      credential: p('SELECT * FROM credential WHERE token_hash = ?'),
      removeCredential: p('DELETE FROM credential WHERE token_hash = ?'),
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
      setPeer: p('INSERT INTO peer (name, key, urls) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET key = excluded.key, urls = excluded.urls'),
      removePeer: p('DELETE FROM peer WHERE name = ?'),
      peers: p('SELECT * FROM peer ORDER BY name'),
      addCosignature: p('INSERT OR IGNORE INTO cosignature (log_id, size, cosigner, timestamp, signature) VALUES (?, ?, ?, ?, ?)'),
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
    const info = this.s.addMember.run(m.name, m.role, m.passwordHash, m.createdAt, m.disabled ? 1 : 0);
    return { ...m, id: Number(info.lastInsertRowid) };
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

  async updateMember(id: number, change: Partial<Pick<MemberRecord, 'role' | 'passwordHash' | 'disabled'>>) {
    const sets: string[] = [];
    const values: unknown[] = [];
    if (change.role !== undefined) sets.push('role = ?'), values.push(change.role);
    if (change.passwordHash !== undefined) sets.push('password_hash = ?'), values.push(change.passwordHash);
    if (change.disabled !== undefined) sets.push('disabled = ?'), values.push(change.disabled ? 1 : 0);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE member SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  async addCredential(tokenHash: Uint8Array, c: CredentialRecord) {
    this.s.addCredential.run(tokenHash, c.memberId, c.kind, c.label, c.createdAt, c.expiresAt);
  }

  async credential(tokenHash: Uint8Array): Promise<CredentialRecord | null> {
    const r = this.s.credential.get(tokenHash) as Row | undefined;
    if (!r) return null;
    return { memberId: r.member_id, kind: r.kind, label: r.label, createdAt: r.created_at, expiresAt: r.expires_at ?? null };
  }

  async removeCredential(tokenHash: Uint8Array) {
    this.s.removeCredential.run(tokenHash);
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
    if (hit) return structuredClone(hit);
    const r = this.s.line.get(id) as Row | undefined;
    if (!r) return null;
    const line = this.toLine(r);
    this.lines.set(id, line);
    return structuredClone(line);
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
      const sizes = new Map<number, number>();
      for (const e of commit.entries) {
        const id = this.logId(e, true)!;
        this.s.addEntry.run(id, e.seq, e.bytes);
        for (const n of e.nodes) this.s.addNode.run(id, n.level, n.index, n.hash);
        sizes.set(id, Math.max(sizes.get(id) ?? 0, e.seq + 1));
      }
      for (const [id, size] of sizes) this.s.setLogSize.run(size, id);
      for (const c of commit.checkpoints) this.s.addCheckpoint.run(this.logId(c, true)!, c.size, c.note);
      for (const c of commit.cosignatures ?? []) this.s.addCosignature.run(this.logId(c, true)!, c.size, c.cosigner, c.timestamp, c.signature);
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
    this.s.setPeer.run(peer.name, peer.key, JSON.stringify(peer.urls));
  }

  async removePeer(name: string) {
    this.s.removePeer.run(name);
  }

  async listPeers(): Promise<PeerRecord[]> {
    return (this.s.peers.all() as Row[]).map((r) => ({ name: r.name, key: r.key, urls: JSON.parse(r.urls) }));
  }

  async addCosignatures(list: CosignatureRecord[]) {
    this.db.transaction(() => {
      for (const c of list) this.s.addCosignature.run(this.logId(c, true)!, c.size, c.cosigner, c.timestamp, c.signature);
    })();
  }

  async cosignatures(log: LogId, size?: number): Promise<CosignatureRecord[]> {
    const id = this.logId(log);
    if (id === undefined) return [];
    const rows = (size === undefined ? this.s.cosignatures.all(id) : this.s.cosignaturesAt.all(id, size)) as Row[];
    return rows.map((r) => ({ ...log, size: r.size, cosigner: r.cosigner, timestamp: r.timestamp, signature: r.signature }));
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

  async close() {
    if (this.db.open) this.db.close();
  }
}

function toMember(r: Row | undefined): MemberRecord | null {
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    role: r.role as Role,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    disabled: r.disabled === 1,
  };
}
