import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, lineUrl, post } from '../../api/client.ts';
import { events, lang, me, stationName, zone } from '../../app/session.ts';
import { t } from '../../app/t.ts';
import { formatTime } from '../../i18n/index.ts';
import { closedRing, formatCoordinate, parsePositions } from '../../map/coords.ts';
import { heightInMetres, heightUnits, parseAngle, type HeightUnit } from '../../../../src/wire/coordinates.ts';
import { noticeKinds } from '../../../../src/wire/notice-kind.ts';
import { speaks } from '../../../../src/wire/speaking.ts';
import type { NoticeList } from '../../../../src/wire/notice.ts';
import { partyStyles, type ConflictView, type NoticeArea, type NoticeView, type PartyStyle, type Position } from '../../map/types.ts';
import { utcToZoned, zonedToUtc } from '../../map/zoned-time.ts';
import type { LineView } from '../../../../src/wire/line.ts';
import '../../map/notices.css';
import { ExerciseMark } from '../../components/ExerciseMark.tsx';

// The map (d3-geo and the bundled country shapes) is loaded with the tab, not with the console.
type MapModule = typeof import('../../map/NoticeMap.tsx');
let mapModule: Promise<MapModule> | undefined;
const loadMap = () => (mapModule ??= import('../../map/NoticeMap.tsx'));

