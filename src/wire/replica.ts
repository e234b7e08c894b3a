import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Words } from './words.ts';

/** A process's place among the station's replicas: a station on SQLite is always 'single'. */
export const replicaRoles = ['leader', 'follower', 'single'] as const;
export type ReplicaRole = (typeof replicaRoles)[number];
export const ReplicaRoleSchema = Words(replicaRoles, { description: 'leader or follower among PostgreSQL replicas; single on SQLite' });

/** The leader this replica knows of, or null (none known, or a single station). */
export const LeaderView = Nullable(Type.Object({ id: Type.String(), url: Type.String() }));
export type LeaderView = Static<typeof LeaderView>;

export const ReplicaView = Type.Object({
  id: Type.String({ description: 'this process: host, process id and a random suffix' }),
  role: ReplicaRoleSchema,
  leader: LeaderView,
  epoch: Nullable(Type.Integer({ description: 'the lease epoch this replica leads in' })),
});
export type ReplicaView = Static<typeof ReplicaView>;
