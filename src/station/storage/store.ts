import type { LinkStatus } from '../../core/link/status.ts';
import type { Line } from '../../core/line.ts';
import type { NodeId } from '../../core/merkle/node.ts';
import type { Role } from '../../core/role.ts';

// Every storage adapter (SQLite now, PostgreSQL for HA) implements this and
// passes the one suite in store.suite.ts. Methods are async so that a
// networked database fits; the SQLite adapter simply resolves at once.

export interface MemberRecord {
  id: number;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  disabled: boolean;
  /** Locked after repeated sign-in failures until this time (ms), unless an admin unlocks it. */
  lockedUntil?: number | null;
}

export type CredentialKind = 'session' | 'token';

export interface CredentialRecord {
  memberId: number;
  kind: CredentialKind;
  label: string;
  createdAt: number;
  expiresAt: number | null;
  /** Last request made with it, kept to within a minute (the idle timeout reads it). */
  lastUsedAt?: number | null;
}

/** A credential as listed: its row, with the hash that keys it. */
export interface StoredCredential extends CredentialRecord {
  tokenHash: Uint8Array;
}

/** A member's TOTP (RFC 6238) secret; active once confirmed with a code. */
export interface TotpRecord {
  /** Base32, as the authenticator app holds it. */
  secret: string;
  confirmedAt: number | null;
  /** The last time step a code was accepted for: a code is never accepted twice. */
  lastStep: number;
}

/** A registered WebAuthn credential (passkey). */
export interface PasskeyRecord {
  /** The credential id, base64url. */
  id: string;
  memberId: number;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** One line of the security log: who signed in, failed, was locked, changed what. */
export interface SecurityEventRecord {
  id: number;
  time: number;
  kind: string;
  /** The member it is about, by name. */
  member: string | null;
  /** The member who did it, when someone else did (an admin), by name. */
  actor: string | null;
  /** The network address the request came from. */
  address: string | null;
  detail: string;
}

export interface LineRecord extends Line {
  /** Members of this station named on the line. */
  memberIds: number[];
}

export interface LogId {
  line: string;
  party: string;
}

/** One entry appended in a commit: its bytes and the tree nodes it completed. */
export interface AppendedEntry extends LogId {
  seq: number;
  bytes: Uint8Array;
  nodes: Array<NodeId & { hash: Uint8Array }>;
}

export interface CheckpointRecord extends LogId {
  size: number;
  /** The signed note, as served. */
  note: string;
}

export interface Commit {
  entries: AppendedEntry[];
  checkpoints: CheckpointRecord[];
  /** Our own receipts for the checkpoints just stored, made durable with them. */
  cosignatures?: CosignatureRecord[];
  /**
   * Compare-and-set: each named log's stored size must still be this when the
   * transaction runs, or the commit rejects with a `conflict` HotlineError and
   * writes nothing. Two writers that both believe they lead can therefore
   * never store (and sign) two different trees of one size.
   */
  grewFrom?: Array<LogId & { size: number }>;
  /**
   * Own checkpoints, signed inside the transaction once `grewFrom` and the
   * lease's fence hold, and stored with it: nothing is signed for a tree that
   * is not stored.
   */
  sign?: () => CheckpointRecord[];
}

/**
 * What another process on the same database changed, heard through the
 * store (PostgreSQL LISTEN/NOTIFY). A single-process store (SQLite) never
 * hears any: there is no other process.
 */
export type StoreChange =
  /** A log grew to `size` (entries appended by the leader or received from a peer). */
  | { kind: 'log'; line: string; party: string; size: number }
  /** A line was created, joined or changed (definition, members, settings): caches of it are stale. */
  | { kind: 'line'; id: string }
  /** Members, credentials or second factors changed: cached sign-ins are stale. */
  | { kind: 'members' }
  /** Peer pins changed. */
  | { kind: 'peers' }
  /** A live event the leader published that is not derived from entries (delivery, alarm, link, call signal, deadline). */
  | { kind: 'feed'; event: Record<string, unknown> }
  /** The change feed was interrupted (a lost connection): changes may have been missed; re-read positions. */
  | { kind: 'gap' };

/** A one-time ticket for the event stream: kept in the database so any replica can take it. */
export interface TicketRecord {
  memberId: number;
  tokenHash: Uint8Array;
  expiresAt: number;
}

/** A pinned peer station: its party name, verifier key and endpoints in failover order. */
export interface PeerRecord {
  name: string;
  key: string;
  urls: string[];
  /** Its ML-DSA-44 verifier key (`<name>+<hash>+base64(0x06 ‖ key)`), when pinned: checks the ML-DSA lines it signs. */
  pqKey?: string;
}

/** A cosignature (C2SP cosignature/v1) on one checkpoint of a log: a peer's receipt or a witness's. */
export interface CosignatureRecord extends LogId {
  size: number;
  cosigner: string;
  /** Seconds since the epoch, as signed. */
  timestamp: number;
  /** The full note signature line. */
  signature: string;
  /** The cosigner's ML-DSA-44 line (c2sp.org/tlog-cosignature type 0x06) at the same timestamp, when it made one. */
  pqSignature?: string;
}

/** Proof that an author signed two histories, kept for the record. */
export interface EvidenceRecord extends LogId {
  time: number;
  kind: 'equivocation';
  detail: string;
  /** Signed material: checkpoints, entries (base64), consistency proofs. */
  material: Record<string, unknown>;
}

// The core decides a link's status from its heartbeats; the store records it.
export type { LinkStatus };

export interface LinkEventRecord {
  peer: string;
  time: number;
  status: LinkStatus;
  endpoint: string | null;
  rttMs: number | null;
}

/** A readout being drafted: this station's alone until published as an entry. */
export interface ReadoutDraftRecord {
  line: string;
  call: string;
  text: string;
  lang: string | null;
  updatedBy: string;
  updatedAt: number;
}

/** An alarm as stored: one row per cause (`key`); see core/alarm/alarm.ts. */
export interface AlarmRecord {
  id: number;
  key: string;
  kind: string;
  line: string | null;
  raisedAt: number;
  /** The item, party, precedence and detail it is about (JSON). */
  subject: { item?: string; party?: string; precedence?: string; detail?: Record<string, unknown> };
  ackedBy: string | null;
  ackedAt: number | null;
  clearedAt: number | null;
  clearedWhy: string | null;
  clearedBy: string | null;
}

export type NewAlarm = Pick<AlarmRecord, 'key' | 'kind' | 'line' | 'raisedAt' | 'subject'>;

export interface Store {
  addMember(member: Omit<MemberRecord, 'id'>): Promise<MemberRecord>;
  memberByName(name: string): Promise<MemberRecord | null>;
  memberById(id: number): Promise<MemberRecord | null>;
  listMembers(): Promise<MemberRecord[]>;
  /** Adding a name that exists rejects with a `conflict` HotlineError. */
  updateMember(id: number, change: Partial<Pick<MemberRecord, 'role' | 'passwordHash' | 'disabled' | 'lockedUntil'>>): Promise<void>;

