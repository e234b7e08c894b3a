import { useEffect, useState } from 'preact/hooks';
import { get, put } from '../../api/client.ts';
import { loadNames } from '../../app/names.ts';
import { t } from '../../app/t.ts';
import { languageNames, languages } from '../../i18n/index.ts';
import type { Names as NamesView } from '../../../../src/wire/names.ts';
import type { LineView } from '../../../../src/wire/line.ts';

/** The admin gives the lines and parties their names in each console language (the record keeps the originals). */
export function Names() {
  const [names, setNames] = useState<NamesView | null>(null);
  const [lines, setLines] = useState<LineView[]>([]);
  const [status, setStatus] = useState('');
  useEffect(() => {
    void Promise.all([get<NamesView>('/v1/names'), get<{ lines: LineView[] }>('/v1/lines')]).then(([n, l]) => {
      setNames(n);
      setLines(l.lines);
    });
  }, []);
  if (!names) return null;
  const parties = [...new Set(lines.flatMap((l) => l.parties.map((p) => p.name)))].sort();
  const set = (group: 'lines' | 'parties', key: string, lang: string, value: string) => {
    const next: NamesView = { lines: { ...names.lines }, parties: { ...names.parties } };
    const entry = { ...(next[group][key] ?? {}) } as Record<string, string>;
    if (value.trim()) entry[lang] = value;
    else delete entry[lang];
    next[group][key] = entry;
    setNames(next);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await put('/v1/names', names);
      await loadNames();
      setStatus(t('security:names.saved'));
    } catch (err) {
      setStatus((err as Error).message);
    }
  };
  const row = (group: 'lines' | 'parties', key: string, recorded: string) => (
    <tr key={`${group}-${key}`} data-name-of={key}>
      <th scope="row">{recorded}</th>
      {languages.map((l) => (
        <td key={l}><input type="text" maxLength={200} aria-label={`${recorded}: ${languageNames[l]}`} value={(names[group][key] as Record<string, string> | undefined)?.[l] ?? ''} onInput={(e) => set(group, key, l, e.currentTarget.value)} data-lang={l} /></td>
      ))}
    </tr>
  );
  return (
    <section aria-labelledby="names-h" class="names" data-testid="names">
      <h2 id="names-h">{t('security:names.title')}</h2>
      <p class="muted">{t('security:names.intro')}</p>
      <form onSubmit={save}>
        <table>
          <thead><tr><th scope="col">{t('security:names.recorded')}</th>{languages.map((l) => <th key={l} scope="col">{languageNames[l]}</th>)}</tr></thead>
          <tbody>
            {lines.map((l) => row('lines', l.id, l.title))}
            {parties.map((p) => row('parties', p, p))}
          </tbody>
        </table>
        <button type="submit" data-testid="names-save">{t('security:names.save')}</button> <span role="status">{status}</span>
      </form>
    </section>
  );
}
