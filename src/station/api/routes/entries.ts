import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { toBase64 } from '../../../core/encoding.ts';
import { HotlineError } from '../../../core/errors.ts';
import { partyOf } from '../../../core/line.ts';
import { formatTlogProof } from '../../../core/note/tlog-proof.ts';
import { lineFor } from '../../line-access.ts';
import { presentEntry } from '../../presenters/entry.ts';
import { disputesOn } from '../../keys/revocation-disputes.ts';
import { memberOf } from '../member-of.ts';
import { EntryParams, LineParams, LogParams, Position } from '../schemas.ts';
import { EntryPage, EntryWithBytes } from '../../../wire/entry.ts';
import { CosignatureList } from '../../../wire/log.ts';
import { errors } from '../../../wire/responses.ts';
import { TranscriptPage, TranscriptSearch, TranscriptSearchQuery } from '../../../wire/transcript.ts';
import { searchLine } from '../../../core/line-state/search.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { presentMessage } from '../../presenters/message.ts';

const LIMIT = 100;
const Page = Type.Object({ start: Type.Optional(Position({ default: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: LIMIT })) });
const page = (q: Static<typeof Page>) => ({ start: q.start ?? 0, limit: q.limit ?? LIMIT });

const readErrors = errors(400, 401, 403, 404, 503);

export async function entryRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get<{ Params: Static<typeof LineParams>; Querystring: Static<typeof Page> }>('/v1/lines/:line/transcript', {
    config: { need: 'read' },
    schema: {
      operationId: 'getTranscript', tags: ['lines'],
      summary: 'The line\'s transcript: every party\'s entries in causal order, with delivery receipts',
      params: LineParams,
      querystring: Page,
      response: { 200: TranscriptPage, ...readErrors },
    },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const { start, limit } = page(req.query);
    const view = await station.transcripts.read(line, (party) => station.held({ line: line.id, party }), start, limit);
    const disputed = await disputesOn(station, line.id);
    return {
      items: view.items.map((i) => ({ ...presentEntry(station.crypto, i.bytes, disputed), deliveredTo: i.deliveredTo })),
      total: view.total,
      pending: view.pending,
      next: start + limit < view.total ? start + limit : null,
    } satisfies TranscriptPage;
  });

  app.get<{ Params: Static<typeof LineParams>; Querystring: TranscriptSearchQuery }>('/v1/lines/:line/search', {
    config: { need: 'read' },
    schema: {
      operationId: 'searchTranscript', tags: ['lines'],
      summary: 'Search the line (its messages with their translations, calls, notices, check calls, readouts) and filter it: waiting for us, by precedence, by kind, exercise traffic; newest first',
      params: LineParams,
      querystring: TranscriptSearchQuery,
      response: { 200: TranscriptSearch, ...readErrors },
    },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    const now = station.clock();
    const q = req.query;
    const found = searchLine(state, { q: q.q, waitingForUs: q.waiting === 'us', precedence: q.precedence, kind: q.kind, exercise: q.exercise }, now);
    const shown = found.slice(0, q.limit ?? 50);
    const disputed = await disputesOn(station, line.id);
    const receipts = new Map<string, Map<string, number>>();
    const receiptsOf = async (party: string) => receipts.get(party) ?? receipts.set(party, await station.store.cosignedSizes({ line: line.id, party })).get(party)!;
    const items: TranscriptSearch['items'] = [];
    const messages: TranscriptSearch['messages'] = [];
    for (const stamp of shown) {
      const [bytes] = await station.store.entries({ line: line.id, party: stamp.party }, stamp.seq, stamp.seq + 1);
      if (!bytes) continue;
      const held = await receiptsOf(stamp.party);
      const deliveredTo = [...held].filter(([cosigner, size]) => size > stamp.seq && line.parties.some((p) => p.name === cosigner)).map(([c]) => c).sort();
      items.push({ ...presentEntry(station.crypto, bytes, disputed), deliveredTo });
      const m = state.messages.get(stamp.id);
      if (m) messages.push(presentMessage(state, m, held, now, disputed));
    }
    return { items, messages, total: found.length } satisfies TranscriptSearch;
  });

  app.get<{ Params: Static<typeof LogParams> }>('/v1/lines/:line/logs/:party/cosignatures', {
    config: { need: 'read' },
    schema: { operationId: 'listCosignatures', tags: ['logs'], summary: 'Cosignatures on this log\'s checkpoints: peers\' delivery receipts and witnesses\' cosignatures', params: LogParams, response: { 200: CosignatureList, ...readErrors } },
  }, async (req) => {
    const log = await readableLog(req);
    return { cosignatures: (await station.store.cosignatures(log)).map(({ size, cosigner, timestamp, signature }) => ({ size, cosigner, timestamp, signature })) } satisfies CosignatureList;
  });

  app.get<{ Params: Static<typeof LogParams>; Querystring: Static<typeof Page> }>('/v1/lines/:line/logs/:party/entries', {
    config: { need: 'read' },
    schema: {
      operationId: 'listLogEntries', tags: ['logs'],
      summary: 'Entries of one party\'s log, in order, a page at a time',
      params: LogParams,
      querystring: Page,
      response: { 200: EntryPage, ...readErrors },
    },
  }, async (req) => {
    const log = await readableLog(req);
    const size = await station.reader.signedSize(log);
    const { start, limit } = page(req.query);
    const end = Math.min(size, start + limit);
    const entries = start < end ? await station.store.entries(log, start, end) : [];
    const disputed = await disputesOn(station, log.line);
    return { entries: entries.map((b) => presentEntry(station.crypto, b, disputed)), size, next: end < size ? end : null } satisfies EntryPage;
  });

  app.get<{ Params: Static<typeof EntryParams> }>('/v1/lines/:line/logs/:party/entries/:seq', {
    config: { need: 'read' },
    schema: { operationId: 'getLogEntry', tags: ['logs'], summary: 'One entry, decoded, with its exact bytes', params: EntryParams, response: { 200: EntryWithBytes, ...readErrors } },
  }, async (req) => {
    const log = await readableLog(req);
    const [bytes] = req.params.seq < (await station.reader.signedSize(log)) ? await station.store.entries(log, req.params.seq, req.params.seq + 1) : [];
    if (!bytes) throw new HotlineError('not_found', 'no such entry');
    return { entry: presentEntry(station.crypto, bytes, await disputesOn(station, log.line)), bytes: toBase64(bytes) } satisfies EntryWithBytes;
  });

  app.get<{ Params: Static<typeof EntryParams> }>('/v1/lines/:line/logs/:party/entries/:seq/proof', {
    config: { need: 'read' },
    schema: {
      operationId: 'getEntryProof', tags: ['logs'], summary: 'C2SP tlog-proof of one entry against the latest checkpoint', params: EntryParams,
      response: { 200: { description: 'a C2SP tlog-proof', content: { 'text/plain': { schema: Type.String() } } }, ...readErrors },
    },
  }, async (req, reply) => {
    const log = await readableLog(req);
    const cp = await station.reader.checkpoint(log);
    if (req.params.seq >= cp.size) throw new HotlineError('not_found', 'no such entry');
    const { proof } = await station.reader.inclusion(log, req.params.seq, cp.size);
    reply.type('text/plain; charset=utf-8');
    return formatTlogProof({ index: req.params.seq, proof, checkpoint: cp.note });
  });

  async function readableLog(req: { params: { line: string; party: string } } & Parameters<typeof memberOf>[0]) {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    if (!partyOf(line, req.params.party)) throw new HotlineError('not_found', 'no such log on this line');
    return { line: line.id, party: req.params.party };
  }
}
