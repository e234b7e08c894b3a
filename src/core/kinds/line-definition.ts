import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Entry } from '../entry.ts';
import type { Line } from '../line.ts';
import { IntegrityError } from '../log-verifier.ts';

export const LINE_DEFINE = 'line.define';

/**
 * The line's definition as its creating station signed it: the first entry
 * (seq 0) of the creator's log. Without it, the title, the parties and their
 * keys and the discreet flag would travel unsigned, and whoever handed a
 * bundle or served a line could change them unseen.
 */
export const LineDefinitionBody = Type.Object(
  {
    id: Type.String({ maxLength: 64 }),
    title: Type.String({ maxLength: 200 }),
    parties: Type.Array(Type.Object({ name: Type.String({ maxLength: 64 }), key: Type.String({ maxLength: 300 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 32 }),
    discreet: Type.Boolean(),
    createdAt: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type LineDefinitionBody = Static<typeof LineDefinitionBody>;

const isBody = TypeCompiler.Compile(LineDefinitionBody);

/** The canonical body for a line: exactly the defining fields, parties in the line's order. */
export function definitionBody(line: Line): LineDefinitionBody {
  return {
    id: line.id,
    title: line.title,
    parties: line.parties.map((p) => ({ name: p.name, key: p.key })),
    discreet: line.discreet,
    createdAt: line.createdAt,
  };
}

/** The first defining field in which two definitions differ, or undefined if they agree. */
export function definitionDifference(line: Line, signed: LineDefinitionBody): string | undefined {
  if (line.id !== signed.id) return 'id';
  if (line.title !== signed.title) return 'title';
  if (line.discreet !== signed.discreet) return 'discreet flag';
  if (line.createdAt !== signed.createdAt) return 'creation time';
  if (line.parties.length !== signed.parties.length) return 'parties';
  for (const [i, p] of line.parties.entries()) {
    if (p.name !== signed.parties[i].name) return 'parties';
    if (p.key !== signed.parties[i].key) return `key of ${p.name}`;
  }
  return undefined;
}

/** Whether the line's definition is covered by a signature, and by whom. */
export type DefinitionVerdict = { signed: true; creator: string } | { signed: false };

/**
 * Checks a line's definition against the line.define entries found at the
 * start of its logs (`firsts`: each party's entry 0, if it has one). Exactly
 * one party may define the line, and what it signed must be the definition
 * given. No definition at all is an older line: reported, not an error.
 */
export function checkDefinition(line: Line, firsts: Array<{ party: string; entry?: Entry }>): DefinitionVerdict {
  const defining = firsts.filter((f) => f.entry?.kind === LINE_DEFINE);
  if (defining.length === 0) return { signed: false };
  if (defining.length > 1) throw new IntegrityError(`${defining.map((d) => d.party).join(' and ')} each sign a definition of the line; only its creator does`);
  const [{ party, entry }] = defining;
  const body = entry!.body;
  if (!isBody.Check(body)) throw new IntegrityError(`the line definition ${party} signed is malformed`, { party, seq: 0 });
  const differs = definitionDifference(line, body);
  if (differs) throw new IntegrityError(`the line's ${differs} is not what its creator ${party} signed`, { party, seq: 0 });
  if (!body.parties.some((p) => p.name === party)) throw new IntegrityError(`${party} signed a definition of a line that does not name it`, { party, seq: 0 });
  return { signed: true, creator: party };
}

/**
 * Checks what any entry of the line may not do to its definition: define it
 * anywhere but at the start of a log, or claim to have seen a party the line
 * does not name (the trace a removed party leaves in the others' logs).
 */
export function checkEntryAgainstLine(line: Line, entry: Entry): void {
  if (entry.kind === LINE_DEFINE && entry.seq !== 0) {
    throw new IntegrityError(`entry ${entry.seq} of ${entry.party}'s log redefines the line; only entry 0 of the creator's log defines it`, { party: entry.party, seq: entry.seq });
  }
  for (const party of Object.keys(entry.seen)) {
    if (!line.parties.some((p) => p.name === party)) {
      throw new IntegrityError(`entry ${entry.seq} of ${entry.party}'s log had seen ${party}'s log, but the line does not name ${party}`, { party: entry.party, seq: entry.seq });
    }
  }
}
