import { Type, type Static } from '@sinclair/typebox';

/** A peer station this station has pinned by its key. */
export const PeerView = Type.Object({
  name: Type.String({ description: 'the peer\'s party name' }),
  key: Type.String({ description: 'its signed-note verifier key' }),
  urls: Type.Array(Type.String(), { description: 'wss:// link addresses, tried in order' }),
  fingerprint: Type.String({ description: 'the key\'s fingerprint, to read aloud' }),
  pqKey: Type.Optional(Type.String({ description: 'its ML-DSA-44 verifier key (type 0x06), when pinned: it checks the peer\'s post-quantum lines' })),
  pqFingerprint: Type.Optional(Type.String({ description: 'the ML-DSA key\'s fingerprint' })),
});
export type PeerView = Static<typeof PeerView>;

export const PeerList = Type.Object({ peers: Type.Array(PeerView) });
export type PeerList = Static<typeof PeerList>;
