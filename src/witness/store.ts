// What the add-checkpoint logic needs from storage. Every method is
// synchronous on purpose: reading the witnessed state, checking the request
// and persisting the new state then happen in one turn of the event loop, so
// no other request can slip in between (the rollback race the spec warns
// about). advance() is also a compare-and-swap, which keeps the guarantee
// even if two processes ever share the database.

export interface WitnessedState {
  /** Size of the latest cosigned checkpoint; 0 before the first. */
  size: number;
  /** Its root hash; null until a first checkpoint is cosigned. */
  root: Uint8Array | null;
  /** The signed checkpoint note exactly as it was submitted. */
  note: string | null;
  /** Timestamp (seconds) of the latest cosignature, so the next is never earlier. */
  cosignedAt: number;
}

export interface KnownLog extends WitnessedState {
  origin: string;
  /** Verifier keys (signed-note text) trusted for this origin. */
  keys: string[];
}

export interface Evidence {
  origin: string;
  /** Milliseconds since the epoch. */
  receivedAt: number;
  reason: string;
  /** The whole add-checkpoint request body. */
  request: string;
}

export interface WitnessStore {
  log(origin: string): KnownLog | null;
  logs(): KnownLog[];
  /** Trusts `vkey` for `origin`, creating the log at size 0 if new. Returns false if already pinned. */
  pinKey(origin: string, vkey: string, now: number): boolean;
  /** Trusts `next` instead of `old` for `origin`, keeping the statement that says so; one transaction. */
  rotateKey(origin: string, old: string, next: string, statement: string, now: number): void;
  /**
   * Replaces the witnessed state if, and only if, it is still `from`.
   * Durable when it returns true; false means another request won.
   */
  advance(origin: string, from: Pick<WitnessedState, 'size' | 'root'>, to: WitnessedState): boolean;
  recordEvidence(e: Evidence): void;
  evidenceCount(origin: string): number;
  close(): void;
}
