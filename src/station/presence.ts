import { PRESENCE_KIND, type PresenceEntryBody, type PresenceStatus } from '../core/kinds/presence.ts';
import { ownSettings } from '../core/line-state/due.ts';
import type { LineState } from '../core/line-state/state.ts';
import type { Appender } from './appender.ts';
import type { MemberRecord, Store } from './storage/store.ts';

export interface PresenceMark { status: PresenceStatus; delegate: string | null; at: number }

export interface PresenceParts {
  store: Pick<Store, 'setting' | 'setSetting' | 'listLines' | 'listMembers'>;
  appender: Pick<Appender, 'append'>;
  state: (line: string) => Promise<LineState | undefined>;
  clock: () => number;
  me: string;
}

const key = (member: number) => `presence:${member}`;

/**
 * Who is at the terminal: each principal's and duty officer's presence, set
 * by themselves, kept on the station. Where this party chose to share its
 * principals' presence on a line (its settings: sharePresence), a change is
 * also written to the line as a presence entry, so the other side sees
 * "reachable" before it calls.
 */
export class Presence {
  constructor(private readonly parts: PresenceParts) {}

  async of(member: number): Promise<PresenceMark | null> {
    return ((await this.parts.store.setting(key(member))) as PresenceMark | null) ?? null;
  }

  async set(member: MemberRecord, status: PresenceStatus, delegate: string | null): Promise<PresenceMark> {
    const mark: PresenceMark = { status, delegate, at: this.parts.clock() };
    await this.parts.store.setSetting(key(member.id), mark);
    if (member.role === 'principal') {
      for (const line of await this.parts.store.listLines()) {
        if (!line.memberIds.includes(member.id) || !line.parties.some((p) => p.name === this.parts.me)) continue;
        const state = await this.parts.state(line.id);
        if (state && ownSettings(state).sharePresence) await this.write(line.id, member.name, mark);
      }
    }
    return mark;
  }

  /** When a line starts sharing: its principals' presence as it stands, so the other side need not wait for a change. */
  async shareOn(lineId: string): Promise<void> {
    const line = (await this.parts.store.listLines()).find((l) => l.id === lineId);
    if (!line) return;
    for (const m of await this.parts.store.listMembers()) {
      if (m.role !== 'principal' || !line.memberIds.includes(m.id)) continue;
      const mark = await this.of(m.id);
      if (mark) await this.write(line.id, m.name, mark);
    }
  }

  private async write(line: string, name: string, mark: PresenceMark): Promise<void> {
    const body: PresenceEntryBody = { name, status: mark.status, ...(mark.delegate ? { delegate: mark.delegate } : {}) };
    await this.parts.appender.append({ line, kind: PRESENCE_KIND, body });
  }
}
