import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { logRedaction } from '../src/station/log-redaction.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { api, eventually, PASSWORD } from './support/station.ts';

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
const TEXT = 'the convoy crosses at grid 4417 at dawn';

before(async () => {
  // The stations log everything they would ever log.
  process.env.HOTLINE_TEST_LOG_LEVEL = 'debug';
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' }, { heartbeatMs: 200, lineTestMinutes: 0 }));
  delete process.env.HOTLINE_TEST_LOG_LEVEL;
});
after(async () => stop());

const records = (s: Linked) => s.proc.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

test('a station logging at debug writes no token, password or message text, and tags every request and link session line with its id', async () => {
  const line = await shareLine(W, [M], 'deconfliction', ['duty']);
  const session = await api(W.proc.url, undefined, 'POST', '/v1/session', { name: 'duty', password: PASSWORD });
  assert.equal(session.status, 201);
  const token = session.json.token as string;
  assert.equal((await api(W.proc.url, undefined, 'POST', '/v1/session', { name: 'duty', password: `${PASSWORD} wrong` })).status, 401);
  const sent = await api(W.proc.url, token, 'POST', `/v1/lines/${line}/messages`, { text: TEXT });
  assert.equal(sent.status, 201);
  assert.equal((await api(W.proc.url, `${token}x`, 'GET', `/v1/lines/${line}/messages`)).status, 401);
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/messages/${sent.json.id}`)).json?.text === TEXT, 'message at Moscow');
  assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/items/${sent.json.id}/ack`)).status, 201);
  await eventually(async () => records(W).some((r) => r.msg === 'request' && r.route === '/v1/lines/:line/messages'), 'the request logged');

  for (const s of [W, M]) {
    const out = s.proc.output();
    const secrets = [PASSWORD, TEXT, token, ...Object.values(s.dir.tokens), ...Object.values(W.dir.tokens), ...Object.values(M.dir.tokens)];
    for (const secret of secrets) assert.ok(!out.includes(secret), `${s.name}'s log holds ${secret.slice(0, 6)}…`);
    const all = records(s);
    const requests = all.filter((r) => r.msg === 'request' || r.msg === 'request failed');
    assert.ok(requests.length >= 3, `${s.name} logged its requests`);
    for (const r of requests) {
      assert.match(String(r.reqId), /\S/, `request line without a reqId: ${JSON.stringify(r)}`);
      assert.ok(typeof r.route === 'string' && !String(r.route).includes(line), 'requests are logged by route pattern, never by URL');
    }
    const links = all.filter((r) => typeof r.msg === 'string' && /^link session/.test(r.msg as string));
    assert.ok(links.length >= 1, `${s.name} logged its link session`);
    for (const r of links) assert.match(String(r.link), /^[0-9a-f-]{36}$/, `link session line without its id: ${JSON.stringify(r)}`);
  }
});

test('the logger redacts credentials and message text whoever logs them', () => {
  let written = '';
  const sink = new Writable({ write(chunk, _enc, done) { written += chunk.toString(); done(); } });
  const logger = pino({ redact: logRedaction }, sink);
  logger.warn({
    req: { headers: { authorization: 'Bearer tok-secret-1', cookie: 'hotline_session=tok-secret-2', 'x-hotline-replica-secret': 'tok-secret-3' } },
    password: 'pw-secret-4', body: { text: 'text-secret-5', password: 'pw-secret-6' }, member: { token: 'tok-secret-7' }, route: '/v1/session',
  }, 'a careless line');
  assert.ok(written.includes('/v1/session') && written.includes('[redacted]'), written);
  for (const secret of ['tok-secret-1', 'tok-secret-2', 'tok-secret-3', 'pw-secret-4', 'text-secret-5', 'pw-secret-6', 'tok-secret-7']) assert.ok(!written.includes(secret), `${secret} leaked: ${written}`);
});
