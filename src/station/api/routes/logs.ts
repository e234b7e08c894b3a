import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { toBase64 } from '../../../core/encoding.ts';
import { HotlineError } from '../../../core/errors.ts';
import { partyOf } from '../../../core/line.ts';
import { parseTilePath } from '../../../core/tile.ts';
import { lineFor } from '../../line-access.ts';
import { memberOf } from '../member-of.ts';
import { LogParams, Position } from '../schemas.ts';
import { ConsistencyProof, InclusionProof } from '../../../wire/log.ts';
import { errors } from '../../../wire/responses.ts';

const Inclusion = Type.Object({ index: Position(), size: Type.Optional(Position({ minimum: 1 })) });
const Consistency = Type.Object({ from: Position(), to: Type.Optional(Position()) });
const TileParams = Type.Object({ line: Type.String({ maxLength: 64 }), party: Type.String({ maxLength: 64 }), '*': Type.String({ maxLength: 200 }) });
// The router needs a wildcard for a tile path, which spans segments (0/x001/234.p/17); OpenAPI has no such
// parameter, so the document names it `tile`: a path parameter whose value holds unescaped slashes.
const TILE_PATH = '^(entries|[0-9]+)/(x[0-9]{3}/)*[0-9]{3}(\\.p/[0-9]+)?$';
const TileDocParams = Type.Object({
  line: Type.String({ maxLength: 64 }),
  party: Type.String({ maxLength: 64 }),
  tile: Type.String({ maxLength: 200, pattern: TILE_PATH, description: 'the tile\'s path after tile/, as C2SP tlog-tiles writes it: <L>/<N>[.p/<W>] or entries/<N>[.p/<W>], slashes unescaped' }),
});

const readErrors = errors(400, 401, 403, 404, 503);
// A reply that is text, not JSON (a signed note).
const PlainText = (description: string) => ({ description, content: { 'text/plain': { schema: Type.String() } } });

// Each log is also served in the C2SP tlog-tiles layout under
// /v1/lines/<line>/logs/<party>/ (checkpoint, tile/<L>/<N>[.p/<W>], tile/entries/<N>[.p/<W>]).
export async function logRoutes(app: FastifyInstance) {
  const station = app.station;

  async function log(req: FastifyRequest<{ Params: { line: string; party: string } }>) {
    const line = await lineFor(station.store, await memberOf(req), req.params.line, 'read');
    if (!partyOf(line, req.params.party)) throw new HotlineError('not_found', 'no such log on this line');
    return { line: line.id, party: req.params.party };
  }

  app.get<{ Params: Static<typeof LogParams> }>('/v1/lines/:line/logs/:party/checkpoint', {
    config: { need: 'read' },
    schema: { operationId: 'getCheckpoint', tags: ['logs'], summary: 'Latest checkpoint (C2SP tlog-checkpoint in a signed note)', params: LogParams, response: { 200: PlainText('a signed note'), ...readErrors } },
  }, async (req, reply) => {
    const cp = await station.reader.checkpoint(await log(req));
    reply.type('text/plain; charset=utf-8');
    return cp.note;
  });

  app.get<{ Params: Static<typeof LogParams>; Querystring: Static<typeof Inclusion> }>('/v1/lines/:line/logs/:party/proof/inclusion', {
    config: { need: 'read' },
    schema: {
      operationId: 'getInclusionProof', tags: ['logs'],
      summary: 'RFC 6962 inclusion proof for entry `index` in the tree of `size` (default: latest checkpoint)',
      params: LogParams,
      querystring: Inclusion,
      response: { 200: InclusionProof, ...readErrors },
    },
  }, async (req) => {
    const p = await station.reader.inclusion(await log(req), req.query.index, req.query.size);
    return { index: p.index, size: p.size, proof: p.proof.map(toBase64) } satisfies InclusionProof;
  });

  app.get<{ Params: Static<typeof LogParams>; Querystring: Static<typeof Consistency> }>('/v1/lines/:line/logs/:party/proof/consistency', {
    config: { need: 'read' },
    schema: {
      operationId: 'getConsistencyProof', tags: ['logs'],
      summary: 'RFC 6962 consistency proof between tree sizes `from` and `to` (default: latest checkpoint)',
      params: LogParams,
      querystring: Consistency,
      response: { 200: ConsistencyProof, ...readErrors },
    },
  }, async (req) => {
    const p = await station.reader.consistency(await log(req), req.query.from, req.query.to);
    return { from: p.from, to: p.to, proof: p.proof.map(toBase64) } satisfies ConsistencyProof;
  });

  app.get<{ Params: Static<typeof TileParams> }>('/v1/lines/:line/logs/:party/tile/*', {
    config: {
      need: 'read',
      swaggerTransform: ({ schema }) => ({ url: '/v1/lines/:line/logs/:party/tile/:tile', schema: { ...schema, params: TileDocParams } }),
    },
    schema: {
      operationId: 'getTile', tags: ['logs'], summary: 'C2SP tlog-tiles hash tiles and entry bundles', params: TileParams,
      response: { 200: { description: 'the tile\'s bytes', content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } } }, ...readErrors },
    },
  }, async (req, reply) => {
    const l = await log(req);
    const tile = parseTilePath(`tile/${req.params['*']}`);
    if (!tile) throw new HotlineError('not_found', 'no such tile');
    const body = tile.kind === 'entries' ? await station.reader.entryBundle(l, tile.index, tile.width) : await station.reader.hashTile(l, tile);
    reply.type('application/octet-stream');
    // Tiles never change once written; partial ones are replaced by wider ones.
    if (tile.width === 256) reply.header('cache-control', 'private, max-age=31536000, immutable');
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  });
}
