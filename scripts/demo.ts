// `npm run demo`: a station on the embedded SQLite default with sample
// members, a line and a few messages; prints its address and a login.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Auth } from '../src/station/auth.ts';
import { addMember } from '../src/station/commands/member-creator.ts';
import { createLine } from '../src/station/commands/line-creator.ts';
import { sendMessage } from '../src/station/commands/message-sender.ts';
import { createStation } from '../src/station/create.ts';
import { fingerprint } from '../src/station/identity.ts';
import { serve } from '../src/station/serve.ts';
import { Station } from '../src/station/station.ts';
import { formatVerifierKey } from '../src/core/note/key.ts';
import { nodeCrypto, newSeed, signerFromSeed } from '../src/node/crypto.ts';

const root = join(process.cwd(), '.demo');
const port = Number(process.env.HOTLINE_DEMO_PORT ?? 7700);
const password = 'demo-password';
rmSync(root, { recursive: true, force: true });

const dir = join(root, 'washington');
await createStation(dir, 'Washington', `127.0.0.1:${port}`);
const station = await Station.open(dir);
const member = (name: string, role: string) => addMember(station.store, Date.now, { name, role, password });
const admin = await member('admin', 'admin');
await member('austin', 'principal');
const duty = await member('duty', 'duty_officer');
await member('auditor', 'auditor');
const moscow = formatVerifierKey(nodeCrypto, 'Moscow', signerFromSeed(newSeed()).publicKey);
const line = await createLine(station, { id: admin.id, name: admin.name, role: admin.role }, {
  id: 'deconfliction', title: 'Washington–Moscow deconfliction line', parties: [moscow], members: ['austin', 'duty', 'auditor'],
});
const asDuty = { id: duty.id, name: duty.name, role: duty.role };
for (const text of ['Line test: Washington duty officer on watch.', 'Requesting a call between defence ministers, 14:00Z.', 'Call request repeated; no answer received.']) {
  await sendMessage(station, asDuty, line.id, { text, lang: 'en' });
}
const token = await new Auth(station.store, Date.now).issue(duty.id, 'token', 'demo', null);
await station.close();

const serving = await serve(dir, { logLevel: 'warn' });
console.log(`
Hotline demo is running.

  Washington station   ${serving.url}
    key          ${serving.station.identity.vkey}
    fingerprint  ${fingerprint(serving.station.identity.vkey)}
    login        duty / ${password}   (also: admin, austin, auditor)
    API token    ${token}

Try:
  export HOTLINE_URL=${serving.url} HOTLINE_TOKEN=${token}
  ./bin/hotline.mjs entries --line deconfliction --party Washington
  ./bin/hotline.mjs send --line deconfliction --text "Standing by" --lang en
  ./bin/hotline.mjs verify --line deconfliction --key '${serving.station.identity.vkey}'
  curl -s ${serving.url}/openapi.json | head -c 300

Ctrl-C stops the demo; its data stays in .demo/.`);

await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await serving.close();
