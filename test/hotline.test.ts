import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, fetchStation } from './support/station.ts';
import { linkedStations, listen, shareLine, type Linked } from './support/linked.ts';

// The hotline features end to end, between two real linked stations.

const members = { chief: 'principal', duty: 'duty_officer', duty2: 'duty_officer', translator: 'translator', auditor: 'auditor' };
const onLine = ['chief', 'duty', 'duty2', 'translator'];
let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let line: string;

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], members, { schedulerMs: 100, heartbeatMs: 200 }));
  line = await shareLine(W, [M], 'deconfliction', onLine);
});
after(async () => stop?.());

const fp = (byte: string) => `sha-256 ${Array(32).fill(byte).join(':')}`;
const sdp = (fingerprint: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:${fingerprint}\r\n`;

test('messages: precedence, delivered, acknowledged by a named person, translations, templates', { timeout: 60_000 }, async () => {
  const events = await listen(W.proc.url, W.tokens.duty);
  try {
    const sent = await W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'Flight operations north of the corridor at 14:00Z.', precedence: 'FLASH', lang: 'en' });
    assert.equal(sent.status, 201);
    const id = sent.json.id;
    const message = await eventually(async () => {
      const m = (await W.as('duty', 'GET', `/v1/lines/${line}/messages/${id}`)).json;
      return m.status === 'delivered' && m;
    }, 'delivered (Moscow cosigned)');
    assert.equal(message.precedence, 'FLASH');
    assert.ok(message.ackBy - message.time >= 5 * 60_000 - 1000 && message.ackBy - message.time <= 5 * 60_000 + 1000, 'FLASH deadline defaults to 5 minutes');

    await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/messages/${id}`)).status === 200, 'message at Moscow');
    assert.equal((await M.as('translator', 'POST', `/v1/lines/${line}/items/${id}/ack`)).status, 403, 'a translator does not acknowledge');
    assert.equal((await W.as('duty', 'POST', `/v1/lines/${line}/items/${id}/ack`)).status, 409, 'nobody acknowledges their own message');
    assert.equal((await M.as('translator', 'POST', `/v1/lines/${line}/messages/${id}/translations`, { text: 'Полёты севернее коридора в 14:00Z.', lang: 'ru', stage: 'sight' })).status, 201);
    assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/items/${id}/ack`)).status, 201);
    const again = await M.as('duty2', 'POST', `/v1/lines/${line}/items/${id}/ack`);
    assert.equal(again.status, 409);
    assert.match(again.json.error.message, /already acknowledged by duty/);

    const acked = await eventually(async () => {
      const m = (await W.as('duty', 'GET', `/v1/lines/${line}/messages/${id}`)).json;
      return m.status === 'acknowledged' && m.translations.length === 1 && m;
    }, 'acknowledged at Washington');
    assert.deepEqual(acked.acks.map((a: any) => [a.party, a.by]), [['Moscow', 'duty']]);
    assert.equal(acked.text, 'Flight operations north of the corridor at 14:00Z.', 'the original is untouched');
    assert.deepEqual([acked.translations[0].lang, acked.translations[0].stage, acked.translations[0].translator, acked.translations[0].party], ['ru', 'sight', 'translator', 'Moscow']);
    await events.waitFor((e) => e.type === 'message' && e.message.id === id && e.message.status === 'acknowledged', 'live status change');

    // Templates: numbered, bilingual, used by number.
    assert.equal((await W.as('duty', 'PUT', `/v1/lines/${line}/templates/7`, { texts: { en: 'Line test, please acknowledge.', ru: 'Проверка линии, подтвердите.' } })).status, 403, 'only an admin defines templates');
    assert.equal((await W.as('root', 'PUT', `/v1/lines/${line}/templates/7`, { title: 'line check', texts: { en: 'Line test, please acknowledge.', ru: 'Проверка линии, подтвердите.' }, precedence: 'IMMEDIATE' })).status, 201);
    await eventually(async () => (await M.as('duty', 'GET', `/v1/lines/${line}/templates`)).json.templates.length === 1, 'template at Moscow');
    const t = await M.as('duty', 'POST', `/v1/lines/${line}/messages`, { template: 7, lang: 'ru' });
    assert.equal(t.status, 201);
    const tm = (await M.as('duty', 'GET', `/v1/lines/${line}/messages/${t.json.id}`)).json;
    assert.deepEqual([tm.text, tm.template, tm.precedence, tm.lang], ['Проверка линии, подтвердите.', 7, 'IMMEDIATE', 'ru']);
    assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/messages`, { template: 8 })).status, 400);
    assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'x', precedence: 'URGENT' })).status, 400);
  } finally {
    events.close();
  }
});

