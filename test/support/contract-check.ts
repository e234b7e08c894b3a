import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv as Ajv07, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { operations } from './served-document.ts';

/** One response as src/station/api/contract-record.ts wrote it. */
export interface ResponseRecord {
  method: string;
  /** Fastify's route pattern (/v1/lines/:line/messages); null when no route matched. */
  route: string | null;
  status: number;
  contentType?: string;
  body?: unknown;
  hidden?: boolean;
  unparsable?: boolean;
}

/** Every record in a directory of `<pid>.jsonl` files, one file in memory at a time (a whole run's records are large). */
export function* readRecords(dir: string): Generator<ResponseRecord> {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        yield JSON.parse(line) as ResponseRecord;
      } catch {
        // A station killed mid-write (the crash tests) leaves half a line: it was never a whole response.
      }
    }
  }
}

/**
 * Both `/v1/lines/:line/messages` (Fastify) and `/v1/lines/{line}/messages`
 * (OpenAPI) as `/v1/lines/{}/messages`: parameter names and the wildcard's
 * spelling in the document are the document's business, the shape is the route's.
 */
export function routeShape(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}').replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, '{}').replace(/\*/g, '{}');
}

export interface ContractReport {
  /** "METHOD /path status: what is wrong" → how many responses. */
  failures: Map<string, number>;
  /** "METHOD /path" → responses checked. */
  exercised: Map<string, number>;
  /** Documented operations no record touched. */
  unexercised: string[];
  /** Responses read. */
  responses: number;
  /** Records with nothing in the document to check against: no route matched, or a route the document hides on purpose. */
  unrouted: number;
}

const pointer = (...keys: string[]) => `#/${keys.map((k) => encodeURIComponent(k.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

/** Checks each recorded response against the document: its status documented for its operation, its body valid against that response's schema. */
export function checkContract(doc: any, records: Iterable<ResponseRecord>): ContractReport {
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0's are a draft-07 dialect (nullable, which Ajv knows).
  // Formats are not checked: the station's serializer does not enforce them either, and ajv-formats is not a dependency of ours.
  const ajv = String(doc.openapi).startsWith('3.1')
    ? new Ajv2020({ strict: false, allErrors: false, validateFormats: false })
    : new Ajv07({ strict: false, allErrors: false, validateFormats: false });
  // The whole document under one id, so that a response schema's $refs to #/components/… resolve within it.
  ajv.addSchema({ ...doc, $id: 'openapi.json' });
  const validators = new Map<string, ValidateFunction | Error>();
  const validator = (ref: string) => {
    if (!validators.has(ref)) {
      try {
        validators.set(ref, ajv.compile({ $ref: `openapi.json${ref}` }));
      } catch (err) {
        validators.set(ref, err as Error);
      }
    }
    return validators.get(ref)!;
  };

  const byShape = new Map<string, { path: string; method: string; op: any }>();
  for (const o of operations(doc)) byShape.set(`${o.method} ${routeShape(o.path)}`, o);

  const failures = new Map<string, number>();
  const exercised = new Map<string, number>();
  const fail = (what: string) => failures.set(what, (failures.get(what) ?? 0) + 1);
  let unrouted = 0;
  let responses = 0;

  for (const r of records) {
    responses++;
    if (r.route === null || r.hidden) {
      unrouted++;
      continue;
    }
    // Fastify answers HEAD for every GET route: the GET operation's statuses, without a body.
    const method = r.method.toLowerCase() === 'head' ? 'get' : r.method.toLowerCase();
    const found = byShape.get(`${method} ${routeShape(r.route)}`);
    if (!found) {
      fail(`${r.method} ${r.route}: route not in the document`);
      continue;
    }
    const name = `${method.toUpperCase()} ${found.path}`;
    exercised.set(name, (exercised.get(name) ?? 0) + 1);
    const statusKey = [String(r.status), `${String(r.status)[0]}XX`, 'default'].find((k) => found.op.responses?.[k]);
    if (!statusKey) {
      fail(`${name} ${r.status}: status not documented`);
      continue;
    }
    if (r.unparsable) {
      fail(`${name} ${r.status}: body is not the JSON its content type claims`);
      continue;
    }
    if (r.method.toLowerCase() === 'head') continue;
    const content = found.op.responses[statusKey].content as Record<string, { schema?: unknown }> | undefined;
    if (!r.contentType) {
      if (content && Object.keys(content).length) fail(`${name} ${r.status}: no body, where the document promises ${Object.keys(content).join(', ')}`);
      continue;
    }
    const mediaType = r.contentType.split(';')[0].trim();
    // Media types compared without their parameters (charset, the Prometheus format's version), on either side.
    const documented = Object.keys(content ?? {}).find((key) => {
      const k = key.split(';')[0].trim();
      return k === mediaType || k === '*/*' || (k.endsWith('/*') && mediaType.startsWith(k.slice(0, -1)));
    });
    if (!documented) {
      fail(`${name} ${r.status}: ${mediaType} body not documented${content ? ` (documented: ${Object.keys(content).join(', ')})` : ''}`);
      continue;
    }
    if (r.body === undefined || !content![documented].schema) continue;
    const validate = validator(pointer('paths', found.path, method, 'responses', statusKey, 'content', documented, 'schema'));
    if (validate instanceof Error) {
      fail(`${name} ${r.status}: documented schema does not compile: ${validate.message}`);
    } else if (!validate(r.body)) {
      const e = validate.errors?.[0];
      fail(`${name} ${r.status}: body does not match the schema: ${e?.instancePath || '(body)'} ${e?.message}${e?.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
    }
  }
  const unexercised = operations(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`).filter((n) => !exercised.has(n));
  return { failures, exercised, unexercised, responses, unrouted };
}
