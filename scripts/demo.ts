// `npm run demo`: four stations on one machine, each on its own SQLite
// database, linked as in the articles in shared/context: a deconfliction
// line between Washington and Moscow open to a European counterpart (Paris),
// and a separate bilateral line from Washington to Kyiv. Prints each
// station's address, key, fingerprint and logins.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Auth } from '../src/station/auth.ts';
import { addMember } from '../src/station/commands/member-creator.ts';
import { createLine } from '../src/station/commands/line-creator.ts';
import { sendMessage, translateMessage } from '../src/station/commands/message-sender.ts';
import { acknowledge } from '../src/station/commands/acknowledger.ts';
import { answerCall, placeCall } from '../src/station/commands/calls.ts';
import { publishReadout } from '../src/station/commands/readouts.ts';
import { fileNotice } from '../src/station/commands/notices.ts';
import { defineTemplate, setLineSettings, setRoster } from '../src/station/commands/line-settings.ts';
import { pinPeer } from '../src/station/commands/peer-pinner.ts';
import { createStation } from '../src/station/create.ts';
import { fingerprint } from '../src/station/identity.ts';
import { serve, type Serving } from '../src/station/serve.ts';
import { Station } from '../src/station/station.ts';
import type { Member } from '../src/core/policy.ts';
import { tokenExpiry } from '../src/station/sign-in/token-lifetime.ts';

const root = join(process.cwd(), '.demo');
const base = Number(process.env.HOTLINE_DEMO_PORT ?? 7700);
const password = 'demo-password';
rmSync(root, { recursive: true, force: true });

interface Party { name: string; who: string; principal: string; api: number; link: number }
const parties: Party[] = [
  { name: 'Washington', who: 'U.S. Department of Defense', principal: 'austin', api: base, link: base + 1 },
  { name: 'Moscow', who: 'Russian Ministry of Defence', principal: 'shoigu', api: base + 10, link: base + 11 },
  { name: 'Kyiv', who: 'Ministry of Defence of Ukraine', principal: 'reznikov', api: base + 20, link: base + 21 },
  { name: 'Paris', who: 'French Ministry of the Armed Forces (European counterpart)', principal: 'lecornu', api: base + 30, link: base + 31 },
];
const links: Array<[string, string]> = [['Washington', 'Moscow'], ['Washington', 'Paris'], ['Moscow', 'Paris'], ['Washington', 'Kyiv']];

const tokens = new Map<string, string>();
const keys = new Map<string, string>();
for (const p of parties) {
  const dir = join(root, p.name.toLowerCase());
  const identity = await createStation(dir, p.name, `127.0.0.1:${p.api}`, `127.0.0.1:${p.link}`);
  keys.set(p.name, identity.vkey);
  const station = await Station.open(dir);
  for (const [name, role] of [['admin', 'admin'], [p.principal, 'principal'], ['duty', 'duty_officer'], ['duty2', 'duty_officer'], ['translator', 'translator'], ['auditor', 'auditor']]) {
    await addMember(station.store, Date.now, { name, role, password });
  }
  const duty = (await station.store.memberByName('duty'))!;
  tokens.set(p.name, await new Auth(station.store, Date.now).issue(duty.id, 'token', 'demo', tokenExpiry(Date.now(), undefined)));
  await station.close();
}
for (const [a, b] of links) {
  for (const [from, to] of [[a, b], [b, a]]) {
    const dir = join(root, from.toLowerCase());
    const station = await Station.open(dir, { check: false });
    await pinPeer(station.store, from, { name: to, key: keys.get(to)!, urls: [`wss://127.0.0.1:${parties.find((p) => p.name === to)!.link}/link`] });
    await station.close();
  }
}

const serving = new Map<string, Serving>();
for (const p of parties) serving.set(p.name, await serve(join(root, p.name.toLowerCase()), { logLevel: process.env.HOTLINE_LOG_LEVEL ?? 'warn' }));
const station = (name: string) => serving.get(name)!.station;
const as = async (name: string, member: string): Promise<Member> => {
  const m = (await station(name).store.memberByName(member))!;
  return { id: m.id, name: m.name, role: m.role };
};

const until = async (what: string, check: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`demo: timed out waiting for ${what}`);
};

const w = station('Washington');
const deconfliction = await createLine(w, await as('Washington', 'admin'), {
  id: 'deconfliction', title: 'Deconfliction line (open to European counterparts)', parties: [keys.get('Moscow')!, keys.get('Paris')!], members: ['austin', 'duty', 'duty2', 'translator', 'auditor'],
});
const kyivLine = await createLine(w, await as('Washington', 'admin'), {
  id: 'washington-kyiv', title: 'Washington–Kyiv', parties: [keys.get('Kyiv')!], members: ['austin', 'duty', 'auditor'],
});
for (const [name, line] of [['Moscow', deconfliction.id], ['Paris', deconfliction.id], ['Kyiv', kyivLine.id]] as const) {
  const s = station(name);
  await until(`${line} at ${name}`, async () => !!(await s.store.line(line)));
  const members = await Promise.all(['duty', 'duty2', 'translator', 'auditor', parties.find((p) => p.name === name)!.principal].map(async (n) => (await s.store.memberByName(n))!.id));
  await s.store.setLineMembers(line, members);
}

