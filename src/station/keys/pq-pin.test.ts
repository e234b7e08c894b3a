import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey } from '../../core/note/key.ts';
import { formatMlDsaVerifierKey } from '../../core/note/mldsa.ts';
import { mlDsa44SignerFromSeed, nodeCrypto as c, signerFromSeed } from '../../node/crypto.ts';
import { checkPqPin, pinnedPqKeys } from './pq-pin.ts';

const pq = mlDsa44SignerFromSeed(new Uint8Array(32).fill(1));
const ed = signerFromSeed(new Uint8Array(32).fill(2));

test('a peer\'s ML-DSA key is pinned only as an ML-DSA-44 key of that peer', () => {
  const vkey = formatMlDsaVerifierKey(c, 'Kyiv', pq.publicKey);
  assert.equal(checkPqPin('Kyiv', vkey), vkey);
  assert.throws(() => checkPqPin('Paris', vkey), (e: Error & { code?: string }) => e.code === 'bad_request' && /belongs to Kyiv/.test(e.message));
  assert.throws(() => checkPqPin('Kyiv', formatVerifierKey(c, 'Kyiv', ed.publicKey)), /must be an ML-DSA-44 key/);
  assert.throws(() => checkPqPin('Kyiv', 'Kyiv+00000000+AAAA'), /not a signed-note verifier key/);
  const keys = pinnedPqKeys([{ name: 'Kyiv', key: 'k', urls: [], pqKey: vkey }, { name: 'Oslo', key: 'k', urls: [] }]);
  assert.deepEqual([...keys.keys()], ['Kyiv']);
  assert.deepEqual(keys.get('Kyiv')?.publicKey, pq.publicKey);
});
