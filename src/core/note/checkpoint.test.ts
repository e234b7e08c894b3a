import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { utf8Decode, utf8Encode } from '../encoding.ts';
import { leafHash } from '../merkle/hash.ts';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { NoteError } from './errors.ts';
import { parseVerifierKey, formatVerifierKey } from './key.ts';
import { signNote, verifyNote } from './note.ts';

// golang.org/x/mod/sumdb/tlog note_test.go TestFormatTree / TestParseTree.
const GO_TREE = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';

test('formats and parses the Go tlog golden tree', () => {
  const root = leafHash(c, utf8Encode('hello world'));
  const cp: Checkpoint = { origin: 'go.sum database tree', size: 123456789012, root, extensions: [] };
  assert.equal(formatCheckpoint(cp), GO_TREE);
  assert.deepEqual(parseCheckpoint(GO_TREE), cp);
  for (const bad of [
    'go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
    'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n',
  ]) {
    assert.throws(() => parseCheckpoint(bad), NoteError);
  }
});

// c2sp.org/tlog-checkpoint example.
test('parses the spec example', () => {
  const cp = parseCheckpoint('example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n');
  assert.equal(cp.origin, 'example.com/behind-the-sofa');
  assert.equal(cp.size, 20852163);
  assert.equal(cp.root.length, 32);
  assert.deepEqual(cp.extensions, []);
});

test('extension lines are kept in order', () => {
  const text = `${GO_TREE}ext one\n— not a signature here\n`;
  assert.deepEqual(parseCheckpoint(text).extensions, ['ext one', '— not a signature here']);
  assert.equal(formatCheckpoint(parseCheckpoint(text)), text);
});

test('rejects every non-canonical checkpoint', () => {
  const root = 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=';
  for (const bad of [
    `o\n012\n${root}\n`, `o\n-1\n${root}\n`, `o\n+1\n${root}\n`, `o\n 1\n${root}\n`, `o\n1 \n${root}\n`, `o\n1.0\n${root}\n`,
    `o\n1e3\n${root}\n`, `o\n\n${root}\n`, `o\n9007199254740993\n${root}\n`, `\n1\n${root}\n`, `o\n1\n${root}`,
    `o\n1\n${root}\n\n`, `o\n1\n${root}\n\next\n`, 'o\n1\n\n', `o\n1\n${root.slice(4)}\n`, `o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb1=\n`,
    `o\n1\n${root} \n`, 'o\n1\n', 'o\n', '', `o\r\n1\n${root}\n`, `o\t\n1\n${root}\n`, `o\n1\n${root}\nbad\u0000\n`,
  ]) {
    assert.throws(() => parseCheckpoint(bad), NoteError, JSON.stringify(bad));
  }
  const ok: Checkpoint = { origin: 'o', size: 0, root: new Uint8Array(32), extensions: [] };
  assert.equal(formatCheckpoint(ok), 'o\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n');
  for (const bad of [
    { ...ok, origin: '' }, { ...ok, origin: 'a\nb' }, { ...ok, size: -1 }, { ...ok, size: 1.5 }, { ...ok, size: 2 ** 53 },
    { ...ok, root: new Uint8Array(31) }, { ...ok, extensions: [''] }, { ...ok, extensions: ['a\nb'] }, { ...ok, origin: 'tab\t' },
  ]) {
    assert.throws(() => formatCheckpoint(bad), NoteError, JSON.stringify(bad));
  }
});

const checkpoint = fc.record(
  {
    origin: fc.stringMatching(/^[a-z0-9./é -]{1,30}$/),
    size: fc.maxSafeNat(),
    root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    extensions: fc.array(fc.stringMatching(/^[ -~]{1,20}$/), { maxLength: 3 }),
  },
  { noNullPrototype: true },
);

test('property: checkpoints round-trip', () => {
  fc.assert(fc.property(checkpoint, (cp) => assert.deepEqual(parseCheckpoint(formatCheckpoint(cp)), cp)));
});

test('property: any single-byte change to a signed checkpoint is rejected', () => {
  const seed = new Uint8Array(32).fill(3);
  const signer = signerFromSeed(seed);
  const key = parseVerifierKey(c, formatVerifierKey(c, 'example.com/log', signer.publicKey));
  fc.assert(
    fc.property(checkpoint, fc.nat(), fc.integer({ min: 1, max: 255 }), (cp, where, bit) => {
      const bytes = utf8Encode(signNote(c, formatCheckpoint(cp), [{ name: 'example.com/log', signer }]));
      bytes[where % bytes.length] ^= bit;
      assert.throws(() => parseCheckpoint(verifyNote(c, utf8Decode(bytes), [key]).text));
    }),
    { numRuns: 300 },
  );
});
