import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { addressKey, apiServer, type ApiLimits } from './server.ts';

const limits: ApiLimits = { maxConnections: 3, maxConnectionsPerAddress: 2, handshakeTimeoutMs: 5000, headersTimeoutMs: 5000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 5000 };

test('IPv6 addresses count per /64; IPv4-mapped addresses count as IPv4', () => {
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('2001:0db8:0001:0002::1'), addressKey('2001:db8:1:2::ffff'));
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), addressKey('fe80::2'));
  assert.equal(addressKey('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(addressKey('10.1.2.3'), '10.1.2.3');
});

/** Connects from `from` and resolves once the server has answered a request on it, or with 'closed' if the server dropped it. */
async function attempt(port: number, from: string, keep: Socket[]): Promise<'served' | 'closed'> {
  const socket = connect({ host: '127.0.0.1', port, localAddress: from });
  keep.push(socket);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  return new Promise((resolve) => {
    socket.once('data', () => resolve('served'));
    socket.once('close', () => resolve('closed'));
  });
}

test('connections are capped per address and in all; other addresses are still served', async () => {
  const server = apiServer((_req, res) => res.end('ok'), limits, undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const open: Socket[] = [];
  try {
    assert.equal(await attempt(port, '127.0.0.2', open), 'served');
    assert.equal(await attempt(port, '127.0.0.2', open), 'served');
    assert.equal(await attempt(port, '127.0.0.2', open), 'closed', 'a third connection from the same address is dropped');
    assert.equal(await attempt(port, '127.0.0.1', open), 'served', 'another address still gets in');
    assert.equal(await attempt(port, '127.0.0.3', open), 'closed', 'beyond maxConnections nobody gets in');
    open[0].destroy();
    await once(open[0], 'close');
    // The server hears the close a moment later; it then has a free place for that address again.
    let again: 'served' | 'closed' = 'closed';
    for (let i = 0; i < 50 && again === 'closed'; i++) {
      again = await attempt(port, '127.0.0.2', open);
      if (again === 'closed') await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(again, 'served', 'a place freed by a closed connection is given again');
  } finally {
    for (const s of open) s.destroy();
    server.close();
  }
});

test('headersTimeoutMs may not exceed requestTimeoutMs', () => {
  assert.throws(() => apiServer(() => undefined, { ...limits, headersTimeoutMs: 6000 }, undefined), /must not exceed apiLimits.requestTimeoutMs/);
});
