import { signal } from '@preact/signals';
import { get, lineUrl } from '../api/client.ts';

// Lines as people name them: their titles, for the places that only have a
// line's id at hand (a ringing call's dialog, say). Read once per line.

const titles = signal<Map<string, string>>(new Map());
const asked = new Set<string>();

/** The line's title, or null until it is known (the caller shows nothing rather than the id). */
export function lineTitle(id: string): string | null {
  const known = titles.value.get(id);
  if (known !== undefined) return known;
  if (!asked.has(id)) {
    asked.add(id);
    void get<{ title: string }>(lineUrl(id)).then((l) => {
      titles.value = new Map(titles.value).set(id, l.title);
    }).catch(() => asked.delete(id));
  }
  return null;
}