  addCredential(tokenHash: Uint8Array, credential: CredentialRecord): Promise<void>;
  credential(tokenHash: Uint8Array): Promise<CredentialRecord | null>;
  removeCredential(tokenHash: Uint8Array): Promise<void>;
  /** Credentials, all or one member's, oldest first. */
  credentials(memberId?: number): Promise<StoredCredential[]>;
  touchCredential(tokenHash: Uint8Array, time: number): Promise<void>;

  totp(memberId: number): Promise<TotpRecord | null>;
  setTotp(memberId: number, totp: TotpRecord | null): Promise<void>;
  /** Moves lastStep forward only; false if `step` is not beyond it (a replayed code). */
  advanceTotpStep(memberId: number, step: number): Promise<boolean>;

  addPasskey(passkey: PasskeyRecord): Promise<void>;
  passkeys(memberId: number): Promise<PasskeyRecord[]>;
  passkeyUsed(id: string, counter: number, time: number): Promise<void>;
  /** False if the member has no such passkey. */
  removePasskey(memberId: number, id: string): Promise<boolean>;

  /** Replaces a member's recovery codes (their hashes). */
  setRecoveryCodes(memberId: number, hashes: Uint8Array[]): Promise<void>;
  /** Uses up one code: true if it was there (and now is not). */
  useRecoveryCode(memberId: number, hash: Uint8Array): Promise<boolean>;
  recoveryCodesLeft(memberId: number): Promise<number>;

  addSecurityEvent(event: Omit<SecurityEventRecord, 'id'>): Promise<SecurityEventRecord>;
  /** Events at or after `since` (ms), oldest first, at most `limit`. */
  securityEvents(query: { since?: number; limit: number }): Promise<SecurityEventRecord[]>;

  /** Station-wide settings changed at run time (the security policy), as JSON values. */
  setting(key: string): Promise<unknown>;
  setSetting(key: string, value: unknown): Promise<void>;

  createLine(line: LineRecord): Promise<void>;
  line(id: string): Promise<LineRecord | null>;
  listLines(): Promise<LineRecord[]>;
  setLineMembers(id: string, memberIds: number[]): Promise<void>;

