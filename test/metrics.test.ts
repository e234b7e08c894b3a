import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';
import { api, eventually } from './support/station.ts';
import { promtool, sample, samples } from './support/metrics-text.ts';

let W: Linked;
let M: Linked;
let stop: () => Promise<void>;

before(async () => {
  // No line tests: nothing may write on its own between two readings but what the test does.
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], { duty: 'duty_officer' }, { heartbeatMs: 200, schedulerMs: 100, lineTestMinutes: 0 }));
});
after(async () => stop());

const metrics = async (s: Linked) => {
  const r = await api(s.proc.url, undefined, 'GET', '/metrics');
  assert.equal(r.status, 200);
  return r.text;
};

/** Waits until neither station has anything waiting for the other, so the readings hold still. */
async function settled(): Promise<void> {
  for (const s of [W, M]) {
    await eventually(async () => {
      const all = samples(await metrics(s));
      return sample(all, 'hotline_link_backlog_entries') === 0 && sample(all, 'hotline_link_status', 'status="up"') === 1;
    }, `${s.name} has delivered everything`);
  }
}

test('ordinary traffic moves the per-route, entry, acknowledgement and link series, and promtool finds the output clean', async () => {
  const line = await shareLine(W, [M], 'deconfliction', ['duty']);
  const before = { w: samples(await metrics(W)), m: samples(await metrics(M)) };
  const sent = await W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'convoy at grid 4417 at dawn' });
  assert.equal(sent.status, 201);
  assert.equal((await W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 42 })).status, 400);
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/messages/${sent.json.id}`)).status === 200, 'message at Moscow');
  assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/items/${sent.json.id}/ack`)).status, 201);
  await eventually(async () => sample(samples(await metrics(W)), 'hotline_entries_received_total', 'kind="ack"') > sample(before.w, 'hotline_entries_received_total', 'kind="ack"'), 'the acknowledgement counted at Washington');
  await settled();

  const w = samples(await metrics(W));
  const m = samples(await metrics(M));
  const moved = (all: Map<string, number>, was: Map<string, number>, name: string, ...labels: string[]) => sample(all, name, ...labels) - sample(was, name, ...labels);
  const route = 'route="/v1/lines/:line/messages"';
  assert.equal(moved(w, before.w, 'hotline_http_requests_total', 'method="POST"', route, 'status="201"'), 1, 'the message is counted by route pattern');
  assert.equal(moved(w, before.w, 'hotline_http_requests_total', 'method="POST"', route, 'status="400"'), 1, 'a refused body on a line route is counted too');
  assert.equal(moved(w, before.w, 'hotline_http_request_duration_seconds_count', 'method="POST"', route, 'status="201"'), 1);
  assert.equal(moved(m, before.m, 'hotline_http_requests_total', 'method="POST"', 'route="/v1/lines/:line/items/:id/ack"', 'status="201"'), 1);
  assert.equal(moved(w, before.w, 'hotline_entries_appended_total', 'kind="message"'), 1);
  assert.equal(moved(m, before.m, 'hotline_entries_received_total', 'kind="message"'), 1);
  assert.equal(moved(m, before.m, 'hotline_entries_appended_total', 'kind="ack"'), 1);
  assert.equal(moved(w, before.w, 'hotline_entries_received_total', 'kind="ack"'), 1);
  assert.equal(moved(m, before.m, 'hotline_acknowledgements_total', 'item="message"'), 1);
  assert.ok(sample(w, 'hotline_entries_appended_total', 'kind="line.define"') >= 1, 'every kind of entry is counted, not only messages');
  assert.equal(sample(w, 'hotline_link_status', 'peer="Moscow"', 'status="up"'), 1);
  assert.equal(sample(w, 'hotline_link_status', 'peer="Moscow"', 'status="down"'), 0);
  assert.ok(sample(w, 'hotline_link_rtt_seconds', 'peer="Moscow"') > 0, 'the round trip is read');
  assert.equal(sample(w, 'hotline_link_delivery_lag_seconds', 'peer="Moscow"'), 0);
  assert.ok(sample(w, 'hotline_tls_certificate_expiry_timestamp_seconds', 'certificate="api"') > Date.now() / 1000);
  assert.ok(sample(w, 'hotline_tls_certificate_expiry_timestamp_seconds', 'certificate="link"') > Date.now() / 1000);

  const text = await metrics(W);
  assert.ok(!text.includes(line), 'no series names a line');
  assert.ok(!text.includes('duty'), 'no series names a member');
  const checked = promtool(['check', 'metrics'], text);
  assert.equal(checked.code, 0, checked.output);
  assert.equal(checked.output.trim(), '', 'promtool has nothing to say');
});

test('traffic on a discreet line moves nothing the station reports, and looks like traffic on no line at all', async () => {
  await settled();
  // Only readings that change with time alone (round trips) and the scrapes themselves may differ.
  const ours = async (s: Linked) => (await metrics(s)).split('\n')
    .filter((l) => l.startsWith('hotline_') && !l.startsWith('hotline_link_rtt_seconds') && !l.includes('route="/metrics"'))
    .join('\n');
  const before = { w: await ours(W), m: await ours(M) };

  const created = await W.as('root', 'POST', '/v1/lines', { title: 'Backchannel', parties: [M.dir.identity.vkey], members: ['duty'], discreet: true });
  assert.equal(created.status, 201);
  const quiet = created.json.id as string;
  await eventually(async () => (await M.as('root', 'PUT', `/v1/lines/${quiet}/members`, { members: ['duty'] })).status === 200, 'backchannel at Moscow');
  const sent = await W.as('duty', 'POST', `/v1/lines/${quiet}/messages`, { text: 'quiet word' });
  assert.equal(sent.status, 201);
  assert.equal((await W.as('duty', 'POST', `/v1/lines/${quiet}/messages`, { text: 42 })).status, 400);
  await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${quiet}/messages/${sent.json.id}`)).status === 200, 'message at Moscow');
  assert.equal((await M.as('duty', 'POST', `/v1/lines/${quiet}/items/${sent.json.id}/ack`)).status, 201);
  await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${quiet}/messages/${sent.json.id}`)).json?.acks?.length === 1, 'acknowledgement at Washington');
  // And requests naming a line that does not exist: a 404 exactly like a discreet line's, and as absent here.
  assert.equal((await W.as('duty', 'GET', '/v1/lines/ln-no-such-line/messages')).status, 404);
  assert.equal((await W.as('duty', 'POST', '/v1/lines/ln-no-such-line/messages', { text: 'x' })).status, 404);
  await settled();

  assert.equal(await ours(W), before.w, 'Washington\'s metrics did not move');
  assert.equal(await ours(M), before.m, 'Moscow\'s metrics did not move');
});
