import type { Entry } from '../core/entry.ts';
import { partyOf } from '../core/line.ts';
import type { LogId } from './storage/store.ts';
import type { Station } from './station.ts';

export const LINE_TEST = 'line.test';
export const LINE_TEST_REPLY = 'line.test.reply';

/**
 * Writes a signed line-test entry on every shared line on a schedule, and
 * answers the other parties' tests with a signed reply, so the record itself
 * shows that the line was tested and worked (the historic hotline's hourly test).
 */
export function startLineTests(station: Station, everyMs: number): () => void {
  const onReceived = (log: LogId, entries: Entry[]) => {
    for (const e of entries) {
      if (e.kind !== LINE_TEST) continue;
      station.appender
        .append({ line: log.line, kind: LINE_TEST_REPLY, body: { party: log.party, seq: e.seq } })
        .catch((err) => station.logger?.warn({ reason: (err as Error).message }, 'could not answer a line test'));
    }
  };
  station.events.on('received', onReceived);
  const timer = everyMs > 0 ? setInterval(() => void testAll(station), everyMs) : undefined;
  return () => {
    station.events.off('received', onReceived);
    if (timer) clearInterval(timer);
  };
}

export async function testAll(station: Station): Promise<number> {
  let n = 0;
  for (const line of await station.store.listLines()) {
    if (!partyOf(line, station.name) || line.parties.length < 2) continue;
    await station.appender.append({ line: line.id, kind: LINE_TEST, body: { scheduled: true } });
    n++;
  }
  return n;
}
