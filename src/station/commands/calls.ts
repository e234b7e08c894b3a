import { badRequest, HotlineError } from '../../core/errors.ts';
import {
  CALL_ACCEPT, CALL_CANCEL, CALL_DECLINE, CALL_END, CALL_REQUEST,
  type CallRequestBody, type CallRequestEntryBody,
} from '../../core/kinds/call.ts';
import { parseRefId } from '../../core/kinds/ref.ts';
import { callOutcome } from '../../core/line-state/calls.ts';
import { ownSettings } from '../../core/line-state/due.ts';
import type { Member } from '../../core/policy.ts';
import type { Appended } from '../appender.ts';
import { lineFor } from '../line-access.ts';
import type { Station } from '../station.ts';
import { lineStateOf, serially } from './line-state-of.ts';

/** Places a call to another party of the line; it rings there until answered or the ring time runs out. */
export async function placeCall(station: Station, actor: Member, lineId: string, request: CallRequestBody): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'call');
  const state = await lineStateOf(station, line.id);
  const others = line.parties.map((p) => p.name).filter((p) => p !== station.name);
  if (others.length === 0) throw badRequest('this line has no other party to call');
  const toParty = request.toParty ?? (others.length === 1 ? others[0] : undefined);
  if (!toParty) throw badRequest(`this line has several other parties; say which to call (toParty: ${others.join(', ')})`);
  if (!others.includes(toParty)) throw badRequest(`${toParty} is not another party of this line`);
  const body: CallRequestEntryBody = {
    from: actor.name, toParty, ringUntil: station.clock() + ownSettings(state).ringSeconds * 1000,
    ...(request.to ? { to: request.to } : {}),
    ...(request.fingerprint ? { fingerprint: request.fingerprint } : {}),
    ...(request.exercise ? { exercise: true as const } : {}),
  };
  return station.appender.append({ line: line.id, kind: CALL_REQUEST, body });
}

export type CallAnswer = { kind: 'accept'; fingerprint?: string } | { kind: 'decline'; reason?: string } | { kind: 'cancel' } | { kind: 'end' };

/** Accepts, declines, withdraws or ends a call, if this side may and the call is in the state for it. */
export async function answerCall(station: Station, actor: Member, lineId: string, callId: string, answer: CallAnswer): Promise<Appended> {
  const line = await lineFor(station.store, actor, lineId, 'call');
  return serially(station, line.id, async () => {
    const state = await lineStateOf(station, line.id);
    const call = state.calls.get(callId);
    const ref = parseRefId(callId);
    if (!call || !ref) throw new HotlineError('not_found', 'no such call on this line');
    const status = callOutcome(call).status;
    const mustBe = (want: string, why: string) => {
      if (status !== want) throw new HotlineError('conflict', `the call is ${status}; ${why}`, { status });
    };
    switch (answer.kind) {
      case 'accept':
      case 'decline':
        if (call.toParty !== station.name) throw new HotlineError('conflict', 'this call was placed by us; the other side answers it');
        mustBe('ringing', `only a ringing call can be ${answer.kind}ed`);
        return station.appender.append({
          line: line.id,
          kind: answer.kind === 'accept' ? CALL_ACCEPT : CALL_DECLINE,
          body: answer.kind === 'accept'
            ? { call: ref, by: actor.name, ...(answer.fingerprint ? { fingerprint: answer.fingerprint } : {}) }
            : { call: ref, by: actor.name, ...(answer.reason ? { reason: answer.reason } : {}) },
        });
      case 'cancel':
        if (call.party !== station.name) throw new HotlineError('conflict', 'only the calling side can withdraw a call');
        mustBe('ringing', 'only a ringing call can be withdrawn');
        return station.appender.append({ line: line.id, kind: CALL_CANCEL, body: { call: ref, by: actor.name } });
      case 'end':
        mustBe('accepted', 'only an accepted call can be ended');
        return station.appender.append({ line: line.id, kind: CALL_END, body: { call: ref, by: actor.name } });
    }
  });
}
