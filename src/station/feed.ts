import type { LineAction } from '../core/policy.ts';

/**
 * One live event for consoles. An event about a line carries the line and
 * what a member must be allowed to do there to receive it; the event stream
 * checks that per member, per event, so nobody hears of a line they cannot see.
 */
export interface FeedEvent {
  type: string;
  line?: string;
  need?: LineAction;
  /** Only these members (by id) may receive it, e.g. a call's signalling. */
  only?: number[];
  [field: string]: unknown;
}

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
