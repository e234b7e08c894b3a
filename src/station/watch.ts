import type { Store } from './storage/store.ts';

export interface WatchTurn {
  /** Who held the watch. */
  name: string;
  from: number;
  /** When they handed it over; null while they hold it. */
  to: number | null;
  /** What the one before handed over with it: what was open. */
  note: string;
  /** Who handed it over (the outgoing officer, or an admin). */
  handedBy: string | null;
}

const KEY = 'watch';
/** Turns kept: a year of three watches a day. */
const KEEP = 1200;

/** The watch: who holds it now, and who held it when, with each handover's note. Local to this station. */
export class Watch {
  constructor(private readonly store: Pick<Store, 'setting' | 'setSetting'>, private readonly clock: () => number) {}

  async turns(): Promise<WatchTurn[]> {
    return ((await this.store.setting(KEY)) as WatchTurn[] | null) ?? [];
  }

  async holder(): Promise<WatchTurn | null> {
    const last = (await this.turns()).at(-1);
    return last && last.to === null ? last : null;
  }

  /** Hands the watch to `to`, closing the current turn; the note says what is open. */
  async handover(by: string, to: string, note: string): Promise<WatchTurn[]> {
    const turns = await this.turns();
    const now = this.clock();
    const last = turns.at(-1);
    if (last && last.to === null) last.to = now;
    turns.push({ name: to, from: now, to: null, note, handedBy: by });
    const kept = turns.slice(-KEEP);
    await this.store.setSetting(KEY, kept);
    return kept;
  }
}
