// Reading a C2SP signed note holding a tlog-checkpoint, for display only:
// the console shows what the station serves; `hotline verify` is what checks it.

export interface NoteSignature { name: string; signature: string }
export interface Checkpoint { origin: string; size: number; root: string; extensions: string[]; signatures: NoteSignature[] }

export function parseCheckpointNote(note: string): Checkpoint | null {
  const split = note.indexOf('\n\n');
  if (split < 0) return null;
  const text = note.slice(0, split).split('\n');
  if (text.length < 3 || !/^\d+$/.test(text[1])) return null;
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (m) signatures.push({ name: m[1], signature: m[2] });
  }
  return { origin: text[0], size: Number(text[1]), root: text[2], extensions: text.slice(3), signatures };
}

export interface Cosignature { size: number; cosigner: string; timestamp: number; signature: string }
export interface CosignerSummary { cosigner: string; role: 'peer' | 'witness'; size: number; timestamp: number; count: number }

/** The latest cosignature of each cosigner: parties' (delivery receipts) first, then witnesses'. */
export function cosigners(cosignatures: Cosignature[], parties: string[]): CosignerSummary[] {
  const by = new Map<string, CosignerSummary>();
  for (const c of cosignatures) {
    const seen = by.get(c.cosigner);
    if (!seen) by.set(c.cosigner, { cosigner: c.cosigner, role: parties.includes(c.cosigner) ? 'peer' : 'witness', size: c.size, timestamp: c.timestamp, count: 1 });
    else {
      seen.count++;
      if (c.size > seen.size || (c.size === seen.size && c.timestamp > seen.timestamp)) Object.assign(seen, { size: c.size, timestamp: c.timestamp });
    }
  }
  return [...by.values()].sort((a, b) => (a.role === b.role ? (a.cosigner < b.cosigner ? -1 : 1) : a.role === 'peer' ? -1 : 1));
}

/** A word for a shell command line, quoted only when it must be. */
export function shellWord(s: string): string {
  return /^[\w+\/=.:@%,-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}
