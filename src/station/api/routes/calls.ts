import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { HotlineError } from '../../../core/errors.ts';
import { CallRequestBody, DtlsFingerprint } from '../../../core/kinds/call.ts';
import { answerCall, placeCall } from '../../commands/calls.ts';
import { lineStateOf } from '../../commands/line-state-of.ts';
import { lineFor } from '../../line-access.ts';
import { presentCall } from '../../presenters/call.ts';
import { appendedView } from '../appended-view.ts';
import { memberOf } from '../member-of.ts';
import { ItemParams, LineParams, Text } from '../schemas.ts';
import { Appended } from '../../../wire/appended.ts';
import { CallList, CallView, SignalList, SignalSent, signalKinds } from '../../../wire/call.ts';
import { errors } from '../../../wire/responses.ts';

const Accept = Type.Object({ fingerprint: Type.Optional(DtlsFingerprint) }, { additionalProperties: false });
const Decline = Type.Object({ reason: Type.Optional(Text({ maxLength: 2000 })) }, { additionalProperties: false });
const Empty = Type.Object({}, { additionalProperties: false });
const SignalBody = Type.Object(
  { kind: Type.Union(signalKinds.map((k) => Type.Literal(k))), data: Text({ maxLength: 20000 }) },
  { additionalProperties: false },
);

// Writes: refused input (400, 413, 415), access (401, 403, 404), a call in the wrong state or a lost race (409), no leader or a recovery hold (503).
const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 503);
const readErrors = errors(400, 401, 403, 404, 503);

export async function callRoutes(app: FastifyInstance) {
  const station = app.station;

  app.post<{ Params: Static<typeof LineParams>; Body: Static<typeof CallRequestBody> }>('/v1/lines/:line/calls', {
    config: { need: 'call' },
    schema: { operationId: 'placeCall', tags: ['calls'], summary: 'Place a call to another party (optionally to a named principal); it rings on their consoles', params: LineParams, body: CallRequestBody, response: { 201: Appended, ...writeErrors } },
  }, async (req, reply) => reply.status(201).send(appendedView(await placeCall(station, await memberOf(req), req.params.line, req.body))));

  app.get<{ Params: Static<typeof LineParams> }>('/v1/lines/:line/calls', {
    config: { need: 'read' },
    schema: { operationId: 'listCalls', tags: ['calls'], summary: 'Every call on the line with its outcome (ringing, accepted, declined, unanswered, cancelled, ended), newest first', params: LineParams, response: { 200: CallList, ...readErrors } },
  }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const state = await lineStateOf(station, line.id);
    return { calls: [...state.calls.values()].sort((a, b) => b.time - a.time).map(presentCall) } satisfies CallList;
  });

  app.get<{ Params: Static<typeof ItemParams> }>('/v1/lines/:line/calls/:id', { config: { need: 'read' }, schema: { operationId: 'getCall', tags: ['calls'], summary: 'One call', params: ItemParams, response: { 200: CallView, ...readErrors } } }, async (req) => {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    const call = (await lineStateOf(station, line.id)).calls.get(req.params.id);
    if (!call) throw new HotlineError('not_found', 'no such call on this line');
    return presentCall(call);
  });

  const answer = (path: string, operationId: string, summary: string, body: typeof Accept | typeof Decline | typeof Empty, make: (b: Record<string, string | undefined>) => Parameters<typeof answerCall>[4]) =>
    app.post<{ Params: Static<typeof ItemParams>; Body: Record<string, string | undefined> }>(`/v1/lines/:line/calls/:id/${path}`, {
      config: { need: 'call' },
      schema: { operationId, tags: ['calls'], summary, params: ItemParams, body, response: { 201: Appended, ...writeErrors } },
    }, async (req, reply) => reply.status(201).send(appendedView(await answerCall(station, await memberOf(req), req.params.line, req.params.id, make(req.body ?? {})))));

  answer('accept', 'acceptCall', 'Accept a ringing call (record your console\'s DTLS fingerprint)', Accept, (b) => ({ kind: 'accept', fingerprint: b.fingerprint }));
  answer('decline', 'declineCall', 'Decline a ringing call, optionally saying why', Decline, (b) => ({ kind: 'decline', reason: b.reason }));
  answer('cancel', 'cancelCall', 'Withdraw a call of ours that is still ringing', Empty, () => ({ kind: 'cancel' }));
  answer('end', 'endCall', 'End an accepted call (either side)', Empty, () => ({ kind: 'end' }));

  app.post<{ Params: Static<typeof ItemParams>; Body: Static<typeof SignalBody> }>('/v1/lines/:line/calls/:id/signals', {
    config: { need: 'call' },
    // 409: the call is over, or no fingerprint was recorded for this side; 503: the link to the other side is down.
    schema: { operationId: 'sendCallSignal', tags: ['calls'], summary: 'Send WebRTC signalling (offer, answer, ICE candidate) to the other side\'s consoles through the stations', params: ItemParams, body: SignalBody, response: { 202: SignalSent, ...writeErrors } },
  }, async (req, reply) => {
    await station.signals.send(await memberOf(req), req.params.line, req.params.id, req.body.kind, req.body.data);
    return reply.status(202).send({ sent: true });
  });

  app.get<{ Params: Static<typeof ItemParams> }>('/v1/lines/:line/calls/:id/signals', {
    config: { need: 'call' },
    schema: { operationId: 'listCallSignals', tags: ['calls'], summary: 'Signalling received for this call from the other side (recent, in order), for a console that opened late', params: ItemParams, response: { 200: SignalList, ...readErrors } },
  }, async (req) => ({ signals: await station.signals.recent(await memberOf(req), req.params.line, req.params.id) }) satisfies SignalList);
}
