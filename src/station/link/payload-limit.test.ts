import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket, { WebSocketServer } from 'ws';
import { PRE_AUTH_MAX_PAYLOAD, raisePayloadLimit } from './payload-limit.ts';

// raisePayloadLimit reaches into ws's receiver. This fails if a ws release
// renames the field (it throws) or stops reading it (the large message is
// still refused after the raise).

async function pair(): Promise<{ server: WebSocket; client: WebSocket; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: PRE_AUTH_MAX_PAYLOAD });
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  const accepted = once(wss, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  client.on('error', () => undefined);
  const [server] = (await accepted) as [WebSocket];
  server.on('error', () => undefined);
  if (client.readyState !== client.OPEN) await once(client, 'open');
  return { server, client, close: () => new Promise((r) => { client.terminate(); wss.close(() => r()); }) };
}

test('before the raise, a message over the pre-authentication limit closes the connection with 1009', async () => {
  const { server, client, close } = await pair();
  try {
    // The server answers with a close frame of 1009 (message too big) that the client hears.
    const closed = new Promise<number>((r) => client.once('close', (code) => r(code)));
    client.send(Buffer.alloc(PRE_AUTH_MAX_PAYLOAD + 1));
    const code = await closed;
    assert.equal(code, 1009);
  } finally {
    await close();
  }
});

test('after the raise, the same message arrives whole', async () => {
  const { server, client, close } = await pair();
  try {
    raisePayloadLimit(server, 1024 * 1024);
    const got = once(server, 'message');
    client.send(Buffer.alloc(PRE_AUTH_MAX_PAYLOAD * 4, 7));
    const [data] = (await got) as [Buffer];
    assert.equal(data.length, PRE_AUTH_MAX_PAYLOAD * 4);
    assert.equal(server.readyState, server.OPEN);
  } finally {
    await close();
  }
});

test('a socket without the receiver field is refused loudly, not silently left at the small limit', () => {
  assert.throws(() => raisePayloadLimit({} as WebSocket, 1024), /cannot raise its message limit/);
});
