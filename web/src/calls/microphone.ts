import { signal } from '@preact/signals';

// Which microphone a call uses. Device ids belong to this browser on this
// machine, so the choice is kept here (localStorage), not on the station.

const KEY = 'hotline.microphone';
export const microphoneId = signal<string>(localStorage.getItem(KEY) ?? '');
export const localStream = signal<MediaStream | null>(null);

export function chooseMicrophone(id: string): void {
  microphoneId.value = id;
  if (id) localStorage.setItem(KEY, id);
  else localStorage.removeItem(KEY);
}

/** The microphones the browser offers (their names only once the page was allowed a microphone). */
export async function microphones(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
}

/** The chosen microphone, or the browser's default when none is chosen or the chosen one is gone (unplugged). */
export async function openMicrophone(): Promise<MediaStream> {
  const id = microphoneId.value;
  if (id) {
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: id } }, video: false });
    } catch (e) {
      if ((e as DOMException).name !== 'OverconstrainedError' && (e as DOMException).name !== 'NotFoundError') throw e;
    }
  }
  return navigator.mediaDevices.getUserMedia({ audio: true, video: false });
}
