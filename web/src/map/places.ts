// Names the map writes so that a notice can be placed at a glance: seas and
// oceans, and major places (capitals and ports a deconfliction line talks
// about). Bundled, like the land shapes: nothing is fetched. Names are in
// English, as charts give them; `rank` 1 shows on a world view, 2 on a
// region, 3 only close in.

export interface Place { name: string; lon: number; lat: number; kind: 'sea' | 'city'; rank: 1 | 2 | 3 }

export const places: Place[] = [
  { name: 'Atlantic Ocean', lon: -35, lat: 30, kind: 'sea', rank: 1 },
  { name: 'Pacific Ocean', lon: -150, lat: 10, kind: 'sea', rank: 1 },
  { name: 'Indian Ocean', lon: 80, lat: -20, kind: 'sea', rank: 1 },
  { name: 'Arctic Ocean', lon: 0, lat: 85, kind: 'sea', rank: 1 },
  { name: 'Southern Ocean', lon: 20, lat: -62, kind: 'sea', rank: 1 },
  { name: 'Mediterranean Sea', lon: 18, lat: 35, kind: 'sea', rank: 2 },
  { name: 'Black Sea', lon: 34, lat: 43.3, kind: 'sea', rank: 2 },
  { name: 'Baltic Sea', lon: 19.5, lat: 57, kind: 'sea', rank: 2 },
  { name: 'North Sea', lon: 3.5, lat: 56, kind: 'sea', rank: 2 },
  { name: 'Norwegian Sea', lon: 3, lat: 68, kind: 'sea', rank: 2 },
  { name: 'Barents Sea', lon: 40, lat: 73, kind: 'sea', rank: 2 },
  { name: 'Caspian Sea', lon: 50.5, lat: 42, kind: 'sea', rank: 2 },
  { name: 'Red Sea', lon: 38.5, lat: 20.5, kind: 'sea', rank: 2 },
  { name: 'Persian Gulf', lon: 51.5, lat: 27, kind: 'sea', rank: 2 },
  { name: 'Arabian Sea', lon: 64, lat: 15, kind: 'sea', rank: 2 },
  { name: 'Bay of Bengal', lon: 88, lat: 15, kind: 'sea', rank: 2 },
  { name: 'South China Sea', lon: 114, lat: 13, kind: 'sea', rank: 2 },
  { name: 'East China Sea', lon: 126, lat: 29, kind: 'sea', rank: 2 },
  { name: 'Sea of Japan', lon: 135, lat: 40, kind: 'sea', rank: 2 },
  { name: 'Sea of Okhotsk', lon: 150, lat: 54, kind: 'sea', rank: 2 },
  { name: 'Bering Sea', lon: -178, lat: 58, kind: 'sea', rank: 2 },
  { name: 'Gulf of Mexico', lon: -90, lat: 25, kind: 'sea', rank: 2 },
  { name: 'Caribbean Sea', lon: -75, lat: 15, kind: 'sea', rank: 2 },
  { name: 'Aegean Sea', lon: 25, lat: 38.8, kind: 'sea', rank: 3 },
  { name: 'Adriatic Sea', lon: 15.5, lat: 43, kind: 'sea', rank: 3 },
  { name: 'Sea of Azov', lon: 36.5, lat: 46.2, kind: 'sea', rank: 3 },
  { name: 'Gulf of Finland', lon: 26, lat: 59.8, kind: 'sea', rank: 3 },
  { name: 'Washington', lon: -77.04, lat: 38.9, kind: 'city', rank: 2 },
  { name: 'Moscow', lon: 37.62, lat: 55.75, kind: 'city', rank: 2 },
  { name: 'Kyiv', lon: 30.52, lat: 50.45, kind: 'city', rank: 2 },
  { name: 'Paris', lon: 2.35, lat: 48.86, kind: 'city', rank: 2 },
  { name: 'London', lon: -0.13, lat: 51.51, kind: 'city', rank: 2 },
  { name: 'Berlin', lon: 13.4, lat: 52.52, kind: 'city', rank: 2 },
  { name: 'Beijing', lon: 116.4, lat: 39.9, kind: 'city', rank: 2 },
  { name: 'Tokyo', lon: 139.69, lat: 35.69, kind: 'city', rank: 2 },
  { name: 'Ankara', lon: 32.86, lat: 39.93, kind: 'city', rank: 2 },
  { name: 'New Delhi', lon: 77.21, lat: 28.61, kind: 'city', rank: 2 },
  { name: 'Tehran', lon: 51.39, lat: 35.69, kind: 'city', rank: 2 },
  { name: 'Warsaw', lon: 21.01, lat: 52.23, kind: 'city', rank: 3 },
  { name: 'Minsk', lon: 27.56, lat: 53.9, kind: 'city', rank: 3 },
  { name: 'Vilnius', lon: 25.28, lat: 54.69, kind: 'city', rank: 3 },
  { name: 'Riga', lon: 24.11, lat: 56.95, kind: 'city', rank: 3 },
  { name: 'Tallinn', lon: 24.75, lat: 59.44, kind: 'city', rank: 3 },
  { name: 'Helsinki', lon: 24.94, lat: 60.17, kind: 'city', rank: 3 },
  { name: 'Stockholm', lon: 18.07, lat: 59.33, kind: 'city', rank: 3 },
  { name: 'Bucharest', lon: 26.1, lat: 44.43, kind: 'city', rank: 3 },
  { name: 'Chișinău', lon: 28.86, lat: 47.01, kind: 'city', rank: 3 },
  { name: 'Sofia', lon: 23.32, lat: 42.7, kind: 'city', rank: 3 },
  { name: 'Athens', lon: 23.73, lat: 37.98, kind: 'city', rank: 3 },
  { name: 'Istanbul', lon: 28.98, lat: 41.01, kind: 'city', rank: 3 },
  { name: 'Odesa', lon: 30.72, lat: 46.48, kind: 'city', rank: 3 },
  { name: 'Sevastopol', lon: 33.52, lat: 44.62, kind: 'city', rank: 3 },
  { name: 'Novorossiysk', lon: 37.77, lat: 44.72, kind: 'city', rank: 3 },
  { name: 'Constanța', lon: 28.63, lat: 44.17, kind: 'city', rank: 3 },
  { name: 'Varna', lon: 27.91, lat: 43.21, kind: 'city', rank: 3 },
  { name: 'Tbilisi', lon: 44.79, lat: 41.72, kind: 'city', rank: 3 },
  { name: 'Kaliningrad', lon: 20.51, lat: 54.71, kind: 'city', rank: 3 },
  { name: 'Saint Petersburg', lon: 30.32, lat: 59.94, kind: 'city', rank: 3 },
  { name: 'Murmansk', lon: 33.08, lat: 68.97, kind: 'city', rank: 3 },
  { name: 'Oslo', lon: 10.75, lat: 59.91, kind: 'city', rank: 3 },
  { name: 'Brussels', lon: 4.35, lat: 50.85, kind: 'city', rank: 3 },
  { name: 'Bern', lon: 7.45, lat: 46.95, kind: 'city', rank: 3 },
  { name: 'Vienna', lon: 16.37, lat: 48.21, kind: 'city', rank: 3 },
  { name: 'Budapest', lon: 19.04, lat: 47.5, kind: 'city', rank: 3 },
  { name: 'Rome', lon: 12.5, lat: 41.9, kind: 'city', rank: 3 },
  { name: 'Madrid', lon: -3.7, lat: 40.42, kind: 'city', rank: 3 },
  { name: 'Cairo', lon: 31.24, lat: 30.04, kind: 'city', rank: 3 },
  { name: 'Seoul', lon: 126.98, lat: 37.57, kind: 'city', rank: 3 },
  { name: 'Pyongyang', lon: 125.75, lat: 39.02, kind: 'city', rank: 3 },
  { name: 'Islamabad', lon: 73.05, lat: 33.68, kind: 'city', rank: 3 },
  { name: 'Norfolk', lon: -76.29, lat: 36.85, kind: 'city', rank: 3 },
  { name: 'Vladivostok', lon: 131.89, lat: 43.12, kind: 'city', rank: 3 },
];

