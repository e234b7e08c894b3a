// Checkpoint signing and verification rates with and without the ML-DSA-44
// line (c2sp.org/tlog-cosignature type 0x06), single core, in process: the
// cost of keeping checkpoints verifiable after Ed25519 falls. A station signs
// one checkpoint per group commit, so the signing rate bounds commits per
// second; verifiers check one per log (and per receipt).
import { logOrigin } from '../src/core/line.ts';
import { formatCheckpoint } from '../src/core/note/checkpoint.ts';
import { formatVerifierKey, parseVerifierKey } from '../src/core/note/key.ts';
import { formatMlDsaVerifierKey } from '../src/core/note/mldsa.ts';
import { signNote, verifyNote } from '../src/core/note/note.ts';
import { mlDsa44SignerFromSeed, newSeed, nodeCrypto as c, signerFromSeed } from '../src/node/crypto.ts';
import { rate } from './stats.ts';

export interface PqSignatureRates {
  /** Checkpoints signed per second: Ed25519 line only (today's), and Ed25519 + ML-DSA-44. */
  signEd25519PerS: number;
  signBothPerS: number;
  /** Checkpoints verified per second: by an Ed25519-only verifier (it skips the ML-DSA line), and checking both lines. */
  verifyEd25519PerS: number;
  verifyEd25519SkippingMlDsaPerS: number;
  verifyBothPerS: number;
  /** Just the ML-DSA-44 line: signed, and verified alone (what stays when Ed25519 is no longer trusted). */
  verifyMlDsaOnlyPerS: number;
  /** Note sizes in bytes: one line, two lines. */
  noteBytesEd25519: number;
  noteBytesBoth: number;
}

/**
 * Each rate is measured `rounds` times for about `ms` milliseconds, the
 * measurements interleaved, and the best round kept: on a shared machine the
 * slow rounds are other work, not the signature.
 */
export async function pqSignatureRates(ms = 500, rounds = 3): Promise<PqSignatureRates> {
  const party = 'Paris';
  const ed = signerFromSeed(newSeed());
  const pq = mlDsa44SignerFromSeed(newSeed());
  const edKey = parseVerifierKey(c, formatVerifierKey(c, party, ed.publicKey));
  const pqKey = parseVerifierKey(c, formatMlDsaVerifierKey(c, party, pq.publicKey));
  let size = 1000;
  const text = () => formatCheckpoint({ origin: logOrigin('line-1', party), size: size++, root: c.sha256(new Uint8Array([size & 0xff])), extensions: [] });

  const one = signNote(c, text(), [{ name: party, signer: ed }]);
  const both = signNote(c, text(), [{ name: party, signer: ed }], [{ name: party, signer: pq }]);
  const measures = {
    signEd25519PerS: () => signNote(c, text(), [{ name: party, signer: ed }]),
    signBothPerS: () => signNote(c, text(), [{ name: party, signer: ed }], [{ name: party, signer: pq }]),
    verifyEd25519PerS: () => verifyNote(c, one, [edKey]),
    verifyEd25519SkippingMlDsaPerS: () => verifyNote(c, both, [edKey]),
    verifyBothPerS: () => verifyNote(c, both, [edKey, pqKey]),
    verifyMlDsaOnlyPerS: () => verifyNote(c, both, [pqKey]),
  };
  const best = Object.fromEntries(Object.keys(measures).map((k) => [k, 0])) as Record<keyof typeof measures, number>;
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of Object.entries(measures) as Array<[keyof typeof measures, () => unknown]>) best[k] = Math.max(best[k], rate(ms, fn));
  }
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  return { ...best, noteBytesEd25519: bytes(one), noteBytesBoth: bytes(both) };
}
