import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { LanguageTag } from '../../../core/kinds/message.ts';
import { ReadoutTextInput } from '../../../core/kinds/readout.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { draftOf, publishReadout, saveDraft } from '../../commands/readouts.ts';
import { lineFor } from '../../line-access.ts';
import { presentCall } from '../../presenters/call.ts';
import { presentReadouts } from '../../presenters/readout.ts';
import { appendedView } from '../appended-view.ts';
import { memberOf } from '../member-of.ts';
import { ItemParams } from '../schemas.ts';
import { Appended } from '../../../wire/appended.ts';
import { CallReadouts, DraftReply, PublicReadouts, type PublicReadout } from '../../../wire/readout.ts';
import { errors } from '../../../wire/responses.ts';

const Draft = Type.Object({ text: ReadoutTextInput, lang: Type.Optional(LanguageTag) }, { additionalProperties: false });
const Publish = Type.Object(
  { public: Type.Optional(Type.Boolean({ description: 'mark for a press statement (never on a discreet line)' })), text: Type.Optional(ReadoutTextInput), lang: Type.Optional(LanguageTag) },
  { additionalProperties: false },
);

// Publishing appends an entry (409: a lost race); a draft stays in this station's database.
const publishErrors = errors(400, 401, 403, 404, 409, 413, 415, 503);
const draftErrors = errors(400, 401, 403, 404, 413, 415, 503);
const readErrors = errors(400, 401, 403, 404, 503);

export async function readoutRoutes(app: FastifyInstance) {
  const station = app.station;

  app.get<{ Params: Static<typeof ItemParams> }>('/v1/lines/:line/calls/:id/readouts', {
    config: { need: 'read' },
    schema: { operationId: 'listCallReadouts', tags: ['readouts'], summary: 'Every party\'s published readouts of one call, side by side, all versions', params: ItemParams, response: { 200: CallReadouts, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    const call = state.calls.get(req.params.id);
    if (!call) throw new HotlineError('not_found', 'no such call on this line');
    return { call: presentCall(call), readouts: presentReadouts([call.party, call.toParty], state.readouts.get(call.id) ?? []) } satisfies CallReadouts;
  });

  app.get<{ Params: Static<typeof ItemParams> }>('/v1/lines/:line/calls/:id/readout/draft', {
    config: { need: 'readout' },
    schema: { operationId: 'getReadoutDraft', tags: ['readouts'], summary: 'This party\'s unpublished draft readout of the call (never sent to the other side)', params: ItemParams, response: { 200: DraftReply, ...readErrors } },
  }, async (req) => ({ draft: await draftOf(station, await memberOf(req), req.params.line, req.params.id) }));

  app.put<{ Params: Static<typeof ItemParams>; Body: Static<typeof Draft> }>('/v1/lines/:line/calls/:id/readout/draft', {
    config: { need: 'readout' },
    schema: { operationId: 'saveReadoutDraft', tags: ['readouts'], summary: 'Save this party\'s draft readout', params: ItemParams, body: Draft, response: { 200: DraftReply, ...draftErrors } },
  }, async (req) => ({ draft: await saveDraft(station, await memberOf(req), req.params.line, req.params.id, req.body.text, req.body.lang) }));

  app.post<{ Params: Static<typeof ItemParams>; Body: Static<typeof Publish> }>('/v1/lines/:line/calls/:id/readout/publish', {
    config: { need: 'readout' },
    schema: { operationId: 'publishReadout', tags: ['readouts'], summary: 'Publish the draft (or the given text) as the next version of this party\'s readout', params: ItemParams, body: Publish, response: { 201: Appended, ...publishErrors } },
  }, async (req, reply) => reply.status(201).send(appendedView(await publishReadout(station, await memberOf(req), req.params.line, req.params.id, { public: req.body.public ?? false, text: req.body.text, lang: req.body.lang }))));

  app.get('/v1/public/readouts', {
    config: { public: true },
    // Public: no token, so no 401; 400 a malformed URL, 403 a page on another site (headers.ts), 503 the database out of reach.
    schema: { operationId: 'listPublicReadouts', tags: ['readouts'], summary: 'Readouts marked public, for press statements: latest version per party and call, from ordinary lines only', security: [], response: { 200: PublicReadouts, ...errors(400, 403, 503) } },
  }, async () => {
    const out: PublicReadout[] = [];
    for (const line of await station.store.listLines()) {
      if (line.discreet) continue;
      const state = await station.lineStates.get(line.id);
      if (!state) continue;
      for (const [callId, records] of state.readouts) {
        const call = state.calls.get(callId)!;
        for (const [party, versions] of Object.entries(presentReadouts([call.party, call.toParty], records))) {
          // A party that republished without the public mark has withdrawn its statement.
          const latest = versions.at(-1);
          if (latest?.public) out.push({ line: line.id, lineTitle: line.title, call: callId, party, callTime: call.time, ...latest });
        }
      }
    }
    return { readouts: out.sort((a, b) => b.time - a.time) } satisfies PublicReadouts;
  });
}
