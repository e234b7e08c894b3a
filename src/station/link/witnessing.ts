import type { Logger } from 'pino';
import type { Crypto } from '../../core/crypto.ts';
import { parseVerifierKey, ALG_COSIGNATURE_V1, type VerifierKey } from '../../core/note/key.ts';
import { parseNote } from '../../core/note/note.ts';
import { verifyCosignature } from '../../core/note/cosignature.ts';
import type { LogReader } from '../log-reader.ts';
import type { LogId, Store } from '../storage/store.ts';
import { recordedRotations } from '../keys/rekey.ts';
import { addCheckpoint, postKeyRotation } from '../witness-client.ts';

export interface WitnessPin {
  key: string;
  url: string;
}

/**
 * Sends our logs' new checkpoints to the configured neutral witnesses
 * (C2SP tlog-witness) and stores the cosignatures they return beside the
 * checkpoint. At most one request per witness and log is in flight; newer
 * checkpoints that arrive meanwhile are coalesced into the next one.
 * Discreet lines are never sent: a witness must not learn they exist.
 */
export class Witnessing {
  private readonly witnesses: Array<{ key: VerifierKey; url: string }>;
  private readonly known = new Map<string, number>();
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();

  constructor(
    private readonly deps: { store: Store; reader: LogReader; crypto: Crypto; logger?: Logger; isDiscreet: (line: string) => boolean },
    pins: WitnessPin[],
  ) {
    this.witnesses = pins.map((p) => {
      const key = parseVerifierKey(deps.crypto, p.key);
      if (key.alg !== ALG_COSIGNATURE_V1) throw new Error(`witness key ${key.name} is not a cosignature/v1 key`);
      return { key, url: p.url };
    });
  }

  get count(): number {
    return this.witnesses.length;
  }

  checkpointed(log: LogId): void {
    if (this.deps.isDiscreet(log.line)) return;
    for (const w of this.witnesses) void this.submit(w, log);
  }

  /** Posts this station's rotation statements to the witness, oldest first; true if it took any (or knew them). */
  private async tellRotations(w: { key: VerifierKey; url: string }): Promise<boolean> {
    let took = false;
    for (const r of await recordedRotations(this.deps.store)) {
      const reply = await postKeyRotation(w.url, r.statement, { timeoutMs: 5000 });
      if (reply.ok) took = true;
      else this.deps.logger?.info({ witness: w.key.name, status: reply.status, reason: reply.message }, 'a witness did not take a key rotation statement');
    }
    if (took) this.deps.logger?.info({ witness: w.key.name }, 'told a witness of this station\'s key rotations');
    return took;
  }

  private async submit(w: { key: VerifierKey; url: string }, log: LogId): Promise<void> {
    const id = `${w.key.name}\n${log.line}\n${log.party}`;
    if (this.busy.has(id)) {
      this.again.add(id);
      return;
    }
    this.busy.add(id);
    let told = false;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const cp = await this.deps.reader.checkpoint(log);
        const oldSize = Math.min(this.known.get(id) ?? 0, cp.size);
        const { proof } = await this.deps.reader.consistency(log, oldSize, cp.size);
        const reply = await addCheckpoint(w.url, { oldSize, proof: oldSize === 0 ? [] : proof, checkpoint: cp.note }, { timeoutMs: 5000 });
        if (reply.ok) {
          const text = parseNote(cp.note).text;
          const stored = [];
          for (const line of reply.cosignatures) {
            const ok = verifyCosignature(this.deps.crypto, w.key, text, line);
            if (ok) stored.push({ ...log, size: cp.size, cosigner: w.key.name, timestamp: ok.timestamp, signature: line.replace(/\n$/, '') });
          }
          if (stored.length === 0) this.deps.logger?.warn({ witness: w.key.name }, 'a witness answered without a valid cosignature');
          await this.deps.store.addCosignatures(stored);
          this.known.set(id, cp.size);
          break;
        }
        if (reply.status === 409 && reply.knownSize !== undefined) {
          this.known.set(id, reply.knownSize);
          continue;
        }
        // 403: the witness does not know the key that signed this checkpoint. After a rotation it learns it from our statements.
        if (reply.status === 403 && !told) {
          told = true;
          if (await this.tellRotations(w)) continue;
        }
        this.deps.logger?.warn({ witness: w.key.name, status: reply.status, reason: reply.message }, 'a witness did not cosign');
        break;
      }
    } catch (e) {
      this.deps.logger?.warn({ witness: w.key.name, reason: (e as Error).message }, 'witnessing failed');
    } finally {
      this.busy.delete(id);
      if (this.again.delete(id)) void this.submit(w, log);
    }
  }
}
