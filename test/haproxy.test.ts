import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, eventually, freePort, makeStationDir, ROOT, startStation, trustStation, type StationProcess } from './support/station.ts';
import { testDatabase } from './support/postgres.ts';

// The HAProxy configuration in docs/ is the one users copy: run that very file
// (its addresses rewritten to loopback) in front of two real replicas, and
// check that the API keeps answering through it, and the link port reaches
// whichever replica leads, when the leader is killed.

const HAPROXY = '/usr/sbin/haproxy';

/** docs/haproxy.cfg with r1, r2 on loopback ports and r3 left out. */
function configFor(ports: { api: number; link: number; replicas: Array<{ api: number; link: number }> }): string {
  let cfg = readFileSync(join(ROOT, 'docs/haproxy.cfg'), 'utf8');
  cfg = cfg.replace('bind :7700', `bind 127.0.0.1:${ports.api}`).replace('bind :7701', `bind 127.0.0.1:${ports.link}`);
  cfg = cfg.split('\n').filter((l) => !l.includes('10.0.0.13')).join('\n');
  ports.replicas.forEach((r, i) => {
    const host = `10.0.0.1${i + 1}`;
    cfg = cfg.replaceAll(`${host}:7700`, `127.0.0.1:${r.api}`).replaceAll(`${host}:7701 check port 7700`, `127.0.0.1:${r.link} check port ${r.api}`);
  });
  assert.ok(!cfg.includes('10.0.0.'), `every address was rewritten:\n${cfg}`);
  return cfg;
}

/** Whether a TLS handshake through the balancer's link port completes (only the leader listens for links). */
function linkAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, timeout: 2000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const role = async (r: StationProcess) => (await api(r.url, undefined, 'GET', '/v1/station')).json?.replica?.role as string | undefined;

test('the documented HAProxy configuration keeps the station answering when its leader is killed', { timeout: 90_000 }, async () => {
  const db = await testDatabase();
  const s = await makeStationDir('Washington', { root: 'admin', duty: 'duty_officer' }, { database: db.url });
  const tmp = mkdtempSync(join(tmpdir(), 'hotline-haproxy-'));
  const ports = { api: await freePort(), link: await freePort(), replicas: [{ api: await freePort(), link: await freePort() }, { api: await freePort(), link: await freePort() }] };
  const replicas: StationProcess[] = [];
  let haproxy: ReturnType<typeof spawn> | undefined;
  let haOut = '';
  try {
    replicas.push(await startStation(s.dir, `127.0.0.1:${ports.replicas[0].api}`, 20_000, `127.0.0.1:${ports.replicas[0].link}`));
    await eventually(async () => (await role(replicas[0])) === 'leader', 'the first replica leads');
    replicas.push(await startStation(s.dir, `127.0.0.1:${ports.replicas[1].api}`, 20_000, `127.0.0.1:${ports.replicas[1].link}`));
    await eventually(async () => (await role(replicas[1])) === 'follower', 'the second replica follows');

    // Only the leader is ready for the link port.
    assert.equal((await api(replicas[0].url, undefined, 'GET', '/readyz?role=leader')).status, 200);
    assert.equal((await api(replicas[1].url, undefined, 'GET', '/readyz?role=leader')).status, 503);
    assert.equal((await api(replicas[1].url, undefined, 'GET', '/readyz')).status, 200);

    const cfgFile = join(tmp, 'haproxy.cfg');
    writeFileSync(cfgFile, configFor(ports));
    haproxy = spawn(HAPROXY, ['-db', '-f', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout!.on('data', (d) => (haOut += d));
    haproxy.stderr!.on('data', (d) => (haOut += d));
    haproxy.once('error', (e) => (haOut += `\n${e.message}`));
    const through = `https://127.0.0.1:${ports.api}`;
    trustStation(through, s.dir);
    await eventually(async () => (await api(through, undefined, 'GET', '/readyz').catch(() => undefined))?.status === 200, `HAProxy answers:\n${haOut}`);

    const created = await api(through, s.tokens.root, 'POST', '/v1/lines', { id: 'ha-line', title: 'Through the balancer', parties: [], members: ['duty'] });
    assert.equal(created.status, 201, created.text);
    const send = (text: string) => api(through, s.tokens.duty, 'POST', '/v1/lines/ha-line/messages', { text }).catch(() => ({ status: 0 }));
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const text = `before ${i}`;
      assert.equal((await send(text)).status, 201, 'a send through the balancer is stored');
      sent.push(text);
    }
    await eventually(() => linkAnswers(ports.link), 'the link port reaches the leader');

    await replicas[0].kill();
    // Sends go on through the balancer; each one acknowledged must be stored once.
    for (let i = 0; i < 5; i++) {
      const text = `after ${i}`;
      await eventually(async () => (await send(text)).status === 201, `"${text}" is acknowledged through the balancer after the kill:\n${haOut}`, 20_000);
      sent.push(text);
    }
    assert.equal(await role(replicas[1]), 'leader');
    await eventually(() => linkAnswers(ports.link), 'the link port now reaches the new leader');

    const messages = (await api(through, s.tokens.duty, 'GET', '/v1/lines/ha-line/messages')).json.messages as Array<{ text: string }>;
    const texts = messages.map((m) => m.text);
    for (const text of sent) assert.equal(texts.filter((t) => t === text).length, 1, `"${text}" stored exactly once`);
  } finally {
    haproxy?.kill('SIGKILL');
    for (const r of replicas) await r.kill().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
    s.cleanup();
    await db.drop();
  }
});
