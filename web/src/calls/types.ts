// The station's call and readout views, as the console reads them: the wire's own (src/wire/call.ts, readout.ts).
export type { CallStatus } from '../../../src/wire/call-status.ts';
export type { CallView, SignalView as SignalRecord } from '../../../src/wire/call.ts';
export type { CallReadouts as ReadoutsView, ReadoutDraft as Draft, ReadoutVersion } from '../../../src/wire/readout.ts';

/** Elapsed time as mm:ss (h:mm:ss from an hour). */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}` : `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}
