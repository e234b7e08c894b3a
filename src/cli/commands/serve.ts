import { serve as serveStation } from '../../station/serve.ts';
import { defaultDir, parse } from '../args.ts';

const HELP = `hotline serve [--dir DIR] [--listen HOST:PORT] [--peer-listen HOST:PORT] [--log-level LEVEL]

Runs the station: checks every stored log, then serves the API (default
127.0.0.1:7700) and the TLS link for peer stations (default 127.0.0.1:7701),
and dials every pinned peer. Stops cleanly on SIGINT or SIGTERM.`;

export async function serve(argv: string[]) {
  const { values } = parse('serve', argv, { dir: { type: 'string' }, listen: { type: 'string' }, 'peer-listen': { type: 'string' }, 'log-level': { type: 'string' } });
  if (values.help) return void console.log(HELP);
  const serving = await serveStation(defaultDir(values.dir), { listen: values.listen, peerListen: values['peer-listen'], logLevel: values['log-level'] });
  console.log(`hotline: station ${serving.station.name} links on ${serving.linkUrl}`);
  console.log(`hotline: station ${serving.station.name} listening on ${serving.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.close();
}
