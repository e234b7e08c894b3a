import { serve as serveStation } from '../../station/serve.ts';
import { defaultDir, parse } from '../args.ts';

const HELP = `hotline serve [--dir DIR] [--listen HOST:PORT] [--peer-listen HOST:PORT] [--log-level LEVEL] [--plain-http]

Runs the station: checks every stored log, then serves the API and the
console over HTTPS (default 127.0.0.1:7700) and the TLS link for peer
stations (default 127.0.0.1:7701), and dials every pinned peer.

The API's certificate is the station's own api.crt (made by hotline init;
clients pin its fingerprint or trust the file), or the files named in
hotline.json's "tls": {"cert": FILE, "key": FILE}, reloaded when they change
and on SIGHUP. --plain-http (or "plainHttp": true) serves plain HTTP, and only
on a loopback address. Stops cleanly on SIGINT or SIGTERM.`;

export async function serve(argv: string[]) {
  const { values } = parse('serve', argv, { dir: { type: 'string' }, listen: { type: 'string' }, 'peer-listen': { type: 'string' }, 'log-level': { type: 'string' }, 'plain-http': { type: 'boolean' } });
  if (values.help) return void console.log(HELP);
  const serving = await serveStation(defaultDir(values.dir), { listen: values.listen, peerListen: values['peer-listen'], logLevel: values['log-level'], plainHttp: values['plain-http'] || undefined });
  console.log(`hotline: station ${serving.station.name} links on ${serving.linkUrl}`);
  if (serving.fingerprint) console.log(`hotline: API certificate SHA-256 ${serving.fingerprint}`);
  console.log(`hotline: station ${serving.station.name} listening on ${serving.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.close();
}
