// The time zones a member can pick, by their current IANA names. Browsers
// list ICU's canonical ids, some of which are names the tz database has since
// replaced (Europe/Kiev became Europe/Kyiv in 2022): the current name is
// offered, and the old one still works if a preference holds it.

const renamed: Record<string, string> = {
  'Europe/Kiev': 'Europe/Kyiv',
  'Europe/Uzhgorod': 'Europe/Kyiv',
  'Europe/Zaporozhye': 'Europe/Kyiv',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Enderbury': 'Pacific/Kanton',
};

const works = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const zones: string[] = (() => {
  let listed: string[];
  try {
    listed = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    listed = ['UTC'];
  }
  const names = new Set(['UTC']);
  for (const z of listed) names.add(renamed[z] && works(renamed[z]) ? renamed[z] : z);
  return [...names].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
})();

/** The current name of a zone, as the picker shows it. */
export const currentZoneName = (zone: string) => (renamed[zone] && works(renamed[zone]) ? renamed[zone] : zone);

/** A zone name the browser can format with, or null. */
export const validZone = (zone: string): string | null => (zone && works(zone) ? zone : null);
