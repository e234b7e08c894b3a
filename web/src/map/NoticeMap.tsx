import { useMemo } from 'preact/hooks';
import { geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Geometry, LineString } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';
import { t } from '../app/t.ts';
import { areaGeometry, frame, graticule } from './geo.ts';
import type { NoticeArea, NoticeView, PartyStyle, Position } from './types.ts';
import './map.css';

// Everything this map draws is bundled: Natural Earth 1:110m country shapes
// (world-atlas, public domain), projected in the browser by d3-geo.

const WIDTH = 960;
const HEIGHT = 560;

let land: ReturnType<typeof feature> | undefined;
function landShapes() {
  if (!land) {
    const topo = countries as unknown as Topology<{ countries: GeometryCollection }>;
    land = feature(topo, topo.objects.countries);
  }
  return land;
}

export interface NoticeMapProps {
  notices: NoticeView[];
  styles: PartyStyle[];
  /** Notices in an active conflict. */
  conflicted: Set<string>;
  /** The number each notice carries in the list. */
  numbers: Map<string, number>;
  selected?: string | null;
  /** The area being filed, as typed or drawn so far. */
  draft?: { area: NoticeArea | null; vertices: Position[] };
  drawing?: boolean;
  onPick?: (position: Position) => void;
  label: string;
}

