import type { LineView } from '../../wire/line.ts';
import type { LineRecord, MemberRecord } from '../storage/store.ts';

export function presentLine(line: LineRecord, members: MemberRecord[]): LineView {
  return {
    id: line.id,
    title: line.title,
    discreet: line.discreet,
    createdAt: line.createdAt,
    parties: line.parties,
    members: line.memberIds.map((id) => members.find((m) => m.id === id)?.name ?? `#${id}`),
  };
}
