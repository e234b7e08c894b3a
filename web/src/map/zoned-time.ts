// Wall-clock times in a named IANA zone, for <input type="datetime-local">:
// the member picks a window in their own zone, whatever the browser's is.

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(zone, f);
  }
  return f;
}

function parts(ms: number, zone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of format(zone).formatToParts(ms)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds. */
function offset(ms: number, zone: string): number {
  const p = parts(ms, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

function validZone(zone: string): string | undefined {
  try {
    format(zone);
    return zone;
  } catch {
    return undefined;
  }
}

/** "2026-03-04T05:06" in `zone` → ms since the epoch; null if it is not such a text. */
export function zonedToUtc(local: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  const z = validZone(zone);
  if (!z) return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)).getTime();
  // Two passes settle on the right offset except inside a DST gap, where any nearby instant will do.
  let t = wall - offset(wall, z);
  t = wall - offset(t, z);
  return t;
}

/** ms since the epoch → "2026-03-04T05:06" as a wall clock in `zone`. */
export function utcToZoned(ms: number, zone: string): string {
  const z = validZone(zone);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  if (!z) {
    const d = new Date(ms);
    return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }
  const p = parts(ms, z);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour % 24)}:${pad(p.minute)}`;
}
