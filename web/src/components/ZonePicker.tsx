import { useState } from 'preact/hooks';
import { t } from '../app/t.ts';
import { currentZoneName, validZone, zones } from '../app/zones.ts';

/**
 * The time-zone choice: a text field that searches the zone names as one
 * types (a datalist: "kyiv", "paris", "new_y"), taking a name only when it is
 * a zone; about 420 names are too many for a plain list.
 */
export function ZonePicker({ value, onChange }: { value: string; onChange: (zone: string) => void }) {
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? currentZoneName(value);
  const take = (v: string) => {
    const exact = zones.find((z) => z.toLowerCase() === v.trim().toLowerCase()) ?? validZone(v.trim());
    if (exact) {
      setText(null);
      if (exact !== value) onChange(exact);
    }
  };
  return (
    <label class="zone-picker">
      <span class="visually-hidden">{t('header.zone')}</span>
      <input
        type="text" list="zone-names" title={t('header.zone')} value={shown} spellcheck={false} autocomplete="off" data-testid="zone"
        aria-describedby="zone-hint"
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          // Picking from the list puts the whole name in: take it at once.
          if (zones.includes(v)) take(v);
        }}
        onChange={(e) => take(e.currentTarget.value)}
        onBlur={() => setText(null)}
      />
      <span id="zone-hint" class="visually-hidden">{t('header.zoneHint')}</span>
      <datalist id="zone-names">
        {zones.map((z) => <option key={z} value={z} />)}
      </datalist>
    </label>
  );
}
