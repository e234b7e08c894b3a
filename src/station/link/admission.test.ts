import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Admission, addressKey, type Refusal } from './admission.ts';

// The admission gate on real loopback sockets, with small limits.

async function listen(admission: Admission): Promise<{ server: Server; port: number; accepted: Socket[] }> {
  const accepted: Socket[] = [];
  const server = createServer((s) => {
    s.on('error', () => undefined);
    if (admission.admit(s)) accepted.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, accepted };
}

/** Connects from `from`; resolves true if the far end is still holding the socket a moment later. */
function held(port: number, from: string, sockets: Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1', localAddress: from });
    sockets.push(s);
    s.on('error', () => undefined);
    s.once('close', () => resolve(false));
    s.once('connect', () => setTimeout(() => resolve(!s.destroyed), 150));
  });
}

test('refuses past the per-address and total limits, and frees a place when a connection closes or authenticates', async () => {
  const refusals: Refusal[] = [];
  const admission = new Admission({ perAddress: 2, total: 3, deadlineMs: 60_000 }, (r) => refusals.push(r));
  const { server, port, accepted } = await listen(admission);
  const clients: Socket[] = [];
  try {
    assert.deepEqual(await Promise.all([held(port, '127.0.9.1', clients), held(port, '127.0.9.1', clients)]), [true, true]);
    assert.equal(await held(port, '127.0.9.1', clients), false, 'a third from one address is refused');
    assert.equal(await held(port, '127.0.9.2', clients), true, 'another address is admitted');
    assert.equal(await held(port, '127.0.9.3', clients), false, 'the listener is full');
    assert.deepEqual(refusals, ['address_full', 'listener_full']);
    assert.equal(admission.pending, 3);

    // Authentication frees the place without closing the connection.
    const first = accepted[0];
    admission.authenticated(first.remoteAddress, first.remotePort);
    assert.equal(admission.pending, 2);
    assert.equal(first.destroyed, false);
    assert.equal(await held(port, '127.0.9.1', clients), true, 'the address has a place again');

    // A close frees one too.
    clients.find((c) => !c.destroyed && c.localAddress === '127.0.9.2')!.destroy();
    for (let i = 0; i < 100 && admission.pending > 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(admission.pending, 2);
    assert.equal(await held(port, '127.0.9.4', clients), true);
  } finally {
    for (const c of clients) c.destroy();
    admission.destroyAll();
    server.close();
  }
});

test('drops a connection that has not authenticated by the deadline', async () => {
  const refusals: Refusal[] = [];
  const admission = new Admission({ perAddress: 2, total: 2, deadlineMs: 100 }, (r) => refusals.push(r));
  const { server, port } = await listen(admission);
  const s = connect({ port, host: '127.0.0.1' });
  s.on('error', () => undefined);
  try {
    await new Promise((r) => s.once('close', r));
    assert.deepEqual(refusals, ['deadline']);
    // The server's side of the close lands a moment after the client's.
    for (let i = 0; i < 100 && admission.pending > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(admission.pending, 0);
  } finally {
    s.destroy();
    server.close();
  }
});

test('one address is an IPv4 address, also IPv4-mapped, or an IPv6 /64', () => {
  assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
});
