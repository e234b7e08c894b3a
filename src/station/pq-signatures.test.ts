import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseVerifierKey } from '../core/note/key.ts';
import { mlDsaNoteKeyOf } from '../core/note/mldsa.ts';
import { parseNote, verifyNote } from '../core/note/note.ts';
import { nodeCrypto } from '../node/crypto.ts';
import { createStation } from './create.ts';
import { Station } from './station.ts';

// The station as assembled: ML-DSA lines on checkpoints only when hotline.json turns them on (they cost milliseconds each).

for (const on of [false, true]) {
  test(`a station's checkpoints carry ${on ? 'an ML-DSA-44 line beside the Ed25519 one with "pqSignatures": true' : 'the Ed25519 line alone by default'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-pq-'));
    try {
      const made = await createStation(dir, 'Oslo', '127.0.0.1:0');
      if (on) {
        const file = join(dir, 'hotline.json');
        writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), pqSignatures: true }));
      }
      const station = await Station.open(dir, { check: true });
      try {
        await station.store.createLine({ id: 'line-l', title: 'l', parties: [{ name: 'Oslo', key: made.vkey }], discreet: false, createdAt: 1, memberIds: [] });
        await station.appender.open('line-l');
        await station.appender.append({ line: 'line-l', kind: 'message', body: { text: 'hello' } });
        const note = (await station.store.latestCheckpoint({ line: 'line-l', party: 'Oslo' }))!.note;
        assert.equal(parseNote(note).signatures.length, on ? 2 : 1);
        if (on) assert.equal(verifyNote(nodeCrypto, note, [parseVerifierKey(nodeCrypto, made.pqVkey)]).verified.length, 1);
        // Either way the revocation statement made at init carries the ML-DSA key's line.
        const revocation = readFileSync(made.revocationFile, 'utf8');
        assert.equal(verifyNote(nodeCrypto, revocation, [mlDsaNoteKeyOf(nodeCrypto, parseVerifierKey(nodeCrypto, made.pqVkey))]).verified.length, 1);
      } finally {
        await station.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