test('a missed deadline escalates on the receiving station up its watch roster, and the sender sees it', { timeout: 90_000 }, async () => {
  assert.equal((await W.as('root', 'PATCH', `/v1/lines/${line}/settings`, { deadlines: { FLASH: 10, IMMEDIATE: 1800, PRIORITY: 10800, ROUTINE: 86400 } })).status, 201);
  assert.equal((await M.as('root', 'PATCH', `/v1/lines/${line}/settings`, { escalationStepSeconds: 10 })).status, 201);
  assert.equal((await M.as('root', 'PUT', `/v1/lines/${line}/roster`, { members: ['duty', 'chief'] })).status, 200);
  assert.equal((await M.as('root', 'PUT', `/v1/lines/${line}/roster`, { members: ['auditor'] })).status, 400, 'the roster names only members on the line');
  const moscow = await listen(M.proc.url, M.tokens.chief);
  const washington = await listen(W.proc.url, W.tokens.duty);
  try {
    const sent = await W.as('duty', 'POST', `/v1/lines/${line}/messages`, { text: 'Missile launch notification follows.', precedence: 'FLASH' });
    const id = sent.json.id;
    const first = await moscow.waitFor((e) => e.type === 'deadline' && e.message === id && e.level === 1, 'level 1 at Moscow', 30_000);
    assert.equal(first.notify, 'duty');
    await moscow.waitFor((e) => e.type === 'alarm' && e.alarm.kind === 'deadline' && e.alarm.item === id && e.alarm.words.level === 1, 'alarm at Moscow');
    await washington.waitFor((e) => e.type === 'deadline' && e.message === id && e.side === 'sender', 'overdue at Washington');
    // Both sides keep the alarms as state, in people's words: the FLASH and its escalation at Moscow, the overdue FLASH at Washington.
    const overdue = await washington.waitFor((e) => e.type === 'alarm' && e.alarm.kind === 'overdue' && e.alarm.item === id, 'overdue alarm at Washington');
    assert.deepEqual([overdue.alarm.precedence, overdue.alarm.words.waiting, overdue.alarm.sounding], ['FLASH', 'Moscow', true]);
    const atMoscow = (await M.as('chief', 'GET', '/v1/alarms')).json.alarms;
    const flash = atMoscow.find((a: any) => a.kind === 'flash' && a.item === id);
    assert.deepEqual([flash.words.text, flash.words.from, flash.words.party, flash.place.tab], ['Missile launch notification follows.', 'duty', 'Washington', 'transcript']);
    assert.ok(!JSON.stringify(flash.words).includes(id), 'no internal reference in the words');
    const second = await moscow.waitFor((e) => e.type === 'deadline' && e.message === id && e.level === 2, 'level 2 at Moscow', 30_000);
    assert.equal(second.notify, 'chief');
    const seen = await eventually(async () => {
      const m = (await W.as('duty', 'GET', `/v1/lines/${line}/messages/${id}`)).json;
      return m.escalations.length === 2 && m;
    }, 'escalations visible to the sender');
    assert.equal(seen.status, 'overdue');
    assert.deepEqual(seen.escalations.map((e: any) => [e.party, e.level, e.notify]), [['Moscow', 1, 'duty'], ['Moscow', 2, 'chief']]);
    // Only two people on the roster: no third level.
    await new Promise((r) => setTimeout(r, 11_000));
    assert.equal((await W.as('duty', 'GET', `/v1/lines/${line}/messages/${id}`)).json.escalations.length, 2);
  } finally {
    moscow.close();
    washington.close();
    await W.as('root', 'PATCH', `/v1/lines/${line}/settings`, { deadlines: { FLASH: 300, IMMEDIATE: 1800, PRIORITY: 10800, ROUTINE: 86400 } });
  }
});

