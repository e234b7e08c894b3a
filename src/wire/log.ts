import { Type, type Static } from '@sinclair/typebox';
import { Time } from './words.ts';

const Hashes = Type.Array(Type.String({ description: 'base64 SHA-256 hash' }));

export const InclusionProof = Type.Object({ index: Type.Integer(), size: Type.Integer(), proof: Hashes });
export type InclusionProof = Static<typeof InclusionProof>;
export const ConsistencyProof = Type.Object({ from: Type.Integer(), to: Type.Integer(), proof: Hashes });
export type ConsistencyProof = Static<typeof ConsistencyProof>;

/** Peers' delivery receipts and witnesses' cosignatures on a log's checkpoints. */
export const CosignatureView = Type.Object({ size: Type.Integer(), cosigner: Type.String(), timestamp: Time(), signature: Type.String() });
export const CosignatureList = Type.Object({ cosignatures: Type.Array(CosignatureView) });
export type CosignatureList = Static<typeof CosignatureList>;
