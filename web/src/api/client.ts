// The station's HTTP API, as the console uses it. The token lives in
// sessionStorage: closing the tab logs the watch out of this console.

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfter: number | null = null) {
    super(message);
  }
}

const TOKEN = 'hotline.token';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN);
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(TOKEN, value);
  else sessionStorage.removeItem(TOKEN);
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const t = token();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    // A 401 on a request that carried our token means the session is over
    // (expired, idle too long, or revoked); a 401 during sign-in is just a wrong answer.
    if (res.status === 401 && t) {
      setToken(null);
      window.dispatchEvent(new Event('hotline:logged-out'));
    }
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, data?.error?.code ?? 'error', data?.error?.message ?? String(res.status), Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return data as T;
}

export const get = <T = any>(path: string) => api<T>('GET', path);
export const post = <T = any>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T = any>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T = any>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T = any>(path: string) => api<T>('DELETE', path);

export const lineUrl = (line: string, rest = '') => `/v1/lines/${encodeURIComponent(line)}${rest}`;
