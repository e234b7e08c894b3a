import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { geoDistance, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Geometry, LineString } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-110m.json';
import { t } from '../app/t.ts';
import { areaGeometry, frame, graticule } from './geo.ts';
import { degreeLabel, placeLabel, places, scaleBar, type Box } from './places.ts';
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
  // Zoom and pan: a factor and a shift applied to the fitted projection (so lines keep their width and labels their size).
  const [view, setView] = useState({ k: 1, dx: 0, dy: 0 });
  useEffect(() => setView({ k: 1, dx: 0, dy: 0 }), [fitKey]);
  const { projection, graticuleStep: fittedStep } = useMemo(() => {
    const f = frame(live.map((n) => geometries.get(n.id)!), WIDTH, HEIGHT);
    const [tx, ty] = f.projection.translate();
    f.projection.scale(f.projection.scale() * view.k).translate([WIDTH / 2 + (tx - WIDTH / 2) * view.k + view.dx, HEIGHT / 2 + (ty - HEIGHT / 2) * view.k + view.dy]);
    return f;
  }, [fitKey, geometries, view]);
  const graticuleStep = stepFor(fittedStep, view.k);
  const path = geoPath(projection);
  const base = useMemo(() => ({ land: path(landShapes() as never) ?? '', graticule: path(graticule(graticuleStep)) ?? '', sphere: path({ type: 'Sphere' } as never) ?? '' }), [projection, graticuleStep]);
  const styleOf = (party: string) => styles.find((s) => s.party === party) ?? styles[0];
  const indexOf = (party: string) => Math.max(0, styles.findIndex((s) => s.party === party));

  const dragged = useRef<{ x: number; y: number; moved: boolean; dx: number; dy: number } | null>(null);
  const toSvg = (e: { clientX: number; clientY: number; currentTarget: EventTarget | null }) => {
    const ctm = (e.currentTarget as SVGSVGElement).getScreenCTM();
    return ctm ? new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse()) : null;
  };
  const zoomBy = (factor: number) => setView((v) => {
    const k = Math.min(64, Math.max(1, v.k * factor));
    const f = k / v.k;
    // Around the centre of the view.
    return { k, dx: v.dx * f, dy: v.dy * f };
  });
  const panBy = (x: number, y: number) => setView((v) => ({ ...v, dx: v.dx + x, dy: v.dy + y }));

  function pick(e: MouseEvent) {
    // The end of a drag is not a click on the map.
    if (dragged.current?.moved) {
      dragged.current = null;
      return;
    }
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
    <div class="nm-wrap">
    <div class="nm-controls" role="group" aria-label={t('notices:map.controls')}>
      <button type="button" class="secondary" onClick={() => zoomBy(2)} aria-label={t('notices:map.zoomIn')} data-testid="map-zoom-in">+</button>
      <button type="button" class="secondary" onClick={() => zoomBy(0.5)} disabled={view.k <= 1} aria-label={t('notices:map.zoomOut')} data-testid="map-zoom-out">−</button>
      <button type="button" class="secondary" onClick={() => panBy(0, 120)} aria-label={t('notices:map.north')}>↑</button>
      <button type="button" class="secondary" onClick={() => panBy(0, -120)} aria-label={t('notices:map.south')}>↓</button>
      <button type="button" class="secondary" onClick={() => panBy(160, 0)} aria-label={t('notices:map.west')}>←</button>
      <button type="button" class="secondary" onClick={() => panBy(-160, 0)} aria-label={t('notices:map.east')}>→</button>
      <button type="button" class="secondary" onClick={() => setView({ k: 1, dx: 0, dy: 0 })} disabled={view.k === 1 && view.dx === 0 && view.dy === 0} data-testid="map-fit">{t('notices:map.fit')}</button>
    </div>
    <svg
      class={`notice-map${drawing ? ' drawing' : ''}`}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={label}
      onClick={pick}
      onWheel={(e) => {
        e.preventDefault();
        zoomBy(e.deltaY < 0 ? 1.25 : 0.8);
      }}
      onPointerDown={(e) => {
        const pt = toSvg(e);
        if (pt) dragged.current = { x: pt.x, y: pt.y, moved: false, dx: view.dx, dy: view.dy };
      }}
      onPointerMove={(e) => {
        const d = dragged.current;
        if (!d || e.buttons === 0) return;
        const pt = toSvg(e);
        if (!pt) return;
        if (!d.moved && Math.hypot(pt.x - d.x, pt.y - d.y) < 5) return;
        d.moved = true;
        setView((v) => ({ ...v, dx: d.dx + pt.x - d.x, dy: d.dy + pt.y - d.y }));
      }}
      data-testid="notice-map"
      data-zoom={view.k}
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
      {(() => {
        // Labels that do not collide: the notices' numbers first (moved aside when two meet), then place names where there is room.
        const taken: Box[] = [];
        const out = [];
        for (const n of ordered) {
          const c = path.centroid(geometries.get(n.id) as Geometry);
          if (!Number.isFinite(c[0]) || !Number.isFinite(c[1])) continue;
          const conflict = conflicted.has(n.id) && !n.withdrawn;
          const text = `${numbers.get(n.id) ?? ''}${conflict ? ' !' : ''}`;
          const w = 14 * text.length + 8;
          const at = (x: number, y: number): Box => ({ x: x - w / 2, y: y - 12, w, h: 24 });
          const spot = placeLabel(taken, [[0, 0], [0, -26], [0, 26], [w, 0], [-w, 0], [w, -26], [-w, 26]].map(([ox, oy]) => at(c[0] + ox, c[1] + oy))) ?? at(c[0], c[1]);
          out.push(
            <text key={`l-${n.id}`} class={`nm-label${conflict ? ' conflict' : ''}${n.withdrawn ? ' withdrawn' : ''}`} x={spot.x + spot.w / 2} y={spot.y + 12} text-anchor="middle" dominant-baseline="central" data-label={n.id}>
              {text}
            </text>,
          );
        }
        const rank = fittedStep >= 30 && view.k < 2 ? 1 : graticuleStep >= 5 ? 2 : 3;
        for (const place of places) {
          if (place.rank > rank) continue;
          const p = projection([place.lon, place.lat]);
          if (!p || p[0] < 8 || p[0] > WIDTH - 8 || p[1] < 8 || p[1] > HEIGHT - 24) continue;
          const w = place.name.length * (place.kind === 'sea' ? 7.5 : 7) + 8;
          const spot = placeLabel(taken, [{ x: p[0] - w / 2, y: p[1] - 9, w, h: 18 }]);
          if (!spot) continue;
          out.push(
            <g key={`p-${place.name}`} class={`nm-place nm-${place.kind}`} data-place={place.name}>
              {place.kind === 'city' && <circle cx={p[0]} cy={p[1] + 12} r={2.5} />}
              <text x={p[0]} y={p[1]} text-anchor="middle" dominant-baseline="central">{place.name}</text>
            </g>,
          );
        }
        return out;
      })()}
      <Graticule projection={projection} step={graticuleStep} />
      <ScaleBar projection={projection} />
      {draftPath && <path class="nm-draft" d={draftPath} />}
      {draft?.vertices.map((v, i) => {
        const p = projection(v);
        return p ? <circle key={i} class="nm-vertex" cx={p[0]} cy={p[1]} r={i === 0 ? 6 : 4} /> : null;
      })}
      {drawing && <text class="nm-hint" x={WIDTH / 2} y={HEIGHT - 14} text-anchor="middle">{t('notices:map.drawHint')}</text>}
    </svg>
    </div>
  );
}

