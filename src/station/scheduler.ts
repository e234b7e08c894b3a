import type { Entry } from '../core/entry.ts';
import { CALL_UNANSWERED } from '../core/kinds/call.ts';
import { CHECK_KIND, CHECK_MISSED } from '../core/kinds/check.ts';
import { ESCALATION_KIND } from '../core/kinds/escalation.ts';
import { LINE_TEST_REPLY } from '../core/kinds/line-test.ts';
import { CONFLICT_KIND } from '../core/kinds/notice.ts';
import { refId } from '../core/kinds/ref.ts';
import { dueActions, type DueAction } from '../core/line-state/due.ts';
import { messageProgress } from '../core/line-state/messages.ts';
import type { LineState } from '../core/line-state/state.ts';
import { rosterNames } from './commands/line-settings.ts';
import type { Station } from './station.ts';

/**
 * Does what the line's state says is due: escalates missed deadlines, gives
 * up on unanswered calls, sends and closes check calls, records conflicts,
 * answers line tests. The decisions are the pure core's (dueActions); this
 * only keeps time and writes the entries. It looks again at the earliest
 * moment something falls due, after every new entry, and at least every
 * `everyMs`.
 */
export function startScheduler(station: Station, everyMs = 1000): { stop(): void; tick(): Promise<void> } {
  const inFlight = new Set<string>();
  const ownDeadlines: Array<{ at: number; line: string; id: string }> = [];
  /** Lines whose stored messages have been looked through for deadlines still to come (after a restart). */
  const seeded = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const watchOwn = (line: string, entries: Entry[]) => {
    for (const e of entries) {
      if (e.kind !== 'message' || e.party !== station.name || typeof e.body.ackBy !== 'number') continue;
      const at = e.body.ackBy;
      let i = ownDeadlines.length;
      while (i > 0 && ownDeadlines[i - 1].at > at) i--;
      ownDeadlines.splice(i, 0, { at, line, id: refId(e) });
    }
  };
  const onFolded = (line: string, entries: Entry[]) => {
    watchOwn(line, entries);
    if (entries.some((e) => e.party !== station.name || e.kind !== 'message')) soon(10);
  };
  station.events.on('folded', onFolded);

  // Never postpones a pass already due sooner: a steady stream of entries must not starve it.
  function soon(ms: number) {
    if (stopped) return;
    const at = Date.now() + Math.max(0, ms);
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      void tick();
    }, Math.max(0, ms));
  }

  async function tick(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let wake = station.clock() + everyMs;
      try {
        for (const record of await station.store.listLines()) {
          if (!record.parties.some((p) => p.name === station.name)) continue;
          const state = await station.lineStates.get(record.id);
          if (!state) continue;
          const now = station.clock();
          if (!seeded.has(record.id)) {
            seeded.add(record.id);
            const watched = new Set(ownDeadlines.filter((d) => d.line === record.id).map((d) => d.id));
            for (const m of state.messages.values()) {
              if (m.party === station.name && m.ackBy !== undefined && m.ackBy > now && !watched.has(m.id)) ownDeadlines.push({ at: m.ackBy, line: record.id, id: m.id });
            }
            ownDeadlines.sort((a, b) => a.at - b.at);
          }
          const { actions, wake: next } = dueActions(state, { now, roster: await rosterNames(station, record.id) });
          if (next !== null) wake = Math.min(wake, next);
          for (const action of actions) perform(state, action);
        }
        wake = Math.min(wake, await senderDeadlines());
      } catch (e) {
        station.logger?.warn({ reason: (e as Error).message }, 'scheduler pass failed');
      } finally {
        running = undefined;
        if (again) {
          again = false;
          soon(0);
        } else soon(wake - station.clock());
      }
    })();
    return running;
  }

  function perform(state: LineState, action: DueAction): void {
    const key = `${state.line.id}\n${JSON.stringify(action)}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    const line = state.line.id;
    const write = (kind: string, body: Record<string, unknown>) => station.appender.append({ line, kind, body });
    let done: Promise<unknown>;
    switch (action.type) {
      case 'escalate':
        done = write(ESCALATION_KIND, { ref: action.message, level: action.level, notify: action.notify }).then(() =>
          station.events.emit('alarm', { kind: 'deadline', line, message: refId(action.message), level: action.level, notify: action.notify }));
        break;
      case 'unanswered':
        done = write(CALL_UNANSWERED, { call: action.call });
        break;
      case 'check':
        done = write(CHECK_KIND, { slot: action.slot, at: action.at, ackBy: action.ackBy });
        break;
      case 'check-missed': {
        const check = state.checks.get(refId(action.check))!;
        const link: Record<string, string> = {};
        for (const p of state.line.parties) if (p.name !== station.name && !check.acks.some((a) => a.party === p.name)) link[p.name] = station.links?.statusOf(p.name) ?? 'unknown';
        done = write(CHECK_MISSED, { check: action.check, link }).then(() =>
          station.events.emit('alarm', { kind: 'check-missed', line, check: refId(action.check), link }));
        break;
      }
      case 'conflict':
        done = write(CONFLICT_KIND, { notices: action.notices }).then(() =>
          station.events.emit('alarm', { kind: 'conflict', line, notices: action.notices.map(refId) }));
        break;
      case 'line-test-reply':
        done = write(LINE_TEST_REPLY, { party: action.test.party, seq: action.test.seq });
        break;
    }
    done
      .then(() => {
        if (!station.discreetLines.has(line)) station.metrics.scheduled.inc({ action: action.type });
      })
      .catch((e) => station.logger?.warn({ action: action.type, reason: (e as Error).message }, 'scheduled entry could not be written'))
      .finally(() => inFlight.delete(key));
  }

  // The sender's side of a deadline: no entry (the receiver records escalations), just the console's alert.
  async function senderDeadlines(): Promise<number> {
    const now = station.clock();
    while (ownDeadlines.length > 0 && ownDeadlines[0].at <= now) {
      const { line, id } = ownDeadlines.shift()!;
      const state = await station.lineStates.get(line);
      const m = state?.messages.get(id);
      if (!state || !m) continue;
      const p = messageProgress(state, m, now);
      if (p.status === 'overdue' && !station.discreetLines.has(line)) station.metrics.scheduled.inc({ action: 'sender-deadline' });
      if (p.status === 'overdue') {
        station.feed.publish({ type: 'deadline', line, need: 'read', message: id, side: 'sender', waitingFor: p.waitingFor, precedence: m.precedence });
        station.events.emit('alarm', { kind: 'overdue', line, message: id, precedence: m.precedence, waiting: p.waitingFor.join(', ') });
      }
    }
    return ownDeadlines[0]?.at ?? Infinity;
  }

  void tick();
  return {
    tick,
    stop() {
      stopped = true;
      station.events.off('folded', onFolded);
      if (timer) clearTimeout(timer);
    },
  };
}
