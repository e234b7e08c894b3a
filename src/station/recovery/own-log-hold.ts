import { HotlineError } from '../../core/errors.ts';
import type { Store } from '../storage/store.ts';

/** Seconds a refused append is told to wait before it tries again. */
export const RECOVERY_RETRY_AFTER_S = 2;

type State =
  /** Not yet heard what the peers hold of our log: appends wait (a restart, a line just joined). */
  | { kind: 'waiting'; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }
  /** A peer holds more of our log than we do: appends are refused until it is back and verified. */
  | { kind: 'refused'; message: string };

/**
 * Holds the appender off this station's own log of a line while it does not
 * know that it holds all of it: signing the next entry of a log a peer holds
 * more of would sign a second history. The replicator decides (it hears the
 * peers' sizes); the appender asks before every append. A line never held
 * is open.
 */
export class OwnLogHold {
  private readonly lines = new Map<string, State>();
  private readonly releasing: Array<(line: string) => Promise<void>> = [];

  /** Runs before appends on a released line go ahead: the appender reloads its head from the store. */
  beforeRelease(hook: (line: string) => Promise<void>): void {
    this.releasing.push(hook);
  }

  /** Appends on the line wait until it is released (or refused). */
  wait(line: string): void {
    const state = this.lines.get(line);
    if (!state) this.lines.set(line, { kind: 'waiting', waiters: [] });
  }

  /** Appends on the line are refused with 503 and the message, waiting ones too. */
  refuse(line: string, message: string): void {
    const state = this.lines.get(line);
    this.lines.set(line, { kind: 'refused', message });
    if (state?.kind === 'waiting') for (const w of state.waiters) w.reject(this.error(message));
  }

  async release(line: string): Promise<void> {
    const state = this.lines.get(line);
    if (!state) return;
    for (const hook of this.releasing) await hook(line);
    // Still the same hold (a refusal may have come in while the head reloaded).
    if (this.lines.get(line) !== state) return;
    this.lines.delete(line);
    if (state.kind === 'waiting') for (const w of state.waiters) w.resolve();
  }

  held(line: string): 'waiting' | 'refused' | undefined {
    return this.lines.get(line)?.kind;
  }

  /** Lines held now, with why. */
  list(): Array<{ line: string; state: 'waiting' | 'refused'; message?: string }> {
    return [...this.lines].map(([line, s]) => ({ line, state: s.kind, ...(s.kind === 'refused' ? { message: s.message } : {}) }));
  }

  /** Resolves when an append on the line may go ahead; rejects (503) while the line is refused. */
  admit(line: string): Promise<void> | undefined {
    const state = this.lines.get(line);
    if (!state) return undefined;
    if (state.kind === 'refused') return Promise.reject(this.error(state.message));
    return new Promise((resolve, reject) => state.waiters.push({ resolve, reject }));
  }

  private error(message: string): HotlineError {
    return new HotlineError('unavailable', message, { retryAfter: RECOVERY_RETRY_AFTER_S });
  }
}

const holds = new WeakMap<Store, OwnLogHold>();

/**
 * The one hold of a station, keyed by its store: the appender and the
 * replicator of one station meet here unless they are handed one.
 */
export function ownLogHold(store: Store): OwnLogHold {
  let hold = holds.get(store);
  if (!hold) holds.set(store, (hold = new OwnLogHold()));
  return hold;
}
