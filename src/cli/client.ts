import { HotlineError, errorTable, type ErrorCode } from '../core/errors.ts';

/** A thin client of the station API: every CLI command that talks to a station goes through it. */
export class Client {
  constructor(readonly url: string, private readonly token?: string) {}

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.url), {
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw new HotlineError('unavailable', `cannot reach the station at ${this.url}: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
    }
    if (res.ok) return res;
    let code: ErrorCode = 'internal';
    let message = `${res.status} ${res.statusText}`;
    try {
      const reply = (await res.json()) as { error?: { code?: string; message?: string } };
      if (reply.error?.code && reply.error.code in errorTable) code = reply.error.code as ErrorCode;
      if (reply.error?.message) message = reply.error.message;
    } catch {
      // not our error shape; keep the status line
    }
    throw new HotlineError(code, message);
  }

  async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  async text(path: string): Promise<string> {
    return (await this.request('GET', path)).text();
  }

  async bytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', path)).arrayBuffer());
  }
}

export function logPath(line: string, party: string): string {
  return `/v1/lines/${encodeURIComponent(line)}/logs/${encodeURIComponent(party)}/`;
}
