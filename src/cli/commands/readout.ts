import { HotlineError } from '../../core/errors.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { itemId, itemPath, noMorePositionals, output, positional, screenWidth, time, wrap } from '../format.ts';
import { callLabel, type CallView } from './calls.ts';
import type { ReadoutDraft, ReadoutVersion } from '../../wire/readout.ts';

const HELP = `hotline readout draft LINE CALL-ID TEXT… [--lang en]
hotline readout publish LINE CALL-ID [--public] [--text TEXT] [--lang en]
hotline readout show LINE CALL-ID [--json]

A readout is each side's own account of a call. 'draft' saves this party's
draft on this station only (the other side never sees it); 'publish' appends
the draft (or --text) to the line as the next version of our readout, marked
for a press statement with --public (never on a discreet line); 'show' puts
every party's published versions side by side, with our unpublished draft.`;

type Version = ReadoutVersion;
type Draft = ReadoutDraft;

export async function readout(argv: string[]) {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse('readout', rest, {
    ...connectionOptions, lang: { type: 'string' }, public: { type: 'boolean' }, text: { type: 'string' }, json: { type: 'boolean' },
  }, true);
  if (values.help || !sub || sub === 'help' || sub === '--help' || sub === '-h') return void console.log(HELP);
  if (!['draft', 'publish', 'show'].includes(sub)) throw new HotlineError('bad_request', `readout: unknown subcommand '${sub}' (draft, publish, show)`);
  const command = `readout ${sub}`;
  const line = positional(command, positionals, 0, 'LINE');
  const id = itemId(command, positional(command, positionals, 1, 'CALL-ID'), 'CALL-ID');
  const client = () => connect(values);

  if (sub === 'draft') {
    const text = positionals.slice(2).join(' ');
    if (values.text !== undefined || values.public) throw new HotlineError('bad_request', 'readout draft: give the text as words (--text and --public go with publish)');
    if (!text.trim()) throw new HotlineError('bad_request', 'readout draft: the draft text is required');
    const { draft } = await client().json<{ draft: Draft }>('PUT', itemPath(line, 'calls', id, '/readout/draft'), { text, ...(values.lang ? { lang: values.lang } : {}) });
    return output(values.json, draft, () => `draft readout of ${id} saved at ${time(draft.updatedAt)} (not sent; 'hotline readout publish ${line} ${id}' publishes it)`);
  }

  noMorePositionals(command, positionals, 2);
  if (sub === 'publish') {
    if (values.text !== undefined && !values.text.trim()) throw new HotlineError('bad_request', 'readout publish: --text is empty');
    const r = await client().json('POST', itemPath(line, 'calls', id, '/readout/publish'), {
      ...(values.public ? { public: true } : {}),
      ...(values.text !== undefined ? { text: values.text } : {}),
      ...(values.lang ? { lang: values.lang } : {}),
    });
    return void console.log(values.json ? JSON.stringify(r) : `published readout of ${id}${values.public ? ' (public)' : ''}: ${r.id} at ${time(r.time)}`);
  }

  if (values.text !== undefined || values.public || values.lang) throw new HotlineError('bad_request', 'readout show: --text, --public and --lang go with draft and publish');
  const c = client();
  const shown = await c.json<{ call: CallView; readouts: Record<string, Version[]> }>('GET', itemPath(line, 'calls', id, '/readouts'));
  // Our draft, when this member may write readouts of the call; others simply do not see one.
  let draft: Draft | null = null;
  try {
    draft = (await c.json<{ draft: Draft | null }>('GET', itemPath(line, 'calls', id, '/readout/draft'))).draft;
  } catch (e) {
    if (!(e instanceof HotlineError && e.code === 'forbidden')) throw e;
  }
  output(values.json, { ...shown, draft }, () => sideBySide(shown.call, shown.readouts, draft));
}

/** Each party's versions in its own column, oldest first, text wrapped to fit. */
function sideBySide(call: CallView, readouts: Record<string, Version[]>, draft: Draft | null): string {
  const parties = Object.keys(readouts);
  const gap = ' │ ';
  const width = Math.max(20, Math.floor((screenWidth() - gap.length * (parties.length - 1)) / Math.max(1, parties.length)));
  const columns = parties.map((party) => {
    const cells = [`${party}`, '─'.repeat(Math.min(width, 40))];
    const versions = readouts[party];
    if (versions.length === 0) cells.push('(no readout published)');
    for (const v of versions) {
      cells.push(`v${v.version}  ${time(v.time)}  ${v.by}${v.lang ? `  [${v.lang}]` : ''}${v.public ? '  PUBLIC' : ''}`);
      cells.push(...wrap(v.text, width), '');
    }
    return cells;
  });
  const height = Math.max(...columns.map((c) => c.length));
  const rows: string[] = [];
  for (let i = 0; i < height; i++) rows.push(columns.map((c) => (c[i] ?? '').padEnd(width)).join(gap).trimEnd());
  const head = `call ${call.id}  ${time(call.time)}  ${callLabel(call)}  ${call.status}`;
  const tail = draft ? `\nour draft (unpublished, by ${draft.updatedBy} at ${time(draft.updatedAt)}${draft.lang ? `, ${draft.lang}` : ''}):\n${wrap(draft.text, screenWidth() - 2).map((l) => `  ${l}`).join('\n')}` : '';
  return `${head}\n\n${rows.join('\n').trimEnd()}${tail}`;
}
