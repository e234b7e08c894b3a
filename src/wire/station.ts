import { Type, type Static } from '@sinclair/typebox';
import { LeaderView, ReplicaRoleSchema, ReplicaView } from './replica.ts';

/** What the other party pins, after reading the fingerprint aloud (GET /v1/station). */
export const StationView = Type.Object({
  name: Type.String({ description: 'the party name' }),
  key: Type.String({ description: 'the signed-note verifier key' }),
  fingerprint: Type.String({ description: 'six groups of five digits, to read aloud' }),
  pqKey: Type.Optional(Type.String({ description: 'the ML-DSA-44 verifier key (type 0x06), when the station has one: peers pin it with --pq-key' })),
  pqFingerprint: Type.Optional(Type.String({ description: 'the ML-DSA key\'s fingerprint' })),
  replica: ReplicaView,
});
export type StationView = Static<typeof StationView>;

/** The process is up (GET /healthz). */
export const Health = Type.Object({ status: Type.Literal('ok'), role: ReplicaRoleSchema, leader: LeaderView });
export type Health = Static<typeof Health>;

/** Ready to serve requests now (GET /readyz, 200). */
export const Ready = Type.Object({ ready: Type.Literal(true), role: ReplicaRoleSchema, leader: LeaderView });
export type Ready = Static<typeof Ready>;

/** Not ready, and why (GET /readyz, 503). */
export const NotReady = Type.Object({ ready: Type.Literal(false), role: ReplicaRoleSchema, leader: LeaderView, reason: Type.String() });
export type NotReady = Static<typeof NotReady>;
