import argon2 from 'argon2';
import { fetchStation, makeStationDir, PASSWORD, startStation } from '../test/support/station.ts';

// How fast can an attacker guess one account's password? Wrong passwords
// against one member of a real station process, over real HTTP(S), from
// several connections at once, for a bounded time. Without the throttle the
// answer would be the station's argon2id rate (the floor, measured here too);
// with it, a few guesses, then ever longer waits, then a lockout.

export interface LoginGuessResult {
  seconds: number;
  /** Requests sent, of every outcome. */
  attempts: number;
  /** Wrong passwords the station actually checked (401): the guesses the attacker got. */
  checked: number;
  /** Refused before any check: waiting (429) or locked (423). */
  refusedWaiting: number;
  refusedLocked: number;
  /** Guesses per second against the one account: checked / seconds. */
  guessesPerSecond: number;
  /** The floor: argon2id verifications per second on this machine, one thread (what an unthrottled station would allow per core). */
  argon2VerifyPerSecond: number;
  /** The longest Retry-After the station asked for, in seconds. */
  longestRetryAfter: number;
}

/** Guesses one account's password for `seconds` with `concurrency` parallel requests; starts and stops its own station. */
export async function loginGuessRate(options: { seconds?: number; concurrency?: number } = {}): Promise<LoginGuessResult> {
  const seconds = options.seconds ?? 10;
  const concurrency = options.concurrency ?? 8;
  const dir = await makeStationDir('Bench', { victim: 'principal' });
  const station = await startStation(dir.dir);
  try {
    const counts = { attempts: 0, checked: 0, refusedWaiting: 0, refusedLocked: 0, longestRetryAfter: 0 };
    const until = performance.now() + seconds * 1000;
    let n = 0;
    const worker = async () => {
      while (performance.now() < until) {
        const res = await fetchStation(new URL('/v1/session', station.url), {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'victim', password: `guess number ${n++}` }),
        });
        await res.arrayBuffer();
        counts.attempts++;
        if (res.status === 401) counts.checked++;
        else if (res.status === 429) {
          counts.refusedWaiting++;
          counts.longestRetryAfter = Math.max(counts.longestRetryAfter, Number(res.headers.get('retry-after') ?? 0));
        } else if (res.status === 423) counts.refusedLocked++;
        else throw new Error(`a wrong password answered ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { seconds, ...counts, guessesPerSecond: counts.checked / seconds, argon2VerifyPerSecond: await argon2Rate(PASSWORD) };
  } finally {
    await station.stop();
    dir.cleanup();
  }
}

async function argon2Rate(password: string): Promise<number> {
  const hash = await argon2.hash(password, { type: argon2.argon2id });
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1000) {
    await argon2.verify(hash, 'wrong');
    n++;
  }
  return n / ((performance.now() - started) / 1000);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await loginGuessRate({ seconds: Number(process.argv[2] ?? 10) }));
