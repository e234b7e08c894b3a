import { Type, type Static } from '@sinclair/typebox';
import { CheckSchedule } from '../core/check-schedule/schedule.ts';
import type { CheckStatus as CoreCheckStatus } from '../core/line-state/checks.ts';
import { LinkStateWord } from './link-status.ts';
import { EntryId, Nullable, Time, Words } from './words.ts';

/** Where a check call stands (the core's checkStatus decides which). */
export const checkStatuses = ['waiting', 'answered', 'late', 'missed'] as const satisfies readonly CoreCheckStatus[];
export type CheckStatus = (typeof checkStatuses)[number];

// Fails to compile if the core ever gains a status this list lacks.
const everyStatus: Exclude<CoreCheckStatus, CheckStatus> extends never ? true : never = true;
void everyStatus;

/** A check call with its answers, who stayed silent, and what the link was when it was missed. */
export const CheckView = Type.Object({
  id: EntryId,
  party: Type.String(),
  seq: Type.Integer(),
  time: Time(),
  slot: Type.String(),
  at: Time('when the check was due'),
  ackBy: Time(),
  status: Words(checkStatuses),
  acks: Type.Array(Type.Object({ party: Type.String(), by: Type.String(), time: Time(), late: Type.Boolean() })),
  silent: Type.Array(Type.String()),
  missed: Type.Array(Type.Object({ party: Type.String(), time: Time(), link: Type.Record(Type.String(), LinkStateWord) })),
});
export type CheckView = Static<typeof CheckView>;

export const CheckList = Type.Object({
  checks: Type.Array(CheckView),
  schedule: Nullable(CheckSchedule),
  next: Nullable(Time('the next check call this station sends')),
});
export type CheckList = Static<typeof CheckList>;
