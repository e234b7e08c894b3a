import { badRequest } from '../../core/errors.ts';
import { validPartyName } from '../../core/line.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import { fingerprint } from '../identity.ts';
import { checkPqPin } from '../keys/pq-pin.ts';
import { recordSecurityEvent } from '../sign-in/security-log.ts';
import type { PeerRecord, Store } from '../storage/store.ts';

/** Who made a pin change, for the security log (none: the operator on the station's machine). */
export interface ChangedBy {
  actor?: string;
  address?: string;
  clock?: () => number;
}

/** Pins a peer station: its party name must be the name inside its verifier key. */
export async function pinPeer(store: Store, me: string, input: { name: string; key: string; urls: string[]; pqKey?: string }, by: ChangedBy = {}): Promise<PeerRecord> {
  if (!validPartyName(input.name)) throw badRequest('peer name must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" and "-"');
  if (input.name === me) throw badRequest('a station does not pin itself');
  let key;
  try {
    key = parseVerifierKey(nodeCrypto, input.key);
  } catch (e) {
    throw badRequest(`--key is not a signed-note verifier key: ${(e as Error).message}`);
  }
  if (key.name !== input.name) throw badRequest(`the key belongs to ${key.name}, not ${input.name}`);
  for (const url of input.urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest(`'${url}' is not a URL`);
    }
    if (parsed.protocol !== 'wss:') throw badRequest(`'${url}' must be a wss:// link address (see 'hotline serve' output)`);
  }
  const pqKey = input.pqKey === undefined ? undefined : checkPqPin(input.name, input.pqKey);
  const record: PeerRecord = { name: input.name, key: input.key, urls: input.urls, ...(pqKey ? { pqKey } : {}) };
  const before = (await store.listPeers()).find((p) => p.name === input.name);
  await store.setPeer(record);
  // A changed key is the one pin change that matters most: it is what a man in the middle would need.
  const what = !before ? 'pinned' : before.key !== record.key ? `key changed from ${fingerprint(before.key)}` : before.pqKey !== record.pqKey ? 'ML-DSA key changed' : 'endpoints changed';
  await recordSecurityEvent(store, (by.clock ?? Date.now)(), {
    kind: 'peer.pinned', member: null, actor: by.actor ?? null, address: by.address ?? null,
    detail: `${record.name} ${what}; fingerprint ${fingerprint(record.key)}${record.pqKey ? `; ML-DSA key fingerprint ${fingerprint(record.pqKey)}` : ''}; endpoints ${record.urls.join(', ') || '(none)'}${by.actor ? '' : '; by the operator on the station machine'}`,
  });
  return record;
}

/** Unpins a peer; false if it was not pinned. */
export async function unpinPeer(store: Store, name: string, by: ChangedBy = {}): Promise<boolean> {
  const before = (await store.listPeers()).find((p) => p.name === name);
  if (!before) return false;
  await store.removePeer(name);
  await recordSecurityEvent(store, (by.clock ?? Date.now)(), {
    kind: 'peer.removed', member: null, actor: by.actor ?? null, address: by.address ?? null,
    detail: `${name} unpinned (fingerprint was ${fingerprint(before.key)})${by.actor ? '' : '; by the operator on the station machine'}`,
  });
  return true;
}