/** A label's box, for the collision test (an estimate: the map's fonts are known). */
export interface Box { x: number; y: number; w: number; h: number }
export const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** The first of the offered positions whose box meets none already taken; it is then taken. Null if all collide. */
export function placeLabel(taken: Box[], candidates: Box[]): Box | null {
  for (const c of candidates) {
    if (!taken.some((t) => overlaps(t, c))) {
      taken.push(c);
      return c;
    }
  }
  return null;
}

/** A short distance in km (and nautical miles) that fits about `px` pixels at `metresPerPixel`. */
export function scaleBar(metresPerPixel: number, px = 120): { metres: number; px: number; label: string } {
  const target = metresPerPixel * px;
  const pow = 10 ** Math.floor(Math.log10(target));
  const nice = [1, 2, 5, 10].map((m) => m * pow).filter((m) => m <= target).at(-1) ?? pow;
  const km = nice / 1000;
  const nm = nice / 1852;
  const fmt = (n: number) => (n >= 10 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));
  return { metres: nice, px: nice / metresPerPixel, label: `${fmt(km)} km (${fmt(nm)} NM)` };
}

/** A coordinate for a graticule label: 44°N, 30°E, 0°. */
export function degreeLabel(value: number, axis: 'lat' | 'lon'): string {
  const v = Math.round(value * 100) / 100;
  if (v === 0) return '0°';
  const hemisphere = axis === 'lat' ? (v > 0 ? 'N' : 'S') : (v > 0 ? 'E' : 'W');
  return `${Math.abs(v)}°${hemisphere}`;
}
