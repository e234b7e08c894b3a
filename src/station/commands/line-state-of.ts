import { HotlineError } from '../../core/errors.ts';
import type { LineState } from '../../core/line-state/state.ts';
import type { Station } from '../station.ts';

/** The folded state of a line the caller has already been allowed to use. */
export async function lineStateOf(station: Station, lineId: string): Promise<LineState> {
  const state = await station.lineStates.get(lineId);
  if (!state) throw new HotlineError('not_found', 'no such line');
  return state;
}

/**
 * Runs state-changing commands on one line one at a time, so two consoles
 * answering the same call cannot both pass the check before either writes.
 */
const queues = new WeakMap<Station, Map<string, Promise<unknown>>>();
export function serially<T>(station: Station, line: string, run: () => Promise<T>): Promise<T> {
  let byLine = queues.get(station);
  if (!byLine) queues.set(station, (byLine = new Map()));
  const previous = byLine.get(line) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(run);
  byLine.set(line, next);
  void next.catch(() => undefined).finally(() => {
    if (byLine!.get(line) === next) byLine!.delete(line);
  });
  return next;
}
