import { token } from '../api/client.ts';

/**
 * Saves what the station serves at `path` as a file. A plain link cannot
 * carry the bearer token, so the console fetches it and hands the browser a
 * blob URL to download.
 */
export async function downloadWithToken(path: string, filename: string): Promise<Blob> {
  const t = token();
  const res = await fetch(path, { headers: t ? { authorization: `Bearer ${t}` } : {} });
  if (!res.ok) {
    let message = `${res.status}`;
    try {
      message = (await res.json())?.error?.message ?? message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob;
}
