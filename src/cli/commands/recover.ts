import { logRedaction } from '../../station/log-redaction.ts';
import { connect } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { HotlineError } from '../../core/errors.ts';
import { parseListen, readConfig } from '../../station/config.ts';
import { openIdentity } from '../../station/identity.ts';
import { recoverFromPeers } from '../../station/recovery/recover.ts';
import { defaultDir, integer, parse } from '../args.ts';
import { withLocalStore } from '../local-store.ts';

const HELP = `hotline recover [--dir DIR] [--timeout SECONDS] [--log-level LEVEL]

Brings this station's record back from its peers after its database was lost
or restored from an old backup. Run it with the station stopped. Every peer
holds a copy of this station's logs: recover dials the pinned peers (pin them
again with 'hotline peer add' if the database is new), takes back the lines
they share with this station and its own logs of them, checks every entry's
signature with this station's key and every checkpoint's root against the
entries, and stores them. Then 'hotline serve' appends where the station left
off. A station started without this recovers by itself when a peer shows it
holds more of its log, and refuses appends on that line until then.

Prints, per line, what came back. Waits at most --timeout seconds (default 30)
for every pinned peer.

Exit status:
  0   recovered (or nothing was missing) from at least one peer
  2   bad input, or no peer pinned with an address
  6   no peer could be reached, or a recovery did not finish in time
  10  something a peer sent did not verify against this station's key`;

export async function recover(argv: string[]): Promise<number> {
  const { values } = parse('recover', argv, { dir: { type: 'string' }, timeout: { type: 'string' }, 'log-level': { type: 'string' } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dir = defaultDir(values.dir);
  const timeout = integer('recover', values.timeout, 'timeout') ?? 30;
  if (timeout < 1 || timeout > 3600) throw new HotlineError('bad_request', 'recover: --timeout must be 1 to 3600 seconds');
  const config = readConfig(dir);
  const identity = openIdentity(dir, config);
  const peerListen = parseListen(config.peerListen);
  if (peerListen.port !== 0 && (await answers(peerListen.host, peerListen.port))) {
    throw new HotlineError('conflict', `recover: something answers on this station's peer port ${config.peerListen}: stop the station first (a running station recovers by itself)`);
  }
  const logger = pino({ level: values['log-level'] ?? process.env.HOTLINE_LOG_LEVEL ?? 'warn', redact: logRedaction }, pino.destination(2));
  const outcome = await withLocalStore(dir, (store) => recoverFromPeers({ store, identity, config, timeoutMs: timeout * 1000, logger, dir }));
  console.log(`recover: station ${identity.name}: reached ${outcome.reached.join(', ')}${outcome.unreachable.length ? `; not reached: ${outcome.unreachable.join(', ')}` : ''}`);
  for (const l of outcome.lines) {
    const own = l.own;
    const what = own.state === 'recovered' ? (own.from === own.to ? `${own.to} entries, nothing was missing` : `${own.from} → ${own.to} entries, recovered from ${own.peer} and verified`)
      : own.state === 'current' ? `${own.to} entries, nothing was missing`
      : own.state === 'unheard' ? `${own.to} entries; no peer of this line answered`
      : own.state === 'failed' ? `FAILED: ${own.detail}`
      : `${own.from} → ${own.to} of ${own.peer}'s copy: not finished in time`;
    const others = l.logs.filter((p) => p.party !== identity.name).map((p) => `${p.party} ${p.size}`).join(', ');
    console.log(`line ${l.line}: own log ${what}${others ? `; others: ${others}` : ''}`);
  }
  const failed = outcome.lines.filter((l) => l.own.state === 'failed');
  if (failed.length) throw new HotlineError('integrity', `recover: ${failed.map((l) => `line ${l.line}: ${l.own.detail}`).join('; ')}`);
  const unfinished = outcome.lines.filter((l) => l.own.state === 'recovering' || l.own.state === 'unheard');
  if (unfinished.length) throw new HotlineError('unavailable', `recover: not finished for ${unfinished.map((l) => l.line).join(', ')} within ${timeout} s; run it again`);
  if (outcome.lines.some((l) => l.own.state === 'recovered')) console.log('recover: name this station\'s members on the recovered lines again if its database was new');
  return 0;
}

/** Whether a TCP connection to host:port is accepted within half a second. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
