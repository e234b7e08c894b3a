import { resolve } from 'node:path';
import { HotlineError } from '../../core/errors.ts';
import { parseLogKey, pinLog } from '../../witness/pin-log.ts';
import { fingerprint } from '../../station/identity.ts';
import { createWitness } from '../../witness/create.ts';
import { openWitness, openWitnessStore } from '../../witness/open.ts';
import { serveWitness } from '../../witness/serve.ts';
import { parse, required } from '../args.ts';

const HELP = `hotline witness init --name NAME [--dir DIR] [--listen HOST:PORT]
hotline witness log add --origin ORIGIN --key VKEY [--dir DIR]
hotline witness log list [--dir DIR] [--json]
hotline witness key [--dir DIR] [--json]
hotline witness serve [--dir DIR] [--listen HOST:PORT] [--log-level LEVEL]

A neutral witness (c2sp.org/tlog-witness) cosigns the checkpoints of the logs
it follows, and only checkpoints consistent with the ones it already cosigned,
so no party can show two different histories. It sees checkpoints, never
entries. DIR defaults to ./witness; serve listens on 127.0.0.1:7780 unless
witness.json or --listen says otherwise, and stops cleanly on SIGINT or SIGTERM.`;

const dirOf = (value: string | undefined) => value ?? 'witness';

export async function witness(argv: string[]) {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') return void console.log(HELP);
  if (sub === 'init') return init(rest);
  if (sub === 'log') return log(rest);
  if (sub === 'key') return key(rest);
  if (sub === 'serve') return serve(rest);
  throw new HotlineError('bad_request', `witness: unknown subcommand '${sub}' (init, log, key, serve)`);
}

async function init(argv: string[]) {
  const { values } = parse('witness init', argv, { name: { type: 'string' }, dir: { type: 'string' }, listen: { type: 'string' } });
  if (values.help) return void console.log(HELP);
  const name = required('witness init', values.name, 'name');
  const dir = dirOf(values.dir);
  const identity = createWitness(dir, name, values.listen);
  console.log(`Witness ${name} created in ${resolve(dir)}

Cosigner key (give it to the parties whose logs it witnesses):
  ${identity.vkey}

Fingerprint (read it aloud when they pin the key):
  ${fingerprint(identity.vkey)}

Next: hotline witness log add --dir ${dir} --origin ORIGIN --key LOG_VERIFIER_KEY
      hotline witness serve --dir ${dir}`);
}

async function log(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values } = parse('witness log', rest, { origin: { type: 'string' }, key: { type: 'string' }, dir: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help || !sub) return void console.log(HELP);
  const dir = dirOf(values.dir);
  if (sub === 'add') {
    const origin = required('witness log add', values.origin, 'origin');
    const vkey = required('witness log add', values.key, 'key');
    const store = openWitnessStore(dir);
    try {
      const added = pinLog(store, origin, vkey, Date.now());
      const key = parseLogKey(vkey);
      console.log(`${added ? 'pinned' : 'already pinned'}: ${origin}\n  key          ${vkey}\n  fingerprint  ${fingerprint(vkey)} (compare with party ${key.name})`);
    } finally {
      store.close();
    }
    return;
  }
  if (sub === 'list') {
    const store = openWitnessStore(dir);
    try {
      const logs = store.logs().map((l) => ({
        origin: l.origin,
        size: l.size,
        cosignedAt: l.root ? new Date(l.cosignedAt * 1000).toISOString() : null,
        keys: l.keys,
        evidence: store.evidenceCount(l.origin),
      }));
      if (values.json) return void console.log(JSON.stringify(logs, null, 2));
      if (logs.length === 0) return void console.log('no logs pinned');
      for (const l of logs) {
        console.log(l.origin);
        console.log(`  size ${l.size}${l.cosignedAt ? `, last cosigned ${l.cosignedAt}` : ', nothing cosigned yet'}`);
        for (const k of l.keys) console.log(`  key ${k}`);
        if (l.evidence) console.log(`  EVIDENCE: ${l.evidence} checkpoint(s) signed by this log refused (another root for a cosigned size, or no valid proof), kept in the database`);
      }
    } finally {
      store.close();
    }
    return;
  }
  throw new HotlineError('bad_request', `witness log: unknown subcommand '${sub}' (add, list)`);
}

async function key(argv: string[]) {
  const { values } = parse('witness key', argv, { dir: { type: 'string' }, json: { type: 'boolean' } });
  if (values.help) return void console.log(HELP);
  const { config, identity, store } = openWitness(dirOf(values.dir));
  store.close();
  const info = { name: identity.name, key: identity.vkey, fingerprint: fingerprint(identity.vkey), listen: config.listen };
  if (values.json) console.log(JSON.stringify(info, null, 2));
  else console.log(`witness      ${info.name}\nkey          ${info.key}\nfingerprint  ${info.fingerprint}\nlisten       ${info.listen}`);
}

async function serve(argv: string[]) {
  const { values } = parse('witness serve', argv, { dir: { type: 'string' }, listen: { type: 'string' }, 'log-level': { type: 'string' } });
  if (values.help) return void console.log(HELP);
  const serving = await serveWitness(dirOf(values.dir), { listen: values.listen, logLevel: values['log-level'] });
  console.log(`hotline: witness ${serving.name} listening on ${serving.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.close();
}
