import type { Logger } from 'pino';
import { alarmKey, alarmKinds, type AlarmChange, type AlarmKind, type AlarmRaise } from '../core/alarm/alarm.ts';
import { lineAlarms } from '../core/alarm/line-alarms.ts';
import type { Entry } from '../core/entry.ts';
import type { Precedence } from '../core/kinds/precedence.ts';
import type { LinkStatus } from '../core/link/status.ts';
import type { LineState } from '../core/line-state/state.ts';
import type { AlarmView } from '../wire/alarm.ts';
import type { LiveAlarm } from '../wire/live-event.ts';
import type { Feed } from './feed.ts';
import { alarmWords, presentAlarm } from './presenters/alarm.ts';
import type { AlarmRecord, Store } from './storage/store.ts';

export interface AlarmParts {
  store: Pick<Store, 'raiseAlarm' | 'clearAlarm' | 'acknowledgeAlarm' | 'alarm' | 'alarms'>;
  feed: Pick<Feed, 'publish'>;
  clock: () => number;
  /** A line's folded state, for the words (title, sender, text). */
  state: (line: string) => Promise<LineState | undefined>;
  /** Whether this process writes (a follower replica hears the leader's alarms instead). */
  leading: () => boolean;
  /** Told of each alarm stored new and each first acknowledgement (the metrics). */
  counted?: (what: 'raised' | 'acknowledged', alarm: AlarmRecord) => void;
  logger?: Logger;
}

const known = new Set<string>(alarmKinds);

/**
 * The station's alarms: what the line's entries, the scheduler, the links
 * and the station's own checks raise (core/alarm), stored before any console
 * hears of it, so that a reload, a second duty officer or a restart sees the
 * same alarms; acknowledged by a person, with who and when kept. Every change
 * goes out on the feed as an `alarm` event carrying the alarm's new view.
 */
export class Alarms {
  /** Writes one after another, so that a clear never overtakes the raise it clears. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly parts: AlarmParts) {}

  /** Entries just folded into a line's state. */
  folded(state: LineState, entries: Entry[]): void {
    const changes = lineAlarms(state, entries);
    if (changes.length > 0) this.apply(changes, state);
  }

  /** A finding of the station (station.events 'alarm'): an escalation, a missed check call, a conflict, a forked log… */
  found(finding: LiveAlarm): void {
    const at = this.parts.clock();
    const kind = (known.has(finding.kind) ? finding.kind : 'integrity') as AlarmKind;
    const line = finding.line;
    const { kind: _k, line: _l, ...detail } = finding;
    let key: string;
    let item: string | undefined;
    switch (kind) {
      case 'deadline': item = finding.message; key = alarmKey.deadline(line ?? '', item ?? '', Number(finding.level ?? 0)); break;
      case 'overdue': item = finding.message; key = alarmKey.overdue(line ?? '', item ?? ''); break;
      case 'check-missed': item = finding.check; key = alarmKey.check(line ?? '', item ?? ''); break;
      case 'conflict': key = alarmKey.conflict(line ?? '', finding.notices ?? []); break;
      default: key = alarmKey.finding(kind, line ?? finding.party ?? 'station', at);
    }
    delete detail.message;
    delete detail.check;
    const raise: AlarmRaise = { type: 'raise', key, kind, at, line, item, party: finding.party, precedence: finding.precedence as Precedence | undefined, detail };
    if (line) void this.parts.state(line).then((state) => this.apply([raise], state), (e) => this.failed(e));
    else this.apply([raise], undefined);
  }

  /** A link changed: down or degraded raises an alarm, up again clears the peer's. */
  link(peer: string, status: LinkStatus, previous: LinkStatus | undefined): void {
    if (status === previous) return;
    const at = this.parts.clock();
    if (status === 'up') {
      this.enqueue(async () => {
        for (const a of await this.parts.store.alarms({ open: true, limit: 500 })) {
          if (a.kind === 'link' && a.subject.party === peer) await this.publish(await this.parts.store.clearAlarm(a.key, { at, why: 'up', by: null }));
        }
      });
      return;
    }
    // Degraded then down is one trouble: the first alarm stands until the link is up again.
    if (previous === 'degraded' || previous === 'down') return;
    this.apply([{ type: 'raise', key: alarmKey.link(peer, at), kind: 'link', at, party: peer, detail: { peer, status } }], undefined);
  }

  /** A member acknowledges an alarm; the first acknowledgement stands. */
  async acknowledge(id: number, by: string): Promise<AlarmView | null> {
    const before = await this.parts.store.alarm(id);
    if (!before) return null;
    if (before.ackedAt !== null) return presentAlarm(before);
    const after = await this.parts.store.acknowledgeAlarm(id, { by, at: this.parts.clock() });
    if (after) this.parts.counted?.('acknowledged', after);
    await this.publish(after);
    return after && presentAlarm(after);
  }

  private apply(changes: AlarmChange[], state: LineState | undefined): void {
    if (!this.parts.leading()) return;
    this.enqueue(async () => {
      for (const c of changes) {
        if (c.type === 'raise') {
          const words = alarmWords(c, state);
          const message = c.item ? state?.messages.get(c.item) : undefined;
          const subject = { item: c.item, party: c.party ?? message?.party, precedence: c.precedence ?? message?.precedence, detail: { ...c.detail, words } };
          const raised = await this.parts.store.raiseAlarm({ key: c.key, kind: c.kind, line: c.line ?? null, raisedAt: c.at, subject });
          if (raised) this.parts.counted?.('raised', raised);
          await this.publish(raised);
        } else {
          await this.publish(await this.parts.store.clearAlarm(c.key, { at: c.at, why: c.why, by: c.by ?? null }));
        }
      }
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((e) => this.failed(e));
  }

  private failed(e: unknown): void {
    this.parts.logger?.warn({ reason: (e as Error).message }, 'an alarm could not be recorded');
  }

  private async publish(record: AlarmRecord | null): Promise<void> {
    if (!record) return;
    const alarm = presentAlarm(record);
    this.parts.feed.publish({ type: 'alarm', line: record.line ?? undefined, need: 'read', alarm });
  }

  /** Settles once every change so far is stored (tests, shutdown). */
  idle(): Promise<unknown> {
    return this.queue;
  }
}
