import type { Socket } from 'node:net';

/**
 * How many connections one address may hold open before it has authenticated.
 * A peer station dials each of our endpoints one at a time, so a handful is
 * plenty even for several stations behind one NAT; an outsider holding more
 * is refused at once, before TLS costs us anything.
 */
export const PRE_AUTH_PER_ADDRESS = 8;
/**
 * How many unauthenticated connections the listener holds in all. Each costs
 * a TLS session and at most one small message (PRE_AUTH_MAX_PAYLOAD), so this
 * caps what a flood from many addresses can take: a few MiB, not the process.
 * Authenticated links do not count: they are never crowded out.
 */
export const PRE_AUTH_TOTAL = 128;
/**
 * From the TCP connection to a verified hello. A real peer needs a TLS
 * handshake, one upgrade and two small messages: well under a second even on
 * a slow line. Whatever has not authenticated by then (a silent socket, a
 * stalled TLS handshake, a slow upgrade request, a missing hello) is dropped.
 */
export const PRE_AUTH_DEADLINE_MS = 10_000;

export interface AdmissionLimits {
  perAddress: number;
  total: number;
  deadlineMs: number;
}

export type Refusal = 'address_full' | 'listener_full' | 'deadline';

interface Slot {
  address: string;
  timer: NodeJS.Timeout;
  socket: Socket;
}

/**
 * Counts the listener's connections from TCP accept until they authenticate,
 * per address and in total, and drops those over the limits or past the
 * deadline. Authentication is reported by the connection's remote address and
 * port, which name one live TCP connection to this listener.
 */
export class Admission {
  private readonly slots = new Map<string, Slot>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: AdmissionLimits = { perAddress: PRE_AUTH_PER_ADDRESS, total: PRE_AUTH_TOTAL, deadlineMs: PRE_AUTH_DEADLINE_MS },
    private readonly onRefuse: (reason: Refusal, address: string) => void = () => undefined,
  ) {}

  /** Unauthenticated connections held now. */
  get pending(): number {
    return this.slots.size;
  }

  /** On TCP accept: counts the socket, or destroys it at once if a limit is reached. */
  admit(socket: Socket): boolean {
    // A socket whose peer vanished before we looked has no address; nothing to count.
    if (!socket.remoteAddress || socket.remotePort === undefined) {
      socket.destroy();
      return false;
    }
    const address = addressKey(socket.remoteAddress);
    const reason: Refusal | null = this.slots.size >= this.limits.total ? 'listener_full' : (this.perAddress.get(address) ?? 0) >= this.limits.perAddress ? 'address_full' : null;
    if (reason) {
      socket.destroy();
      this.onRefuse(reason, address);
      return false;
    }
    const key = connectionKey(socket.remoteAddress, socket.remotePort);
    const timer = setTimeout(() => {
      this.onRefuse('deadline', address);
      socket.destroy();
    }, this.limits.deadlineMs);
    timer.unref();
    this.slots.set(key, { address, timer, socket });
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    socket.once('close', () => this.release(key, socket));
    return true;
  }

  /** The connection proved a pinned station key: it no longer counts, and no deadline applies. */
  authenticated(remoteAddress: string | undefined, remotePort: number | undefined): void {
    if (!remoteAddress || remotePort === undefined) return;
    const key = connectionKey(remoteAddress, remotePort);
    const slot = this.slots.get(key);
    if (slot) this.release(key, slot.socket);
  }

  /** Drops every connection still unauthenticated (the listener is closing). */
  destroyAll(): void {
    for (const slot of [...this.slots.values()]) slot.socket.destroy();
  }

  private release(key: string, socket: Socket): void {
    const slot = this.slots.get(key);
    if (!slot || slot.socket !== socket) return;
    clearTimeout(slot.timer);
    this.slots.delete(key);
    const n = (this.perAddress.get(slot.address) ?? 1) - 1;
    if (n <= 0) this.perAddress.delete(slot.address);
    else this.perAddress.set(slot.address, n);
  }
}

function connectionKey(address: string, port: number): string {
  return `${address}|${port}`;
}

/**
 * What "one address" means for the per-address limit: an IPv4 address (also
 * when it arrives IPv4-mapped), or an IPv6 /64, since one host commonly holds
 * a whole /64 and could otherwise pick a fresh address per connection.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
