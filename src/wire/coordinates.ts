// Coordinates and altitudes as people type them on a notice: latitude first,
// in decimal degrees or degrees-minutes-seconds with a hemisphere letter;
// heights in metres, feet or flight levels. The console's form and the CLI
// read them the same way; the station only ever sees decimal degrees and metres.

export type Axis = 'lat' | 'lon';

const HEMISPHERES: Record<Axis, Record<string, 1 | -1>> = {
  lat: { N: 1, S: -1 },
  lon: { E: 1, W: -1 },
};

/**
 * An angle typed as "45.5", "-30.25", "45.5N", "N 45.5", "32°24'E",
 * "32°24'30.5\"E", "32 24 30 E", "32d24m30sE", "32°24.5′ E": degrees, then
 * optional minutes and seconds, with a sign or a hemisphere letter (N/S for
 * latitude, E/W for longitude), not both. Null if it is none of these or out
 * of range (latitude ±90, longitude ±180).
 */
export function parseAngle(text: string, axis: Axis): number | null {
  let s = text.trim().toUpperCase().replace(/[′’‘´`]/g, "'").replace(/[″”“]|''/g, '"').replace(/,/g, '.');
  if (!s) return null;
  let sign: 1 | -1 = 1;
  let hemisphere: 1 | -1 | undefined;
  const letters = Object.keys(HEMISPHERES[axis]).join('');
  const lead = new RegExp(`^([${letters}])\\s*`).exec(s);
  const tail = new RegExp(`\\s*([${letters}])$`).exec(s);
  if (lead && tail) return null;
  if (lead) { hemisphere = HEMISPHERES[axis][lead[1]]; s = s.slice(lead[0].length); }
  else if (tail) { hemisphere = HEMISPHERES[axis][tail[1]]; s = s.slice(0, tail.index); }
  if (s.startsWith('-') || s.startsWith('−')) {
    if (hemisphere !== undefined) return null;
    sign = -1;
    s = s.slice(1).trim();
  } else if (s.startsWith('+')) s = s.slice(1).trim();
  const m = /^(\d{1,3}(?:\.\d+)?)\s*(?:°|D|\s)?\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:'|M|\s)?\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:"|S)?)?)?$/.exec(s);
  if (!m) return null;
  const degrees = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  const seconds = m[3] === undefined ? 0 : Number(m[3]);
  // Minutes and seconds only after whole degrees, and each under 60.
  if ((m[2] !== undefined && !Number.isInteger(degrees)) || (m[3] !== undefined && !Number.isInteger(minutes)) || minutes >= 60 || seconds >= 60) return null;
  const value = (hemisphere ?? sign) * (degrees + minutes / 60 + seconds / 3600);
  const limit = axis === 'lat' ? 90 : 180;
  if (!(Math.abs(value) <= limit)) return null;
  return Math.round(value * 1e7) / 1e7;
}

export const heightUnits = ['m', 'ft', 'FL'] as const;
export type HeightUnit = (typeof heightUnits)[number];

/** A height in metres from a number in metres, feet or a flight level (hundreds of feet), to the nearest metre; null if not a number. */
export function heightInMetres(text: string, unit: HeightUnit): number | null {
  const t = text.trim().toUpperCase().replace(/^FL\s*/, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Math.round(unit === 'm' ? n : unit === 'ft' ? n * 0.3048 : n * 100 * 0.3048);
}

/**
 * One position typed latitude first: "44.5 30.25", "44.5, 30.25",
 * "44°30'N 30°15'E", "44 30 N, 30 15 E". Returned as GeoJSON orders it,
 * [longitude, latitude]; null if it is not one.
 */
export function parsePosition(text: string): [number, number] | null {
  const s = text.trim();
  let parts: string[];
  if (/[,;]/.test(s)) parts = s.split(/[,;]/);
  else {
    const hemisphere = /^(.*?[NS])\s*(.+)$/i.exec(s);
    if (hemisphere && /[EW]\s*$/i.test(hemisphere[2]) && !/^[NS]$/i.test(hemisphere[1].trim())) parts = [hemisphere[1], hemisphere[2]];
    else parts = s.split(/\s+/);
  }
  if (parts.length !== 2) return null;
  const lat = parseAngle(parts[0], 'lat');
  const lon = parseAngle(parts[1], 'lon');
  return lat === null || lon === null ? null : [lon, lat];
}