const pause = (ms = 150) => new Promise((r) => setTimeout(r, ms)); // let it reach the other side, so the transcript reads as a conversation
const say = async (name: string, member: string, line: string, text: string, lang = 'en', precedence: 'FLASH' | 'IMMEDIATE' | 'PRIORITY' | 'ROUTINE' = 'ROUTINE') => {
  const a = await sendMessage(station(name), await as(name, member), line, { text, lang, precedence });
  await pause();
  return `${a.party}:${a.seq}`;
};
const held = async (name: string, line: string, id: string) => until(`${id} at ${name}`, async () => !!(await station(name).lineStates.get(line))?.messages.has(id) || !!(await station(name).lineStates.get(line))?.calls.has(id));

// How each side runs the line: deadlines, the watch roster, a check call twice a day, a shared template.
await setLineSettings(w, await as('Washington', 'admin'), 'deconfliction', { checks: { zone: 'Europe/Paris', days: [1, 2, 3, 4, 5], times: ['09:00', '17:00'], windowMinutes: 10 } });
for (const name of ['Washington', 'Moscow', 'Paris']) await setRoster(station(name), await as(name, 'admin'), 'deconfliction', ['duty', 'duty2', parties.find((p) => p.name === name)!.principal]);
await defineTemplate(w, await as('Washington', 'admin'), 'deconfliction', 1, {
  title: 'Request for a call', precedence: 'IMMEDIATE',
  texts: { en: 'Request a call between defence ministers at the earliest opportunity.', ru: 'Просим телефонный разговор министров обороны при первой возможности.', fr: 'Demandons un entretien téléphonique entre ministres de la défense dès que possible.' },
});
await pause(300);
await say('Washington', 'duty', 'deconfliction', 'Line test. Washington duty officer on watch.');
await say('Moscow', 'duty', 'deconfliction', 'Проверка линии. Дежурный Москвы на связи.', 'ru');
const request = await sendMessage(w, await as('Washington', 'austin'), 'deconfliction', { template: 1, lang: 'en' });
await pause();
await held('Moscow', 'deconfliction', `Washington:${request.seq}`);
await translateMessage(station('Moscow'), await as('Moscow', 'translator'), 'deconfliction', `Washington:${request.seq}`, { text: 'Просим телефонный разговор министров обороны при первой возможности.', lang: 'ru', stage: 'official' });
await acknowledge(station('Moscow'), await as('Moscow', 'duty'), 'deconfliction', `Washington:${request.seq}`);
await say('Moscow', 'duty', 'deconfliction', 'Request received. The Minister is not available.');

// "Declined three times": every attempt is an entry on both sides.
for (const reason of ['The Minister is not available.', 'The Minister is travelling.', 'No reason given.']) {
  const call = await placeCall(w, await as('Washington', 'austin'), 'deconfliction', { toParty: 'Moscow', to: 'shoigu' });
  const id = `${call.party}:${call.seq}`;
  await held('Moscow', 'deconfliction', id);
  await answerCall(station('Moscow'), await as('Moscow', 'duty'), 'deconfliction', id, { kind: 'decline', reason });
  await pause();
}
// Then a call that is accepted, and two readouts of it that say very different things.
const call = await placeCall(w, await as('Washington', 'austin'), 'deconfliction', { toParty: 'Moscow', to: 'shoigu' });
const callId = `${call.party}:${call.seq}`;
await held('Moscow', 'deconfliction', callId);
await answerCall(station('Moscow'), await as('Moscow', 'shoigu'), 'deconfliction', callId, { kind: 'accept' });
await until('accepted at Washington', async () => (await w.lineStates.get('deconfliction'))!.calls.get(callId)!.answers.length > 0);
await answerCall(w, await as('Washington', 'austin'), 'deconfliction', callId, { kind: 'end' });
await publishReadout(w, await as('Washington', 'austin'), 'deconfliction', callId, { public: true, text: 'Secretary Austin urged an immediate ceasefire and emphasized the importance of maintaining lines of communication amid the ongoing war.' });
await publishReadout(station('Moscow'), await as('Moscow', 'shoigu'), 'deconfliction', callId, { public: true, lang: 'ru', text: 'Состоялся телефонный разговор министров обороны. Без дополнительных подробностей.' });

