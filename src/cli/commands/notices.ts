import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { HotlineError } from '../../core/errors.ts';
import { checkNotice, type NoticeBody } from '../../core/kinds/notice.ts';
import { noticeKinds } from '../../wire/notice-kind.ts';
import { checkArea, CircleArea, MultiPolygonArea, NoticeArea, PolygonArea } from '../../core/notice-area/area.ts';
import { parse, required } from '../args.ts';
import { connect, connectionOptions } from '../connection.ts';
import { isoTime, itemId, itemPath, linePath, noMorePositionals, number, output, positional, table, time, truncate } from '../format.ts';
import type { ConflictView, NoticeView } from '../../wire/notice.ts';

const HELP = `hotline notice file LINE --kind KIND (--area FILE.geojson | --circle LON,LAT,RADIUS_M)
                   --lower M --upper M --from TIME --to TIME [--text TEXT] [--lang en] [--exercise]
hotline notice withdraw LINE ID [--reason TEXT]
hotline notices LINE [--json]

A deconfliction notice announces an activity: its kind, where (a GeoJSON
Polygon or MultiPolygon file, a Feature holding one, or a circle: centre
longitude and latitude in degrees and radius in metres), the altitude band
in metres above mean sea level, and the time window [--from, --to). Times
are ISO 8601 (2026-03-04T14:00Z); a time without an offset is UTC. Notices
of different parties that overlap in area, altitude and time are conflicts,
found by every station. Kinds: ${noticeKinds.join(', ')}.`;

/**
 * parseArgs takes "--lower -50" for a missing value followed by an option;
 * negative altitudes and western or southern circles are ordinary here, so
 * such a value is joined to its flag ("--lower=-50") first.
 */
function joinNegativeValues(argv: string[], flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (flags.includes(argv[i]) && /^-\d|^-\.\d/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else if (argv[i] === '--') {
      out.push(...argv.slice(i));
      break;
    } else out.push(argv[i]);
  }
  return out;
}

export async function notice(argv: string[]) {
  const [sub, ...given] = argv;
  const rest = joinNegativeValues(given, ['--lower', '--upper', '--circle']);
  const { values, positionals } = parse('notice', rest, {
    ...connectionOptions, kind: { type: 'string' }, area: { type: 'string' }, circle: { type: 'string' }, lower: { type: 'string' }, upper: { type: 'string' },
    from: { type: 'string' }, to: { type: 'string' }, text: { type: 'string' }, lang: { type: 'string' }, reason: { type: 'string' }, exercise: { type: 'boolean' }, json: { type: 'boolean' },
  }, true);
  if (values.help || !sub || sub === 'help' || sub === '--help' || sub === '-h') return void console.log(HELP);
  if (sub === 'file') {
    const line = positional('notice file', positionals, 0, 'LINE');
    noMorePositionals('notice file', positionals, 1);
    const body = noticeBody(values);
    const r = await connect(values).json('POST', linePath(line, '/notices'), body);
    return void console.log(values.json ? JSON.stringify(r) : `filed notice ${r.id} at ${time(r.time)} (conflicts show in 'hotline notices ${line}')`);
  }
  if (sub === 'withdraw') {
    const line = positional('notice withdraw', positionals, 0, 'LINE');
    const id = itemId('notice withdraw', positional('notice withdraw', positionals, 1, 'ID'));
    noMorePositionals('notice withdraw', positionals, 2);
    const r = await connect(values).json('POST', itemPath(line, 'notices', id, '/withdraw'), values.reason ? { reason: values.reason } : {});
    return void console.log(values.json ? JSON.stringify(r) : `withdrew notice ${id}: ${r.id} at ${time(r.time)}`);
  }
  throw new HotlineError('bad_request', `notice: unknown subcommand '${sub}' (file, withdraw; 'hotline notices LINE' lists them)`);
}

/** The notice as the API takes it, checked here as the station would, so bad input never leaves. */
function noticeBody(values: Record<string, string | boolean | undefined>): NoticeBody {
  const v = values as Record<string, string | undefined>;
  const kind = required('notice file', v.kind, 'kind');
  if (!(noticeKinds as readonly string[]).includes(kind)) throw new HotlineError('bad_request', `notice file: --kind must be one of ${noticeKinds.join(', ')}, not '${kind}'`);
  if ((v.area === undefined) === (v.circle === undefined)) throw new HotlineError('bad_request', 'notice file: give the area as --area FILE.geojson or --circle LON,LAT,RADIUS_M (one of them)');
  const area = v.area !== undefined ? areaFromFile(v.area) : circle(v.circle!);
  const lower = number('notice file', required('notice file', v.lower, 'lower'), 'lower')!;
  const upper = number('notice file', required('notice file', v.upper, 'upper'), 'upper')!;
  const start = isoTime('notice file', required('notice file', v.from, 'from'), 'from');
  const end = isoTime('notice file', required('notice file', v.to, 'to'), 'to');
  const body: NoticeBody = { kind: kind as NoticeBody['kind'], area, altitude: { lower, upper }, window: { start, end }, text: v.text ?? '', ...(v.lang ? { lang: v.lang } : {}), ...(v.exercise ? { exercise: true as const } : {}) };
  if (!Value.Check(NoticeArea, area)) throw new HotlineError('bad_request', `notice file: the area is not a GeoJSON Polygon, MultiPolygon or circle the hotline takes: ${firstError(area)}`);
  const problem = checkArea(area) ?? checkNotice(body);
  if (problem) throw new HotlineError('bad_request', `notice file: ${problem.replace('altitude.lower is above altitude.upper', '--lower is above --upper').replace('window.end must be after window.start', '--to must be after --from')}`);
  return body;
}

