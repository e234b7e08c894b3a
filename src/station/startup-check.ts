import type { Logger } from 'pino';
import type { Crypto } from '../core/crypto.ts';
import { checkLog, IntegrityChecks, recordVerified, verifiedPosition } from './integrity-check.ts';
import type { Store } from './storage/store.ts';

export type StartupCheckMode = 'full' | 'since-verified' | 'none';

export interface StartupCheck {
  /** What was verified before serving. */
  checked: { mode: StartupCheckMode; logs: number; entries: number; ms: number };
  /** Full re-checks in the background and on demand (the integrity route runs them). */
  checks: IntegrityChecks;
  /** Resolves when the background full re-check ends (never rejects); absent if none was started. */
  background?: Promise<void>;
  /** Stops a running background check; await it before closing the store. */
  stop(): Promise<void>;
}

/**
 * The check a station runs before it serves. `full` re-derives every log
 * (minutes for years of records); `since-verified` checks only what each
 * log gained since its last verified position, then re-checks everything in
 * the background without holding up requests; `none` checks nothing (the
 * on-demand check still works). Either way a fault found before serving
 * throws, so a station never serves a history it cannot vouch for.
 */
export async function startupCheck(deps: {
  store: Store;
  crypto: Crypto;
  me: string;
  logger?: Logger;
  mode: StartupCheckMode;
  onAlarm?: (alarm: { kind: 'integrity'; detail: string }) => void;
}): Promise<StartupCheck> {
  const { store, crypto, me, logger, mode } = deps;
  const checks = new IntegrityChecks({ store, crypto, me, logger, onAlarm: deps.onAlarm });
  const started = performance.now();
  let logs = 0;
  let entries = 0;
  if (mode !== 'none') {
    for (const log of await store.logs()) {
      const from = mode === 'since-verified' ? await verifiedPosition(store, log) : undefined;
      const position = (await checkLog(store, crypto, me, log, { from }))!;
      await recordVerified(store, log, position);
      logs++;
      entries += position.size - (from?.size ?? 0);
    }
  }
  const checked = { mode, logs, entries, ms: Math.round(performance.now() - started) };
  if (mode !== 'none') logger?.info(checked, mode === 'full' ? 'integrity check passed' : 'integrity check of entries added since the last verified checkpoint passed');
  const background = mode === 'since-verified' ? checks.full('background').then(() => undefined) : undefined;
  return { checked, checks, background, stop: () => checks.stop() };
}
