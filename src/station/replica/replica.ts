import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export type ReplicaRole = 'leader' | 'follower' | 'single';

/** What a replica says about itself: GET /v1/station, /healthz, /readyz and the console show it. */
export interface ReplicaStatus {
  id: string;
  role: ReplicaRole;
  /** The replica that leads (itself when it does); null while none is known. */
  leader: { id: string; url: string } | null;
  /** The lease's epoch while this replica leads; null otherwise. */
  epoch: number | null;
  /** Whether it can serve now: a leader with its parts started, a follower that knows a leader and hears the store. */
  ready: boolean;
  /** Why it is not ready. */
  reason?: string;
}

/** A station on PostgreSQL runs as one of several replicas; on SQLite it is alone ('single'). */
export function replicated(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/**
 * A replica's id: unique per process, with no configuration, so replicas can
 * share one hotline.json. It is also the application_name of its database
 * connections, which is how a new leader finds and cuts an old one's.
 */
export function newReplicaId(): string {
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '').slice(0, 40) || 'host';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The single station's status: it always leads, and no lease is involved. */
export const SINGLE: ReplicaStatus = { id: 'single', role: 'single', leader: null, epoch: null, ready: true };
