import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { api, eventually, freePort, makeStationDir, startStation, type StationDir, type StationProcess } from './support/station.ts';
import { platformHasHybridGroup } from '../src/station/link/tls-groups.ts';

// The link's post-quantum protection between real station processes: the
// X25519 + ML-KEM-768 exchange after the hellos, every message sealed under
// its keys, and what each side reports. The derivation itself (that both
// shares count) is checked in src/core/link/hybrid.test.ts; the seal in
// src/station/link/frame-seal.test.ts.

const running: StationProcess[] = [];
const dirs: StationDir[] = [];
const stops: Array<() => Promise<void>> = [];
after(async () => {
  for (const s of stops) await s();
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
});

const HYBRID = { tls: 'TLSv1.3', exchange: 'X25519+ML-KEM-768', cipher: 'AES-256-GCM', postQuantum: true };
// On Node 20 (OpenSSL 3.0) TLS itself negotiates X25519; with OpenSSL 3.5, X25519MLKEM768.
const TLS_GROUP = platformHasHybridGroup() ? 'X25519MLKEM768' : 'X25519';

async function linkTo(s: Linked | { as: Linked['as'] }, peer: string) {
  return (await s.as('root', 'GET', '/v1/links')).json.links.find((l: any) => l.peer === peer);
}

async function replicates(a: Linked, b: Linked, line: string) {
  await shareLine(a, [b], line, ['duty']);
  assert.equal((await a.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: `from ${a.name}` })).status, 201);
  assert.equal((await b.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: `from ${b.name}` })).status, 201);
  const texts = (s: Linked) => s.as('duty', 'GET', `/v1/lines/${line}/transcript`).then((r) => r.json.items.filter((i: any) => i.kind === 'message').map((i: any) => i.body.text).sort());
  await eventually(async () => {
    const [x, y] = await Promise.all([texts(a), texts(b)]);
    return x.length === 2 && JSON.stringify(x) === JSON.stringify(y);
  }, `both messages on both sides of ${line}`);
  // Receipts came back too: cosignatures cross the sealed link as well.
  await eventually(async () => (await a.as('duty', 'GET', `/v1/lines/${line}/transcript`)).json.items.filter((i: any) => i.party === a.name).every((i: any) => i.deliveredTo.includes(b.name)), `receipts at ${a.name}`);
}

