import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { eventually } from './support/station.ts';
import { linkedStations, shareLine, type Linked } from './support/linked.ts';

// A discreet line (a backchannel) can be run by those it exists for: the
// admin and the principals and duty officers named on it configure its
// settings, templates and roster, and an overdue message on it escalates up
// the roster like on any other line. To everyone else it still answers
// exactly like a line that does not exist.

const members = { chief: 'principal', duty: 'duty_officer', translator: 'translator', outsider: 'principal', root2: 'admin' };
const onLine = ['root', 'chief', 'duty', 'translator'];
let W: Linked;
let M: Linked;
let stop: () => Promise<void>;
let line: string;

before(async () => {
  ({ stations: [W, M], stop } = await linkedStations(['Washington', 'Moscow'], members, { schedulerMs: 100, heartbeatMs: 200 }));
  line = await shareLine(W, [M], '', onLine, { discreet: true, title: 'Backchannel' });
});
after(async () => stop?.());

test('the admin and named speakers on a discreet line configure it; an overdue message escalates up its roster', { timeout: 90_000 }, async () => {
  const L = `/v1/lines/${line}`;
  // The creating side's admin, named on the line: settings, a template, the roster.
  assert.equal((await W.as('root', 'PATCH', `${L}/settings`, { escalationStepSeconds: 10 })).status, 201);
  assert.equal((await W.as('root', 'PUT', `${L}/templates/1`, { title: 'quiet word', texts: { en: 'Can we talk?', ru: 'Можем поговорить?' } })).status, 201);
  assert.equal((await W.as('root', 'PUT', `${L}/roster`, { members: ['chief'] })).status, 200);
  // A duty officer named on it sets the roster for its own side; a translator named on it may not.
  assert.equal((await W.as('duty', 'PUT', `${L}/roster`, { members: ['duty', 'chief'] })).status, 200);
  const refused = await W.as('translator', 'PUT', `${L}/roster`, { members: ['translator'] });
  assert.equal(refused.status, 403, refused.text);
  assert.deepEqual((await W.as('chief', 'GET', `${L}/roster`)).json.members, ['duty', 'chief']);
  // Naming who is on the line stays with the admin.
  assert.equal((await W.as('chief', 'PUT', `${L}/members`, { members: onLine })).status, 403);
  // The other side's named principal gives Washington ten seconds on its FLASH messages.
  assert.equal((await M.as('chief', 'PATCH', `${L}/settings`, { deadlines: { FLASH: 10 } })).status, 201);
  await eventually(async () => (await M.as('duty', 'GET', `${L}/templates`)).json?.templates?.length === 1, 'the template reaches Moscow');

  const sent = await M.as('duty', 'POST', `${L}/messages`, { text: 'Are you receiving?', precedence: 'FLASH' });
  assert.equal(sent.status, 201, sent.text);
  const id = sent.json.id;
  const escalated = await eventually(async () => {
    const m = (await W.as('duty', 'GET', `${L}/messages/${id}`)).json;
    return m?.escalations?.length === 2 && m;
  }, 'two escalations at Washington', 40_000);
  assert.deepEqual(escalated.escalations.map((e: any) => [e.party, e.level, e.notify]), [['Washington', 1, 'duty'], ['Washington', 2, 'chief']]);
  assert.equal(escalated.status, 'overdue');
  // The sender sees its message went overdue and who was alerted.
  const atMoscow = await eventually(async () => {
    const m = (await M.as('duty', 'GET', `${L}/messages/${id}`)).json;
    return m?.escalations?.length === 2 && m;
  }, 'escalations visible at Moscow');
  assert.deepEqual(atMoscow.escalations.map((e: any) => e.notify), ['duty', 'chief']);
});

test('to anyone not named on it, configuring a discreet line answers exactly like a line that does not exist', { timeout: 30_000 }, async () => {
  const missing = `ln-${randomBytes(12).toString('hex')}`;
  const requests: Array<[string, string, unknown]> = [
    ['PATCH', 'settings', { escalationStepSeconds: 60 }],
    ['PUT', 'templates/2', { texts: { en: 'x' } }],
    ['PUT', 'roster', { members: ['duty'] }],
    ['GET', 'settings', undefined],
    ['GET', 'roster', undefined],
    ['PUT', 'members', { members: ['outsider'] }],
  ];
  for (const who of ['outsider', 'root2']) {
    for (const [method, path, body] of requests) {
      const hidden = await W.as(who, method, `/v1/lines/${line}/${path}`, body);
      const none = await W.as(who, method, `/v1/lines/${missing}/${path}`, body);
      assert.equal(hidden.status, 404, `${who} ${method} ${path}: ${hidden.status} ${hidden.text}`);
      assert.equal(hidden.text, none.text, `${who} ${method} ${path}`);
      assert.equal(hidden.headers['content-type'], none.headers['content-type']);
    }
    assert.ok(!(await W.as(who, 'GET', '/v1/lines')).text.includes(line), `${who} lists the line`);
  }
  // And nothing they tried changed the line.
  assert.deepEqual((await W.as('chief', 'GET', `/v1/lines/${line}/roster`)).json.members, ['duty', 'chief']);
  const settings = (await W.as('chief', 'GET', `/v1/lines/${line}/settings`)).json;
  assert.equal(settings.ours.escalationStepSeconds, 10);
});
