import { HotlineError } from '../../core/errors.ts';
import { pinPeer, unpinPeer } from '../../station/commands/peer-pinner.ts';
import { readConfig } from '../../station/config.ts';
import { fingerprint } from '../../station/identity.ts';
import { defaultDir, parse, required } from '../args.ts';
import { withLocalStore } from '../local-store.ts';

const HELP = `hotline peer add NAME --key VKEY [--pq-key VKEY] --url wss://HOST:PORT/link [--url …] [--dir DIR]
hotline peer list [--dir DIR]
hotline peer remove NAME [--dir DIR]
hotline peer revoke NAME --compromised-at TIME --fingerprint "…" | --key VKEY | --statement FILE   (see hotline peer revoke --help)

Pins another party's station: only pinned peers may link with this one, and
only with the pinned key. Read the printed fingerprint aloud with the other
party before relying on it. Several --url give redundant circuits, tried in
order. A running station picks up changes within two seconds. --pq-key pins
its ML-DSA-44 key too (its 'hotline station' or GET /v1/station pqKey), which
checks the post-quantum lines on its checkpoints and receipts.`;

export async function peer(argv: string[]) {
  const [sub, ...rest] = argv;
  // Through the running station's API, with its own options.
  if (sub === 'revoke') return (await import('./peer-revoke.ts')).peerRevoke(rest);
  const { values, positionals } = parse('peer', rest, { key: { type: 'string' }, 'pq-key': { type: 'string' }, url: { type: 'string', multiple: true }, dir: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (values.help || !sub) return void console.log(HELP);
  const dir = defaultDir(values.dir);
  const me = readConfig(dir).name;
  if (sub === 'add') {
    const name = positionals[0] ?? required('peer add', undefined, 'NAME');
    const record = await withLocalStore(dir, (store) => pinPeer(store, me, { name, key: required('peer add', values.key, 'key'), urls: values.url ?? [], pqKey: values['pq-key'] }));
    console.log(`pinned ${record.name}\n  fingerprint ${fingerprint(record.key)}   (check it with ${record.name} aloud)${record.pqKey ? `\n  ML-DSA      ${fingerprint(record.pqKey)}` : ''}\n  endpoints   ${record.urls.join(', ') || '(none: it dials us)'}`);
    return;
  }
  if (sub === 'list') {
    const peers = await withLocalStore(dir, (store) => store.listPeers());
    if (values.json) return void console.log(JSON.stringify(peers, null, 2));
    for (const p of peers) console.log(`${p.name.padEnd(20)} ${fingerprint(p.key)}  ${p.pqKey ? 'pq ' : '   '}${p.urls.join(' ')}`);
    if (peers.length === 0) console.log('(no peers pinned)');
    return;
  }
  if (sub === 'remove') {
    const name = positionals[0] ?? required('peer remove', undefined, 'NAME');
    const was = await withLocalStore(dir, (store) => unpinPeer(store, name));
    console.log(was ? `unpinned ${name}` : `${name} was not pinned`);
    return;
  }
  throw new HotlineError('bad_request', `peer: unknown subcommand '${sub}' (add, list, remove, revoke)`);
}