function firstError(area: unknown): string {
  const type = (area as { type?: unknown } | null)?.type;
  const schema = type === 'Polygon' ? PolygonArea : type === 'MultiPolygon' ? MultiPolygonArea : type === 'Point' ? CircleArea : undefined;
  if (!schema) return `${typeof type === 'string' ? `a ${type}` : 'this'} is not an area (give a Polygon, a MultiPolygon, or a Point with a radius in metres)`;
  if (type === 'Point' && (area as { radius?: unknown }).radius === undefined) return 'a Point needs a radius in metres (properties.radius of its Feature)';
  const [e] = [...Value.Errors(schema, area)];
  return e ? `${e.path || '/'}: ${e.message}` : 'unknown shape';
}

function circle(text: string): NoticeArea {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 3 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) {
    throw new HotlineError('bad_request', `notice file: --circle must be LON,LAT,RADIUS_M (e.g. 30.52,50.45,20000), not '${text}'`);
  }
  const [lon, lat, radius] = nums;
  if (!(radius > 0)) throw new HotlineError('bad_request', 'notice file: the circle\'s radius must be positive (metres)');
  return { type: 'Point', coordinates: [lon, lat], radius };
}

/**
 * A GeoJSON file: a geometry, a Feature, or a FeatureCollection of exactly
 * one Feature. A Point Feature takes its radius from properties.radius.
 * A bbox (derived data that GIS tools add) is dropped.
 */
function areaFromFile(path: string): NoticeArea {
  let doc: any;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new HotlineError('bad_request', `notice file: cannot read --area ${path}: ${(e as Error).message}`);
  }
  if (doc?.type === 'FeatureCollection') {
    if (!Array.isArray(doc.features) || doc.features.length !== 1) throw new HotlineError('bad_request', `notice file: ${path} holds ${doc.features?.length ?? 0} features; give one area (a geometry or a single Feature)`);
    doc = doc.features[0];
  }
  if (doc?.type === 'Feature') {
    const radius = doc.properties?.radius;
    doc = doc.geometry?.type === 'Point' && radius !== undefined ? { ...doc.geometry, radius } : doc.geometry;
  }
  if (!doc || typeof doc !== 'object') throw new HotlineError('bad_request', `notice file: ${path} holds no GeoJSON geometry`);
  const { bbox: _bbox, ...geometry } = doc;
  return geometry as NoticeArea;
}

function areaLabel(a: NoticeArea): string {
  if (a.type === 'Point') return `circle ${a.coordinates[0]},${a.coordinates[1]} r=${a.radius}m`;
  if (a.type === 'Polygon') return `polygon (${a.coordinates[0].length - 1} points)`;
  return `${a.coordinates.length} polygons`;
}

const NOTICES_HELP = `hotline notices LINE [--json]

Lists the line's notices, newest first (kind, area, altitude band, time
window, acknowledgements, conflicts), then the conflicts between parties'
notices and which stations recorded each.`;

export async function notices(argv: string[]) {
  const { values, positionals } = parse('notices', argv, { ...connectionOptions, json: { type: 'boolean' } }, true);
  if (values.help) return void console.log(NOTICES_HELP);
  const line = positional('notices', positionals, 0, 'LINE');
  noMorePositionals('notices', positionals, 1);
  const r = await connect(values).json<{ notices: NoticeView[]; conflicts: ConflictView[] }>('GET', linePath(line, '/notices'));
  output(values.json, r, () => {
    const out = [r.notices.length === 0 ? '(no notices)' : table(
      ['ID', 'FILED', 'KIND', 'FROM', 'AREA', 'ALTITUDE (m)', 'WINDOW', 'STATUS', 'ACKS', 'CONFLICTS', 'TEXT'],
      r.notices.map((n) => [
        n.id, time(n.time), n.kind, `${n.from} (${n.party})`, areaLabel(n.area), `${n.altitude.lower} to ${n.altitude.upper}`,
        `${time(n.window.start)} – ${time(n.window.end)}`,
        n.withdrawn ? `withdrawn${n.withdrawn.reason ? `: ${truncate(n.withdrawn.reason, 24)}` : ''}` : 'active',
        [...n.acks.map((a) => `${a.party} ✓`), ...(n.withdrawn ? [] : n.waitingFor.map((p) => `${p} waiting`))].join(', ') || null,
        n.conflictsWith.join(' ') || null, n.text ? truncate(n.text, 32) : null,
      ]),
    )];
    if (r.conflicts.length > 0) {
      out.push('', `conflicts (${r.conflicts.length}):`, table(
        ['NOTICES', 'STATUS', 'RECORDED BY'],
        r.conflicts.map((c) => [c.notices.join(' ✕ '), c.active ? 'active' : 'ended (a notice withdrawn)', c.recordedBy.join(', ') || '(not yet recorded)']),
      ));
    }
    return out.join('\n');
  });
}