  /** Every log this station holds, with its size. */
  logs(): Promise<Array<LogId & { size: number }>>;
  logSize(log: LogId): Promise<number>;
  /**
   * Makes entries, nodes and checkpoints durable in one transaction: after it
   * resolves, a crash loses none of them; if it rejects, none was written.
   */
  commit(commit: Commit): Promise<void>;
  /** Entry bytes for sequence numbers [start, end), in order. */
  entries(log: LogId, start: number, end: number): Promise<Uint8Array[]>;
  /** Stored perfect-subtree hashes; missing ids are absent from the map (keyed by nodeKey). */
  nodes(log: LogId, ids: NodeId[]): Promise<Map<string, Uint8Array>>;
  /** Hashes at one tree level for node indices [start, end), in order. */
  nodeRange(log: LogId, level: number, start: number, end: number): Promise<Uint8Array[]>;
  latestCheckpoint(log: LogId): Promise<CheckpointRecord | null>;
  checkpoint(log: LogId, size: number): Promise<CheckpointRecord | null>;
  /** The largest stored checkpoint of size at most `size` (a long catch-up is receipted as it goes). */
  checkpointAtMost(log: LogId, size: number): Promise<CheckpointRecord | null>;

  setPeer(peer: PeerRecord): Promise<void>;
  removePeer(name: string): Promise<void>;
  listPeers(): Promise<PeerRecord[]>;

  /**
   * `resent`: the cosigner sends these again on every new link (a peer's
   * receipts on our checkpoints; it holds them durably with what they
   * acknowledge), so the commit does not wait for the disk. A crash may lose
   * the last of them here, never corrupt the store: SQLite commits them with
   * synchronous=NORMAL (made durable by the next full commit), PostgreSQL with
   * synchronous_commit off.
   */
  addCosignatures(cosignatures: CosignatureRecord[], options?: { resent?: boolean }): Promise<void>;
  /** Cosignatures on the log's checkpoints, optionally only at one size. */
  cosignatures(log: LogId, size?: number): Promise<CosignatureRecord[]>;
  /** The largest cosigned size of the log per cosigner: the cumulative receipts. */
  cosignedSizes(log: LogId): Promise<Map<string, number>>;

  addEvidence(evidence: EvidenceRecord): Promise<void>;
  listEvidence(): Promise<EvidenceRecord[]>;

  addLinkEvent(event: LinkEventRecord): Promise<void>;
  linkEvents(peer: string, since: number): Promise<LinkEventRecord[]>;

  /** The line's watch roster: member ids in escalation order. */
  setRoster(line: string, memberIds: number[]): Promise<void>;
  roster(line: string): Promise<number[]>;

  /** A member's console preferences (language, time zone), kept across sessions and machines. */
  preferences(memberId: number): Promise<Record<string, string>>;
  setPreferences(memberId: number, preferences: Record<string, string>): Promise<void>;

  /** Records an alarm; null if its cause (key) is already recorded, which then stays as it was. */
  raiseAlarm(alarm: NewAlarm): Promise<AlarmRecord | null>;
  /** Marks an alarm's cause gone; null if there is no such alarm or it was already cleared. */
  clearAlarm(key: string, clear: { at: number; why: string; by: string | null }): Promise<AlarmRecord | null>;
  /** Records who acknowledged an alarm; the first acknowledgement stands. Null if there is no such alarm. */
  acknowledgeAlarm(id: number, ack: { by: string; at: number }): Promise<AlarmRecord | null>;
  alarm(id: number): Promise<AlarmRecord | null>;
  /** Newest first; `open`: neither acknowledged nor cleared. */
  alarms(query: { open?: boolean; limit: number }): Promise<AlarmRecord[]>;

  saveReadoutDraft(draft: ReadoutDraftRecord): Promise<void>;
  readoutDraft(line: string, call: string): Promise<ReadoutDraftRecord | null>;
  removeReadoutDraft(line: string, call: string): Promise<void>;

  /** Stores a one-time event-stream ticket under its hash. */
  addTicket(hash: Uint8Array, ticket: TicketRecord): Promise<void>;
  /** Takes a ticket: returns it and deletes it (so it works once, on any replica); null if absent. Drops expired tickets. */
  takeTicket(hash: Uint8Array, now: number): Promise<TicketRecord | null>;

  /**
   * Tells the other processes on this database of a change (PostgreSQL: NOTIFY,
   * large payloads through a table). A no-op for a single-process store.
   */
  announce(change: StoreChange): Promise<void>;
  /**
   * Hears changes made by other processes on this database: the log sizes
   * their commits reached (sent inside the commit's transaction, so heard only
   * once durable) and their announcements, then a `gap` after any
   * interruption. Never the process's own changes. Returns an unsubscribe.
   */
  onChange(listener: (change: StoreChange) => void): () => void;
  /** Whether other processes' changes are heard right now (false while the feed reconnects); always true for a single-process store. */
  changesHeard(): boolean;

  close(): Promise<void>;
}
