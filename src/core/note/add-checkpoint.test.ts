import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { toBase64 } from '../encoding.ts';
import { formatAddCheckpoint, MAX_PROOF_LINES, parseAddCheckpoint } from './add-checkpoint.ts';
import { NoteError } from './errors.ts';
import { parseNote } from './note.ts';

// c2sp.org/tlog-witness §add-checkpoint example request body.
const SPEC_PROOF = [
  'PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=',
  'jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=',
  '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=',
  '/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=',
];
const SPEC_CHECKPOINT =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
  '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';
const SPEC_BODY = `old 20852014\n${SPEC_PROOF.join('\n')}\n\n${SPEC_CHECKPOINT}`;

test('parses the spec example and formats it back byte for byte', () => {
  const req = parseAddCheckpoint(SPEC_BODY);
  assert.equal(req.oldSize, 20852014);
  assert.deepEqual(req.proof.map(toBase64), SPEC_PROOF);
  assert.equal(req.checkpoint, SPEC_CHECKPOINT);
  assert.equal(parseNote(req.checkpoint).signatures.length, 2);
  assert.equal(formatAddCheckpoint(req), SPEC_BODY);
});

test('old size 0 with no proof is "old 0", a blank line, then the note', () => {
  const cp = 'o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n— k AAAAAA==\n';
  assert.equal(formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: cp }), `old 0\n\n${cp}`);
  assert.deepEqual(parseAddCheckpoint(`old 0\n\n${cp}`), { oldSize: 0, proof: [], checkpoint: cp });
});

test('rejects malformed framing', () => {
  const hash = SPEC_PROOF[0];
  for (const bad of [
    '',
    'old 1\n',
    'old 1\nx\n',
    `old 01\n\n${SPEC_CHECKPOINT}`,
    `old -1\n\n${SPEC_CHECKPOINT}`,
    `old  1\n\n${SPEC_CHECKPOINT}`,
    `Old 1\n\n${SPEC_CHECKPOINT}`,
    `old 1 \n\n${SPEC_CHECKPOINT}`,
    `old 99999999999999999999\n\n${SPEC_CHECKPOINT}`,
    `old 1\r\n\r\n${SPEC_CHECKPOINT}`,
    `old 1\n${hash.slice(0, -1)}\n\n${SPEC_CHECKPOINT}`,
    `old 1\n${hash} \n\n${SPEC_CHECKPOINT}`,
    `old 1\nAAAA\n\n${SPEC_CHECKPOINT}`,
    `\nold 1\n\n${SPEC_CHECKPOINT}`,
    'old 1\n\n',
    `old 1\n${`${hash}\n`.repeat(MAX_PROOF_LINES + 1)}\n${SPEC_CHECKPOINT}`,
  ]) {
    assert.throws(() => parseAddCheckpoint(bad), NoteError, JSON.stringify(bad));
  }
  assert.equal(parseAddCheckpoint(`old 1\n${`${hash}\n`.repeat(MAX_PROOF_LINES)}\n${SPEC_CHECKPOINT}`).proof.length, MAX_PROOF_LINES);
});

test('refuses to format what it could not parse', () => {
  const cp = SPEC_CHECKPOINT;
  assert.throws(() => formatAddCheckpoint({ oldSize: -1, proof: [], checkpoint: cp }), NoteError);
  assert.throws(() => formatAddCheckpoint({ oldSize: 1.5, proof: [], checkpoint: cp }), NoteError);
  assert.throws(() => formatAddCheckpoint({ oldSize: 1, proof: [new Uint8Array(31)], checkpoint: cp }), NoteError);
  assert.throws(() => formatAddCheckpoint({ oldSize: 1, proof: Array(64).fill(new Uint8Array(32)), checkpoint: cp }), NoteError);
  assert.throws(() => formatAddCheckpoint({ oldSize: 1, proof: [], checkpoint: 'no newline' }), NoteError);
});

test('format then parse is the identity', () => {
  fc.assert(
    fc.property(
      fc.nat(),
      fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: MAX_PROOF_LINES }),
      (oldSize, proof) => {
        const req = { oldSize, proof, checkpoint: SPEC_CHECKPOINT };
        assert.deepEqual(parseAddCheckpoint(formatAddCheckpoint(req)), req);
      },
    ),
  );
});
