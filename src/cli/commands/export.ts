import { writeFileSync } from 'node:fs';
import { HotlineError } from '../../core/errors.ts';
import { exportBundle } from '../../station/export.ts';
import { defaultDir, parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { withLocalStore } from '../local-store.ts';

const HELP = `hotline export --line LINE --out FILE [--url URL --token TOKEN]
hotline export --line LINE --out FILE --offline [--dir DIR]

Writes every log of the line (entries and signed checkpoints) to a bundle
that 'hotline verify --bundle FILE' checks with no station. --offline reads
the station directory's database directly instead of asking the API.`;

export async function exportCommand(argv: string[]) {
  const { values } = parse('export', argv, { ...connectionOptions, line: { type: 'string' }, out: { type: 'string' }, offline: { type: 'boolean' } });
  if (values.help) return void console.log(HELP);
  const lineId = required('export', values.line, 'line');
  const out = required('export', values.out, 'out');
  const bundle = values.offline
    ? await withLocalStore(defaultDir(values.dir), async (store) => {
        const line = await store.line(lineId);
        if (!line) throw new HotlineError('not_found', 'export: no such line');
        return exportBundle(store, line);
      })
    : await connect(values).json('GET', `/v1/lines/${encodeURIComponent(lineId)}/export`);
  writeFileSync(out, JSON.stringify(bundle));
  for (const p of bundle.line.parties as Array<{ name: string }>) {
    if (!bundle.logs.some((l: { party: string }) => l.party === p.name)) console.error(`warning: this station holds no signed checkpoint of ${p.name}'s log, so the bundle will not verify as the whole record`);
  }
  const counts = bundle.logs.map((l: { party: string; entries: unknown[] }) => `${l.party} ${l.entries.length}`).join(', ');
  console.log(`exported line ${lineId} to ${out} (${counts || 'no logs'})`);
}
