import { Type, type Static } from '@sinclair/typebox';

/** A peer station this station has pinned by its key. */
export const PeerView = Type.Object({
  name: Type.String({ description: 'the peer\'s party name' }),
  key: Type.String({ description: 'its signed-note verifier key' }),
  urls: Type.Array(Type.String(), { description: 'wss:// link addresses, tried in order' }),
  fingerprint: Type.String({ description: 'the key\'s fingerprint, to read aloud' }),
});
export type PeerView = Static<typeof PeerView>;

export const PeerList = Type.Object({ peers: Type.Array(PeerView) });
export type PeerList = Static<typeof PeerList>;
