import type { LineAction } from '../core/policy.ts';
import type { LiveEvent } from '../wire/live-event.ts';

/**
 * One live event for consoles. An event about a line carries the line and
 * what a member must be allowed to do there to receive it; the event stream
 * checks that per member, per event, so nobody hears of a line they cannot see.
 */
/** A live event as published inside the station (the stream's own `hello` is not one). */
export type FeedEvent = Exclude<LiveEvent, { type: 'hello' }> & {
  need?: LineAction;
  /** Only these members (by id) may receive it, e.g. a call's signalling. */
  only?: number[];
};

export class Feed {
  private readonly listeners = new Set<(e: FeedEvent) => void>();

  publish(event: FeedEvent): void {
    for (const l of this.listeners) l(event);
  }

  subscribe(listener: (e: FeedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