/** A finer graticule as the map zooms in: about the same number of lines on screen. */
function stepFor(fitted: number, k: number): number {
  const steps = [30, 10, 5, 2, 1, 0.5, 0.25];
  let step = fitted;
  for (let zoom = k; zoom >= 2.5; zoom /= 2.5) step = steps[Math.min(steps.length - 1, steps.indexOf(step) + 1)] ?? step;
  return step;
}

type Projection = ReturnType<typeof frame>['projection'];

/** The graticule's values along the map's left and bottom edges: 44°N, 30°E. */
function Graticule({ projection, step }: { projection: Projection; step: number }) {
  const centre = projection.invert?.([WIDTH / 2, HEIGHT / 2]);
  if (!centre) return null;
  const labels = [];
  for (let lat = Math.ceil(-80 / step) * step; lat <= 80; lat += step) {
    const p = projection([centre[0], lat]);
    if (p && p[1] > 16 && p[1] < HEIGHT - 30) labels.push(<text key={`lat${lat}`} class="nm-coord" x={6} y={p[1] - 3} data-coord="lat">{degreeLabel(lat, 'lat')}</text>);
  }
  for (let lon = Math.ceil(-180 / step) * step; lon < 180; lon += step) {
    const p = projection([lon, centre[1]]);
    if (p && p[0] > 50 && p[0] < WIDTH - 40) labels.push(<text key={`lon${lon}`} class="nm-coord" x={p[0]} y={HEIGHT - 6} text-anchor="middle" data-coord="lon">{degreeLabel(lon, 'lon')}</text>);
  }
  return <g class="nm-coords">{labels}</g>;
}

/** How far 120 px reach at the centre of the map, as a bar labelled in km and nautical miles. */
function ScaleBar({ projection }: { projection: Projection }) {
  const a = projection.invert?.([WIDTH / 2, HEIGHT / 2]);
  const b = projection.invert?.([WIDTH / 2 + 100, HEIGHT / 2]);
  if (!a || !b) return null;
  const metresPerPixel = (geoDistance(a, b) * 6_371_008.8) / 100;
  if (!Number.isFinite(metresPerPixel) || metresPerPixel <= 0) return null;
  const bar = scaleBar(metresPerPixel);
  const x = WIDTH - bar.px - 20;
  const y = HEIGHT - 28;
  return (
    <g class="nm-scale" data-testid="map-scale" data-metres={bar.metres}>
      <rect x={x - 6} y={y - 18} width={bar.px + 12} height={28} class="nm-scale-back" />
      <path d={`M${x},${y - 4}V${y + 4}H${x + bar.px}V${y - 4}`} />
      <text x={x + bar.px / 2} y={y - 7} text-anchor="middle">{bar.label}</text>
    </g>
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
