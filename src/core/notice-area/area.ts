import { Type, type Static } from '@sinclair/typebox';
import { polygonShapeProblem } from './shape.ts';

// A notice's area is a GeoJSON geometry (RFC 7946) so any GIS tool can draw it.
// Limits keep one notice's entry small: every station stores and replays it.
export const MAX_RING_POSITIONS = 1000;
export const MAX_POLYGON_RINGS = 10;
export const MAX_POLYGONS = 50;
/** Across the whole area; a schema cannot count across nested arrays, so checkArea does. */
export const MAX_AREA_POSITIONS = 5000;
export const MAX_CIRCLE_RADIUS_M = 5_000_000;

// Two numbers only: altitude belongs to the notice's band, not to its outline.
const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[longitude, latitude] in degrees, WGS 84' });

const LinearRing = Type.Array(Position, {
  minItems: 4,
  maxItems: MAX_RING_POSITIONS,
  description: 'closed: the last position repeats the first',
});

const PolygonRings = Type.Array(LinearRing, {
  minItems: 1,
  maxItems: MAX_POLYGON_RINGS,
  description: 'the exterior ring, then any holes',
});

export const PolygonArea = Type.Object(
  { type: Type.Literal('Polygon'), coordinates: PolygonRings },
  { additionalProperties: false },
);
export type PolygonArea = Static<typeof PolygonArea>;

/** RFC 7946 §3.1.9 asks for areas crossing the antimeridian to be split into one; that is accepted, not required. */
export const MultiPolygonArea = Type.Object(
  { type: Type.Literal('MultiPolygon'), coordinates: Type.Array(PolygonRings, { minItems: 1, maxItems: MAX_POLYGONS }) },
  { additionalProperties: false },
);
export type MultiPolygonArea = Static<typeof MultiPolygonArea>;

/**
 * A circle: GeoJSON has none, so it is a Point with our own `radius` member
 * (metres along the ground). RFC 7946 §6.1 allows foreign members; readers that
 * do not know this one see only the centre.
 */
export const CircleArea = Type.Object(
  {
    type: Type.Literal('Point'),
    coordinates: Position,
    radius: Type.Number({ exclusiveMinimum: 0, maximum: MAX_CIRCLE_RADIUS_M, description: 'metres' }),
  },
  { additionalProperties: false },
);
export type CircleArea = Static<typeof CircleArea>;

export const NoticeArea = Type.Union([PolygonArea, MultiPolygonArea, CircleArea]);
export type NoticeArea = Static<typeof NoticeArea>;

function checkPosition(position: number[], where: string): string | null {
  const [lon, lat] = position;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return `${where}: coordinates must be finite numbers`;
  if (lon < -180 || lon > 180) return `${where}: longitude ${lon} is outside [-180, 180]`;
  if (lat < -90 || lat > 90) return `${where}: latitude ${lat} is outside [-90, 90]`;
  return null;
}

function checkRing(ring: number[][], where: string): string | null {
  if (ring.length < 4) return `${where}: a ring needs at least 4 positions, it has ${ring.length}`;
  for (let i = 0; i < ring.length; i++) {
    const reason = checkPosition(ring[i], `${where}[${i}]`);
    if (reason) return reason;
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) return `${where}: the ring is not closed (its last position must repeat the first)`;
  return null;
}

function checkPolygon(rings: number[][][], where: string): string | null {
  if (rings.length === 0) return `${where}: a polygon needs an exterior ring`;
  for (let i = 0; i < rings.length; i++) {
    const reason = checkRing(rings[i], `${where}[${i}]`);
    if (reason) return reason;
  }
  return polygonShapeProblem(rings, where);
}

/**
 * Why an area that passed the schema still does not describe a place on Earth
 * (positions off the globe, open rings, too many positions, or polygons that
 * are not regions: see shape.ts); null when it does.
 */
export function checkArea(area: NoticeArea): string | null {
  switch (area.type) {
    case 'Point': {
      const reason = checkPosition(area.coordinates, 'coordinates');
      if (reason) return reason;
      if (!Number.isFinite(area.radius) || area.radius <= 0 || area.radius > MAX_CIRCLE_RADIUS_M) {
        return `radius must be more than 0 and at most ${MAX_CIRCLE_RADIUS_M} metres`;
      }
      return null;
    }
    case 'Polygon':
    case 'MultiPolygon': {
      const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
      if (polygons.length === 0) return 'coordinates: a multipolygon needs at least one polygon';
      // Counted first: the shape checks below cost more with every position.
      let positions = 0;
      for (const rings of polygons) for (const ring of rings) positions += ring.length;
      if (positions > MAX_AREA_POSITIONS) return `the area has ${positions} positions, at most ${MAX_AREA_POSITIONS} are allowed`;
      for (let i = 0; i < polygons.length; i++) {
        const reason = checkPolygon(polygons[i], area.type === 'Polygon' ? 'coordinates' : `coordinates[${i}]`);
        if (reason) return reason;
      }
      return null;
    }
  }
  // Unreachable for typed callers; kept for values that skipped the schema.
  return 'type must be Polygon, MultiPolygon or Point';
}
