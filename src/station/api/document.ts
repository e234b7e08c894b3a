import type { SwaggerOptions } from '@fastify/swagger';

// The OpenAPI document's top level, served at /openapi.json: what other
// teams generate clients from. The operations describe themselves in their
// routes; this file says what holds for all of them.

/** Every tag an operation may use, declared once, each with what its operations are about. */
export const tags = [
  { name: 'station', description: 'This station: identity, health, readiness, metrics and this document (no sign-in needed)' },
  { name: 'session', description: 'Signing in (password, then a second factor where the role requires one) and out' },
  { name: 'me', description: 'The signed-in member: who they are, their preferences, their second factors' },
  { name: 'tokens', description: 'Sessions and API tokens for automation, listed and revoked by their member (an admin: anyone\'s)' },
  { name: 'members', description: 'The station\'s members and their roles (admin)' },
  { name: 'security', description: 'The security log and the sign-in policy (auditor, admin)' },
  { name: 'links', description: 'The links to peer stations, their status and history, and evidence of equivocation' },
  { name: 'watch', description: 'Who is at the terminal (presence, shared on lines where the party chooses), and who holds the watch, with each handover' },
  { name: 'alarms', description: 'What the watch must not miss, kept by the station: raised, acknowledged by a person (who and when), cleared when the cause goes away' },
  { name: 'keys', description: 'This station\'s key: its rotations (peers, verifiers and witnesses follow them) and the revocations recorded here' },
  { name: 'peers', description: 'The peer stations this station has pinned by key (admin)' },
  { name: 'events', description: 'The live event stream: a WebSocket at /v1/events, opened with a one-time ticket' },
  { name: 'lines', description: 'Lines between this station and its peers, who may use them, their transcript and export' },
  { name: 'messages', description: 'Messages on a line, their acknowledgements and translations' },
  { name: 'calls', description: 'Voice calls on a line and their signalling' },
  { name: 'readouts', description: 'The signed summary of a call, drafted and published' },
  { name: 'notices', description: 'Notices (advance notifications) on a line, and conflicts between them' },
  { name: 'checks', description: 'Check calls: the scheduled tests that a line works, answered or missed' },
  { name: 'history', description: 'A line\'s contact history and its summary' },
  { name: 'logs', description: 'Each party\'s signed log: entries, cosignatures, checkpoints, inclusion and consistency proofs, tiles' },
  { name: 'settings', description: 'A line\'s settings, message templates and duty roster' },
  { name: 'integrity', description: 'The station\'s check of its own logs against their checkpoints' },
];

/**
 * A component is named by its `$id` (ErrorReply → #/components/schemas/ErrorReply)
 * rather than @fastify/swagger's def-0, def-1: generated clients take their type names from it.
 */
const refResolver = {
  buildLocalReference(json: { $id?: unknown; title?: unknown }, _base: unknown, _fragment: unknown, i: number): string {
    if (typeof json.$id === 'string' && /^[A-Za-z0-9._-]+$/.test(json.$id)) return json.$id;
    return `def-${i}`;
  },
};

export const apiDocument: SwaggerOptions = {
  openapi: {
    // 3.1: the schemas are JSON Schema 2020-12 as TypeBox writes them (a numeric exclusiveMinimum, type: null in a union).
    openapi: '3.1.0',
    info: {
      title: 'Hotline station API',
      // The API's version (the /v1 prefix), not the package's.
      version: '1',
      description: [
        'One party\'s station: lines, messages, calls, readouts, notices, check calls, contact history, logs, checkpoints and proofs.',
        'Live events: a WebSocket at /v1/events (see POST /v1/events/ticket).',
        'Every error has one shape (ErrorReply); its `code` is one of the error table\'s codes and the HTTP status follows from it.',
        'Responses are serialized with the schemas shown here: a field not in the document is never sent.',
      ].join(' '),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    // Relative: a station is reached at whatever host and port its operator gives it (and each replica at its own),
    // so the document names no host; clients resolve it against the URL they fetched /openapi.json from.
    servers: [{ url: '/', description: 'the station that served this document' }],
    tags,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A session token (POST /v1/session) or an API token (POST /v1/tokens)' } } },
    security: [{ bearer: [] }],
  },
  refResolver,
};
