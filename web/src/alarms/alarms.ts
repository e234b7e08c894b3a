import { computed, signal } from '@preact/signals';
import { get, post } from '../api/client.ts';
import type { LiveEvents } from '../api/events.ts';
import type { AlarmList, AlarmView } from '../../../src/wire/alarm.ts';

// The station's alarms as this console knows them: what GET /v1/alarms said,
// kept current by the live event stream (each `alarm` event carries the
// alarm's whole new view). The station decides what sounds; the console only
// shows it, plays it and counts it.

export const alarms = signal<Map<number, AlarmView>>(new Map());

/** Most urgent first (FLASH, then a ringing call, then the rest), newest first within each. */
const rank: Record<string, number> = { flash: 0, call: 1, immediate: 2, overdue: 3, deadline: 3, 'check-missed': 4, conflict: 4, link: 5 };
export const sounding = computed(() => [...alarms.value.values()].filter((a) => a.sounding)
  .sort((a, b) => (rank[a.kind] ?? 6) - (rank[b.kind] ?? 6) || b.raisedAt - a.raisedAt));

function put(list: AlarmView[]): void {
  const next = new Map(alarms.value);
  for (const a of list) next.set(a.id, a);
  alarms.value = next;
}

export async function loadAlarms(): Promise<void> {
  const list = await get<AlarmList>('/v1/alarms?open=true&limit=200');
  // The open ones replace what we had: an alarm acknowledged while we were away drops out.
  alarms.value = new Map(list.alarms.map((a) => [a.id, a]));
}

export async function acknowledgeAlarm(id: number): Promise<void> {
  put([await post<AlarmView>(`/v1/alarms/${id}/ack`)]);
}

let started = false;
/** Listens from sign-in on; a reconnect (resync) reads the list again, since events missed meanwhile are not replayed. */
export function followAlarms(events: LiveEvents): void {
  if (started) return;
  started = true;
  events.on((e) => {
    if (e.type === 'alarm') put([e.alarm]);
    if (e.type === 'resync') void loadAlarms().catch(() => undefined);
  });
  void loadAlarms().catch(() => undefined);
}
