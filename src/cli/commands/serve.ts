import { serve as serveStation } from '../../station/serve.ts';
import type { ReplicaStatus } from '../../station/replica/replica.ts';
import { defaultDir, parse } from '../args.ts';

const HELP = `hotline serve [--dir DIR] [--listen HOST:PORT] [--peer-listen HOST:PORT] [--advertise URL] [--log-level LEVEL] [--plain-http]

Runs the station: checks what was stored since the last verified
checkpoint (startupCheck in hotline.json; the rest in the background), then
serves the API and the
console over HTTPS (default 127.0.0.1:7700) and the TLS link for peer
stations (default 127.0.0.1:7701), and dials every pinned peer.

On PostgreSQL ("database": "postgresql://…" in hotline.json) every hotline
serve is one replica of the station: run several, on several machines, with
the same directory's files (hotline.json, station.key, api.crt and api.key).
One leads (a lease in the database) and runs the links, the scheduler and
the line tests; the others serve the API, the console and the live events
and pass writes on to the leader, at the URL it advertises (--advertise, or
"replica": {"advertise": URL}; default its listen address). When the leader
dies another takes over within seconds. GET /readyz answers 200 where a
load balancer may send requests.

The API's certificate is the station's own api.crt (made by hotline init;
clients pin its fingerprint or trust the file), or the files named in
hotline.json's "tls": {"cert": FILE, "key": FILE}, reloaded when they change
and on SIGHUP. --plain-http (or "plainHttp": true) serves plain HTTP, and only
on a loopback address. Stops cleanly on SIGINT or SIGTERM (a leader gives its
lease up at once).`;

export async function serve(argv: string[]) {
  const { values } = parse('serve', argv, {
    dir: { type: 'string' }, listen: { type: 'string' }, 'peer-listen': { type: 'string' }, advertise: { type: 'string' }, 'log-level': { type: 'string' }, 'plain-http': { type: 'boolean' },
  });
  if (values.help) return void console.log(HELP);
  // A promise nobody awaited that fails is a bug, but one request's or one timer's: it is reported, and the
  // station goes on answering (its records are durable either way) rather than falling silent.
  process.on('unhandledRejection', (reason) => {
    console.error(`hotline: unhandled rejection (a bug; reported, and the station goes on): ${(reason as Error)?.stack ?? String(reason)}`);
  });
  const serving = await serveStation(defaultDir(values.dir), {
    listen: values.listen, peerListen: values['peer-listen'], advertise: values.advertise, logLevel: values['log-level'], plainHttp: values['plain-http'] || undefined,
  });
  console.log(`hotline: station ${serving.station.name} links on ${serving.linkUrl}`);
  if (serving.fingerprint) console.log(`hotline: API certificate SHA-256 ${serving.fingerprint}`);
  console.log(`hotline: station ${serving.station.name} listening on ${serving.url}`);
  let last = '';
  const said = (s: ReplicaStatus) => {
    if (s.role === 'single') return;
    const line = s.role === 'leader' ? `hotline: replica ${s.id} leads (epoch ${s.epoch})` : `hotline: replica ${s.id} follows (${s.leader ? `leader ${s.leader.id} at ${s.leader.url}` : 'no leader known yet'})`;
    if (line !== last) console.log((last = line));
  };
  said(serving.replica());
  serving.onReplica(said);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.close();
}