test('calls: ringing, accepted with both fingerprints, signalling checked against them, ended; declined; unanswered', { timeout: 60_000 }, async () => {
  const moscow = await listen(M.proc.url, M.tokens.chief);
  try {
    await M.as('root', 'PATCH', `/v1/lines/${line}/settings`, { ringSeconds: 5 });
    await W.as('root', 'PATCH', `/v1/lines/${line}/settings`, { ringSeconds: 5 });
    const placed = await W.as('chief', 'POST', `/v1/lines/${line}/calls`, { to: 'chief', fingerprint: fp('AA') });
    assert.equal(placed.status, 201);
    const call = placed.json.id;
    const ringing = await moscow.waitFor((e) => e.type === 'call.ringing' && e.call.id === call, 'ringing at Moscow');
    assert.deepEqual([ringing.call.from, ringing.call.to, ringing.call.toParty], ['chief', 'chief', 'Moscow']);

    // The caller's offer must carry the fingerprint its station signed.
    assert.equal((await W.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/signals`, { kind: 'offer', data: sdp(fp('BB')) })).status, 400);
    assert.equal((await W.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/signals`, { kind: 'offer', data: sdp(fp('AA')) })).status, 202);
    const offer = await moscow.waitFor((e) => e.type === 'call.signal' && e.call === call && e.signal.kind === 'offer', 'offer relayed');
    assert.equal(offer.signal.from, 'Washington');
    assert.equal((await M.as('chief', 'GET', `/v1/lines/${line}/calls/${call}/signals`)).json.signals.length, 1);
    assert.equal((await M.as('translator', 'GET', `/v1/lines/${line}/calls/${call}/signals`)).status, 403);

    assert.equal((await W.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/accept`, { fingerprint: fp('CC') })).status, 409, 'the caller does not accept its own call');
    assert.equal((await M.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/accept`, { fingerprint: fp('CC') })).status, 201);
    assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/calls/${call}/decline`, {})).status, 409, 'an accepted call cannot be declined');
    const washington = await listen(W.proc.url, W.tokens.chief);
    try {
      assert.equal((await M.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/signals`, { kind: 'answer', data: sdp(fp('CC')) })).status, 202);
      await washington.waitFor((e) => e.type === 'call.signal' && e.call === call && e.signal.kind === 'answer', 'answer relayed');
      assert.equal((await M.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/signals`, { kind: 'ice', data: '{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host"}' })).status, 202);
      await washington.waitFor((e) => e.type === 'call.signal' && e.signal.kind === 'ice', 'ICE relayed');
    } finally {
      washington.close();
    }
    const accepted = await eventually(async () => {
      const c = (await W.as('chief', 'GET', `/v1/lines/${line}/calls/${call}`)).json;
      return c.status === 'accepted' && c;
    }, 'accepted at Washington');
    assert.deepEqual(accepted.fingerprints, { caller: fp('AA'), callee: fp('CC') });
    assert.deepEqual(accepted.participants, [{ party: 'Washington', name: 'chief' }, { party: 'Moscow', name: 'chief' }]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await W.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/end`, {})).status, 201);
    const ended = await eventually(async () => {
      const c = (await M.as('chief', 'GET', `/v1/lines/${line}/calls/${call}`)).json;
      return c.status === 'ended' && c;
    }, 'ended at Moscow');
    assert.ok(ended.durationMs > 0);
    assert.equal(ended.endedBy, 'chief');

    // Declined, with a reason, seen on both sides.
    const second = (await W.as('chief', 'POST', `/v1/lines/${line}/calls`, { to: 'chief' })).json.id;
    await moscow.waitFor((e) => e.type === 'call.ringing' && e.call.id === second, 'second call rings');
    assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/calls/${second}/decline`, { reason: 'The minister is unavailable.' })).status, 201);
    for (const s of [W, M]) {
      const c = await eventually(async () => {
        const x = (await s.as('chief', 'GET', `/v1/lines/${line}/calls/${second}`)).json;
        return x.status === 'declined' && x;
      }, `declined at ${s.name}`);
      assert.deepEqual([c.answer.by, c.answer.reason], ['duty', 'The minister is unavailable.']);
    }

    // Nobody answers: the caller's station records it unanswered when the ring time runs out.
    const third = (await W.as('chief', 'POST', `/v1/lines/${line}/calls`, {})).json.id;
    for (const s of [W, M]) {
      await eventually(async () => (await s.as('chief', 'GET', `/v1/lines/${line}/calls/${third}`)).json.status === 'unanswered', `unanswered at ${s.name}`, 20_000);
    }
    assert.equal((await M.as('chief', 'POST', `/v1/lines/${line}/calls/${third}/accept`, {})).status, 409, 'too late to accept');
  } finally {
    moscow.close();
  }
});

test('readouts: drafted privately, published in versions, compared side by side; public ones listed for the press', { timeout: 60_000 }, async () => {
  const call = (await W.as('chief', 'POST', `/v1/lines/${line}/calls`, {})).json.id;
  await eventually(async () => (await M.as('chief', 'GET', `/v1/lines/${line}/calls/${call}`)).status === 200, 'call at Moscow');
  await M.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/accept`, {});
  await eventually(async () => (await W.as('chief', 'GET', `/v1/lines/${line}/calls/${call}`)).json.status === 'accepted', 'accepted');
  await W.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/end`, {});

  assert.equal((await W.as('chief', 'PUT', `/v1/lines/${line}/calls/${call}/readout/draft`, { text: 'The Secretary discussed the importance of maintaining lines of communication.', lang: 'en' })).status, 200);
  assert.equal((await M.as('chief', 'GET', `/v1/lines/${line}/calls/${call}/readout/draft`)).json.draft, null, 'a draft stays on its own station');
  assert.equal((await W.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/readout/publish`, { public: true })).status, 201);
  assert.equal((await W.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/readout/publish`, { public: true, text: 'The Secretary discussed the importance of maintaining lines of communication amid the ongoing war.' })).status, 201);
  assert.equal((await M.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/readout/publish`, { text: 'The ministers spoke by telephone, without further details.', public: true })).status, 201);
  assert.equal((await M.as('chief', 'POST', `/v1/lines/${line}/calls/${call}/readout/publish`, {})).status, 400, 'nothing to publish');

  for (const s of [W, M]) {
    const r = await eventually(async () => {
      const x = (await s.as('duty', 'GET', `/v1/lines/${line}/calls/${call}/readouts`)).json;
      return x.readouts.Washington?.length === 2 && x.readouts.Moscow?.length === 1 && x;
    }, `readouts side by side at ${s.name}`);
    assert.deepEqual(r.readouts.Washington.map((v: any) => v.version), [1, 2]);
    assert.match(r.readouts.Washington[0].text, /maintaining lines of communication\.$/, 'the first version stays');
  }
  const press = await eventually(async () => {
    const x = (await fetchStation(`${W.proc.url}/v1/public/readouts`)).json() as Promise<any>;
    const j = await x;
    return j.readouts.filter((r: any) => r.call === call).length === 2 && j;
  }, 'public readouts');
  assert.ok(press.readouts.some((r: any) => r.party === 'Washington' && r.version === 2));
});

