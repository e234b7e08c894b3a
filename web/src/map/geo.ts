import { geoArea, geoBounds, geoCentroid, geoCircle, geoEqualEarth, geoGraticule, geoMercator, type GeoProjection } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import type { NoticeArea, Position } from './types.ts';

/** Metres per degree of arc on the mean Earth sphere (R = 6 371 km), as d3-geo assumes. */
export const METRES_PER_DEGREE = 111_195;

export function circlePolygon(centre: Position, radiusMetres: number): Polygon {
  return geoCircle().center(centre).radius(radiusMetres / METRES_PER_DEGREE).precision(1)() as Polygon;
}

/**
 * d3-geo draws spherical polygons whose exterior rings run clockwise
 * (GeoJSON's right-hand rule is the other way round): a ring that would
 * cover more than half the sphere is the wrong way round, so turn it.
 */
function rewindRing(ring: number[][], hole: boolean): number[][] {
  const big = geoArea({ type: 'Polygon', coordinates: [ring] }) > 2 * Math.PI;
  return big !== hole ? [...ring].reverse() : ring;
}

function rewindPolygon(rings: number[][][]): number[][][] {
  return rings.map((r, i) => rewindRing(r, i > 0));
}

/** A notice's area as a geometry d3-geo draws the right way: circles as geodesic circles. */
export function areaGeometry(area: NoticeArea): Polygon | MultiPolygon {
  // The wire's positions are [longitude, latitude] pairs (two numbers, as the core's schema checks).
  if (area.type === 'Point') return circlePolygon([area.coordinates[0], area.coordinates[1]], area.radius);
  if (area.type === 'Polygon') return { type: 'Polygon', coordinates: rewindPolygon(area.coordinates) };
  return { type: 'MultiPolygon', coordinates: area.coordinates.map(rewindPolygon) };
}

export interface Frame {
  projection: GeoProjection;
  graticuleStep: number;
  world: boolean;
}

/**
 * A projection fitted to the areas (with some land around them for
 * context), or the whole world when there are none. Mercator for a region,
 * Equal Earth for the world or anything reaching the poles.
 */
export function frame(areas: Geometry[], width: number, height: number, pad = 16): Frame {
  const extent: [[number, number], [number, number]] = [[pad, pad], [width - pad, height - pad]];
  if (areas.length === 0) {
    return { projection: geoEqualEarth().fitExtent(extent, { type: 'Sphere' } as never).clipExtent([[0, 0], [width, height]]), graticuleStep: 30, world: true };
  }
  const context: Feature[] = [];
  for (const g of areas) {
    context.push({ type: 'Feature', properties: {}, geometry: g });
    context.push({ type: 'Feature', properties: {}, geometry: circlePolygon(geoCentroid(g) as Position, 2.5 * METRES_PER_DEGREE) });
  }
  const all: FeatureCollection = { type: 'FeatureCollection', features: context };
  const [[west, south], [east, north]] = geoBounds(all);
  const lonSpan = east >= west ? east - west : east + 360 - west;
  const latSpan = north - south;
  const span = Math.max(lonSpan, latSpan);
  const graticuleStep = span > 90 ? 30 : span > 40 ? 10 : span > 16 ? 5 : span > 6 ? 2 : 1;
  if (north > 80 || south < -80 || lonSpan > 200) {
    const centre = geoCentroid(all);
    const p = geoEqualEarth().rotate([-centre[0], 0]).fitExtent(extent, all).clipExtent([[0, 0], [width, height]]);
    return { projection: p, graticuleStep, world: lonSpan > 200 };
  }
  const midLon = west + lonSpan / 2;
  const p = geoMercator().rotate([-midLon, 0]).fitExtent(extent, all).clipExtent([[0, 0], [width, height]]);
  return { projection: p, graticuleStep, world: false };
}

export function graticule(step: number) {
  return geoGraticule().step([step, step]).extentMinor([[-180, -80 - 1e-6], [180, 80 + 1e-6]])();
}
