import { Value } from '@sinclair/typebox/value';
import { IANAZone } from 'luxon';
import { checkSchedule, CheckSchedule } from '../../core/check-schedule/schedule.ts';
import { HotlineError } from '../../core/errors.ts';
import { precedences, type Precedence } from '../../wire/precedence.ts';
import { LineSettings } from '../../core/kinds/settings.ts';
import { parse } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { durationSeconds, formatSeconds, linePath, noMorePositionals, output, positional, precedence, time } from '../format.ts';

export const SETTINGS_HELP = `hotline line settings LINE [--json]
hotline line settings LINE [--deadline PRECEDENCE=DURATION …] [--ring DURATION]
                           [--escalation-step DURATION] [--checks SCHEDULE | --no-checks]

Without changes, shows this party's settings for the line and those the other
parties recorded. With changes (admin), records new settings as an entry on
the line. Durations: 90s, 5m, 3h, 1d (or 1h30m).
  --deadline FLASH=5m      how long the other side has to acknowledge our
                           messages of that precedence (repeat per precedence)
  --ring 60s               how long our calls ring before they count unanswered
  --escalation-step 5m     how fast a missed deadline climbs our watch roster
  --checks "Mon-Fri 09:00,17:00 Europe/Paris window 10m"
                           when we send check calls: days (Mon-Fri, Mon,Wed,Fri,
                           daily; default daily), local times, the IANA time
                           zone, and the window the other side has to answer
                           (default 10m)
  --no-checks              stop sending check calls`;

type Settings = LineSettings;

const settingsOptions = {
  ...connectionOptions,
  deadline: { type: 'string', multiple: true }, ring: { type: 'string' }, 'escalation-step': { type: 'string' },
  checks: { type: 'string' }, 'no-checks': { type: 'boolean' }, json: { type: 'boolean' },
} as const;

/** hotline line settings LINE […]: show, or change, this party's settings for the line. */
export async function lineSettings(argv: string[]) {
  const command = 'line settings';
  const { values, positionals } = parse(command, argv, settingsOptions, true);
  if (values.help) return void console.log(SETTINGS_HELP);
  const line = positional(command, positionals, 0, 'LINE');
  noMorePositionals(command, positionals, 1);

  // Everything is checked before the first request.
  const deadlines: Partial<Record<Precedence, number>> = {};
  for (const d of values.deadline ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(d);
    if (!m) throw new HotlineError('bad_request', `${command}: --deadline must be PRECEDENCE=DURATION (e.g. FLASH=5m), not '${d}'`);
    const p = precedence(command, m[1].trim())!;
    deadlines[p] = bounded(command, durationSeconds(command, m[2], 'deadline'), LineSettings.properties.deadlines.properties[p], `--deadline ${p}`);
  }
  const ring = values.ring === undefined ? undefined : bounded(command, durationSeconds(command, values.ring, 'ring'), LineSettings.properties.ringSeconds, '--ring');
  const step = values['escalation-step'] === undefined ? undefined
    : bounded(command, durationSeconds(command, values['escalation-step'], 'escalation-step'), LineSettings.properties.escalationStepSeconds, '--escalation-step');
  if (values.checks !== undefined && values['no-checks']) throw new HotlineError('bad_request', `${command}: give --checks or --no-checks, not both`);
  const checks = values['no-checks'] ? null : values.checks === undefined ? undefined : parseSchedule(command, values.checks);

  const client = connect(values);
  const path = linePath(line, '/settings');
  const changing = Object.keys(deadlines).length > 0 || ring !== undefined || step !== undefined || checks !== undefined;
  const [current, me] = await Promise.all([
    client.json<{ ours: Settings; parties: Record<string, Settings & { time: number }> }>('GET', path),
    changing ? undefined : client.json<{ name: string }>('GET', '/v1/station'),
  ]);
  if (!changing) return output(values.json, current, () => showSettings(line, me!.name, current));

  // The API takes the deadlines whole: merge ours with the change.
  const change: Partial<Settings> = {
    ...(Object.keys(deadlines).length > 0 ? { deadlines: { ...current.ours.deadlines, ...deadlines } } : {}),
    ...(ring !== undefined ? { ringSeconds: ring } : {}),
    ...(step !== undefined ? { escalationStepSeconds: step } : {}),
    ...(checks !== undefined ? { checks } : {}),
  };
  const r = await client.json<{ id: string; time: number; settings: Settings }>('PATCH', path, change);
  output(values.json, r, () => `recorded settings ${r.id} at ${time(r.time)}\n${settingsText(r.settings)}`);
}

function bounded(command: string, seconds: number, schema: { minimum?: number; maximum?: number }, flag: string): number {
  if ((schema.minimum !== undefined && seconds < schema.minimum) || (schema.maximum !== undefined && seconds > schema.maximum)) {
    throw new HotlineError('bad_request', `${command}: ${flag} must be between ${formatSeconds(schema.minimum ?? 0)} and ${formatSeconds(schema.maximum ?? 0)}, not ${formatSeconds(seconds)}`);
  }
  return seconds;
}

