import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Time, Words } from './words.ts';

/** One run of the full integrity re-check. */
export const IntegrityRun = Type.Object({
  started: Time(),
  finished: Nullable(Time()),
  state: Words(['running', 'passed', 'failed', 'stopped'] as const),
  reason: Words(['startup', 'background', 'on-demand'] as const),
  logs: Type.Integer(),
  entries: Type.Integer(),
  failure: Nullable(Type.String()),
});
export type IntegrityRun = Static<typeof IntegrityRun>;
export const IntegrityStatus = Type.Object({ running: Nullable(IntegrityRun), last: Nullable(IntegrityRun) });
export type IntegrityStatus = Static<typeof IntegrityStatus>;