test('a hybrid link: it comes up, entries and receipts cross it, and both sides show X25519+ML-KEM-768 with AES-256-GCM', { timeout: 90_000 }, async () => {
  const { stations, stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' });
  stops.push(stop);
  const [a, b] = stations;
  for (const [s, peer] of [[a, 'Moscow'], [b, 'Washington']] as const) {
    const link = await linkTo(s, peer);
    assert.equal(link.status, 'up');
    assert.deepEqual(link.protection, { ...HYBRID, tlsGroup: TLS_GROUP }, `${s.name}'s view of its link to ${peer}`);
  }
  await replicates(a, b, 'hybrid-line');
  // A duty officer (not only an admin) reads the protection: it is part of the link's status.
  assert.equal((await a.as('duty', 'GET', '/v1/links')).json.links[0].protection.exchange, 'X25519+ML-KEM-768');
});

test('with the exchange off on both sides the link runs on TLS alone, and says so', { timeout: 90_000 }, async () => {
  process.env.HOTLINE_LINK_EXCHANGE = 'off';
  let pair: Awaited<ReturnType<typeof linkedStations>>;
  try {
    pair = await linkedStations(['Ankara', 'Athens'], { duty: 'duty_officer' });
  } finally {
    delete process.env.HOTLINE_LINK_EXCHANGE;
  }
  stops.push(pair.stop);
  const [a, b] = pair.stations;
  for (const [s, peer] of [[a, 'Athens'], [b, 'Ankara']] as const) {
    const { protection } = await linkTo(s, peer);
    assert.equal(protection.exchange, 'none');
    assert.equal(protection.cipher, null);
    assert.equal(protection.postQuantum, TLS_GROUP === 'X25519MLKEM768');
  }
  await replicates(a, b, 'plain-line');
});

test('a station that requires the hybrid exchange refuses one that has it off, both say why, neither crashes; agreeing, they link', { timeout: 120_000 }, async () => {
  const mk = async (name: string, exchange?: 'off', port?: number) => {
    const dir = dirs.find((d) => d.identity.name === name) ?? (await makeStationDir(name, { root: 'admin', duty: 'duty_officer' }));
    if (!dirs.includes(dir)) dirs.push(dir);
    const peerPort = port ?? (await freePort());
    if (exchange) process.env.HOTLINE_LINK_EXCHANGE = exchange;
    let proc: StationProcess;
    try {
      proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${peerPort}`);
    } finally {
      delete process.env.HOTLINE_LINK_EXCHANGE;
    }
    running.push(proc);
    return { name, dir, proc, peerPort, as: (m: string, method: string, p: string, body?: unknown) => api(proc.url, dir.tokens[m], method, p, body) };
  };
  const kyiv = await mk('Kyiv');
  const lviv = await mk('Lviv', 'off');
  // Each pins the other with its address, so both directions are tried: Kyiv dials Lviv, and Lviv dials Kyiv.
  assert.equal((await kyiv.as('root', 'POST', '/v1/peers', { name: 'Lviv', key: lviv.dir.identity.vkey, urls: [lviv.proc.linkUrl] })).status, 201);
  assert.equal((await lviv.as('root', 'POST', '/v1/peers', { name: 'Kyiv', key: kyiv.dir.identity.vkey, urls: [kyiv.proc.linkUrl] })).status, 201);

  const out = (s: { proc: StationProcess }) => s.proc.output();
  // Kyiv listening: Lviv's first message after the hello is not an offer.
  await eventually(async () => /"reason":"Lviv sent 'lines' where this station requires the X25519\+ML-KEM-768 key exchange","msg":"refused a link"/.test(out(kyiv)), 'Kyiv refuses Lviv\'s dial', 30_000)
    .catch((e) => { console.log(out(kyiv), out(lviv)); throw e; });
  // Kyiv dialing: Lviv answers the offer with its line offer, or closes as it sees the offer.
  await eventually(async () => /Lviv answered the key-exchange offer with 'lines': its hybrid key exchange may be off|Lviv closed the link during the key exchange \(4001: the hybrid key exchange is off at this station\)/.test(out(kyiv)), 'Kyiv refuses Lviv\'s answer', 30_000);
  // Lviv hears why, both ways: Kyiv's refusal of its dial, and its own refusal of Kyiv's offer.
  await eventually(async () => /"code":4001,"reason":"Lviv sent 'lines' where this station requires the X25519\+ML-KEM-768 key exchange","msg":"link session ended"/.test(out(lviv)), 'Lviv logs Kyiv\'s reason', 30_000)
    .catch((e) => { console.log(out(lviv)); throw e; });
  await eventually(async () => /the peer offered the hybrid key exchange, which is off at this station/.test(out(lviv)), 'Lviv logs the offer it refused', 30_000);

  // Neither station went down, and neither ever showed the link as up: a refused session is not a link that flapped.
  for (const [s, peer] of [[kyiv, 'Lviv'], [lviv, 'Kyiv']] as const) {
    assert.equal(s.proc.proc.exitCode, null);
    const link = await linkTo(s, peer);
    assert.equal(link.status, 'down');
    assert.equal(link.protection, null);
    const history = (await s.as('root', 'GET', `/v1/links/${peer}/history`)).json.events;
    assert.ok(!history.some((e: any) => e.status === 'up'), `${s.name}: ${JSON.stringify(history)}`);
  }

  // Lviv turns the exchange on (its default) and comes back on the same address: the link comes up, hybrid on both sides.
  await lviv.proc.stop();
  const lviv2 = await mk('Lviv', undefined, lviv.peerPort);
  for (const [s, peer] of [[kyiv, 'Lviv'], [lviv2, 'Kyiv']] as const) {
    const link = await eventually(async () => { const l = await linkTo(s, peer); return l?.status === 'up' && l; }, `${s.name}'s link to ${peer} up`, 30_000);
    assert.deepEqual(link.protection, { ...HYBRID, tlsGroup: TLS_GROUP });
  }
});