test('notices: acknowledged, and an overlap of two parties\' notices raises a conflict on both stations', { timeout: 60_000 }, async () => {
  const hour = 3600_000;
  const start = Date.now() + hour;
  const circle = (lon: number, lat: number, radius: number) => ({ type: 'Point', coordinates: [lon, lat], radius });
  const w = await W.as('duty', 'POST', `/v1/lines/${line}/notices`, { kind: 'flight_operations', area: circle(33.0, 45.0, 50_000), altitude: { lower: 3000, upper: 9000 }, window: { start, end: start + 2 * hour }, text: 'Bomber transit' });
  assert.equal(w.status, 201);
  const m = await M.as('duty', 'POST', `/v1/lines/${line}/notices`, { kind: 'missile_launch', area: { type: 'Polygon', coordinates: [[[33.5, 44.5], [34.5, 44.5], [34.5, 45.5], [33.5, 45.5], [33.5, 44.5]]] }, altitude: { lower: 0, upper: 100000 }, window: { start: start + hour, end: start + 3 * hour }, text: 'Test launch' });
  assert.equal(m.status, 201);
  // Apart in time: no conflict.
  await M.as('duty', 'POST', `/v1/lines/${line}/notices`, { kind: 'exercise', area: circle(33.0, 45.0, 10_000), altitude: { lower: 0, upper: 5000 }, window: { start: start + 10 * hour, end: start + 11 * hour }, text: 'Later' });
  assert.equal((await W.as('duty', 'POST', `/v1/lines/${line}/notices`, { kind: 'exercise', area: circle(33, 45, 1000), altitude: { lower: 5, upper: 1 }, window: { start, end: start + 1 } , text: '' })).status, 400);
  assert.equal((await W.as('duty', 'POST', `/v1/lines/${line}/notices`, { kind: 'exercise', area: circle(200, 45, 1000), altitude: { lower: 0, upper: 1 }, window: { start, end: start + 1 }, text: '' })).status, 400);

  for (const s of [W, M]) {
    const c = await eventually(async () => {
      const x = (await s.as('duty', 'GET', `/v1/lines/${line}/conflicts`)).json.conflicts;
      return x.length === 1 && x[0].recordedBy.length === 2 && x;
    }, `conflict recorded by both at ${s.name}`);
    assert.deepEqual(c[0].notices.sort(), [w.json.id, m.json.id].sort());
    assert.equal(c[0].active, true);
  }
  assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/items/${w.json.id}/ack`)).status, 201);
  const n = await eventually(async () => {
    const x = (await W.as('duty', 'GET', `/v1/lines/${line}/notices/${w.json.id}`)).json;
    return x.acks.length === 1 && x;
  }, 'notice acknowledged');
  assert.deepEqual(n.conflictsWith, [m.json.id]);
  assert.equal((await W.as('duty', 'POST', `/v1/lines/${line}/notices/${m.json.id}/withdraw`, {})).status, 403, 'only the filer withdraws');
  assert.equal((await M.as('duty', 'POST', `/v1/lines/${line}/notices/${m.json.id}/withdraw`, { reason: 'postponed' })).status, 201);
  await eventually(async () => (await W.as('duty', 'GET', `/v1/lines/${line}/conflicts`)).json.conflicts[0].active === false, 'conflict inactive once withdrawn');
});

test('contact history by API, per pair of principals, with CSV export', { timeout: 30_000 }, async () => {
  const h = (await M.as('duty', 'GET', `/v1/lines/${line}/history`)).json;
  assert.ok(h.calls.attempts >= 4);
  assert.ok(h.calls.declined >= 1 && h.calls.unanswered >= 1 && h.calls.accepted >= 2);
  assert.ok(h.calls.lastSpoke > 0);
  const pair = h.pairs.find((p: any) => p.caller.party === 'Washington' && p.caller.name === 'chief' && p.callee.name === 'chief');
  assert.ok(pair && pair.declined === 1 && pair.accepted >= 1);
  assert.equal(h.ackMedianMs.FLASH.count >= 1, true);
  const csv = await fetchStation(`${M.proc.url}/v1/lines/${line}/history?format=csv`, { headers: { authorization: `Bearer ${M.tokens.duty}` } });
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  const text = await csv.text();
  assert.match(text, /^time_utc,line,call,from_party,from,to_party,to,status,duration_s,reason,exercise\r\n/);
  assert.match(text, /declined,,The minister is unavailable\./);
  const empty = (await M.as('duty', 'GET', `/v1/lines/${line}/history?from=0&to=1`)).json;
  assert.equal(empty.calls.attempts, 0);
});

test('live events reach only members who may read the line', { timeout: 30_000 }, async () => {
  const member = await listen(M.proc.url, M.tokens.duty);
  const auditor = await listen(M.proc.url, M.tokens.auditor);
  const secret = await shareLine(W, [M], 'backchannel', ['chief'], { discreet: true });
  const outsider = await listen(M.proc.url, M.tokens.duty);
  const principal = await listen(M.proc.url, M.tokens.chief);
  try {
    const quiet = await W.as('chief', 'POST', `/v1/lines/${secret}/messages`, { text: 'Quietly: the corridor stays open.' });
    assert.equal(quiet.status, 201, quiet.text);
    await eventually(async () => (await M.as('chief', 'GET', `/v1/lines/${secret}/messages`)).json?.messages?.length === 1, 'discreet message at Moscow').catch(async (e) => {
      console.log((await M.as('chief', 'GET', `/v1/lines/${secret}/messages`)).text, (await M.as('chief', 'GET', `/v1/lines/${secret}/transcript`)).text, principal.events);
      throw e;
    });
    await W.as('chief', 'POST', `/v1/lines/${line}/messages`, { text: 'Openly: routine traffic.' });
    await principal.waitFor((e) => e.type === 'message' && e.line === secret, 'discreet message to its member').catch((e) => {
      console.log('PRINCIPAL', JSON.stringify(principal.events).slice(0, 3000), 'MEMBER', JSON.stringify(member.events.map((x) => [x.type, x.line])).slice(0, 2000));
      throw e;
    });
    await auditor.waitFor((e) => e.type === 'message' && e.line === line, 'ordinary message to the auditor');
    await member.waitFor((e) => e.type === 'message' && e.line === line, 'ordinary message to a member');
    await new Promise((r) => setTimeout(r, 500));
    for (const s of [member, auditor, outsider]) assert.ok(!JSON.stringify(s.events).includes(secret), 'no event about the discreet line');
  } finally {
    for (const s of [member, auditor, outsider, principal]) s.close();
  }
});
