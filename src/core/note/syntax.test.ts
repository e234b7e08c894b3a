import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoteError } from './errors.ts';
import { checkNoteText, formatSignatureLine, parseSignatureLine } from './syntax.ts';

// golang.org/x/mod/sumdb/note example signature line.
const LINE = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';

test('signature lines split into name, big-endian key hash and signature', () => {
  const sig = parseSignatureLine(LINE);
  assert.equal(sig.name, 'PeterNeumann');
  assert.equal(sig.hash, 0xc74f20a3);
  assert.equal(sig.signature.length, 64);
  assert.equal(formatSignatureLine(sig), `${LINE}\n`);
});

test('malformed signature lines are NoteErrors', () => {
  for (const bad of ['', '— ', '—  AAAAAAA=', '— a', '— a AAAAAA==', '— a+b AAAAAAA=', '— a AAAAAAA', '-- a AAAAAAA=', ' — a AAAAAAA=']) {
    assert.throws(() => parseSignatureLine(bad), NoteError, JSON.stringify(bad));
  }
  assert.deepEqual(parseSignatureLine('— a AAAAAAA=').signature, new Uint8Array([0]));
});

test('note text rules', () => {
  checkNoteText('a\n\nb\n');
  checkNoteText('\n');
  for (const bad of ['', 'a', 'a\r\n', 'a\u0000\n', 'a\u001f\n', '\ud800\n']) {
    assert.throws(() => checkNoteText(bad), NoteError, JSON.stringify(bad));
  }
});
