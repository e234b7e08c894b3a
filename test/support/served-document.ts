import { buildApp } from '../../src/station/api/app.ts';
import { Station } from '../../src/station/station.ts';
import { makeStationDir } from './station.ts';

/**
 * The OpenAPI document a station serves at /openapi.json, asked of a fresh
 * station's API in-process (the same app and route a listening station runs,
 * without the second of start-up a process costs).
 */
export async function servedDocument(): Promise<any> {
  const dir = await makeStationDir('Washington');
  const station = await Station.open(dir.dir);
  try {
    const app = await buildApp(station);
    try {
      const res = await app.inject({ method: 'GET', url: '/openapi.json' });
      if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}: ${res.body}`);
      return res.json();
    } finally {
      await app.close();
    }
  } finally {
    await station.close();
    dir.cleanup();
  }
}

/** Every operation in the document: method (lower case, as OpenAPI writes it), path and the operation object. */
export function operations(doc: any): { method: string; path: string; op: any }[] {
  const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
  return Object.entries<any>(doc.paths ?? {}).flatMap(([path, item]) =>
    methods.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })));
}
