import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { api, eventually, freePort, makeStationDir, startStation, tlsFor, type StationDir, type StationProcess } from './station.ts';

export interface Linked {
  name: string;
  dir: StationDir;
  proc: StationProcess;
  tokens: Record<string, string>;
  /** Calls the station's API as the named member. */
  as(member: string, method: string, path: string, body?: unknown): ReturnType<typeof api>;
}

/**
 * Real station processes, each with the given members, all pinned to each
 * other and linked; `config` is merged into every hotline.json (e.g. a
 * short scheduler interval). Call `stop` when done.
 */
export async function linkedStations(names: string[], members: Record<string, string>, config: Record<string, unknown> = {}): Promise<{ stations: Linked[]; stop(): Promise<void> }> {
  const stations: Linked[] = [];
  const stop = async () => {
    for (const s of stations) await s.proc.stop();
    for (const s of stations) s.dir.cleanup();
  };
  try {
    for (const name of names) {
      const dir = await makeStationDir(name, { root: 'admin', ...members });
      const path = join(dir.dir, 'hotline.json');
      writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...config }));
      const proc = await startStation(dir.dir, '127.0.0.1:0', 20_000, `127.0.0.1:${await freePort()}`);
      stations.push({ name, dir, proc, tokens: dir.tokens, as: (m, method, p, body) => api(proc.url, dir.tokens[m], method, p, body) });
    }
    for (const a of stations) for (const b of stations) {
      if (a === b) continue;
      const r = await a.as('root', 'POST', '/v1/peers', { name: b.name, key: b.dir.identity.vkey, urls: [b.proc.linkUrl] });
      if (r.status !== 201) throw new Error(`pinning ${b.name} at ${a.name}: ${r.text}`);
    }
    for (const a of stations) for (const b of stations) {
      if (a === b) continue;
      await eventually(async () => (await a.as('root', 'GET', '/v1/links')).json.links.find((l: any) => l.peer === b.name && l.status === 'up'), `link ${a.name}→${b.name} up`);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { stations, stop };
}

/** Creates a line at `owner` naming every station's members, and waits until each station holds it. */
export async function shareLine(owner: Linked, others: Linked[], id: string, members: string[], options: { discreet?: boolean; title?: string } = {}): Promise<string> {
  // A discreet line's id is always chosen by the station.
  const r = await owner.as('root', 'POST', '/v1/lines', { ...(options.discreet ? {} : { id }), title: options.title ?? id, parties: others.map((o) => o.dir.identity.vkey), members, discreet: options.discreet ?? false });
  if (r.status !== 201) throw new Error(`creating line: ${r.text}`);
  const lineId = r.json.id as string;
  for (const o of others) {
    await eventually(async () => (await o.as('root', 'GET', `/v1/lines/${lineId}`)).status === 200, `line at ${o.name}`);
    const set = await o.as('root', 'PUT', `/v1/lines/${lineId}/members`, { members });
    if (set.status !== 200) throw new Error(`naming members at ${o.name}: ${set.text}`);
  }
  return lineId;
}

/** A console's live event stream, collecting every event it hears. */
export async function listen(url: string, token: string): Promise<{ events: any[]; waitFor(pred: (e: any) => boolean, what: string, ms?: number): Promise<any>; close(): void }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/events`, { headers: { authorization: `Bearer ${token}` }, ...tlsFor(url) });
  const events: any[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`event stream refused: ${res.statusCode}`)));
  });
  return {
    events,
    waitFor: (pred, what, ms = 15_000) => eventually(async () => events.find(pred), what, ms),
    close: () => ws.close(),
  };
}
