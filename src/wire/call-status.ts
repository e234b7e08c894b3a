import type { CallStatus } from '../core/line-state/calls.ts';

export type { CallStatus };

/** Every status a call can be in, in the order a call goes through them (the core's callOutcome decides which). */
export const callStatuses = ['ringing', 'accepted', 'declined', 'unanswered', 'cancelled', 'ended'] as const satisfies readonly CallStatus[];

// Fails to compile if the core ever gains a status this list lacks.
const everyStatus: Exclude<CallStatus, (typeof callStatuses)[number]> extends never ? true : never = true;
void everyStatus;

/** A call still in progress: ringing or being spoken on. */
export const callIsOpen = (status: CallStatus) => status === 'ringing' || status === 'accepted';
