import { decodeEntry } from '../../core/entry.ts';
import type { FeedEvent } from '../feed.ts';
import type { Station } from '../station.ts';
import type { LogId, StoreChange } from '../storage/store.ts';

const CHUNK = 1000;
/** After a failed read of the store, the follower catches up from the stored sizes again: first soon, then at most this often. */
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;
/** Tries at the last catch-up before leading. */
const LAST_CATCH_UP_ATTEMPTS = 4;

/**
 * What makes a follower live: it hears from the store's change feed what the
 * leader (or any replica) stored, and does here what the leader does in its
 * own process. New entries are read from the store, folded into the lines'
 * states and published as the same live events the leader publishes; the
 * leader's other live events (receipts, alarms, link changes, call
 * signalling, sender deadlines) arrive ready-made and are republished;
 * changes to lines and members drop what is cached of them. After a gap in
 * the feed every log's stored size is read again and what was missed is
 * caught up, so a console on a follower misses nothing it would have heard
 * on the leader.
 */
export class Follower {
  /** Entries of each log folded here, by `line\nparty`. */
  private readonly sizes = new Map<string, number>();
  /** One queue, so entries are folded and events published in the order the feed told them. */
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;
  private retryMs = RETRY_MIN_MS;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly station: Station) {}

  /** Starts hearing the feed; resolves once every log's stored size is known. */
  async start(): Promise<void> {
    this.station.following = (log) => this.held(log);
    this.unsubscribe = this.station.store.onChange((change) => this.heard(change));
    // PostgreSQL's LISTEN must be in place before the sizes are read, or a commit in between would go unheard.
    await (this.station.store as { listening?: () => Promise<void> }).listening?.();
    // Sizes are read after subscribing: a log that grows meanwhile is heard and folded from the size read here.
    this.enqueue(async () => {
      for (const log of await this.station.store.logs()) this.sizes.set(key(log), log.size);
    });
    await this.queue;
  }

  /**
   * Stops hearing and catches up a last time, from the stored sizes: the
   * replica is about to lead, and its state must hold everything stored
   * before it writes.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.retryTimer);
    await this.queue;
    // Not through the queue, which only logs a failure: a state missing stored entries must not start leading.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.catchUp();
      } catch (e) {
        if (attempt >= LAST_CATCH_UP_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, RETRY_MIN_MS * attempt));
      }
    }
  }

  /** Stops hearing without catching up (the run is being closed). */
  close(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.retryTimer);
  }

  held(log: LogId): number {
    return this.sizes.get(key(log)) ?? 0;
  }

  private heard(change: StoreChange): void {
    switch (change.kind) {
      case 'log':
        return this.enqueue(() => this.grow({ line: change.line, party: change.party }, change.size));
      case 'feed':
        return this.enqueue(async () => this.station.feed.publish(change.event as FeedEvent));
      case 'line':
        return this.enqueue(async () => {
          await this.station.lineStates.forget(change.id);
          await this.refreshLine(change.id);
        });
      case 'gap':
        return this.enqueue(() => this.catchUp());
      case 'members':
      case 'peers':
        // Members are every replica's concern (membersFollowed); peers only the leader's links', which re-read them.
        return;
    }
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((e) => {
      this.station.logger?.warn({ reason: (e as Error).message }, 'could not follow a change in the store; catching up from the stored sizes');
      this.retry();
    });
  }

  /**
   * A read that failed (the database unreachable for a moment) may have been
   * the last word on a log for a while: no later change would bring its
   * entries (or their live events), so the follower catches up from the
   * stored sizes until that succeeds.
   */
  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped) return;
      this.enqueue(async () => {
        await this.catchUp();
        this.retryMs = RETRY_MIN_MS;
      });
    }, wait);
    this.retryTimer.unref();
  }

  /** Reads a log's new entries [held, size) and does with them what the leader did. */
  private async grow(log: LogId, size: number): Promise<void> {
    const k = key(log);
    if (!this.sizes.has(k)) await this.refreshLine(log.line);
    for (let held = this.sizes.get(k) ?? 0; held < size; held = this.sizes.get(k)!) {
      const end = Math.min(size, held + CHUNK);
      const bytes = await this.station.store.entries(log, held, end);
      if (bytes.length === 0) return;
      // Counted before folding: a line loading now either reads these entries or gets them folded after it loads.
      this.sizes.set(k, held + bytes.length);
      this.station.folded(log.line, bytes.map((b) => decodeEntry(b)));
    }
  }

  private async catchUp(): Promise<void> {
    for (const line of await this.station.store.listLines()) this.noteLine(line.id, line.discreet);
    for (const log of await this.station.store.logs()) await this.grow(log, log.size);
  }

  private async refreshLine(id: string): Promise<void> {
    const line = await this.station.store.line(id);
    if (line) this.noteLine(id, line.discreet);
  }

  private noteLine(id: string, discreet: boolean | undefined): void {
    if (discreet) this.station.discreetLines.add(id);
    else this.station.discreetLines.delete(id);
  }

}

/**
 * On every replica, leader included: members, credentials or second
 * factors changed in another process (a follower ends an idle session, an
 * admin's change lands on the leader), so cached sign-ins are dropped and
 * every open stream's credential is checked again. After a gap in the feed
 * the same is done, since a change may have been missed.
 */
export function membersFollowed(station: Station, recheckStreams: () => void): () => void {
  return station.store.onChange((change) => {
    if (change.kind !== 'members' && change.kind !== 'gap') return;
    forgetSignIns(station);
    recheckStreams();
  });
}

function key(log: LogId): string {
  return `${log.line}\n${log.party}`;
}

/** Drops every cached sign-in, so the next request and the streams' recheck read members and credentials afresh. */
function forgetSignIns(station: Station): void {
  station.auth.forgetAll();
}
