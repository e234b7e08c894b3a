import { badRequest } from '../../core/errors.ts';
import { validPartyName } from '../../core/line.ts';
import { parseVerifierKey } from '../../core/note/key.ts';
import { nodeCrypto } from '../../node/crypto.ts';
import type { PeerRecord, Store } from '../storage/store.ts';

/** Pins a peer station: its party name must be the name inside its verifier key. */
export async function pinPeer(store: Store, me: string, input: { name: string; key: string; urls: string[] }): Promise<PeerRecord> {
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
  const record = { name: input.name, key: input.key, urls: input.urls };
  await store.setPeer(record);
  return record;
}
