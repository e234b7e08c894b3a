import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { api, BIN, cli, eventually, freePort, makeStationDir, startStation, trustEnv, type StationDir, type StationProcess } from './support/station.ts';

// The hotline commands of the CLI against two real linked stations:
// messages and acknowledgements, calls, readouts, notices and conflicts,
// settings, templates, contact history and the live event stream.

const running: StationProcess[] = [];
const dirs: StationDir[] = [];
const listeners: ChildProcess[] = [];
after(async () => {
  // Listeners first: a station waits for its event-stream consoles as it stops.
  for (const l of listeners) if (l.exitCode === null && l.signalCode === null) l.kill('SIGKILL');
  for (const p of running) await p.stop();
  for (const d of dirs) d.cleanup();
});

async function station(name: string) {
  const dir = await makeStationDir(name, { root: 'admin', duty: 'duty_officer' });
  dirs.push(dir);
  const proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
  running.push(proc);
  const as = (member: 'root' | 'duty') => (args: string[]) => cli(args, { env: { HOTLINE_URL: proc.url, HOTLINE_TOKEN: dir.tokens[member] } });
  return { name, dir, proc, admin: dir.tokens.root, duty: dir.tokens.duty, cli: as('duty'), root: as('root') };
}

const LINE = 'deconfliction';
const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\n${r.stderr}${r.stdout}`);
  return r.stdout;
};
/** Replication under a loaded machine (the whole suite runs two files at a time) gets some slack. */
const soon = <T>(check: () => Promise<T | undefined | null | false>, what: string) => eventually(check, what, 30_000);
/** The table row of an item, by its id at the start of the row. */
const row = (out: string, id: string) => out.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';

// About 40 s on an idle two-core machine; the timeout leaves room for a loaded one.
test('the hotline commands between two linked stations', { timeout: 180_000 }, async () => {
  const [a, b] = await Promise.all([station('Washington'), station('Moscow')]);

  // Bad input is refused before any request: the station named here does not exist.
  const nowhere = { HOTLINE_URL: 'https://127.0.0.1:1', HOTLINE_TOKEN: 'hlt_x' };
  const refusals = await Promise.all([
    cli(['send', LINE, 'hello', '--precedence', 'URGENT'], { env: nowhere }),
    cli(['history', LINE, '--from', 'yesterday'], { env: nowhere }),
    cli(['line', 'settings', LINE, '--ring', '5 minutes'], { env: nowhere }),
    cli(['line', 'settings', LINE, '--deadline', 'FLASH=1s'], { env: nowhere }),
    cli(['notice', 'file', LINE, '--kind', 'exercise', '--circle', '30,50', '--lower', '0', '--upper', '1', '--from', '2030-01-01T00:00Z', '--to', '2030-01-02T00:00Z'], { env: nowhere }),
    cli(['call', 'decline', LINE, 'not-an-id'], { env: nowhere }),
  ]);
  for (const r of refusals) assert.equal(r.code, 2, r.stderr);
  assert.match(refusals[0].stderr, /precedence must be one of FLASH, IMMEDIATE, PRIORITY, ROUTINE, not 'URGENT'/);
  assert.match(refusals[1].stderr, /--from: 'yesterday' is not an ISO 8601 time/);
  assert.match(refusals[2].stderr, /--ring: '5 minutes' is not a duration/);
  assert.match(refusals[3].stderr, /--deadline FLASH must be between 10s and 7d/);
  assert.match(refusals[4].stderr, /--circle must be LON,LAT,RADIUS_M/);
  assert.match(refusals[5].stderr, /must look like Party:seq/);

  // Link the stations and open the line; each side names its duty officer on it.
  assert.equal((await api(a.proc.url, a.admin, 'POST', '/v1/peers', { name: 'Moscow', key: b.dir.identity.vkey, urls: [b.proc.linkUrl] })).status, 201);
  assert.equal((await api(b.proc.url, b.admin, 'POST', '/v1/peers', { name: 'Washington', key: a.dir.identity.vkey, urls: [a.proc.linkUrl] })).status, 201);
  await soon(async () => (await api(a.proc.url, a.duty, 'GET', '/v1/links')).json.links.find((l: any) => l.peer === 'Moscow' && l.status === 'up'), 'link up');
  ok(await a.root(['line', 'create', '--id', LINE, '--title', 'Deconfliction', '--party', b.dir.identity.vkey, '--member', 'duty']), 'line create');
  await soon(async () => (await api(b.proc.url, b.admin, 'PUT', `/v1/lines/${LINE}/members`, { members: ['duty'] })).status === 200, 'line offered to Moscow');

  // The live stream on Moscow, following the line from here on.
  const events = spawn(process.execPath, [BIN, 'events', '--line', LINE], { env: { ...process.env, HOTLINE_URL: b.proc.url, HOTLINE_TOKEN: b.duty, ...trustEnv(b.proc.url) }, stdio: ['ignore', 'pipe', 'pipe'] });
  listeners.push(events);
  let streamed = '';
  let streamErr = '';
  events.stdout.on('data', (c) => (streamed += c));
  events.stderr.on('data', (c) => (streamErr += c));
  const eventsExit = new Promise<number | null>((resolve) => events.once('exit', (code) => resolve(code)));
  await soon(async () => streamErr.includes('listening to Moscow as duty'), 'the event stream connected');

  // A FLASH message: listed on both sides, acknowledged by Moscow, acknowledged on Washington.
  const sent = ok(await a.cli(['send', LINE, 'Request', 'a', 'call', 'at', '14:00Z', '--precedence', 'flash']), 'send');
  const id = /^sent (Washington:\d+) at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/m.exec(sent)?.[1];
  assert.ok(id, sent);
  const listed = row(ok(await a.cli(['messages', LINE]), 'messages'), id);
  assert.match(listed, /FLASH +duty \(Washington\) +(sent|delivered) +Request a call at 14:00Z +0$/);
  await soon(async () => (await api(b.proc.url, b.duty, 'GET', `/v1/lines/${LINE}/messages/${id}`)).status === 200, 'the message at Moscow');
  assert.match(row(ok(await b.cli(['messages', LINE, '--open']), 'messages --open at Moscow'), id), /FLASH .*Request a call/);
  assert.match(ok(await b.cli(['ack', LINE, id]), 'ack'), new RegExp(`^acknowledged ${id}: Moscow:\\d+ at `));
  const twice = await b.cli(['ack', LINE, id]);
  assert.equal(twice.code, 5, twice.stderr);
  assert.match(twice.stderr, /already acknowledged by duty/);
  await soon(async () => (await api(a.proc.url, a.duty, 'GET', `/v1/lines/${LINE}/messages/${id}`)).json?.status === 'acknowledged', 'the ack at Washington');
  assert.match(row(ok(await a.cli(['messages', LINE]), 'messages after ack'), id), / acknowledged by duty \(Moscow\) /);
  assert.equal(row(ok(await a.cli(['messages', LINE, '--open']), 'messages --open'), id), '', 'an acknowledged message is not open');
  ok(await b.cli(['translate', LINE, id, '--lang', 'ru', '--stage', 'sight', 'Прошу', 'звонок', 'в', '14:00Z']), 'translate');
  await soon(async () => (await api(a.proc.url, a.duty, 'GET', `/v1/lines/${LINE}/messages/${id}`)).json?.translations.length === 1, 'the translation at Washington');
  assert.match(row(ok(await a.cli(['messages', LINE]), 'messages after translation'), id), / 1$/);

  // A call, declined with a reason: both sides show it.
  const placed = ok(await a.cli(['call', LINE, '--to', 'lavrov']), 'call');
  const callId = /^calling: (Washington:\d+) placed at /m.exec(placed)?.[1];
  assert.ok(callId, placed);
  await soon(async () => (await api(b.proc.url, b.duty, 'GET', `/v1/lines/${LINE}/calls/${callId}`)).json?.status === 'ringing', 'the call ringing at Moscow');
  assert.match(ok(await b.cli(['call', 'decline', LINE, callId, '--reason', 'Minister in the air, call at 16:00Z']), 'call decline'), new RegExp(`^declined call ${callId}: Moscow:\\d+`));
  await soon(async () => (await api(a.proc.url, a.duty, 'GET', `/v1/lines/${LINE}/calls/${callId}`)).json?.status === 'declined', 'the decline at Washington');
  const [callsA, callsB, ended, drafted] = await Promise.all([
    a.cli(['calls', LINE]), b.cli(['calls', LINE]), a.cli(['call', 'end', LINE, callId]),
    // Readouts of the call: a draft stays home until published; both sides see the versions.
    a.cli(['readout', 'draft', LINE, callId, 'Moscow', 'declined;', 'a', 'call', 'is', 'proposed', 'for', '16:00Z.']),
  ]);
  for (const [name, out] of [['Washington', callsA], ['Moscow', callsB]] as const) {
    const r = row(ok(out, `calls at ${name}`), callId);
    assert.match(r, /duty \(Washington\) → lavrov \(Moscow\) +declined by duty +- +Minister in the air, call at 16:00Z$/, `${name}: ${r}`);
  }
  assert.equal(ended.code, 5, 'a declined call cannot be ended');
  ok(drafted, 'readout draft');
  assert.match(ok(await a.cli(['readout', 'show', LINE, callId]), 'readout show with draft'), /our draft \(unpublished, by duty/);
  ok(await a.cli(['readout', 'publish', LINE, callId]), 'readout publish');
  await soon(async () => (await api(b.proc.url, b.duty, 'GET', `/v1/lines/${LINE}/calls/${callId}/readouts`)).json?.readouts?.Washington?.length === 1, 'the readout at Moscow');
  const readouts = ok(await b.cli(['readout', 'show', LINE, callId]), 'readout show at Moscow');
  assert.match(readouts, /Washington +│ Moscow/);
  assert.match(readouts, /v1 {2}\S+ {2}duty/);
  assert.match(readouts, /\(no readout published\)/);

  // Contact history: the CSV exactly as the station gives it, with the declined call.
  const [csvRun, humanRun, backwards, direct] = await Promise.all([
    a.cli(['history', LINE, '--csv']), a.cli(['history', LINE, '--from', '2020-01-01T00:00Z']),
    a.cli(['history', LINE, '--from', '2030-01-01T00:00Z', '--to', '2029-01-01T00:00Z']),
    api(a.proc.url, a.duty, 'GET', `/v1/lines/${LINE}/history?format=csv`),
  ]);
  const csv = ok(csvRun, 'history --csv');
  assert.equal(csv, direct.text);
  const csvRow = csv.split('\r\n').find((l) => l.includes(callId));
  assert.ok(csvRow, csv);
  assert.match(csvRow, new RegExp(`,${LINE},${callId},Washington,duty,Moscow,lavrov,declined,,"Minister in the air, call at 16:00Z",$`), "the exercise column is empty");
  const human = ok(humanRun, 'history');
  assert.match(human, /calls: 1 placed, 0 accepted, 1 declined, 0 unanswered/);
  assert.match(human, /duty \(Washington\) +lavrov \(Moscow\) +1 +0 +1 +0 +never/);
  assert.match(human, /FLASH +\d+(ms|s|m\d*s?)? +1/);
  assert.equal(backwards.code, 2);
  assert.match(backwards.stderr, /--to must be after --from/);

  // Overlapping circles filed on both sides: each station shows the conflict.
  const window = ['--from', '2030-05-01T08:00Z', '--to', '2030-05-01T12:00+02:00'];
  const [na, nb] = await Promise.all([
    a.cli(['notice', 'file', LINE, '--kind', 'exercise', '--circle', '30.52,50.45,20000', '--lower', '-50', '--upper', '6000', ...window, '--text', 'Air exercise']),
    b.cli(['notice', 'file', LINE, '--kind', 'flight_operations', '--circle', '30.60,50.50,15000', '--lower', '3000', '--upper', '9000', ...window]),
  ]);
  const noticeA = /^filed notice (Washington:\d+) at /m.exec(ok(na, 'notice file at Washington'))?.[1];
  const noticeB = /^filed notice (Moscow:\d+) at /m.exec(ok(nb, 'notice file at Moscow'))?.[1];
  assert.ok(noticeA && noticeB);
  await Promise.all([a, b].map(async (s) => {
    await soon(async () => (await api(s.proc.url, s.duty, 'GET', `/v1/lines/${LINE}/conflicts`)).json?.conflicts?.length === 1, `the conflict at ${s.name}`);
    const out = ok(await s.cli(['notices', LINE]), `notices at ${s.name}`);
    assert.match(row(out, noticeA), /exercise +duty \(Washington\) +circle 30\.52,50\.45 r=20000m +-50 to 6000 +2030-05-01T08:00:00Z – 2030-05-01T10:00:00Z +active/);
    assert.ok(row(out, noticeA).includes(noticeB), out);
    assert.match(out, /conflicts \(1\):/);
    assert.ok(out.split('\n').some((l) => l.includes(`${noticeA} ✕ ${noticeB}`) || l.includes(`${noticeB} ✕ ${noticeA}`)), out);
  }));

  // Settings: a partial change of deadlines keeps the others; shown back on both sides.
  const changed = ok(await a.root(['line', 'settings', LINE, '--deadline', 'FLASH=2m', '--deadline', 'routine=12h', '--ring', '45s', '--checks', 'Mon-Fri 09:00,17:00 Europe/Paris window 10m']), 'line settings change');
  assert.match(changed, /^recorded settings Washington:\d+/);
  const [shownRun, checksRun] = await Promise.all([a.root(['line', 'settings', LINE]), a.cli(['checks', LINE])]);
  const shown = ok(shownRun, 'line settings');
  assert.match(shown, /^our settings for deconfliction \(Washington, recorded /);
  assert.match(shown, /deadlines +FLASH 2m {2}IMMEDIATE 30m {2}PRIORITY 3h {2}ROUTINE 12h/);
  assert.match(shown, /ring +45s/);
  assert.match(shown, /check calls +Mon-Fri 09:00,17:00 Europe\/Paris window 10m/);
  assert.match(ok(checksRun, 'checks'), /next check call: \d{4}-\d\d-\d\dT(09|17):00\+0[12]:00 \(/);
  await soon(async () => (await api(b.proc.url, b.admin, 'GET', `/v1/lines/${LINE}/settings`)).json?.parties?.Washington?.ringSeconds === 45, 'the settings at Moscow');
  assert.match(ok(await b.root(['line', 'settings', LINE]), 'settings at Moscow'), /Washington's settings \(recorded [^\n]+\n +deadlines +FLASH 2m/);
  assert.match(ok(await a.root(['line', 'settings', LINE, '--no-checks']), 'no checks'), /deadlines +FLASH 2m[^]*check calls +none/);

  // Templates, sent by number in another language.
  ok(await a.root(['template', 'set', LINE, '1', '--title', 'Receipt', '--precedence', 'IMMEDIATE', '--text', 'en=Message received', '--text', 'ru=Сообщение получено']), 'template set');
  const [listedTemplates, sentTemplate] = await Promise.all([a.cli(['templates', LINE]), a.cli(['send', LINE, '--template', '1', '--lang', 'ru'])]);
  assert.match(ok(listedTemplates, 'templates'), /1 +Receipt +IMMEDIATE +en +Message received[^\n]*\n +ru +Сообщение получено/);
  const bySent = /^sent (Washington:\d+)/m.exec(ok(sentTemplate, 'send template'))?.[1];
  assert.match(row(ok(await a.cli(['messages', LINE]), 'messages'), bySent!), /IMMEDIATE +duty \(Washington\) +\S+ +Сообщение получено/);

  // Roster: set and shown; a stranger is refused by the station.
  assert.match(ok(await a.root(['roster', LINE, 'duty']), 'roster set'), /1\. duty/);
  const [rosterShown, stranger] = await Promise.all([a.root(['roster', LINE]), a.root(['roster', LINE, 'nobody'])]);
  assert.match(ok(rosterShown, 'roster'), /watch roster of deconfliction:\n {2}1\. duty/);
  assert.equal(stranger.code, 2);
  assert.match(stranger.stderr, /no member named nobody/);

  // The stream heard the line's events as JSON lines; Ctrl-C ends it with 0.
  await soon(async () => streamed.includes(`"type":"conflict"`), 'the conflict on the event stream');
  const heard = streamed.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(heard.every((e) => e.line === LINE), 'only the line\'s events');
  assert.ok(heard.some((e) => e.type === 'message' && e.message.id === id && e.message.precedence === 'FLASH'));
  assert.ok(heard.some((e) => e.type === 'call.ringing' && e.call.id === callId));
  events.kill('SIGINT');
  assert.equal(await eventsExit, 0, streamErr);
});
