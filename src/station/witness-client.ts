// The station's side of c2sp.org/tlog-witness: submit a checkpoint with a
// consistency proof and get the witness's cosignature lines back. Failures
// are returned, not thrown: a witness being down or behind is an expected
// state of the world that the caller reacts to (retry with the size a 409
// reports, try another witness), not a bug.
import { formatAddCheckpoint, type AddCheckpointRequest } from '../core/note/add-checkpoint.ts';
import { parseSignatureLine } from '../core/note/syntax.ts';

export type { AddCheckpointRequest } from '../core/note/add-checkpoint.ts';

export type AddCheckpointResponse =
  /** Each element is one complete signature line, ending in "\n", exactly as the witness sent it. */
  | { ok: true; cosignatures: string[] }
  /** status 0: no HTTP answer (unreachable, timed out). knownSize: the witness's size, from a 409. */
  | { ok: false; status: number; knownSize?: number; message: string };

export const SIZE_CONTENT_TYPE = 'text/x.tlog.size';
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * POSTs to `<url>/add-checkpoint`, where `url` is the witness's submission
 * prefix (e.g. http://127.0.0.1:7780). The cosignatures are not verified
 * here: the caller knows which witness keys it trusts (verifyCosignature).
 */
export async function addCheckpoint(
  url: string,
  req: AddCheckpointRequest,
  opts: { timeoutMs?: number } = {},
): Promise<AddCheckpointResponse> {
  // A malformed request is the caller's bug, so this one throws (NoteError).
  const body = formatAddCheckpoint(req);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${url.replace(/\/+$/, '')}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    const err = e as Error;
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    const cause = (err as { cause?: Error }).cause?.message;
    return { ok: false, status: 0, message: timedOut ? `the witness did not answer within ${timeoutMs} ms` : `cannot reach the witness: ${cause ?? err.message}` };
  }
  if (res.status === 200) {
    const lines = signatureLines(text);
    if (!lines) return { ok: false, status: 200, message: 'the witness answered 200 without well-formed signature lines' };
    return { ok: true, cosignatures: lines };
  }
  if (res.status === 409) {
    const knownSize = sizeBody(res.headers.get('content-type'), text);
    const message = knownSize === undefined ? text.trim() || 'conflict' : `the witness has cosigned size ${knownSize}`;
    return knownSize === undefined ? { ok: false, status: 409, message } : { ok: false, status: 409, knownSize, message };
  }
  return { ok: false, status: res.status, message: text.trim() || res.statusText };
}

/** One or more note signature lines, each ending in "\n"; null for anything else. */
function signatureLines(text: string): string[] | null {
  if (text.length === 0 || !text.endsWith('\n')) return null;
  const lines = text.slice(0, -1).split('\n');
  try {
    for (const line of lines) parseSignatureLine(line);
  } catch {
    return null;
  }
  return lines.map((l) => `${l}\n`);
}

/** The 409 body: the witnessed size in decimal and a newline, typed text/x.tlog.size. */
function sizeBody(contentType: string | null, text: string): number | undefined {
  if (contentType?.split(';')[0].trim().toLowerCase() !== SIZE_CONTENT_TYPE) return undefined;
  const m = /^(0|[1-9][0-9]*)\n$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * POSTs one key rotation statement (a signed note by the old and the new
 * key) to `<url>/hotline/key-rotation`, Hotline's addition to tlog-witness:
 * the witness then trusts the new key for the party's logs that pinned the
 * old one. 200: done or already known; 403: the statement does not start
 * from a key the witness pins; 400: malformed. Failures are returned.
 */
export async function postKeyRotation(url: string, statement: string, opts: { timeoutMs?: number } = {}): Promise<{ ok: boolean; status: number; message: string }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/hotline/key-rotation`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: statement,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await res.text()).trim();
    return { ok: res.status === 200, status: res.status, message: text || res.statusText };
  } catch (e) {
    const err = e as Error;
    return { ok: false, status: 0, message: `cannot reach the witness: ${(err as { cause?: Error }).cause?.message ?? err.message}` };
  }
}
