import type { EventTicket } from '../../../src/wire/event-ticket.ts';
import type { LiveEvent as StationEvent } from '../../../src/wire/live-event.ts';
import { post } from './client.ts';

/** What the station sends (src/wire/live-event.ts), and the two events this connection tells of itself. */
export type LiveEvent = StationEvent | { type: 'resync'; line?: undefined } | { type: 'disconnected'; line?: undefined };
type Listener = (e: LiveEvent) => void;

/**
 * The station's live event stream. Browsers cannot put a token on a
 * WebSocket, so each connection first takes a one-time ticket. On any drop
 * it reconnects with a growing pause and tells listeners to refetch
 * (a "resync" event), since events missed meanwhile are not replayed.
 */
export class LiveEvents {
  private ws?: WebSocket;
  private listeners = new Set<Listener>();
  private retry = 500;
  private closed = false;
  connected = false;

  start(): void {
    void this.connect();
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.closed = true;
    this.ws?.close();
  }

  private emit(e: LiveEvent) {
    for (const l of this.listeners) l(e);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    try {
      const { ticket } = await post<EventTicket>('/v1/events/ticket');
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/events?ticket=${encodeURIComponent(ticket)}`;
      const ws = new WebSocket(url);
      this.ws = ws;
      ws.onopen = () => {
        this.retry = 500;
        this.connected = true;
        this.emit({ type: 'resync' });
      };
      ws.onmessage = (m) => this.emit(JSON.parse(String(m.data)) as StationEvent);
      ws.onclose = () => {
        this.connected = false;
        this.emit({ type: 'disconnected' });
        this.later();
      };
    } catch {
      this.later();
    }
  }

  private later() {
    if (this.closed) return;
    setTimeout(() => void this.connect(), this.retry);
    this.retry = Math.min(this.retry * 2, 10_000);
  }
}
