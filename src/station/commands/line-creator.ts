import { randomBytes } from 'node:crypto';
import { badRequest, HotlineError } from '../../core/errors.ts';
import { definitionBody, LINE_DEFINE } from '../../core/kinds/line-definition.ts';
import { isLineId, validPartyName, type LineParty } from '../../core/line.ts';
import { canManageLines, type Member } from '../../core/policy.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import type { LineRecord } from '../storage/store.ts';
import type { Station } from '../station.ts';

export interface LineInput {
  id?: string;
  title: string;
  /** Verifier keys of the parties; this station's own party is added if absent. */
  parties: string[];
  /** Names of this station's members who take part in the line. */
  members: string[];
  discreet?: boolean;
}

export async function createLine(station: Station, actor: Member, input: LineInput): Promise<LineRecord> {
  if (!canManageLines(actor)) throw new HotlineError('forbidden', 'only an admin may create lines');
  // A discreet line's id is always random: a chosen id could be probed with
  // "already exists" answers by someone outside the line.
  if (input.discreet && input.id) throw badRequest('a discreet line gets a random id; do not give one');
  // The random form is reserved, or "already exists" would confirm a discreet id seen once.
  if (input.id && /^ln-[0-9a-f]{24}$/.test(input.id)) throw badRequest('ids of the form ln-… are assigned by the station');
  const id = input.id ?? `ln-${randomBytes(12).toString('hex')}`;
  if (!isLineId(id)) throw badRequest('line id must be 3-64 characters of a-z, 0-9 and -, starting with a letter or digit');
  const parties: LineParty[] = [];
  for (const text of input.parties.includes(station.identity.vkey) ? input.parties : [station.identity.vkey, ...input.parties]) {
    let key;
    try {
      key = parseVerifierKey(station.crypto, text);
    } catch (e) {
      throw badRequest(`party key '${text}' is not a signed-note verifier key: ${(e as Error).message}`);
    }
    if (!validPartyName(key.name)) throw badRequest(`party name '${key.name}' must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'`);
    if (parties.some((p) => p.name === key.name)) throw badRequest(`two parties are named ${key.name}`);
    parties.push({ name: key.name, key: text });
  }
  const own = parties.find((p) => p.name === station.name);
  if (own && own.key !== station.identity.vkey) throw badRequest(`party ${station.name} is this station, but the key given is not its key`);
  const memberIds: number[] = [];
  for (const name of new Set(input.members)) {
    const m = await station.store.memberByName(name);
    if (!m) throw badRequest(`no member named ${name} on this station`);
    memberIds.push(m.id);
  }
  if (await station.store.line(id)) throw new HotlineError('conflict', `a line with id ${id} already exists`);
  const line: LineRecord = { id, title: input.title, parties, discreet: input.discreet ?? false, createdAt: station.clock(), memberIds };
  await station.store.createLine(line);
  if (line.discreet) station.discreetLines.add(id);
  await station.appender.open(id);
  // The definition goes on the record before anyone is offered the line, so
  // every copy of it can be held against what this station signed.
  await station.appender.append({ line: id, kind: LINE_DEFINE, body: definitionBody(line) });
  await station.replicator.offer(line);
  return line;
}