export function NoticeMap({ notices, styles, conflicted, numbers, selected, draft, drawing, onPick, label }: NoticeMapProps) {
  const geometries = useMemo(() => new Map(notices.map((n) => [n.id, areaGeometry(n.area)])), [notices]);
  const live = notices.filter((n) => !n.withdrawn);
  const fitKey = live.map((n) => n.id).join(',');
  const { projection, graticuleStep } = useMemo(() => frame(live.map((n) => geometries.get(n.id)!), WIDTH, HEIGHT), [fitKey, geometries]);
  const path = geoPath(projection);
  const base = useMemo(() => ({ land: path(landShapes() as never) ?? '', graticule: path(graticule(graticuleStep)) ?? '', sphere: path({ type: 'Sphere' } as never) ?? '' }), [projection, graticuleStep]);
  const styleOf = (party: string) => styles.find((s) => s.party === party) ?? styles[0];
  const indexOf = (party: string) => Math.max(0, styles.findIndex((s) => s.party === party));

  function pick(e: MouseEvent) {
    if (!drawing || !onPick) return;
    const svg = e.currentTarget as SVGSVGElement;
    const ctm = svg.getScreenCTM();
    if (!ctm) return;
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    const at = projection.invert?.([pt.x, pt.y]);
    if (!at || !Number.isFinite(at[0]) || !Number.isFinite(at[1])) return;
    // Outside the globe some projections invert to a point that does not project back here.
    const back = projection(at);
    if (!back || Math.hypot(back[0] - pt.x, back[1] - pt.y) > 1) return;
    onPick([at[0], at[1]]);
  }

  const ordered = [...notices].sort((a, b) => Number(!a.withdrawn) - Number(!b.withdrawn) || (a.id === selected ? 1 : 0) - (b.id === selected ? 1 : 0));
  let draftPath = '';
  if (draft?.area) draftPath = path(areaGeometry(draft.area)) ?? '';
  else if (draft && draft.vertices.length > 1) draftPath = path({ type: 'LineString', coordinates: draft.vertices } as LineString) ?? '';

  return (
    <svg
      class={`notice-map${drawing ? ' drawing' : ''}`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={label}
      onClick={pick}
      data-testid="notice-map"
    >
      <rect class="nm-frame" x="0" y="0" width={WIDTH} height={HEIGHT} />
      <path class="nm-sphere" d={base.sphere} />
      <path class="nm-graticule" d={base.graticule} />
      <path class="nm-land" d={base.land} />
      {ordered.map((n) => {
        const s = styleOf(n.party);
        const d = path(geometries.get(n.id) as Geometry) ?? '';
        const classes = ['notice-area', n.withdrawn ? 'withdrawn' : '', n.id === selected ? 'selected' : ''].filter(Boolean).join(' ');
        return (
          <path key={n.id} class={classes} d={d} data-notice={n.id} data-party={n.party}
            fill={n.withdrawn ? 'none' : `url(#nm-pattern-${indexOf(n.party)})`} stroke={s.colour} />
        );
      })}
      {live.filter((n) => conflicted.has(n.id)).map((n) => (
        <path key={`c-${n.id}`} class="conflict-outline" d={path(geometries.get(n.id) as Geometry) ?? ''} data-notice={n.id} data-conflict="true" />
      ))}
      {ordered.map((n) => {
        const c = path.centroid(geometries.get(n.id) as Geometry);
        if (!Number.isFinite(c[0]) || !Number.isFinite(c[1])) return null;
        const conflict = conflicted.has(n.id) && !n.withdrawn;
        return (
          <text key={`l-${n.id}`} class={`nm-label${conflict ? ' conflict' : ''}${n.withdrawn ? ' withdrawn' : ''}`} x={c[0]} y={c[1]} text-anchor="middle" dominant-baseline="central">
            {`${numbers.get(n.id) ?? ''}${conflict ? ' !' : ''}`}
          </text>
        );
      })}
      {draftPath && <path class="nm-draft" d={draftPath} />}
      {draft?.vertices.map((v, i) => {
        const p = projection(v);
        return p ? <circle key={i} class="nm-vertex" cx={p[0]} cy={p[1]} r={i === 0 ? 6 : 4} /> : null;
      })}
      {drawing && <text class="nm-hint" x={WIDTH / 2} y={HEIGHT - 14} text-anchor="middle">{t('notices:map.drawHint')}</text>}
    </svg>
  );
}

function PartyPattern({ id, style }: { id: string; style: PartyStyle }) {
  const c = style.colour;
  const bg = <rect width="10" height="10" fill={c} fill-opacity="0.14" />;
  switch (style.pattern) {
    case 'dots':
      return <pattern id={id} patternUnits="userSpaceOnUse" width="10" height="10">{bg}<circle cx="5" cy="5" r="2" fill={c} /></pattern>;
    case 'horizontal':
      return <pattern id={id} patternUnits="userSpaceOnUse" width="10" height="10">{bg}<line x1="0" y1="5" x2="10" y2="5" stroke={c} stroke-width="2" /></pattern>;
    case 'vertical':
      return <pattern id={id} patternUnits="userSpaceOnUse" width="10" height="10">{bg}<line x1="5" y1="0" x2="5" y2="10" stroke={c} stroke-width="2" /></pattern>;
    case 'cross':
      return <pattern id={id} patternUnits="userSpaceOnUse" width="10" height="10">{bg}<path d="M0 5H10M5 0V10" stroke={c} stroke-width="1.5" /></pattern>;
    case 'backslash':
      return <pattern id={id} patternUnits="userSpaceOnUse" width="10" height="10" patternTransform="rotate(-45)">{bg}<line x1="5" y1="0" x2="5" y2="10" stroke={c} stroke-width="2" /></pattern>;
    default:
      return <pattern id={id} patternUnits="userSpaceOnUse" width="10" height="10" patternTransform="rotate(45)">{bg}<line x1="5" y1="0" x2="5" y2="10" stroke={c} stroke-width="2" /></pattern>;
  }
}

/** The parties' fill patterns, once for the page: the map, the legend and the list all refer to them. */
export function MapDefs({ styles }: { styles: PartyStyle[] }) {
  return (
    <svg class="nm-defs" width="0" height="0" aria-hidden="true" focusable="false">
      <defs>
        {styles.map((s, i) => <PartyPattern key={s.party} id={`nm-pattern-${i}`} style={s} />)}
      </defs>
    </svg>
  );
}

/** A small sample of a party's fill for the legend (decorative: the party's name is beside it). */
export function Swatch({ style, index, conflict, draft }: { style?: PartyStyle; index?: number; conflict?: boolean; draft?: boolean }) {
  return (
    <svg class="nm-swatch" width="28" height="18" viewBox="0 0 28 18" aria-hidden="true" focusable="false">
      {style && index !== undefined && <rect x="1" y="1" width="26" height="16" fill={`url(#nm-pattern-${index})`} stroke={style.colour} stroke-width="2" />}
      {conflict && <rect x="2" y="2" width="24" height="14" fill="none" class="conflict-outline" />}
      {draft && <rect x="2" y="2" width="24" height="14" class="nm-draft" />}
    </svg>
  );
}