export function Notices({ line }: { line: LineView }) {
  const [data, setData] = useState<NoticeList | null>(null);
  const [error, setError] = useState('');
  const [map, setMap] = useState<MapModule | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ area: NoticeArea | null; vertices: Position[] }>({ area: null, vertices: [] });
  const [drawing, setDrawing] = useState(false);
  const [picked, setPicked] = useState<Position | null>(null);

  const load = () => get<NoticeList>(lineUrl(line.id, '/notices')).then((d) => { setData(d); setError(''); }, (e) => setError((e as Error).message));

  useEffect(() => {
    setData(null);
    void load();
    loadMap().then(setMap, (e) => setError((e as Error).message));
    return events.on((e) => {
      if (e.type === 'resync' || ((e.type === 'notice' || e.type === 'conflict') && e.line === line.id)) void load();
    });
  }, [line.id]);

  const ours = stationName.value;
  const parties = line.parties.map((p) => p.name);
  const styles = useMemo(() => partyStyles(parties), [parties.join('\n')]);
  const notices = data?.notices ?? [];
  // Numbers follow the order of filing, so they do not shift as new notices arrive.
  const numbers = useMemo(() => new Map([...notices].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1)).map((n, i) => [n.id, i + 1])), [notices]);
  const active = (data?.conflicts ?? []).filter((c) => c.active);
  const conflicted = useMemo(() => new Set(active.flatMap((c) => c.notices)), [data]);
  const canSpeak = !!me.value && speaks(me.value.role, line.members.includes(me.value.name));

  if (error && !data) return <p role="alert" class="error" data-view="Notices">{t('error.generic', { message: error })}</p>;

  return (
    <div data-view="Notices" class="notices">
      {map && <map.MapDefs styles={styles} />}
      <div class="notices-layout">
        <section class="notices-map" aria-labelledby="notices-map-title">
          <h2 id="notices-map-title">{t('notices:map.title')}</h2>
          {map && data ? (
            <map.NoticeMap
              notices={notices}
              styles={styles}
              conflicted={conflicted}
              numbers={numbers}
              selected={selected}
              draft={draft}
              drawing={drawing}
              onPick={(p) => setPicked(p)}
              label={t('notices:map.label', { count: notices.length })}
            />
          ) : <p>{t('notices:map.loading')}</p>}
          <Legend styles={styles} ours={ours} notices={notices} map={map} draft={!!(draft.area || draft.vertices.length)} />
        </section>
        <div class="notices-side">
          <section aria-labelledby="notices-list-title">
            <h2 id="notices-list-title">{t('notices:list.title')}</h2>
            {error && <p role="alert" class="error">{t('error.generic', { message: error })}</p>}
            {!data ? <p>{t('loading')}</p> : (
              <>
                {active.length > 0 && (
                  <div class="conflict-summary" data-testid="conflict-summary">
                    <strong>{t('notices:conflicts.title', { count: active.length })}</strong>
                    <ul>
                      {active.map((c) => (
                        <li key={c.id}>
                          {t('notices:conflicts.pair', { a: numbers.get(c.notices[0]) ?? '?', b: numbers.get(c.notices[1]) ?? '?', aParty: partyOfNotice(notices, c.notices[0]), bParty: partyOfNotice(notices, c.notices[1]) })}{' '}
                          <span class="muted">{t('notices:conflicts.recordedBy', { parties: c.recordedBy.join(', ') || '—' })}</span>
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {notices.length === 0 ? <p>{t('notices:list.none')}</p> : (
                  <ol class="notice-list">
                    {notices.map((n) => (
                      <NoticeItem key={n.id} line={line} notice={n} number={numbers.get(n.id)!} numbers={numbers} notices={notices}
                        style={styles.find((s) => s.party === n.party)} index={parties.indexOf(n.party)} ours={ours} canSpeak={canSpeak}
                        conflict={conflicted.has(n.id)} selected={selected === n.id} onSelect={setSelected} reload={load} map={map} />
                    ))}
                  </ol>
                )}
              </>
            )}
          </section>
          {canSpeak && (
            <FileNotice line={line} drawing={drawing} setDrawing={setDrawing} picked={picked} clearPicked={() => setPicked(null)} onDraft={setDraft} reload={load} />
          )}
        </div>
      </div>
    </div>
  );
}

function partyOfNotice(notices: NoticeView[], id: string): string {
  return notices.find((n) => n.id === id)?.party ?? id.split(':')[0];
}

function Legend({ styles, ours, notices, map, draft }: { styles: PartyStyle[]; ours: string; notices: NoticeView[]; map: MapModule | null; draft: boolean }) {
  if (!map) return null;
  const { Swatch } = map;
  return (
    <div class="notice-legend">
      <h3 id="notices-legend-title" class="sr-only-heading">{t('notices:legend.title')}</h3>
      <ul aria-labelledby="notices-legend-title">
        {styles.map((s, i) => (
          <li key={s.party} data-legend-party={s.party}>
            <Swatch style={s} index={i} />
            <span>{s.party}{s.party === ours ? ` ${t('notices:legend.ours')}` : ''} — {t(`notices:pattern.${s.pattern}`)} ({t('notices:legend.count', { count: notices.filter((n) => n.party === s.party && !n.withdrawn).length })})</span>
          </li>
        ))}
        <li><Swatch conflict /><span>{t('notices:legend.conflict')}</span></li>
        {draft && <li><Swatch draft /><span>{t('notices:legend.draft')}</span></li>}
      </ul>
      <p class="muted">{t('notices:legend.numbers')}</p>
    </div>
  );
}

function describeArea(area: NoticeArea): string {
  const lat = (v: number) => `${formatCoordinate(Math.abs(v))}° ${v < 0 ? t('notices:area.S') : t('notices:area.N')}`;
  const lon = (v: number) => `${formatCoordinate(Math.abs(v))}° ${v < 0 ? t('notices:area.W') : t('notices:area.E')}`;
  if (area.type === 'Point') {
    return t('notices:area.circle', { radius: new Intl.NumberFormat(lang.value, { maximumFractionDigits: 1 }).format(area.radius / 1000), lat: lat(area.coordinates[1]), lon: lon(area.coordinates[0]) });
  }
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  const vertices = polygons.reduce((sum, p) => sum + Math.max(0, p[0].length - 1), 0);
  const first = polygons[0][0][0];
  return t('notices:area.polygon', { count: polygons.length, vertices, lat: lat(first[1]), lon: lon(first[0]) });
}

function NoticeItem(props: {
  line: LineView; notice: NoticeView; number: number; numbers: Map<string, number>; notices: NoticeView[]; style?: PartyStyle; index: number;
  ours: string; canSpeak: boolean; conflict: boolean; selected: boolean; onSelect(id: string | null): void; reload(): Promise<void>; map: MapModule | null;
}) {
  const { line, notice: n, number, numbers, notices, style, index, ours, canSpeak, conflict, selected, onSelect, reload, map } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const z = zone.value;
  const nf = new Intl.NumberFormat(lang.value);
  const mine = n.party === ours;
  const mayAck = canSpeak && !mine && !n.withdrawn && n.waitingFor.includes(ours);
  const act = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await f();
      await reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const titleId = `notice-${n.id.replace(/\W/g, '-')}`;
  return (
    <li
      class={`notice-item${conflict ? ' conflict' : ''}${n.withdrawn ? ' withdrawn' : ''}${selected ? ' selected' : ''}${n.exercise ? ' is-exercise' : ''}`}
      data-notice={n.id}
      data-party={n.party}
      onMouseEnter={() => onSelect(n.id)}
      onMouseLeave={() => onSelect(null)}
      onFocusIn={() => onSelect(n.id)}
      onFocusOut={() => onSelect(null)}
    >
      <h3 id={titleId} class="notice-title">
        <span class="notice-no" style={style ? { borderColor: style.colour } : undefined}>{number}</span>
        {map && style && <map.Swatch style={style} index={index} />}
        <span>{t(`notices:kind.${n.kind}`)} · {n.party}{mine ? ` ${t('notices:legend.ours')}` : ''}</span>
        {n.exercise && <ExerciseMark />}
        {conflict && (
          <strong class="conflict-badge" data-conflict="true">
            <span aria-hidden="true">⚠ </span>{t('notices:conflict')}
          </strong>
        )}
        {n.withdrawn && <span class="badge">{t('notices:withdrawn')}</span>}
      </h3>
      {conflict && (
        <p class="conflict-with">
          {t('notices:conflictsWith', { list: n.conflictsWith.map((id) => `${t('notices:ref', { number: numbers.get(id) ?? '?' })} (${partyOfNotice(notices, id)})`).join(', ') })}
        </p>
      )}
      {n.text && <p class="notice-text" lang={n.lang ?? undefined}>{n.text}</p>}
      <dl class="notice-facts">
        <dt>{t('notices:field.area')}</dt>
        <dd>{describeArea(n.area)}</dd>
        <dt>{t('notices:field.altitude')}</dt>
        <dd>{t('notices:altitudeBand', { lower: nf.format(n.altitude.lower), upper: nf.format(n.altitude.upper), lowerFt: nf.format(Math.round(n.altitude.lower / 0.3048)), upperFt: nf.format(Math.round(n.altitude.upper / 0.3048)) })}</dd>
        <dt>{t('notices:field.window')}</dt>
        <dd>{formatTime(n.window.start, z)} – {formatTime(n.window.end, z)}</dd>
        <dt>{t('notices:field.filed')}</dt>
        <dd>{t('notices:filedBy', { name: n.from, time: formatTime(n.time, z) })}</dd>
        <dt>{t('notices:field.acks')}</dt>
        <dd data-acks={n.acks.map((a) => a.party).join(',')}>
          {n.acks.length === 0 ? '—' : n.acks.map((a) => t('notices:ackBy', { party: a.party, name: a.by, time: formatTime(a.time, z) })).join('; ')}
          {n.waitingFor.length > 0 && !n.withdrawn && <> <span class="waiting">{t('notices:waitingFor', { parties: n.waitingFor.join(', ') })}</span></>}
        </dd>
        {n.withdrawn && (
          <>
            <dt>{t('notices:withdrawn')}</dt>
            <dd>{t('notices:withdrawnBy', { name: n.withdrawn.by, time: formatTime(n.withdrawn.time, z) })}{n.withdrawn.reason ? ` — ${n.withdrawn.reason}` : ''}</dd>
          </>
        )}
      </dl>
      <div class="notice-actions">
        {mayAck && (
          <button type="button" disabled={busy} data-action="ack" aria-describedby={titleId}
            onClick={() => act(() => post(lineUrl(line.id, `/items/${encodeURIComponent(n.id)}/ack`)))}>
            {t('notices:acknowledge')}
          </button>
        )}
        {canSpeak && mine && !n.withdrawn && !withdrawing && (
          <button type="button" class="secondary" disabled={busy} data-action="withdraw" aria-describedby={titleId} onClick={() => setWithdrawing(true)}>
            {t('notices:withdraw')}
          </button>
        )}
        {withdrawing && (
          <form class="withdraw-form" onSubmit={(e) => { e.preventDefault(); void act(() => post(lineUrl(line.id, `/notices/${encodeURIComponent(n.id)}/withdraw`), reason.trim() ? { reason: reason.trim() } : {})).then(() => setWithdrawing(false)); }}>
            <label>
              {t('notices:withdrawReason')}
              <input type="text" maxLength={2000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
            <button type="submit" class="danger" disabled={busy}>{t('notices:withdrawConfirm', { number })}</button>
            <button type="button" class="secondary" onClick={() => setWithdrawing(false)}>{t('notices:cancel')}</button>
          </form>
        )}
      </div>
      {error && <p role="alert" class="error">{t('error.generic', { message: error })}</p>}
    </li>
  );
}

function nextHour(): number {
  const h = 3600_000;
  return Math.ceil(Date.now() / h) * h;
}

function FileNotice({ line, drawing, setDrawing, picked, clearPicked, onDraft, reload }: {
  line: LineView; drawing: boolean; setDrawing(v: boolean): void; picked: Position | null; clearPicked(): void;
  onDraft(d: { area: NoticeArea | null; vertices: Position[] }): void; reload(): Promise<void>;
}) {
  const z = zone.value;
  const [kind, setKind] = useState<string>('flight_operations');
  const [exercise, setExercise] = useState(false);
  const [text, setText] = useState('');
  const [lower, setLower] = useState('0');
  const [upper, setUpper] = useState('10000');
  const [unit, setUnit] = useState<HeightUnit>('m');
  const [start, setStart] = useState(() => utcToZoned(nextHour(), z));
  const [end, setEnd] = useState(() => utcToZoned(nextHour() + 2 * 3600_000, z));
  const [shape, setShape] = useState<'circle' | 'polygon'>('circle');
  const [lon, setLon] = useState('');
  const [lat, setLat] = useState('');
  const [radius, setRadius] = useState('');
  const [polygon, setPolygon] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');

  // A point picked on the map becomes the next typed vertex: the text stays the one source of the shape.
  useEffect(() => {
    if (!picked) return;
    if (shape === 'circle') {
      // A circle is drawn by its centre, picked on the map; the radius stays typed.
      setLat(formatCoordinate(picked[1]));
      setLon(formatCoordinate(picked[0]));
      setDrawing(false);
    } else setPolygon((p) => `${p.trim() ? `${p.trimEnd()}\n` : ''}${formatCoordinate(picked[1])} ${formatCoordinate(picked[0])}`);
    clearPicked();
  }, [picked]);

  const area = buildArea(shape, lon, lat, radius, polygon);
  useEffect(() => {
    if (shape === 'circle') onDraft({ area: 'area' in area ? area.area : null, vertices: [] });
    else {
      const parsed = parsePositions(polygon);
      const vertices = 'positions' in parsed ? parsed.positions : [];
      onDraft({ area: 'area' in area ? area.area : null, vertices });
    }
  }, [shape, lon, lat, radius, polygon]);
  useEffect(() => () => { onDraft({ area: null, vertices: [] }); setDrawing(false); }, []);

  const vertexCount = (() => {
    const p = parsePositions(polygon);
    return 'positions' in p ? p.positions.length : 0;
  })();

  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    setStatus('');
    if (!text.trim()) return setError(t('notices:form.error.text'));
    // The station takes metres; feet and flight levels are converted here, to the nearest metre.
    const lo = heightInMetres(lower, unit);
    const hi = heightInMetres(upper, unit);
    if (lo === null || hi === null) return setError(t('notices:form.error.altitude'));
    if (lo > hi) return setError(t('notices:form.error.altitudeOrder'));
    const s = zonedToUtc(start, z);
    const en = zonedToUtc(end, z);
    if (s === null || en === null) return setError(t('notices:form.error.window'));
    if (en <= s) return setError(t('notices:form.error.windowOrder'));
    if ('error' in area) return setError(area.error);
    setBusy(true);
    try {
      const r = await post<{ id: string }>(lineUrl(line.id, '/notices'), { kind, text: text.trim(), altitude: { lower: lo, upper: hi }, window: { start: s, end: en }, area: area.area, lang: lang.value, ...(exercise ? { exercise: true } : {}) });
      setStatus(t('notices:form.filed', { id: r.id }));
      setText('');
      setPolygon('');
      setDrawing(false);
      await reload();
    } catch (err) {
      setError(t('error.generic', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="file-notice" aria-labelledby="file-notice-title">
      <h2 id="file-notice-title">{t('notices:form.title')}</h2>
      <form onSubmit={submit} noValidate data-testid="notice-form">
        <div class="form-row">
          <label>
            {t('notices:form.kind')}
            <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
              {noticeKinds.map((k) => <option key={k} value={k}>{t(`notices:kind.${k}`)}</option>)}
            </select>
          </label>
          <label class="tr-exercise-choice">
            <input type="checkbox" name="exercise" checked={exercise} onChange={(e) => setExercise(e.currentTarget.checked)} /> {t('exercise.compose')}
          </label>
        </div>
        <label class="wide">
          {t('notices:form.text')}
          <textarea name="text" rows={3} maxLength={8000} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <fieldset>
          <legend>{t('notices:form.altitude')}</legend>
          <label>{t('notices:form.unit')}
            <select name="unit" value={unit} onChange={(e) => setUnit(e.currentTarget.value as HeightUnit)}>
              {heightUnits.map((u) => <option key={u} value={u}>{t(`notices:form.units.${u}`)}</option>)}
            </select>
          </label>
          <label>{t('notices:form.lower')}<input name="lower" type="text" inputMode="decimal" required value={lower} onInput={(e) => setLower(e.currentTarget.value)} /></label>
          <label>{t('notices:form.upper')}<input name="upper" type="text" inputMode="decimal" required value={upper} onInput={(e) => setUpper(e.currentTarget.value)} /></label>
          {unit !== 'm' && heightInMetres(lower, unit) !== null && heightInMetres(upper, unit) !== null && (
            <p class="muted" role="status">{t('notices:form.inMetres', { lower: heightInMetres(lower, unit), upper: heightInMetres(upper, unit) })}</p>
          )}
        </fieldset>
        <fieldset>
          <legend>{t('notices:form.window', { zone: z })}</legend>
          <label>{t('notices:form.start')}<input name="start" type="datetime-local" required value={start} onInput={(e) => setStart(e.currentTarget.value)} /></label>
          <label>{t('notices:form.end')}<input name="end" type="datetime-local" required value={end} onInput={(e) => setEnd(e.currentTarget.value)} /></label>
        </fieldset>
        <fieldset>
          <legend>{t('notices:form.area')}</legend>
          <div class="form-row">
            <label class="inline"><input type="radio" name="shape" value="circle" checked={shape === 'circle'} onChange={() => { setShape('circle'); setDrawing(false); }} /> {t('notices:form.circle')}</label>
            <label class="inline"><input type="radio" name="shape" value="polygon" checked={shape === 'polygon'} onChange={() => setShape('polygon')} /> {t('notices:form.polygon')}</label>
          </div>
          {shape === 'circle' ? (
            <div class="form-row">
              <label>{t('notices:form.lat')}<input name="lat" type="text" spellcheck={false} placeholder="44°30'N" value={lat} onInput={(e) => setLat(e.currentTarget.value)} aria-describedby="coord-help" /></label>
              <label>{t('notices:form.lon')}<input name="lon" type="text" spellcheck={false} placeholder="30°15'E" value={lon} onInput={(e) => setLon(e.currentTarget.value)} aria-describedby="coord-help" /></label>
              <label>{t('notices:form.radius')}<input name="radius" type="number" step="any" min={0} max={5000} inputMode="decimal" value={radius} onInput={(e) => setRadius(e.currentTarget.value)} /></label>
              <p id="coord-help" class="muted">{t('notices:form.coordHelp')}</p>
              {!drawing ? (
                <button type="button" class="secondary" onClick={() => setDrawing(true)} data-testid="pick-centre">{t('notices:form.pickCentre')}</button>
              ) : <p class="muted" role="status">{t('notices:form.pickingCentre')}</p>}
            </div>
          ) : (
            <>
              <label class="wide">
                {t('notices:form.vertices')}
                <textarea name="polygon" rows={5} class="mono" value={polygon} aria-describedby="polygon-help" onInput={(e) => setPolygon(e.currentTarget.value)} />
              </label>
              <p id="polygon-help" class="muted">{t('notices:form.verticesHelp')}</p>
              <div class="form-row">
                {!drawing ? (
                  <button type="button" class="secondary" onClick={() => setDrawing(true)}>{t('notices:form.draw')}</button>
                ) : (
                  <button type="button" onClick={() => setDrawing(false)}>{t('notices:form.finish')}</button>
                )}
                <button type="button" class="secondary" disabled={vertexCount === 0} onClick={() => setPolygon((p) => p.trimEnd().split('\n').slice(0, -1).join('\n'))}>{t('notices:form.undo')}</button>
                <button type="button" class="secondary" disabled={vertexCount === 0} onClick={() => setPolygon('')}>{t('notices:form.clear')}</button>
              </div>
              <p class="muted" role="status">{drawing ? t('notices:form.drawing', { count: vertexCount }) : vertexCount > 0 ? t('notices:form.vertexCount', { count: vertexCount }) : ''}</p>
            </>
          )}
        </fieldset>
        <div class="form-row">
          <button type="submit" disabled={busy}>{t('notices:form.submit')}</button>
        </div>
        {error && <p role="alert" class="error">{error}</p>}
        <p role="status" class="ok">{status}</p>
      </form>
    </section>
  );
}

function buildArea(shape: 'circle' | 'polygon', lon: string, lat: string, radius: string, polygon: string): { area: NoticeArea } | { error: string } {
  if (shape === 'circle') {
    const y = parseAngle(lat, 'lat');
    const x = parseAngle(lon, 'lon');
    const r = Number(radius);
    if (y === null) return { error: t('notices:form.error.lat') };
    if (x === null) return { error: t('notices:form.error.lon') };
    if (radius.trim() === '' || !Number.isFinite(r) || r <= 0 || r > 5000) return { error: t('notices:form.error.radius') };
    return { area: { type: 'Point', coordinates: [x, y], radius: Math.round(r * 1000) } };
  }
  const parsed = parsePositions(polygon);
  if ('badLine' in parsed) return { error: t('notices:form.error.vertexLine', { line: parsed.badLine }) };
  const distinct = new Set(parsed.positions.map((p) => p.join(' ')));
  if (distinct.size < 3) return { error: t('notices:form.error.vertices') };
  return { area: { type: 'Polygon', coordinates: [closedRing(parsed.positions)] } };
}