function showSettings(line: string, me: string, s: { ours: Settings; parties: Record<string, Settings & { time: number }> }): string {
  const recorded = s.parties[me];
  const out = [`our settings for ${line} (${me}${recorded ? `, recorded ${time(recorded.time)}` : ', the defaults: never changed'}):`, settingsText(s.ours)];
  for (const [party, p] of Object.entries(s.parties)) if (party !== me) out.push('', `${party}'s settings (recorded ${time(p.time)}):`, settingsText(p));
  return out.join('\n');
}

export function settingsText(s: Settings): string {
  return [
    `  deadlines        ${precedences.map((p) => `${p} ${formatSeconds(s.deadlines[p])}`).join('  ')}`,
    `  ring             ${formatSeconds(s.ringSeconds)}`,
    `  escalation step  ${formatSeconds(s.escalationStepSeconds)}`,
    `  check calls      ${s.checks ? scheduleText(s.checks) : 'none'}`,
  ].join('\n');
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The schedule as the --checks flag takes it: "Mon-Fri 09:00,17:00 Europe/Paris window 10m". */
export function scheduleText(s: CheckSchedule): string {
  const days = [...s.days].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    runs.push(j - i >= 2 ? `${DAY_NAMES[days[i] - 1]}-${DAY_NAMES[days[j] - 1]}` : days.slice(i, j + 1).map((d) => DAY_NAMES[d - 1]).join(','));
    i = j + 1;
  }
  return `${days.length === 7 ? 'daily' : runs.join(',')} ${s.times.join(',')} ${s.zone} window ${formatSeconds(s.windowMinutes * 60)}`;
}

function dayNumber(name: string): number | undefined {
  const n = name.toLowerCase();
  if (n.length < 2) return undefined;
  const i = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].findIndex((d) => d.startsWith(n));
  return i < 0 ? undefined : i + 1;
}

/** "Mon-Fri", "Mon,Wed,Fri", "Fri-Mon", "daily", "weekdays", "weekends" as ISO weekdays; undefined if it is not a day list. */
function parseDays(token: string): number[] | undefined {
  const t = token.toLowerCase();
  if (t === 'daily' || t === 'every-day') return [1, 2, 3, 4, 5, 6, 7];
  if (t === 'weekdays') return [1, 2, 3, 4, 5];
  if (t === 'weekends') return [6, 7];
  const days = new Set<number>();
  for (const part of t.split(',')) {
    const range = part.split('-');
    if (range.length > 2) return undefined;
    const [a, b] = range.map(dayNumber);
    if (a === undefined || (range.length === 2 && b === undefined)) return undefined;
    if (range.length === 1) days.add(a);
    // A range may wrap past Sunday: Fri-Mon is Fri, Sat, Sun, Mon.
    else for (let d = a; ; d = (d % 7) + 1) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

/** --checks "Mon-Fri 09:00,17:00 Europe/Paris window 10m" as the API's schedule, checked as the station would. */
export function parseSchedule(command: string, text: string): CheckSchedule {
  const fail = (why: string) => new HotlineError('bad_request', `${command}: --checks: ${why} (e.g. "Mon-Fri 09:00,17:00 Europe/Paris window 10m")`);
  let days: number[] | undefined;
  let times: string[] | undefined;
  let zone: string | undefined;
  let windowMinutes: number | undefined;
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.toLowerCase() === 'window') {
      const value = tokens[++i];
      if (value === undefined) throw fail('"window" needs a duration after it');
      const seconds = durationSeconds(command, value, 'checks window');
      if (seconds % 60 !== 0 || seconds === 0) throw fail(`the window is counted in whole minutes, not ${value}`);
      windowMinutes = seconds / 60;
    } else if (/^\d{1,2}:\d{2}(,\d{1,2}:\d{2})*$/.test(token)) {
      if (times) throw fail('give the times once, separated by commas');
      times = token.split(',').map((t) => t.padStart(5, '0'));
      const wrong = times.find((t) => !/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(t));
      if (wrong) throw fail(`${wrong} is not a time of day (HH:MM, 24h)`);
    } else if (parseDays(token)) {
      if (days) throw fail('give the days once (Mon-Fri or Mon,Wed,Fri)');
      days = parseDays(token);
    } else if (IANAZone.isValidZone(token)) {
      if (zone) throw fail('give one time zone');
      zone = token;
    } else {
      throw fail(`'${token}' is neither days, times, an IANA time zone (Europe/Paris, UTC) nor "window DURATION"`);
    }
  }
  if (!times) throw fail('which times? (HH:MM,HH:MM)');
  if (!zone) throw fail('which time zone? (an IANA name such as Europe/Paris or UTC)');
  const schedule: CheckSchedule = { zone, days: days ?? [1, 2, 3, 4, 5, 6, 7], times, windowMinutes: windowMinutes ?? 10 };
  if (!Value.Check(CheckSchedule, schedule)) {
    const [e] = [...Value.Errors(CheckSchedule, schedule)];
    throw fail(`${e?.path ?? ''} ${e?.message ?? 'not a valid schedule'}`.trim());
  }
  const problem = checkSchedule(schedule);
  if (problem) throw fail(problem);
  return schedule;
}
