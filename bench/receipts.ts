import type { Station } from '../src/station/station.ts';
import { eventually } from '../test/support/station.ts';
import { summarize } from './stats.ts';

/**
 * Times delivery the way a sender sees it: from the append at `author` to the
 * peer's cosignature covering that entry coming back. Entries already on the
 * log before (the line's signed definition) are not timed.
 */
export function receiptClock(station: Station, line: string, author: string, cosigner: string) {
  const started = new Map<number, number>();
  let latencies: number[] = [];
  let receipted = 0;
  let last = -1;
  station.events.on('cosigned', (log: { line: string; party: string }, by: string, size: number) => {
    if (log.line !== line || log.party !== author || by !== cosigner) return;
    const now = performance.now();
    for (; receipted < size; receipted++) {
      const t = started.get(receipted);
      if (t !== undefined) latencies.push(now - t);
      started.delete(receipted);
    }
  });
  const pending: Array<Promise<unknown>> = [];
  return {
    /** Appends one message now, timing it from this moment. */
    append(text: string): void {
      const at = performance.now();
      pending.push(station.appender.append({ line, kind: 'message', body: { text } }).then((a) => {
        started.set(a.seq, at);
        last = Math.max(last, a.seq);
      }));
    },
    /** Waits for every append so far to be stored and receipted; returns the latencies (first 10% skipped as warm-up) and starts afresh. */
    async settle(timeoutMs: number) {
      await Promise.all(pending.splice(0));
      await eventually(async () => receipted > last, 'all receipts', timeoutMs);
      const out = summarize(latencies.slice(Math.floor(latencies.length * 0.1)));
      latencies = [];
      return out;
    },
  };
}
