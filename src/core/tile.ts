// C2SP tlog-tiles (c2sp.org/tlog-tiles): resource paths, tile geometry and
// entry bundles. Tiles have height 8, so a tile at level L holds up to 256
// consecutive tree nodes from tree level 8·L.

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
const MAX_LEVEL = 63;

/** A hash tile; width 1..255 is a partial tile, 256 a full one. */
export interface TileId {
  level: number;
  index: number;
  width: number;
}

export type ParsedTilePath =
  | ({ kind: 'hash' } & TileId)
  | { kind: 'entries'; index: number; width: number };

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) throw new RangeError(`invalid tile width ${width}`);
}

/** `<N>` as zero-padded 3-digit elements, all but the last prefixed with "x". */
function encodeIndex(n: number): string {
  if (!isIndex(n)) throw new RangeError(`invalid tile index ${n}`);
  let out = String(n % 1000).padStart(3, '0');
  for (n = Math.floor(n / 1000); n > 0; n = Math.floor(n / 1000)) {
    out = `x${String(n % 1000).padStart(3, '0')}/${out}`;
  }
  return out;
}

function widthSuffix(width: number): string {
  checkWidth(width);
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

export function tilePath(t: TileId): string {
  if (!Number.isInteger(t.level) || t.level < 0 || t.level > MAX_LEVEL) throw new RangeError(`invalid tile level ${t.level}`);
  return `tile/${t.level}/${encodeIndex(t.index)}${widthSuffix(t.width)}`;
}

export function entriesPath(index: number, width: number): string {
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Parses a path relative to the log prefix. Anything but the one canonical
 * spelling is rejected (leading zeros, "x000/…", ".p/256", ".p/0", level 64,
 * …) so a path names exactly one resource and caches cannot be split.
 */
export function parseTilePath(path: string): ParsedTilePath | null {
  const m = /^tile\/(entries|[0-9]+)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([0-9]+))?$/.exec(path);
  if (!m) return null;
  const [, levelText, indexText, widthText] = m;
  let width = TILE_WIDTH;
  if (widthText !== undefined) {
    if (!DECIMAL.test(widthText)) return null;
    width = Number(widthText);
    if (width < 1 || width >= TILE_WIDTH) return null;
  }
  const index = Number(indexText.replaceAll('x', '').replaceAll('/', ''));
  if (!isIndex(index) || encodeIndex(index) !== indexText) return null;
  if (levelText === 'entries') return { kind: 'entries', index, width };
  if (!DECIMAL.test(levelText)) return null;
  const level = Number(levelText);
  if (level > MAX_LEVEL) return null;
  return { kind: 'hash', level, index, width };
}

/** The tree level and node index range [start, end) whose hashes a tile holds. */
export function hashTileNodeRange(t: TileId): { level: number; start: number; end: number } {
  checkWidth(t.width);
  if (!isIndex(t.level) || t.level > MAX_LEVEL || !isIndex(t.index)) throw new RangeError(`invalid tile ${t.level}/${t.index}`);
  const start = t.index * TILE_WIDTH;
  return { level: t.level * TILE_HEIGHT, start, end: start + t.width };
}

/** How many hashes tile (level, index) holds in a tree of treeSize leaves; 0 if it does not exist yet. */
export function tileWidthAt(level: number, index: number, treeSize: number): number {
  if (!isIndex(level) || !isIndex(index) || !isIndex(treeSize)) throw new RangeError('tile level, index and tree size must be non-negative integers');
  // Nodes at tree level 8·L are perfect subtrees of 256^L leaves.
  const nodes = Math.floor(treeSize / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

const MAX_ENTRY = 0xffff;

/** Concatenates entries, each prefixed with its big-endian uint16 length. */
export function encodeEntryBundle(entries: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY) throw new RangeError(`entry of ${e.length} bytes exceeds the 65535-byte bundle limit`);
    size += 2 + e.length;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const e of entries) {
    out[o++] = e.length >> 8;
    out[o++] = e.length & 0xff;
    out.set(e, o);
    o += e.length;
  }
  return out;
}

/** Inverse of encodeEntryBundle; throws if the bundle is cut short. */
export function decodeEntryBundle(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < b.length) {
    if (o + 2 > b.length) throw new Error('entry bundle truncated in a length prefix');
    const n = (b[o] << 8) | b[o + 1];
    o += 2;
    if (o + n > b.length) throw new Error('entry bundle truncated in an entry');
    // Copy: a Buffer caller would otherwise get views that alias its storage.
    out.push(new Uint8Array(b.subarray(o, o + n)));
    o += n;
  }
  return out;
}
