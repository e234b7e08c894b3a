import type { LineAction } from '../../src/core/policy.ts';
import { PASSWORD } from './station.ts';

// The authorisation table for test/authz.test.ts: every endpoint of the
// station API, classified. A path the OpenAPI document lists that is missing
// here fails the test, so a new endpoint cannot slip by untested.

/** The ids one line's requests use: shared content, and items made for one member's allowed request. */
export interface LineFixture {
  id: string;
  title: string;
  discreet: boolean;
  /** A message of ours (Washington's) and one of theirs (Moscow's). */
  msgOurs: string;
  msgTheirs: string;
  /** A call from Moscow that Washington declined; Washington is a side of it. */
  callDeclined: string;
  /** A notice of ours. */
  noticeOurs: string;
  /** Per member name: a Moscow message to acknowledge, a ringing Moscow call to accept (then end), one to decline. */
  ackFor: Record<string, string>;
  acceptFor: Record<string, string>;
  declineFor: Record<string, string>;
  /** Per member name: what their own allowed POSTs created (a call to cancel, a notice to withdraw). */
  own: Record<string, { call?: string; notice?: string }>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface LineEndpoint {
  method: Method;
  /** As in the OpenAPI document. */
  path: string;
  /** What the member must be allowed to do on the line (policy.ts canOnLine). */
  need: LineAction;
  /** Status of an allowed request. */
  ok: number;
  query?: string;
  body?: (member: string) => unknown;
  /** The `{id}` for this member's request on this line. */
  id?: (f: LineFixture, member: string) => string;
  /** Remember what an allowed request created. */
  created?: (f: LineFixture, member: string, reply: any) => void;
}

const own = (f: LineFixture, member: string) => (f.own[member] ??= {});
const soon = () => Date.now() + 3600_000;
const farNotice = (member: string) => ({
  kind: 'exercise', area: { type: 'Point', coordinates: [100, -30], radius: 1000 }, altitude: { lower: 0, upper: 100 },
  window: { start: soon(), end: soon() + 3600_000 }, text: `matrix notice by ${member}`, lang: 'en',
});

/** Every endpoint with a `{line}` parameter, in the order the member matrix runs them (creations before the answers that need them). */
export const lineEndpoints: LineEndpoint[] = [
  { method: 'GET', path: '/v1/lines/{line}', need: 'see', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/export', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/transcript', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/search', need: 'read', ok: 200, query: 'q=matrix&precedence=FLASH' },
  { method: 'GET', path: '/v1/lines/{line}/read', need: 'read', ok: 200 },
  { method: 'PUT', path: '/v1/lines/{line}/read', need: 'read', ok: 200, body: () => ({ upTo: 1 }) },
  { method: 'GET', path: '/v1/lines/{line}/presence', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/cosignatures', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/entries', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/entries/{seq}', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/entries/{seq}/proof', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/checkpoint', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/proof/inclusion', need: 'read', ok: 200, query: 'index=0' },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/proof/consistency', need: 'read', ok: 200, query: 'from=1' },
  { method: 'GET', path: '/v1/lines/{line}/logs/{party}/tile/{tile}', need: 'read', ok: 200 },

  { method: 'POST', path: '/v1/lines/{line}/messages', need: 'write', ok: 201, body: (m) => ({ text: `matrix message from ${m}`, lang: 'en' }) },
  { method: 'GET', path: '/v1/lines/{line}/messages', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/messages/{id}', need: 'read', ok: 200, id: (f) => f.msgOurs },
  { method: 'POST', path: '/v1/lines/{line}/items/{id}/ack', need: 'acknowledge', ok: 201, id: (f, m) => f.ackFor[m] ?? f.msgTheirs },
  { method: 'POST', path: '/v1/lines/{line}/messages/{id}/translations', need: 'translate', ok: 201, id: (f) => f.msgTheirs, body: (m) => ({ text: `translation by ${m}`, lang: 'en', stage: 'rough' }) },

  { method: 'POST', path: '/v1/lines/{line}/calls', need: 'call', ok: 201, body: () => ({}), created: (f, m, r) => void (own(f, m).call = r.id) },
  { method: 'GET', path: '/v1/lines/{line}/calls', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/calls/{id}', need: 'read', ok: 200, id: (f) => f.callDeclined },
  { method: 'POST', path: '/v1/lines/{line}/calls/{id}/accept', need: 'call', ok: 201, id: (f, m) => f.acceptFor[m] ?? f.callDeclined, body: () => ({}) },
  { method: 'POST', path: '/v1/lines/{line}/calls/{id}/signals', need: 'call', ok: 202, id: (f, m) => f.own[m]?.call ?? f.callDeclined, body: () => ({ kind: 'ice', data: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host' }) },
  { method: 'GET', path: '/v1/lines/{line}/calls/{id}/signals', need: 'call', ok: 200, id: (f, m) => f.own[m]?.call ?? f.callDeclined },
  { method: 'POST', path: '/v1/lines/{line}/calls/{id}/end', need: 'call', ok: 201, id: (f, m) => f.acceptFor[m] ?? f.callDeclined, body: () => ({}) },
  { method: 'POST', path: '/v1/lines/{line}/calls/{id}/decline', need: 'call', ok: 201, id: (f, m) => f.declineFor[m] ?? f.callDeclined, body: () => ({ reason: 'busy' }) },
  { method: 'POST', path: '/v1/lines/{line}/calls/{id}/cancel', need: 'call', ok: 201, id: (f, m) => f.own[m]?.call ?? f.callDeclined, body: () => ({}) },

  { method: 'GET', path: '/v1/lines/{line}/calls/{id}/readouts', need: 'read', ok: 200, id: (f) => f.callDeclined },
  { method: 'GET', path: '/v1/lines/{line}/calls/{id}/readout/draft', need: 'readout', ok: 200, id: (f) => f.callDeclined },
  { method: 'PUT', path: '/v1/lines/{line}/calls/{id}/readout/draft', need: 'readout', ok: 200, id: (f) => f.callDeclined, body: (m) => ({ text: `draft by ${m}`, lang: 'en' }) },
  { method: 'POST', path: '/v1/lines/{line}/calls/{id}/readout/publish', need: 'readout', ok: 201, id: (f) => f.callDeclined, body: (m) => ({ text: `readout by ${m}` }) },

  { method: 'POST', path: '/v1/lines/{line}/notices', need: 'notice', ok: 201, body: farNotice, created: (f, m, r) => void (own(f, m).notice = r.id) },
  { method: 'GET', path: '/v1/lines/{line}/notices', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/notices/{id}', need: 'read', ok: 200, id: (f) => f.noticeOurs },
  { method: 'POST', path: '/v1/lines/{line}/notices/{id}/withdraw', need: 'notice', ok: 201, id: (f, m) => f.own[m]?.notice ?? f.noticeOurs, body: () => ({ reason: 'matrix' }) },
  { method: 'GET', path: '/v1/lines/{line}/conflicts', need: 'read', ok: 200 },

  { method: 'GET', path: '/v1/lines/{line}/checks', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/history', need: 'read', ok: 200 },
  { method: 'GET', path: '/v1/lines/{line}/summary', need: 'read', ok: 200 },

  { method: 'GET', path: '/v1/lines/{line}/settings', need: 'see', ok: 200 },
  { method: 'PATCH', path: '/v1/lines/{line}/settings', need: 'configure', ok: 201, body: () => ({ ringSeconds: 600 }) },
  { method: 'GET', path: '/v1/lines/{line}/templates', need: 'read', ok: 200 },
  { method: 'PUT', path: '/v1/lines/{line}/templates/{number}', need: 'configure', ok: 201, body: (m) => ({ title: `set by ${m}`, texts: { en: 'Template one', ru: 'Шаблон один' } }) },
  { method: 'GET', path: '/v1/lines/{line}/roster', need: 'see', ok: 200 },
  { method: 'PUT', path: '/v1/lines/{line}/roster', need: 'configure', ok: 200, body: () => ({ members: ['in-duty_officer', 'in-principal'] }) },
  // Seeing the line and being an admin is exactly policy's 'manage'.
  { method: 'PUT', path: '/v1/lines/{line}/members', need: 'manage', ok: 200, body: () => ({ members: INSIDERS }) },
];

/** Who may call an endpoint that names no line. */
export type Who = 'public' | 'member' | 'admin' | 'admin-auditor';

export interface StationEndpoint {
  method: Method;
  path: string;
  who: Who;
  ok: number;
  /** Path as requested, when the OpenAPI path has parameters or needs a query. */
  url?: string;
  body?: (member: string, n: number) => unknown;
  /** Listed here but run specially by the test (it revokes the token used). */
  special?: 'logout';
}

export const stationEndpoints = (parisKey: string): StationEndpoint[] => [
  { method: 'GET', path: '/healthz', who: 'public', ok: 200 },
  { method: 'GET', path: '/readyz', who: 'public', ok: 200 },
  { method: 'GET', path: '/metrics', who: 'public', ok: 200 },
  { method: 'GET', path: '/openapi.json', who: 'public', ok: 200 },
  { method: 'GET', path: '/v1/station', who: 'public', ok: 200 },
  { method: 'GET', path: '/v1/station/keys', who: 'member', ok: 200 },
  { method: 'POST', path: '/v1/station/key-rotation', who: 'admin', ok: 201 },
  { method: 'POST', path: '/v1/session', who: 'public', ok: 201, body: (m) => ({ name: m === 'anonymous' ? 'in-principal' : m, password: PASSWORD }) },
  { method: 'DELETE', path: '/v1/session', who: 'member', ok: 204, special: 'logout' },
  { method: 'GET', path: '/v1/me', who: 'member', ok: 200 },
  { method: 'GET', path: '/v1/me/preferences', who: 'member', ok: 200 },
  { method: 'PUT', path: '/v1/me/preferences', who: 'member', ok: 200, body: () => ({ lang: 'fr' }) },
  { method: 'GET', path: '/v1/console', who: 'member', ok: 200 },
  { method: 'POST', path: '/v1/tokens', who: 'member', ok: 201, body: () => ({ label: 'authz' }) },
  { method: 'GET', path: '/v1/members', who: 'admin', ok: 200 },
  { method: 'POST', path: '/v1/members', who: 'admin', ok: 201, body: (m, n) => ({ name: `new-${n}`, role: 'translator', password: PASSWORD }) },
  { method: 'GET', path: '/v1/lines', who: 'member', ok: 200 },
  { method: 'POST', path: '/v1/lines', who: 'admin', ok: 201, body: (m) => ({ title: `scratch by ${m}`, parties: [], members: [] }) },
  { method: 'GET', path: '/v1/links', who: 'member', ok: 200 },
  { method: 'GET', path: '/v1/links/{peer}/history', who: 'member', ok: 200, url: '/v1/links/Moscow/history' },
  { method: 'GET', path: '/v1/alarms', who: 'member', ok: 200 },
  { method: 'GET', path: '/v1/board', who: 'member', ok: 200 },
  { method: 'GET', path: '/v1/presence', who: 'member', ok: 200 },
  // Allowed answers that change nothing: a member who keeps no watch may not set a presence (403 for them is the rule, tested in console-watch).
  { method: 'PUT', path: '/v1/me/presence', who: 'member', ok: 400, body: () => ({ status: 'nowhere' }) },
  { method: 'GET', path: '/v1/watch', who: 'member', ok: 200 },
  { method: 'GET', path: '/v1/names', who: 'member', ok: 200 },
  { method: 'PUT', path: '/v1/names', who: 'admin', ok: 200, body: () => ({ lines: {}, parties: { Moscow: { ru: 'Москва' } } }) },
  { method: 'POST', path: '/v1/watch/handover', who: 'member', ok: 400, body: () => ({ to: 'nobody-here', note: '' }) },
  // An alarm this member cannot see answers as one that does not exist (console-alarms.test.ts acknowledges real ones).
  { method: 'POST', path: '/v1/alarms/{alarm}/ack', who: 'member', ok: 404, url: '/v1/alarms/999999999/ack' },
  { method: 'GET', path: '/v1/peers', who: 'admin', ok: 200 },
  { method: 'POST', path: '/v1/peers', who: 'admin', ok: 201, body: () => ({ name: 'Paris', key: parisKey, urls: [] }) },
  { method: 'GET', path: '/v1/evidence', who: 'admin-auditor', ok: 200 },
  { method: 'GET', path: '/v1/revocations', who: 'member', ok: 200 },
  // Allowed answers that change nothing: a peer not pinned (404), a statement that is no statement (400).
  { method: 'POST', path: '/v1/peers/{name}/revocation', who: 'admin', ok: 404, url: '/v1/peers/Nowhere/revocation', body: () => ({ compromisedAt: 0, fingerprint: '00000 00000 00000 00000 00000 00000' }) },
  { method: 'POST', path: '/v1/station/key-revocation', who: 'admin', ok: 400, body: () => ({ statement: 'not a revocation statement', compromisedAt: 0 }) },
  { method: 'GET', path: '/v1/station/integrity-check', who: 'admin', ok: 200 },
  { method: 'POST', path: '/v1/station/integrity-check', who: 'admin', ok: 202 },
   // Sign-in: second steps need a pending sign-in (none here: 401 for all); passkey routes need a browser's Origin (none here: 400).
   { method: 'POST', path: '/v1/session/totp', who: 'public', ok: 401, body: () => ({ pending: 'not-a-pending-sign-in', code: '123456' }) },
   { method: 'POST', path: '/v1/session/recovery', who: 'public', ok: 401, body: () => ({ pending: 'not-a-pending-sign-in', code: 'AAAA-BBBB-CCCC-DDDD' }) },
   { method: 'POST', path: '/v1/session/passkey/options', who: 'public', ok: 400, body: () => ({ pending: 'not-a-pending-sign-in' }) },
   { method: 'POST', path: '/v1/session/passkey', who: 'public', ok: 400, body: () => ({ pending: 'not-a-pending-sign-in', response: {} }) },
   // One's own second factors: the allowed answers are those of a member with none (enrolment under way, a code that is no code).
   { method: 'GET', path: '/v1/me/second-factors', who: 'member', ok: 200 },
   { method: 'POST', path: '/v1/me/totp', who: 'member', ok: 200 },
   { method: 'POST', path: '/v1/me/totp/confirm', who: 'member', ok: 400, body: () => ({ code: 'abcdef' }) },
   { method: 'DELETE', path: '/v1/me/totp', who: 'member', ok: 404 },
   { method: 'POST', path: '/v1/me/passkeys/options', who: 'member', ok: 400 },
   { method: 'POST', path: '/v1/me/passkeys', who: 'member', ok: 400, body: () => ({ label: 'authz', response: {} }) },
   { method: 'DELETE', path: '/v1/me/passkeys/{id}', who: 'member', ok: 404, url: '/v1/me/passkeys/no-such-passkey' },
   { method: 'POST', path: '/v1/me/recovery-codes', who: 'member', ok: 400 },
   { method: 'GET', path: '/v1/tokens', who: 'member', ok: 200 },
   { method: 'DELETE', path: '/v1/tokens/{id}', who: 'member', ok: 404, url: '/v1/tokens/0000000000000000' },
   // Admin: a change to what a member already is answers 200 and ends nothing.
   { method: 'PATCH', path: '/v1/members/{name}', who: 'admin', ok: 200, url: '/v1/members/in-translator', body: () => ({ role: 'translator' }) },
   { method: 'POST', path: '/v1/members/{name}/unlock', who: 'admin', ok: 200, url: '/v1/members/in-translator/unlock' },
   { method: 'GET', path: '/v1/security/log', who: 'admin-auditor', ok: 200 },
   { method: 'GET', path: '/v1/security/policy', who: 'admin-auditor', ok: 200 },
   {
     method: 'PUT', path: '/v1/security/policy', who: 'admin', ok: 200,
     body: () => ({ secondFactor: { principal: false, duty_officer: false, translator: false, auditor: false, admin: false }, idleMinutes: 30, lockout: { failures: 10, minutes: 15 } }),
   },
  { method: 'GET', path: '/v1/public/readouts', who: 'public', ok: 200 },
  { method: 'POST', path: '/v1/events/ticket', who: 'member', ok: 200 },
];

/** Served but left out of the OpenAPI document; listed so the listings check reads them too (none since every endpoint is documented). */
export const hiddenEndpoints: string[] = [];

export const ROLES = ['principal', 'duty_officer', 'translator', 'auditor', 'admin'] as const;
/** Named on both lines. */
export const INSIDERS = ROLES.map((r) => `in-${r}`);
/** Named on neither line. */
export const OUTSIDERS = ROLES.map((r) => `out-${r}`);
