import { Type, type Static } from '@sinclair/typebox';
import { LinkStatusWord } from './link-status.ts';
import { Nullable, Time, Words } from './words.ts';

/**
 * What protects a link's session: TLS, and inside it the hybrid key exchange
 * (X25519 with ML-KEM-768) whose keys seal every message, so that what
 * crosses the link stays confidential if either primitive holds.
 */
export const LinkProtectionView = Type.Object({
  tls: Nullable(Type.String({ description: 'the TLS version, e.g. TLSv1.3' })),
  tlsGroup: Nullable(Type.String({ description: 'the TLS key-exchange group as the dialing side\'s TLS library reports it (X25519, or X25519MLKEM768 on platforms with OpenSSL 3.5); null when not known' })),
  exchange: Words(['X25519+ML-KEM-768', 'none'] as const, { description: 'the key exchange run inside TLS after both station keys are proved; none: TLS alone' }),
  cipher: Nullable(Words(['AES-256-GCM'] as const, { description: 'what seals each message under the exchange\'s keys; null: TLS alone' })),
  postQuantum: Type.Boolean({ description: 'whether an ML-KEM key exchange (inner, or the TLS group) protects the content' }),
});
export type LinkProtectionView = Static<typeof LinkProtectionView>;

/** The link to one pinned peer, now. */
export const LinkView = Type.Object({
  peer: Type.String(),
  status: LinkStatusWord,
  since: Time('in this status since'),
  rttMs: Nullable(Type.Number({ description: 'round trip of the last heartbeat' })),
  endpoint: Nullable(Type.String({ description: 'the address the link session runs over' })),
  uptime24h: Type.Number({ description: 'fraction of the recorded part of the last 24 hours the link was up or degraded' }),
  recorded24h: Type.Number({ minimum: 0, maximum: 1, description: 'fraction of the last 24 hours the station has a record of the link for (the rest is "no record")' }),
  protection: Nullable(LinkProtectionView),
});
export type LinkView = Static<typeof LinkView>;

export const LinkList = Type.Object({ links: Type.Array(LinkView) });
export type LinkList = Static<typeof LinkList>;

/** One change of a link's status. */
export const LinkEvent = Type.Object({
  peer: Type.String(),
  time: Time(),
  status: LinkStatusWord,
  endpoint: Nullable(Type.String()),
  rttMs: Nullable(Type.Number()),
});
export type LinkEvent = Static<typeof LinkEvent>;

export const LinkHistory = Type.Object({ peer: Type.String(), events: Type.Array(LinkEvent) });
export type LinkHistory = Static<typeof LinkHistory>;

