import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { randomBytes } from 'node:crypto';

// Hand-built WebSocket frames (RFC 6455 §5.2) and raw sockets to write them
// on, for throwing at a listener exactly the bytes a well-behaved library
// would never send.

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** Clients must mask; false builds the unmasked frame a server must refuse. */
  mask?: boolean;
  /** The length the header declares, if not the payload's own (e.g. 2^63). */
  declaredLength?: bigint;
}

export function frame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload) : spec.payload ?? Buffer.alloc(0);
  const length = spec.declaredLength ?? BigInt(payload.length);
  const masked = spec.mask ?? true;
  const b0 = (spec.fin ?? true ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) | (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) | (spec.opcode & 0x0f);
  let header: Buffer;
  if (length < 126n) {
    header = Buffer.from([b0, (masked ? 0x80 : 0) | Number(length)]);
  } else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = b0;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= key[i & 3];
  return Buffer.concat([header, key, body]);
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(code, 0);
  return Buffer.concat([b, Buffer.from(reason)]);
}

/**
 * The malformed frames every WebSocket endpoint must refuse, each named by
 * what it breaks. `from` is the side that sends them: a client must mask its
 * frames and a server must not, so the masking case is the wrong one for it.
 */
export function malformedFrames(from: 'client' | 'server' = 'client'): Array<{ name: string; bytes: Buffer }> {
  const mask = from === 'client';
  const f = (spec: FrameSpec) => frame({ mask, ...spec });
  return [
    { name: 'reserved opcode 0x3', bytes: f({ opcode: 0x3, payload: 'x' }) },
    { name: 'reserved control opcode 0xB', bytes: f({ opcode: 0xb }) },
    { name: mask ? 'unmasked client frame' : 'masked server frame', bytes: frame({ opcode: 0x1, payload: '{"t":"hello"}', mask: !mask }) },
    { name: 'RSV1 without an extension', bytes: f({ opcode: 0x1, payload: 'x', rsv1: true }) },
    { name: 'RSV2 and RSV3 set', bytes: f({ opcode: 0x1, payload: 'x', rsv2: true, rsv3: true }) },
    { name: 'invalid UTF-8 in a text frame', bytes: f({ opcode: 0x1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xfe, 0x7d]) }) },
    { name: 'ping over 125 bytes', bytes: f({ opcode: 0x9, payload: Buffer.alloc(126, 1) }) },
    { name: 'fragmented ping', bytes: f({ opcode: 0x9, payload: 'p', fin: false }) },
    { name: 'close code 999', bytes: f({ opcode: 0x8, payload: closePayload(999) }) },
    { name: 'close with a one-byte body', bytes: f({ opcode: 0x8, payload: Buffer.from([3]) }) },
    { name: 'close reason of invalid UTF-8', bytes: f({ opcode: 0x8, payload: Buffer.concat([closePayload(1000), Buffer.from([0xff, 0xfe])]) }) },
    { name: 'continuation with no start', bytes: f({ opcode: 0x0, payload: 'x' }) },
    { name: 'a new message inside a fragmented one', bytes: Buffer.concat([f({ opcode: 0x1, payload: 'a', fin: false }), f({ opcode: 0x1, payload: 'b' })]) },
    { name: 'a 2^63 length', bytes: f({ opcode: 0x2, declaredLength: 2n ** 63n }) },
    { name: 'a 2^53 length', bytes: f({ opcode: 0x2, declaredLength: 2n ** 53n }) },
    { name: 'a 64 MiB length before the hello', bytes: f({ opcode: 0x1, declaredLength: 64n * 1024n * 1024n, payload: Buffer.alloc(1024, 0x20) }) },
    { name: 'a 5 KiB message before the hello', bytes: f({ opcode: 0x1, payload: JSON.stringify({ t: 'hello', party: 'x', sig: 'A'.repeat(5 * 1024) }) }) },
  ];
}

/** A WebSocket upgrade request (the key is fixed: the tests never check the accept value). */
export function upgradeRequest(host: string, path: string, headers: Record<string, string> = {}): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export type RawSocket = Socket | TLSSocket;

/**
 * A raw connection to `url` (TLS for https:/wss:, plain TCP otherwise), from
 * `localAddress` on the loopback if given. Resolves once TLS is up (or TCP
 * for a plain one); rejects if the other end refuses or drops it first.
 */
export function rawConnect(url: string, options: { localAddress?: string; tls?: boolean } = {}): Promise<RawSocket> {
  const u = new URL(url);
  const secure = options.tls ?? (u.protocol === 'https:' || u.protocol === 'wss:');
  const port = Number(u.port);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket: RawSocket = secure
      ? tlsConnect({ host, port, rejectUnauthorized: false, ...({ localAddress: options.localAddress } as object) })
      : netConnect({ host, port, localAddress: options.localAddress });
    const onError = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    const onClose = () => reject(new Error('closed before connecting'));
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      socket.off('error', onError);
      socket.off('close', onClose);
      // From here on the far end may reset us at any time: that is expected.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/**
 * Ends a connection abruptly: a TCP reset (RST) for a plain socket, as a
 * client that vanishes sends. A TLS socket is destroyed without close_notify
 * instead (resetting the TCP socket under a live TLS one crashes Node 20).
 */
export function reset(socket: RawSocket): void {
  if ('encrypted' in socket) socket.destroy();
  else (socket as Socket).resetAndDestroy();
}

/** Writes the upgrade request and resolves with the response head (status line and headers). */
export function upgrade(socket: RawSocket, url: string, headers: Record<string, string> = {}): Promise<{ status: number; head: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      const head = got.subarray(0, end).toString('latin1');
      const rest = got.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    };
    const onClose = () => reject(new Error(`closed before answering the upgrade${got.length ? `: ${got.toString('latin1').slice(0, 200)}` : ''}`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(upgradeRequest(u.host, `${u.pathname}${u.search}`, headers));
  });
}

/** Resolves true once the far end has closed `socket`, or false if it is still open after `ms`. */
export function closedWithin(socket: RawSocket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.off('close', onClose);
      socket.off('end', onClose);
      resolve(false);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    // Keep reading so that the far end's close frame and FIN are seen.
    socket.resume();
    socket.once('close', onClose);
    socket.once('end', onClose);
  });
}

/**
 * Writes `chunk` up to `times` times, waiting for the socket to drain between
 * writes, and stops as soon as the far end has closed it (or `until`, a
 * Date.now() deadline, has passed).
 */
export async function stream(socket: RawSocket, chunk: Buffer, times: number, until = Infinity): Promise<void> {
  for (let i = 0; i < times && !socket.destroyed && Date.now() < until; i++) {
    if (socket.write(chunk, () => undefined)) continue;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }
}

/** Writes bytes, ignoring a far end that has already gone. */
export function writeQuietly(socket: RawSocket, bytes: Buffer | string): void {
  if (!socket.destroyed && socket.writable) socket.write(bytes, () => undefined);
}
