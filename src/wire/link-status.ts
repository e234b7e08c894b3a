import type { LinkStatus } from '../core/link/status.ts';
import { linkStates } from '../core/kinds/check.ts';
import { Words } from './words.ts';

export type { LinkStatus };

/** A link to a peer as its heartbeats say (the core's linkStatus decides which). */
export const linkStatuses = ['up', 'degraded', 'down'] as const satisfies readonly LinkStatus[];

// Fails to compile if the core ever gains a status this list lacks.
const everyStatus: Exclude<LinkStatus, (typeof linkStatuses)[number]> extends never ? true : never = true;
void everyStatus;

export const LinkStatusWord = Words(linkStatuses, { description: 'the link as its heartbeats say' });

/**
 * What a missed check call recorded of each link: a status, or "unknown"
 * where the sender had no heartbeat to go by (the core's check.missed body).
 */
export { linkStates };
export type LinkState = (typeof linkStates)[number];
export const LinkStateWord = Words(linkStates, { description: 'a link\'s status, or unknown where there was no heartbeat to go by' });
