import type { LineView } from '../../wire/line.ts';
import type { LineRecord, MemberRecord } from '../storage/store.ts';

/** `fingerprint` reads a key aloud (identity.ts); the caller gives it, as presenters only shape what they are handed. */
export function presentLine(line: LineRecord, members: MemberRecord[], fingerprint: (key: string) => string): LineView {
  return {
    id: line.id,
    title: line.title,
    discreet: line.discreet,
    createdAt: line.createdAt,
    parties: line.parties.map((p) => ({ name: p.name, key: p.key, fingerprint: fingerprint(p.key) })),
    members: line.memberIds.map((id) => members.find((m) => m.id === id)?.name ?? `#${id}`),
  };
}