// Two notices that overlap over the Black Sea: both stations raise the conflict.
const hour = 3600_000;
const start = Math.ceil(Date.now() / hour) * hour + 2 * hour;
await fileNotice(w, await as('Washington', 'duty'), 'deconfliction', {
  kind: 'flight_operations', text: 'ISR flight, international airspace over the western Black Sea.', lang: 'en',
  area: { type: 'Polygon', coordinates: [[[30.5, 43.0], [32.5, 43.0], [32.5, 44.5], [30.5, 44.5], [30.5, 43.0]]] },
  altitude: { lower: 9000, upper: 15000 }, window: { start, end: start + 6 * hour },
});
await fileNotice(station('Moscow'), await as('Moscow', 'duty'), 'deconfliction', {
  kind: 'exercise', text: 'Учения ПВО. Air defence exercise.', lang: 'ru',
  area: { type: 'Point', coordinates: [32.0, 44.0], radius: 80_000 },
  altitude: { lower: 0, upper: 20000 }, window: { start: start + 4 * hour, end: start + 8 * hour },
});
await fileNotice(station('Paris'), await as('Paris', 'duty'), 'deconfliction', {
  kind: 'naval_transit', text: 'Frigate transit, Bosphorus northbound.', lang: 'fr',
  area: { type: 'Point', coordinates: [29.05, 41.1], radius: 5_000 },
  altitude: { lower: 0, upper: 100 }, window: { start, end: start + 3 * hour },
});
const flash = await say('Paris', 'lecornu', 'deconfliction', 'FLASH: unidentified aircraft approaching the corridor. Please confirm.', 'en', 'FLASH');
await held('Washington', 'deconfliction', flash);
await acknowledge(w, await as('Washington', 'duty'), 'deconfliction', flash);

// A backchannel: discreet, visible only to its named members.
const backchannel = await createLine(w, await as('Washington', 'admin'), { title: 'Backchannel', parties: [keys.get('Moscow')!], members: ['austin'], discreet: true });
await until('backchannel at Moscow', async () => !!(await station('Moscow').store.line(backchannel.id)));
await station('Moscow').store.setLineMembers(backchannel.id, [(await station('Moscow').store.memberByName('shoigu'))!.id]);
await say('Washington', 'austin', backchannel.id, 'Off the record: the corridor stays open.');
await say('Paris', 'duty', 'deconfliction', 'Paris acknowledges. Available to join at the ministers\' level.', 'en');
await say('Washington', 'austin', 'washington-kyiv', 'Reaffirming our unwavering commitment to supporting Ukraine. Requesting a call.');
await say('Kyiv', 'reznikov', 'washington-kyiv', 'Thank you. Available at 16:00 Kyiv time.', 'en');

await until('replication and receipts', async () => {
  for (const [name, line] of [['Washington', 'deconfliction'], ['Moscow', 'deconfliction'], ['Paris', 'deconfliction'], ['Washington', 'washington-kyiv'], ['Kyiv', 'washington-kyiv'], ['Washington', backchannel.id], ['Moscow', backchannel.id]] as const) {
    const s = station(name);
    const l = (await s.store.line(line))!;
    for (const p of l.parties) {
      const held = s.replicator.size({ line, party: p.name });
      const author = station(p.name).replicator.size({ line, party: p.name });
      if (held !== author) return false;
    }
  }
  return true;
});

console.log('\nHotline demo: four stations, linked, with a scenario loaded.\n');
for (const p of parties) {
  const s = serving.get(p.name)!;
  console.log(`  ${p.name} — ${p.who}
    console      ${s.url}/   (open in a browser; sign in as ${p.principal} or duty)
    API          ${s.url}/v1/…   (curl --cacert ${join(root, p.name.toLowerCase(), 'api.crt')} …)
    certificate  SHA-256 ${s.fingerprint}
    peer link    ${s.linkUrl}
    key          ${s.station.identity.vkey}
    fingerprint  ${fingerprint(s.station.identity.vkey)}
    logins       duty, duty2, ${p.principal}, translator, admin, auditor  (password: ${password})
    API token    ${tokens.get(p.name)}  (duty officer)
`);
}
const wUrl = serving.get('Washington')!.url;
console.log(`Lines: 'deconfliction' (Washington, Moscow, Paris), 'washington-kyiv' (Washington, Kyiv).

Try, as Washington's duty officer:
  export HOTLINE_URL=${wUrl} HOTLINE_TOKEN=${tokens.get('Washington')} HOTLINE_CA=${join(root, 'washington', 'api.crt')}
  ./bin/hotline.mjs line list
  ./bin/hotline.mjs messages deconfliction
  ./bin/hotline.mjs send deconfliction "Standing by." --precedence IMMEDIATE --lang en
  ./bin/hotline.mjs calls deconfliction
  ./bin/hotline.mjs history deconfliction
  ./bin/hotline.mjs notices deconfliction
  ./bin/hotline.mjs events --line deconfliction      (live; Ctrl-C to stop)
  ./bin/hotline.mjs verify --line deconfliction --key '${keys.get('Washington')}' --key '${keys.get('Moscow')}' --key '${keys.get('Paris')}'

Or open a console above in a browser and sign in (e.g. austin at Washington, shoigu at Moscow).
Each station serves HTTPS with its own self-signed certificate, so the browser
warns once per station: check that the SHA-256 fingerprint it shows is the one
printed above before you accept it (or import that station's api.crt). A real
station uses a certificate from the ministry's PKI (hotline.json "tls").

Ctrl-C stops the demo; its data stays in .demo/.`);

await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
for (const s of serving.values()) await s.close();
