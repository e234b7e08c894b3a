import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { toBase64 } from '../../../core/encoding.ts';
import { HotlineError } from '../../../core/errors.ts';
import { partyOf } from '../../../core/line.ts';
import { parseTilePath } from '../../../core/tile.ts';
import { lineFor } from '../../line-access.ts';
import { memberOf } from '../app.ts';
import { Base64Hashes, LogParams, Position } from '../schemas.ts';

const Inclusion = Type.Object({ index: Position(), size: Type.Optional(Position({ minimum: 1 })) });
const Consistency = Type.Object({ from: Position(), to: Type.Optional(Position()) });
const TileParams = Type.Object({ line: Type.String({ maxLength: 64 }), party: Type.String({ maxLength: 64 }), '*': Type.String({ maxLength: 200 }) });

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
    schema: { summary: 'Latest checkpoint (C2SP tlog-checkpoint in a signed note)', params: LogParams, produces: ['text/plain'] },
  }, async (req, reply) => {
    const cp = await station.reader.checkpoint(await log(req));
    reply.type('text/plain; charset=utf-8');
    return cp.note;
  });

  app.get<{ Params: Static<typeof LogParams>; Querystring: Static<typeof Inclusion> }>('/v1/lines/:line/logs/:party/proof/inclusion', {
    config: { need: 'read' },
    schema: {
      summary: 'RFC 6962 inclusion proof for entry `index` in the tree of `size` (default: latest checkpoint)',
      params: LogParams,
      querystring: Inclusion,
      response: { 200: Type.Object({ index: Type.Integer(), size: Type.Integer(), proof: Base64Hashes }) },
    },
  }, async (req) => {
    const p = await station.reader.inclusion(await log(req), req.query.index, req.query.size);
    return { index: p.index, size: p.size, proof: p.proof.map(toBase64) };
  });

  app.get<{ Params: Static<typeof LogParams>; Querystring: Static<typeof Consistency> }>('/v1/lines/:line/logs/:party/proof/consistency', {
    config: { need: 'read' },
    schema: {
      summary: 'RFC 6962 consistency proof between tree sizes `from` and `to` (default: latest checkpoint)',
      params: LogParams,
      querystring: Consistency,
      response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), proof: Base64Hashes }) },
    },
  }, async (req) => {
    const p = await station.reader.consistency(await log(req), req.query.from, req.query.to);
    return { from: p.from, to: p.to, proof: p.proof.map(toBase64) };
  });

  app.get<{ Params: Static<typeof TileParams> }>('/v1/lines/:line/logs/:party/tile/*', {
    config: { need: 'read' },
    schema: { summary: 'C2SP tlog-tiles hash tiles and entry bundles', params: TileParams, produces: ['application/octet-stream'] },
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
