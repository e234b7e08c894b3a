import type { Precedence } from '../core/kinds/precedence.ts';
import type { Role } from './role.ts';
import type { AlarmView } from './alarm.ts';
import type { CallView, SignalView } from './call.ts';
import type { CheckView } from './check.ts';
import type { LinkStatus } from './link-status.ts';
import type { MessageView } from './message.ts';
import type { ConflictView, NoticeView } from './notice.ts';

// What the live event stream (WebSocket /v1/events) sends a console: one JSON
// object per event, told apart by `type`. The views inside are the same the
// REST routes answer with, so a console shows an event exactly as it would show
// a fresh read. The station publishes these (feed.ts), the stream filters them
// per member, and the console listens (web/src/api/events.ts).

/** An entry as it was folded into the line (the transcript's own view has more). */
export interface LiveEntry { id: string; party: string; seq: number; time: number; kind: string; body: Record<string, unknown> }

/**
 * What went wrong, and where, as the station's parts report it inside the
 * station (station.events 'alarm'); the station's alarms (alarms.ts) record it
 * and consoles hear the stored alarm's view (AlarmView). Each kind fills in its own fields.
 */
export interface LiveAlarm {
  kind: string;
  line?: string;
  party?: string;
  peer?: string;
  detail?: string;
  /** deadline: the message, its escalation level and whom it notifies. */
  message?: string;
  level?: number;
  notify?: string | null;
  /** check-missed: the check call and what the link was doing. */
  check?: string;
  link?: string;
  /** conflict: the two notices. */
  notices?: string[];
  /** overdue: the message's precedence. */
  precedence?: Precedence;
  [field: string]: unknown;
}

// Events about no line say so (`line?: undefined`), so that a listener may ask any event for its line.
export type LiveEvent =
  | { type: 'hello'; line?: undefined; station: string; member: { name: string; role: Role } }
  | { type: 'entry'; line: string; entry: LiveEntry }
  | { type: 'message'; line: string; message: MessageView }
  | { type: 'call' | 'call.ringing'; line: string; call: CallView }
  | { type: 'call.signal'; line: string; call: string; signal: SignalView }
  | { type: 'readout'; line: string; call: string; readout: { id: string; party: string; time: number; by: unknown; public: boolean } }
  | { type: 'notice'; line: string; notice: NoticeView }
  | { type: 'conflict'; line: string; conflict: ConflictView }
  | { type: 'check'; line: string; check: CheckView }
  /** An escalation written on the line (receiving side: level, notify, by), or our own message gone overdue (side: sender). */
  | { type: 'deadline'; line: string; message: string; level?: unknown; notify?: unknown; by?: string; side?: 'sender'; waitingFor?: string[]; precedence?: Precedence }
  /** A peer's cosignature: it holds our log `party` up to `size`. */
  | { type: 'delivery'; line: string; party: string; cosigner: string; size: number }
  /** An alarm raised, acknowledged or cleared: its whole new view (the console replaces what it showed). */
  | { type: 'alarm'; line?: string; alarm: AlarmView }
  | { type: 'link'; line?: undefined; peer: string; status: LinkStatus; previous?: LinkStatus };

export type LiveEventType = LiveEvent['type'];
