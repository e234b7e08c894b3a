import { partyOf } from '../core/line.ts';
import { LINE_TEST } from '../core/kinds/line-test.ts';
import type { Station } from './station.ts';

export { LINE_TEST, LINE_TEST_REPLY } from '../core/kinds/line-test.ts';

/**
 * Writes a signed line-test entry on every shared line on a schedule, so the
 * record itself shows that the line was tested and worked (the historic
 * hotline's hourly test). The scheduler answers the other parties' tests
 * from the line's state, so a reply lost to a crash is still written after it.
 */
export function startLineTests(station: Station, everyMs: number): () => void {
  const timer = everyMs > 0 ? setInterval(() => void testAll(station), everyMs) : undefined;
  return () => {
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
