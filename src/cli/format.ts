import { DateTime } from 'luxon';
import { HotlineError } from '../core/errors.ts';
import { precedences, type Precedence } from '../wire/precedence.ts';

// Shared by the hotline commands: checking input before any request, and
// printing answers as plain tables.

/** The API path of a line, or of something under it. */
export function linePath(line: string, rest = ''): string {
  return `/v1/lines/${encodeURIComponent(line)}${rest}`;
}

/** The path of one item (message, call, notice…) of a line: "Party:seq" ids are escaped like any segment. */
export function itemPath(line: string, kind: string, id: string, rest = ''): string {
  return linePath(line, `/${kind}/${encodeURIComponent(id)}${rest}`);
}

const bad = (command: string, message: string) => new HotlineError('bad_request', `${command}: ${message}`);

/** The LINE (and other) positionals a command needs, in order; refuses missing ones. */
export function positional(command: string, positionals: string[], index: number, name: string): string {
  const v = positionals[index];
  if (v === undefined || v === '') throw bad(command, `${name} is required (see 'hotline ${command.split(' ')[0]} --help')`);
  return v;
}

/** Refuses positionals beyond those a command takes. */
export function noMorePositionals(command: string, positionals: string[], count: number): void {
  if (positionals.length > count) throw bad(command, `unexpected argument '${positionals[count]}' (see 'hotline ${command.split(' ')[0]} --help')`);
}

export function precedence(command: string, value: string | undefined): Precedence | undefined {
  if (value === undefined) return undefined;
  const p = value.toUpperCase();
  if (!(precedences as readonly string[]).includes(p)) throw bad(command, `precedence must be one of ${precedences.join(', ')}, not '${value}'`);
  return p as Precedence;
}

/** An item id as the API names it: "Party:seq". */
export function itemId(command: string, value: string, what = 'id'): string {
  if (!/^[A-Za-z0-9._-]{1,64}:\d{1,15}$/.test(value)) throw bad(command, `${what} must look like Party:seq (e.g. Washington:12), not '${value}'`);
  return value;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90s", "5m", "3h", "1d", or a sum such as "1h30m", as whole seconds. */
export function durationSeconds(command: string, value: string, flag: string): number {
  const text = value.trim().toLowerCase();
  if (!/^(\d+[smhd])+$/.test(text)) throw bad(command, `--${flag}: '${value}' is not a duration (say 90s, 5m, 3h, 1d or 1h30m)`);
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) total += Number(n) * UNIT_SECONDS[unit];
  if (!Number.isSafeInteger(total)) throw bad(command, `--${flag}: '${value}' is too long`);
  return total;
}

/** Whole seconds in the shortest exact form: 300 → "5m", 5400 → "1h30m", 0 → "0s". */
export function formatSeconds(total: number): string {
  if (total === 0) return '0s';
  let rest = total;
  let out = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** Milliseconds as a short human duration, to the second: 95000 → "1m35s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  return formatSeconds(Math.round(ms / 1000));
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2}([.,]\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;

/**
 * An ISO 8601 date or date-time as milliseconds since the epoch. A time with
 * no offset is UTC, as every time the hotline prints is; a date alone is its
 * midnight UTC.
 */
export function isoTime(command: string, value: string, flag: string): number {
  const text = value.trim();
  const parsed = ISO_8601.test(text) ? DateTime.fromISO(text.replace(' ', 'T'), { zone: 'utc' }) : null;
  if (!parsed || !parsed.isValid) throw bad(command, `--${flag}: '${value}' is not an ISO 8601 time (e.g. 2026-03-04T14:00Z or 2026-03-04T15:00+01:00)`);
  const ms = parsed.toMillis();
  if (ms < 0) throw bad(command, `--${flag}: '${value}' is before 1970`);
  return ms;
}

/** A time as the hotline prints it: ISO 8601 UTC, to the second. */
export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function number(command: string, value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw bad(command, `--${flag} must be a number, not '${value}'`);
  return n;
}

/** One line of text, cut to `width` characters with an ellipsis. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1))}…`;
}

/** Rows under a header, columns padded to their widest cell; a missing value (null, undefined) shows as "-". */
export function table(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - [...c].length))).join('  ').trimEnd()).join('\n');
}

/** The width to lay text out in: the terminal's, else 100. */
export function screenWidth(): number {
  return process.stdout.columns && process.stdout.columns > 40 ? process.stdout.columns : 100;
}

/** Text wrapped at word boundaries to lines of at most `width` characters (longer words are cut). */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (let word of paragraph.split(/\s+/).filter(Boolean)) {
      while (word.length > width) {
        if (line) out.push(line);
        out.push(word.slice(0, width));
        word = word.slice(width);
        line = '';
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

/** Prints `value` as JSON when asked, else the human text. */
export function output(json: boolean | undefined, value: unknown, human: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : human());
}
