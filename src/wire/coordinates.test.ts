import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heightInMetres, parseAngle, parsePosition } from './coordinates.ts';

test('angles typed in decimal degrees or degrees-minutes-seconds, with a sign or a hemisphere', () => {
  const cases: Array<[string, 'lat' | 'lon', number | null]> = [
    ['45.5', 'lat', 45.5], ['-30.25', 'lon', -30.25], ['45,5', 'lat', 45.5],
    ['45.5N', 'lat', 45.5], ['45.5 S', 'lat', -45.5], ['N 45.5', 'lat', 45.5], ['s45.5', 'lat', -45.5],
    ["32°24'E", 'lon', 32.4], ["32°24'W", 'lon', -32.4], ['32°24′30″E', 'lon', 32.4083333], ["32 24 30 E", 'lon', 32.4083333],
    ['32d24m30sE', 'lon', 32.4083333], ["32°24.5'E", 'lon', 32.4083333], ["44°30'N", 'lat', 44.5], ['90S', 'lat', -90], ['180W', 'lon', -180],
    // Not angles: out of range, the wrong hemisphere letter, a sign and a letter, minutes over 60, decimal degrees with minutes, words.
    ['91', 'lat', null], ['181E', 'lon', null], ['45N', 'lon', null], ['30E', 'lat', null], ['-45N', 'lat', null],
    ["32°61'E", 'lon', null], ["32.5°10'E", 'lon', null], ['N45S', 'lat', null], ['', 'lat', null], ['north', 'lat', null],
  ];
  for (const [text, axis, want] of cases) {
    const got = parseAngle(text, axis);
    if (want === null) assert.equal(got, null, `${text} (${axis})`);
    else assert.ok(got !== null && Math.abs(got - want) < 1e-6, `${text} (${axis}): ${got} ≠ ${want}`);
  }
});

test('heights in metres, feet and flight levels, to the nearest metre', () => {
  assert.equal(heightInMetres('10000', 'm'), 10000);
  assert.equal(heightInMetres('33000', 'ft'), 10058);
  assert.equal(heightInMetres('330', 'FL'), 10058);
  assert.equal(heightInMetres('FL330', 'FL'), 10058);
  assert.equal(heightInMetres('0', 'FL'), 0);
  assert.equal(heightInMetres('ten', 'm'), null);
  assert.equal(heightInMetres('', 'ft'), null);
});

test('positions are typed latitude first and come out as GeoJSON orders them', () => {
  assert.deepEqual(parsePosition('44.5 30.25'), [30.25, 44.5]);
  assert.deepEqual(parsePosition('44.5, 30.25'), [30.25, 44.5]);
  assert.deepEqual(parsePosition("44°30'N 30°15'E"), [30.25, 44.5]);
  assert.deepEqual(parsePosition('44 30 N, 30 15 E'), [30.25, 44.5]);
  assert.deepEqual(parsePosition("33°52'S 151°12'E"), [151.2, -33.8666667]);
  assert.equal(parsePosition('95 30'), null, 'a latitude out of range');
  assert.equal(parsePosition('44.5'), null);
  assert.equal(parsePosition('44.5 30.25 12'), null);
});
