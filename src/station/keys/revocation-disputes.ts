// What a route needs to mark disputed entries on one line: the line's folded
// state (which key signed each entry) and the revocations recorded here.
// Without a revocation for any of the line's parties nothing is read.
import type { Crypto } from '../../core/crypto.ts';
import type { LineState } from '../../core/line-state/state.ts';
import { disputedOn, noneDisputed, type Disputed } from '../presenters/disputed.ts';
import type { Store } from '../storage/store.ts';
import { knownRevocations } from './revocations.ts';

export interface DisputeSources {
  crypto: Crypto;
  store: Store;
  lineStates: { get(line: string): Promise<LineState | null | undefined> };
}

export async function disputesOn(station: DisputeSources, line: string): Promise<Disputed> {
  const revocations = await knownRevocations(station.store);
  if (revocations.length === 0) return noneDisputed;
  const state = await station.lineStates.get(line);
  return state ? disputedOn(station.crypto, state, revocations) : noneDisputed;
}
