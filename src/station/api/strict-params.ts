import type { FastifyInstance, FastifyRequest, preValidationHookHandler } from 'fastify';
import { badRequest } from '../../core/errors.ts';

// Path and query values arrive as text and the validator coerces them to the
// schema's type. Ajv's coercion is JavaScript's: "0x10" is 16, " " and "" are
// 0, "1e3" is 1000. So before validation each value meant as a number or a
// boolean must be written the one plain way; Ajv then converts it exactly.

type Kind = 'integer' | 'number' | 'boolean';

const INTEGER = /^(0|-?[1-9][0-9]{0,15})$/;
const NUMBER = /^-?(0|[1-9][0-9]{0,15})(\.[0-9]{1,15})?$/;

function kinds(schema: unknown): Map<string, Kind> {
  const out = new Map<string, Kind>();
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    if (property.type === 'integer' || property.type === 'number' || property.type === 'boolean') out.set(name, property.type);
  }
  return out;
}

function plain(kind: Kind, text: string): boolean {
  if (kind === 'boolean') return text === 'true' || text === 'false';
  if (kind === 'integer') return INTEGER.test(text) && Number.isSafeInteger(Number(text));
  return NUMBER.test(text) && text !== '-0' && !/^-0(\.0+)?$/.test(text);
}

const said = (kind: Kind) => (kind === 'boolean' ? 'true or false' : kind === 'integer' ? 'a whole number in plain decimal, like 42' : 'a number in plain decimal, like 1.5');

function checker(where: 'params' | 'querystring', fields: Map<string, Kind>) {
  return (req: FastifyRequest) => {
    const values = (where === 'params' ? req.params : req.query) as Record<string, unknown> | undefined;
    if (!values) return;
    for (const [name, kind] of fields) {
      const value = values[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw badRequest(`${where}/${name} must be given once, as ${said(kind)}`);
      if (!plain(kind, value)) throw badRequest(`${where}/${name} must be ${said(kind)}, not ${JSON.stringify(value.slice(0, 40))}`);
    }
  };
}

/** Adds, to every route whose path or query has numbers or booleans, the check that they are written plainly. */
export function strictParams(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const checks = [
      checker('params', kinds(route.schema?.params)),
      checker('querystring', kinds(route.schema?.querystring)),
    ];
    if (kinds(route.schema?.params).size + kinds(route.schema?.querystring).size === 0) return;
    const hook: preValidationHookHandler = (req, _reply, done) => {
      try {
        for (const check of checks) check(req);
        done();
      } catch (e) {
        done(e as Error);
      }
    };
    const existing = route.preValidation;
    route.preValidation = existing === undefined ? [hook] : Array.isArray(existing) ? [hook, ...existing] : [hook, existing];
  });
}
