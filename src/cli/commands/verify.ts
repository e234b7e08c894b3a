import { readFileSync, writeFileSync } from 'node:fs';
import { verifyBundle, type Bundle } from '../../core/bundle.ts';
import { toBase64 } from '../../core/encoding.ts';
import { HotlineError } from '../../core/errors.ts';
import { parseCheckpoint } from '../../core/note/checkpoint.ts';
import { parseVerifierKey, type VerifierKey } from '../../core/note/key.ts';
import { parseNote } from '../../core/note/note.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { verifyRemoteLog } from '../remote-verify.ts';

const HELP = `hotline verify --bundle FILE [--key VKEY ...] [--since CHECKPOINT ...]
hotline verify --line LINE [--party PARTY] [--url URL --token TOKEN] [--key VKEY ...] [--since CHECKPOINT ...] [--save DIR]

Checks logs end to end: every entry's signature and position, every leaf,
the Merkle root against the signed checkpoint, and (with --since, a file
holding a checkpoint seen earlier) consistency with that earlier state.
--key pins a party's verifier key; without it the keys come from the
line definition itself, which a station could forge. --save DIR writes each
verified checkpoint to DIR/<party>.checkpoint for the next --since.
Exits 0 when everything verifies, 10 naming the first bad entry otherwise.`;

export async function verify(argv: string[]) {
  const { values } = parse('verify', argv, {
    ...connectionOptions, bundle: { type: 'string' }, line: { type: 'string' }, party: { type: 'string' }, key: { type: 'string', multiple: true }, since: { type: 'string', multiple: true }, save: { type: 'string' },
  });
  if (values.help) return void console.log(HELP);
  const c = nodeCrypto;
  const pinned: VerifierKey[] = (values.key ?? []).map((k) => {
    try {
      return parseVerifierKey(c, k);
    } catch (e) {
      throw new HotlineError('bad_request', `verify: --key ${k}: ${(e as Error).message}`);
    }
  });
  const since = new Map<string, string>();
  for (const file of values.since ?? []) {
    const note = readFileSync(file, 'utf8');
    const origin = parseCheckpoint(parseNote(note).text).origin;
    since.set(origin.split('/').pop()!, note);
  }
  const results: Array<{ party: string; size: number; root: Uint8Array; note?: string }> = [];
  if (values.bundle) {
    let bundle: Bundle;
    try {
      bundle = JSON.parse(readFileSync(values.bundle, 'utf8'));
    } catch (e) {
      throw new HotlineError('bad_request', `verify: cannot read bundle ${values.bundle}: ${(e as Error).message}`);
    }
    for (const p of bundle.line?.parties ?? []) {
      if (!pinned.some((k) => k.name === p.name)) console.error(`warning: ${p.name}'s key is taken from the bundle itself; pin it with --key`);
      if (!bundle.logs?.some((l) => l.party === p.name)) console.log(`--  ${p.name}: no log in this bundle`);
    }
    for (const v of verifyBundle(c, bundle, { pinned, since })) {
      results.push({ party: v.party, size: v.size, root: v.checkpoint.root, note: bundle.logs.find((l) => l.party === v.party)!.checkpoint });
    }
  } else {
    if (!values.line) throw new HotlineError('bad_request', 'verify: give --bundle FILE or --line LINE');
    const client = connect(values);
    const line = await client.json<{ id: string; parties: Array<{ name: string; key: string }> }>('GET', `/v1/lines/${encodeURIComponent(values.line)}`);
    const parties = values.party ? line.parties.filter((p) => p.name === values.party) : line.parties;
    if (parties.length === 0) throw new HotlineError('not_found', `verify: the line has no party ${values.party}`);
    for (const party of parties) {
      const key = pinned.find((k) => k.name === party.name) ?? parseVerifierKey(c, party.key);
      if (!pinned.some((k) => k.name === party.name)) console.error(`warning: ${party.name}'s key is taken from the station itself; pin it with --key`);
      const verified = await verifyRemoteLog(c, client, { line: line.id, party: party.name, key }, since.get(party.name));
      if (!verified) {
        // No checkpoint at all: this station holds nothing of that party's log yet.
        if (values.party) throw new HotlineError('not_found', `verify: the station holds no log of ${party.name} on this line`);
        console.log(`--  ${party.name}: no log held on this station`);
        continue;
      }
      results.push({ party: party.name, size: verified.checkpoint.size, root: verified.checkpoint.root, note: verified.note });
    }
  }
  for (const r of results) {
    console.log(`ok  ${r.party}: ${r.size} entries verified; root ${toBase64(r.root)}`);
    if (values.save && r.note) writeFileSync(`${values.save}/${r.party}.checkpoint`, r.note);
  }
}
