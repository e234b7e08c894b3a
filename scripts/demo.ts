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
import { sendMessage } from '../src/station/commands/message-sender.ts';
import { pinPeer } from '../src/station/commands/peer-pinner.ts';
import { createStation } from '../src/station/create.ts';
import { fingerprint } from '../src/station/identity.ts';
import { serve, type Serving } from '../src/station/serve.ts';
import { Station } from '../src/station/station.ts';
import type { Member } from '../src/core/policy.ts';

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
  for (const [name, role] of [['admin', 'admin'], [p.principal, 'principal'], ['duty', 'duty_officer'], ['auditor', 'auditor']]) {
    await addMember(station.store, Date.now, { name, role, password });
  }
  const duty = (await station.store.memberByName('duty'))!;
  tokens.set(p.name, await new Auth(station.store, Date.now).issue(duty.id, 'token', 'demo', null));
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
  id: 'deconfliction', title: 'Deconfliction line (open to European counterparts)', parties: [keys.get('Moscow')!, keys.get('Paris')!], members: ['austin', 'duty', 'auditor'],
});
const kyivLine = await createLine(w, await as('Washington', 'admin'), {
  id: 'washington-kyiv', title: 'Washington–Kyiv', parties: [keys.get('Kyiv')!], members: ['austin', 'duty', 'auditor'],
});
for (const [name, line] of [['Moscow', deconfliction.id], ['Paris', deconfliction.id], ['Kyiv', kyivLine.id]] as const) {
  const s = station(name);
  await until(`${line} at ${name}`, async () => !!(await s.store.line(line)));
  const members = await Promise.all(['duty', 'auditor', parties.find((p) => p.name === name)!.principal].map(async (n) => (await s.store.memberByName(n))!.id));
  await s.store.setLineMembers(line, members);
}

const say = async (name: string, member: string, line: string, text: string, lang = 'en') => {
  await sendMessage(station(name), await as(name, member), line, { text, lang });
  await new Promise((r) => setTimeout(r, 100)); // let it reach the other side, so the transcript reads as a conversation
};
await say('Washington', 'duty', 'deconfliction', 'Line test. Washington duty officer on watch.');
await say('Moscow', 'duty', 'deconfliction', 'Проверка линии. Дежурный Москвы на связи.', 'ru');
await say('Washington', 'austin', 'deconfliction', 'Request a call between defence ministers to discuss an immediate ceasefire.');
await say('Moscow', 'duty', 'deconfliction', 'Request received. The Minister is not available.');
await say('Paris', 'duty', 'deconfliction', 'Paris acknowledges. Available to join at the ministers\' level.', 'en');
await say('Washington', 'austin', 'washington-kyiv', 'Reaffirming our unwavering commitment to supporting Ukraine. Requesting a call.');
await say('Kyiv', 'reznikov', 'washington-kyiv', 'Thank you. Available at 16:00 Kyiv time.', 'en');

await until('replication and receipts', async () => {
  for (const [name, line] of [['Washington', 'deconfliction'], ['Moscow', 'deconfliction'], ['Paris', 'deconfliction'], ['Washington', 'washington-kyiv'], ['Kyiv', 'washington-kyiv']] as const) {
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
    API          ${s.url}
    peer link    ${s.linkUrl}
    key          ${s.station.identity.vkey}
    fingerprint  ${fingerprint(s.station.identity.vkey)}
    logins       duty, ${p.principal}, admin, auditor  (password: ${password})
    API token    ${tokens.get(p.name)}  (duty officer)
`);
}
const wUrl = serving.get('Washington')!.url;
console.log(`Lines: 'deconfliction' (Washington, Moscow, Paris), 'washington-kyiv' (Washington, Kyiv).

Try, as Washington's duty officer:
  export HOTLINE_URL=${wUrl} HOTLINE_TOKEN=${tokens.get('Washington')}
  ./bin/hotline.mjs line list
  curl -s -H "authorization: Bearer $HOTLINE_TOKEN" $HOTLINE_URL/v1/lines/deconfliction/transcript | head -c 600
  ./bin/hotline.mjs send --line deconfliction --text "Standing by" --lang en
  curl -s -H "authorization: Bearer $HOTLINE_TOKEN" $HOTLINE_URL/v1/links
  ./bin/hotline.mjs verify --line deconfliction --key '${keys.get('Washington')}' --key '${keys.get('Moscow')}' --key '${keys.get('Paris')}'

Ctrl-C stops the demo; its data stays in .demo/.`);

await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
for (const s of serving.values()) await s.close();
