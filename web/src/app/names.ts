import { signal } from '@preact/signals';
import { get } from '../api/client.ts';
import { lang } from './session.ts';
import type { Names } from '../../../src/wire/names.ts';

// The lines' and parties' names in the member's language, as the station's
// admin gave them (GET /v1/names); the recorded name where none is given.

export const names = signal<Names>({ lines: {}, parties: {} });

export async function loadNames(): Promise<void> {
  names.value = await get<Names>('/v1/names');
}

export const lineName = (id: string | null | undefined, recorded: string): string =>
  (id ? names.value.lines[id]?.[lang.value] : undefined) ?? recorded;

export const partyName = (party: string): string => names.value.parties[party]?.[lang.value] ?? party;
