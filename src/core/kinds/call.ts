import { Type, type Static } from '@sinclair/typebox';
import { EntryRef, PersonName } from './ref.ts';

export const CALL_REQUEST = 'call.request';
export const CALL_ACCEPT = 'call.accept';
export const CALL_DECLINE = 'call.decline';
export const CALL_UNANSWERED = 'call.unanswered';
export const CALL_CANCEL = 'call.cancel';
export const CALL_END = 'call.end';

/** The SHA-256 DTLS certificate fingerprint a console offers, as in SDP `a=fingerprint:sha-256 AB:CD:…`. */
export const DtlsFingerprint = Type.String({ pattern: '^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$' });

/** What a member asks for when placing a call. */
export const CallRequestBody = Type.Object(
  {
    to: Type.Optional(PersonName),
    toParty: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    fingerprint: Type.Optional(DtlsFingerprint),
    exercise: Type.Optional(Type.Literal(true, { description: 'exercise traffic: shown as EXERCISE everywhere, counted apart in the contact history' })),
  },
  { additionalProperties: false },
);
export type CallRequestBody = Static<typeof CallRequestBody>;

export const CallRequestEntryBody = Type.Object(
  {
    from: PersonName,
    toParty: Type.String({ minLength: 1, maxLength: 64 }),
    to: Type.Optional(PersonName),
    /** When the caller's station gives up and records the call unanswered (ms since the epoch). */
    ringUntil: Type.Integer({ minimum: 0 }),
    fingerprint: Type.Optional(DtlsFingerprint),
    exercise: Type.Optional(Type.Literal(true, { description: 'exercise traffic: shown as EXERCISE everywhere, counted apart in the contact history' })),
  },
  { additionalProperties: false },
);
export type CallRequestEntryBody = Static<typeof CallRequestEntryBody>;

export const CallAcceptEntryBody = Type.Object(
  { call: EntryRef, by: PersonName, fingerprint: Type.Optional(DtlsFingerprint) },
  { additionalProperties: false },
);
export const CallDeclineEntryBody = Type.Object(
  { call: EntryRef, by: PersonName, reason: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
/** Written by the caller's station when the ring time ran out, or by the caller withdrawing the call. */
export const CallUnansweredEntryBody = Type.Object({ call: EntryRef }, { additionalProperties: false });
export const CallCancelEntryBody = Type.Object({ call: EntryRef, by: PersonName }, { additionalProperties: false });
export const CallEndEntryBody = Type.Object({ call: EntryRef, by: PersonName }, { additionalProperties: false });
export type CallAcceptEntryBody = Static<typeof CallAcceptEntryBody>;
export type CallDeclineEntryBody = Static<typeof CallDeclineEntryBody>;
