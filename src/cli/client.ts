import type { IncomingMessage } from 'node:http';
import { fetch, type Agent, type Response } from 'undici';
import WebSocket from 'ws';
import { HotlineError, errorTable, type ErrorCode } from '../core/errors.ts';
import { connectionFailure, dispatcher, socketOptions, type Trust } from './trust.ts';

/** A thin client of the station API: every CLI command that talks to a station goes through it. */
export class Client {
  private agent?: Agent;

  constructor(readonly url: string, private readonly token?: string, readonly trust: Trust = { kind: 'system' }) {
    this.agent = dispatcher(trust);
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.url), {
        dispatcher: this.agent,
        method,
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw connectionFailure(this.url, this.trust, e);
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

  /**
   * Opens a WebSocket to the station (ws:// beside http://, wss:// beside
   * https://) with the same bearer token; a refused upgrade is the same
   * HotlineError a refused request would be. `onMessage` is attached at once:
   * a first message that arrives with the upgrade itself is not lost.
   */
  socket(path: string, onMessage: (data: WebSocket.RawData) => void): Promise<WebSocket> {
    const url = new URL(path, this.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: this.token ? { authorization: `Bearer ${this.token}` } : {}, ...socketOptions(this.trust) });
      ws.on('message', onMessage);
      ws.once('open', () => {
        ws.removeAllListeners('error');
        resolve(ws);
      });
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let code: ErrorCode = 'internal';
          let message = `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
          try {
            const reply = JSON.parse(text) as { error?: { code?: string; message?: string } };
            if (reply.error?.code && reply.error.code in errorTable) code = reply.error.code as ErrorCode;
            if (reply.error?.message) message = reply.error.message;
          } catch {
            if (res.statusCode === 404) code = 'not_found';
          }
          ws.terminate();
          reject(new HotlineError(code, message));
        });
      });
      ws.on('error', (e: Error) => reject(connectionFailure(this.url, this.trust, e)));
    });
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
