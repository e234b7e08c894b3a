import { badRequest, HotlineError } from '../../core/errors.ts';
import { READOUT_KIND, type ReadoutEntryBody } from '../../core/kinds/readout.ts';
import { parseRefId } from '../../core/kinds/ref.ts';
import type { Member } from '../../core/policy.ts';
import type { Appended } from '../appender.ts';
import { lineFor } from '../line-access.ts';
import type { ReadoutDraftRecord } from '../storage/store.ts';
import type { Station } from '../station.ts';
import { lineStateOf } from './line-state-of.ts';

async function callOf(station: Station, actor: Member, lineId: string, callId: string, need: 'readout' | 'read') {
  const line = await lineFor(station.store, actor, lineId, need);
  const state = await lineStateOf(station, line.id);
  const call = state.calls.get(callId);
  if (!call || !parseRefId(callId)) throw new HotlineError('not_found', 'no such call on this line');
  if (call.party !== station.name && call.toParty !== station.name) throw new HotlineError('forbidden', 'only the two sides of a call write readouts of it');
  return { line, state, call };
}

/** A draft stays on this station, unseen by the other side, until published. */
export async function saveDraft(station: Station, actor: Member, lineId: string, callId: string, text: string, lang?: string): Promise<ReadoutDraftRecord> {
  const { line } = await callOf(station, actor, lineId, callId, 'readout');
  const draft = { line: line.id, call: callId, text, lang: lang ?? null, updatedBy: actor.name, updatedAt: station.clock() };
  await station.store.saveReadoutDraft(draft);
  return draft;
}

export async function draftOf(station: Station, actor: Member, lineId: string, callId: string): Promise<ReadoutDraftRecord | null> {
  const { line } = await callOf(station, actor, lineId, callId, 'readout');
  return station.store.readoutDraft(line.id, callId);
}

/**
 * Publishes the draft (or the given text) as the next version of this
 * party's readout; earlier versions stay in the log. A discreet line never
 * produces a public readout.
 */
export async function publishReadout(station: Station, actor: Member, lineId: string, callId: string, options: { public: boolean; text?: string; lang?: string }): Promise<Appended> {
  const { line } = await callOf(station, actor, lineId, callId, 'readout');
  if (options.public && line.discreet) throw badRequest('a discreet line has no public readouts');
  const draft = await station.store.readoutDraft(line.id, callId);
  const text = options.text ?? draft?.text;
  if (!text) throw badRequest('nothing to publish: save a draft or give the text');
  const lang = options.lang ?? draft?.lang ?? undefined;
  const body: ReadoutEntryBody = { call: parseRefId(callId)!, text, public: options.public, by: actor.name, ...(lang ? { lang } : {}) };
  const appended = await station.appender.append({ line: line.id, kind: READOUT_KIND, body });
  await station.store.removeReadoutDraft(line.id, callId);
  return appended;
}
