import fc from 'fast-check';

// Hostile requests for any operation of an OpenAPI document, for
// test/api-fuzz.test.ts: plausible values (so requests reach deep into the
// routes and commands) mixed with the values that break parsers and
// validators: wrong types, huge and odd numbers, NUL, unpaired surrogates,
// invalid UTF-8, deep nesting, prototype keys, odd content types and tokens.

export interface Operation {
  method: string;
  /** As in the OpenAPI document, e.g. /v1/lines/{line}/messages. */
  path: string;
  pathParams: string[];
  query: Array<{ name: string; schema: any }>;
  body?: any;
}

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: Buffer;
  /** What the request is, readably, for failure messages. */
  describe: string;
}

/** What the generator may use to make plausible requests: ids that exist, tokens by role. */
export interface World {
  lines: string[];
  parties: string[];
  items: string[];
  members: string[];
  peers: string[];
  tokens: Record<string, string>;
  keys: string[];
  now: number;
}

// Operations that change what every later request can do (who must use a
// second factor, who is on a line): fuzzed last, so the others are not all
// turned away by what these happened to set.
const LAST = [/^PUT \/v1\/security\/policy$/, /^PUT \/v1\/lines\/\{line\}\/members$/, /^PUT \/v1\/lines\/\{line\}\/roster$/, /^PATCH \/v1\/members\/\{name\}$/, /^DELETE \/v1\/session$/];
const late = (op: Operation) => LAST.findIndex((re) => re.test(`${op.method} ${op.path}`)) + 1;

/** Whether the operation, when it succeeds, changes what every later request may do. */
export const changesWorld = (op: Operation) => late(op) > 0;

export function operationsOf(doc: any): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        query: parameters.filter((p: any) => p.in === 'query').map((p: any) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return out.sort((a, b) => late(a) - late(b));
}

// A marker replaced by raw JSON text after stringifying, for what JSON.stringify cannot write (-0, 1e400, NaN).
const RAW = (text: string) => `\u0001RAW:${text}\u0001`;
const unraw = (json: string) => json.replace(/"\\u0001RAW:([^\\]*)\\u0001"/g, '$1');

const hostileStrings = fc.constantFrom(
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\udbff\udbff', '0x10', '%20', '-1', '1e3', '1e308', 'NaN', 'Infinity', '-0',
  'true', 'null', '__proto__', 'constructor', '../../etc/passwd', '%00', '<script>alert(1)</script>', "'; DROP TABLE entry; --",
  '\u202e\u0645\u0631\u062d\u0628\u0627', 'e\u0301', '\ufeff', '💥'.repeat(50), 'x'.repeat(300), 'y'.repeat(70_000), 'Washington:0', 'Moscow:99999999999999999999',
);
const hostileNumbers = fc.constantFrom(RAW('-0'), RAW('1e400'), RAW('-1e400'), RAW('1E2'), RAW('0.0000001'), 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 2 ** 60, -1, 0, 0.5, -0.5, 1e-320, 4294967296);
const hostileAny = fc.oneof(
  hostileStrings, hostileNumbers, fc.constantFrom(null, true, false, [], {}, [[[[[]]]]], { __hostile: 1 }, [null], { a: { b: { c: { d: 1 } } } }),
);

const plausibleText = fc.oneof(fc.constantFrom('hello', 'Call requested', 'Получено.', 'مرحبا', '你好', '😀 ok', 'a'), fc.string({ maxLength: 40, unit: 'grapheme' }));

function examples(name: string, w: World): unknown[] {
  const start = w.now + 3600_000;
  switch (name) {
    case 'area':
      return [
        { type: 'Point', coordinates: [30, 50], radius: 50_000 },
        { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] },
        { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]] },
        { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [2, 2], [0, 0]]] },
        { type: 'Polygon', coordinates: [[[0, 85], [10, 85], [10, 90], [0, 85]]] },
        { type: 'MultiPolygon', coordinates: [[[[170, 0], [-170, 0], [-170, 10], [170, 10], [170, 0]]]] },
        { type: 'Polygon', coordinates: [Array.from({ length: 999 }, (_, i) => [Math.cos(i / 159) * 10, Math.sin(i / 159) * 10]).concat([[10, 0]])] },
        { type: 'Point', coordinates: [0, 90], radius: 5_000_000 },
        { type: 'Point', coordinates: [RAW('1e400'), 0], radius: 1 },
      ];
    case 'window':
      return [{ start, end: start + 3600_000 }, { start: Math.floor(start / 1000), end: Math.floor(start / 1000) + 3600 }, { start, end: 2 ** 60 }, { start: 0, end: 1 }, { start: start + 1, end: start }];
    case 'altitude':
      return [{ lower: 0, upper: 1000 }, { lower: 1000, upper: 0 }, { lower: -1e308, upper: 1e308 }];
    case 'lang':
      return ['en', 'ru', 'fr', 'uk', 'zz-ZZZZZZZZZ', 'EN'];
    case 'precedence':
      return ['FLASH', 'IMMEDIATE', 'PRIORITY', 'ROUTINE', 'flash'];
    case 'members':
      return [w.members.slice(0, 3), ['nobody'], [], w.members];
    case 'parties':
      return [[], w.keys, ['not a key'], [w.keys[0], w.keys[0]]];
    case 'key':
      return [...w.keys, 'Moscow+00000000+AQ=='];
    case 'urls':
      return [[], ['wss://127.0.0.1:1'], ['http://127.0.0.1:1'], ['not a url']];
    case 'name':
      return ['fuzz-nobody', 'Moscow', 'x'.repeat(65)];
    case 'password':
      return ['wrong password for fuzzing', 'x'];
    case 'toParty':
      return [...w.parties, 'Nobody'];
    case 'fingerprint':
      return [`sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`, 'sha-256 AB'];
    case 'texts':
      return [{ en: 'Template', ru: 'Шаблон' }, {}, { EN: 'x' }, { en: '' }];
    case 'checks':
      return [null, { zone: 'UTC', days: [1, 2, 3, 4, 5], times: ['09:00'], windowMinutes: 30 }, { zone: 'Mars/Olympus', days: [9], times: ['25:61'], windowMinutes: 0 }];
    case 'template':
    case 'number':
      return [1, 1, 2];
    case 'stage':
      return ['sight', 'rough', 'official'];
    case 'kind':
      return ['exercise', 'other', 'offer', 'ice'];
    case 'expiresInHours':
      return [1, 720, 8760, 8761, 0.5];
    case 'zone':
      return ['UTC', 'Europe/Moscow', 'Not/AZone'];
    default:
      return [];
  }
}

/** A value for `schema` (JSON Schema as TypeBox writes it): plausible, or (when `h`) sometimes hostile. */
export function valueFor(schema: any, w: World, h: boolean, name = '', depth = 0): fc.Arbitrary<unknown> {
  const known = examples(name, w);
  const plausible = plausibleFor(schema ?? {}, w, h, depth);
  const good = known.length > 0 ? fc.oneof(fc.constantFrom(...known), plausible) : plausible;
  return h ? fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: hostileAny }) : good;
}

function plausibleFor(schema: any, w: World, h: boolean, depth: number): fc.Arbitrary<unknown> {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return fc.oneof(...branches.map((b: any) => plausibleFor(b, w, h, depth)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (depth > 6) return fc.constant(null);
  switch (schema.type) {
    case 'object': {
      const props: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries<any>(schema.properties ?? {})) props[k] = valueFor(v, w, h, k, depth + 1);
      const required: string[] = schema.required ?? [];
      // Mostly with every required key, so the request gets past the schema into the command.
      const keyed = Object.keys(props).length > 0
        ? fc.oneof({ weight: 3, arbitrary: fc.record(props, { requiredKeys: required.filter((k) => k in props) }) }, { weight: 1, arbitrary: fc.record(props, { requiredKeys: [] }) })
        : fc.constant({});
      if (!h) return keyed;
      const extra = fc.dictionary(fc.constantFrom('extra', 'constructor', 'prototype', '__proto__', 'a\u0000', '\ud800'), hostileAny, { maxKeys: 1 });
      return fc.tuple(keyed, fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extra })).map(([a, b]) => ({ ...(a as object), ...(b as object) }));
    }
    case 'array':
      return fc.array(valueFor(schema.items ?? {}, w, h, '', depth + 1), { maxLength: 4 });
    case 'string':
      return fc.oneof(plausibleText, fc.constantFrom(...w.items, ...w.parties, ...w.members));
    case 'integer':
      return fc.oneof(fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 1000, 1e6) }), fc.constantFrom(1, 600, 86400));
    case 'number':
      return fc.oneof(fc.double({ min: schema.minimum ?? -1e6, max: Math.min(schema.maximum ?? 1e6, 1e6), noNaN: true }), fc.constantFrom(1, 24));
    case 'boolean':
      return fc.boolean();
    default:
      return h ? hostileAny : fc.constant({});
  }
}

const badUtf8 = [[0xff], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xfe, 0xff, 0xff]];

/** The body as bytes: schema-shaped JSON; when hostile, also invalid UTF-8 spliced in, or a hostile document. */
function bodyFor(op: Operation, w: World, h: boolean): fc.Arbitrary<Buffer | undefined> {
  const schema = op.body ?? { type: 'object', properties: {} };
  const shaped = valueFor(schema, w, h).map((v) => Buffer.from(unraw(JSON.stringify(v) ?? 'null')));
  if (!h) return op.body ? shaped : fc.oneof(fc.constant(undefined), shaped);
  const broken = fc.tuple(shaped, fc.constantFrom(...badUtf8), fc.nat()).map(([json, bad, at]) => {
    // Inside a string value where there is one, so only the encoding is wrong.
    const quote = json.indexOf('"', json.indexOf(':') + 1);
    const i = quote > 0 ? quote + 1 : at % (json.length + 1);
    return Buffer.concat([json.subarray(0, i), Buffer.from(bad), json.subarray(i)]);
  });
  const documents = fc.constantFrom(
    '', 'null', '[]', '"text"', '{', '{"a":', 'NaN', '1e400', '{"text":1e400}', '{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"x":1}}}',
    '{"text":"a","text":"b"}', '\ufeff{}', '{"text":"\\u0000"}', '{"text":"\\ud800"}', `{"text":"${'z'.repeat(300_000)}"}`,
    '['.repeat(10_000) + ']'.repeat(10_000), '{"a":'.repeat(5000) + '1' + '}'.repeat(5000), `[${'1,'.repeat(50_000)}1]`,
  ).map((t) => Buffer.from(t));
  return fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: shaped }, { weight: 2, arbitrary: broken }, { weight: 2, arbitrary: documents });
}

function pathValue(name: string, w: World, h: boolean): fc.Arbitrary<string> {
  const plausible: Record<string, string[]> = {
    line: [w.lines[0], w.lines[0], w.lines[0], ...w.lines, 'no-such-line'],
    party: [w.parties[0], ...w.parties],
    seq: ['0', '1', '2', '999'],
    number: ['1', '2', '999', '1000'],
    id: [...w.items, 'Washington:0', 'Moscow:0'],
    peer: [...w.peers, 'Nobody'],
    name: ['fuzz-scratch', 'fuzz-nobody'],
    tile: ['0/000', '0/000.p/1', 'entries/000', 'entries/000.p/1', 'entries/000.p/3', '1/000', '0/x001/000', 'entries/000.p/0', 'entries/000.p/257', '0/000.p/1/2'],
  };
  const good = fc.constantFrom(...(plausible[name] ?? ['x']));
  if (!h) return good;
  const hostile = fc.constantFrom(
    '0x10', '%20', '-1', '1e3', '+1', '01', '1.0', '9'.repeat(30), 'NaN', 'Infinity', '%00', '%ff', '%C0%AF', '%ED%A0%80', '..', '%2e%2e', '%2F', 'a%2Fb',
    encodeURIComponent('é'), encodeURIComponent('💥'), 'a'.repeat(500), '%', '%zz', encodeURIComponent('\u0000'), '__proto__', 'constructor',
  );
  const text = fc.string({ maxLength: 20, unit: 'grapheme' }).map(encodeURIComponent);
  return fc.oneof({ weight: 2, arbitrary: good }, { weight: 3, arbitrary: hostile }, { weight: 1, arbitrary: text });
}

function queryValue(schema: any, h: boolean): fc.Arbitrary<string> {
  const plausible = schema.enum ?? (schema.anyOf ?? []).map((b: any) => b.const).filter((c: unknown) => c !== undefined);
  const typed = schema.type === 'boolean' ? ['true', 'false'] : schema.type === 'integer' || schema.type === 'number' ? ['0', '1', '10', '100'] : ['json', 'csv', 'x'];
  const good = fc.constantFrom(...(plausible.length ? plausible.map(String) : typed));
  if (!h) return good;
  return fc.oneof(
    { weight: 1, arbitrary: good },
    { weight: 2, arbitrary: fc.constantFrom('0x10', '%20', '-1', '1e3', '1e308', '-0', '', '1.5', '9'.repeat(40), String(2 ** 53), 'true', '1', 'yes', '%00', '%ff', '%ED%A0%80', '%C0%AF') },
  );
}

function queryFor(op: Operation, h: boolean): fc.Arbitrary<string> {
  const parts = op.query.map((q) => fc.option(queryValue(q.schema, h).map((v) => `${q.name}=${v}`), { nil: undefined }));
  const twice = h && op.query.length > 0 ? rarely(fc.constant(`${op.query[0].name}=1&${op.query[0].name}=2`)) : fc.constant(undefined);
  const unknown = h ? rarely(fc.constantFrom('__proto__[x]=1', 'constructor=1', 'zz=%00', 'a[b]=c')) : fc.constant(undefined);
  return fc.tuple(fc.tuple(...parts), twice, unknown).map(([p, t, u]) => {
    const all = [...p, t, u].filter((x): x is string => !!x);
    return all.length ? `?${all.join('&')}` : '';
  });
}

function authFor(w: World, h: boolean): fc.Arbitrary<string | undefined> {
  const valid = Object.values(w.tokens).map((t) => `Bearer ${t}`);
  if (!h) return fc.constantFrom(...valid);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom('Bearer', 'Bearer ', 'Bearer garbage', 'Basic cm9vdDpyb290', `Bearer ${'a'.repeat(4000)}`, `bearer ${valid[0].slice(7)}`, `Bearer  ${valid[0].slice(7)}`, `Bearer ${valid[0].slice(7)}x`, 'Bearer %00', 'Bearer é', `Bearer ${valid[0].slice(7)}, Bearer ${valid[1].slice(7)}`) },
  );
}

const contentTypes = fc.constantFrom(
  'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'Application/JSON',
  'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json;charset=""', 'application/json; boundary=x', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/vnd.api+json', 'application/json;;', '*/*', 'json',
);

const oddHeaders = fc.constantFrom<Record<string, string>>(
  { 'x-forwarded-for': '1.2.3.4' }, { origin: 'https://evil.example' }, { origin: 'null' }, { 'content-encoding': 'gzip' }, { 'x-long': 'v'.repeat(8000) },
  { accept: 'text/html' }, { host: 'evil.example' }, { 'x-http-method-override': 'DELETE' },
);

/** Undefined `keep` times in `keep + 1`. */
function rarely<T>(arb: fc.Arbitrary<T>, keep = 4): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: keep, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

const dimensions = ['none', 'params', 'query', 'body', 'headers', 'auth', 'all'] as const;

/**
 * Any request for the operation. Each request is hostile in one dimension
 * (path, query, body, headers or token) and plausible in the others, or
 * plausible throughout, or hostile throughout: a request hostile everywhere
 * is turned away at the first check, and the later checks would go untried.
 */
export function requestFor(op: Operation, w: World): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom(...dimensions).chain((focus) => {
    const h = (d: string) => focus === d || focus === 'all';
    const params = op.pathParams.length > 0 ? fc.tuple(...op.pathParams.map((p) => pathValue(p, w, h('params')))) : fc.constant([] as string[]);
    return fc.record({
      params,
      query: queryFor(op, h('query')),
      auth: authFor(w, h('auth')),
      body: op.method !== 'GET' ? bodyFor(op, w, h('body')) : fc.constant(undefined),
      type: h('headers') ? rarely(contentTypes, 1) : fc.constant(undefined),
      extra: h('headers') ? rarely(oddHeaders, 1) : fc.constant(undefined),
    });
  }).map(({ params, query, auth, body, type, extra }) => {
    let path = op.path;
    op.pathParams.forEach((p, i) => (path = path.replace(`{${p}}`, params[i])));
    const headers: Record<string, string> = { ...(extra ?? {}) };
    if (auth !== undefined) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = type ?? 'application/json';
    const shown = body === undefined ? '' : ` body(${body.length} bytes)=${JSON.stringify(body.subarray(0, 200).toString('latin1'))}`;
    return { method: op.method, url: path + query, headers, payload: body, describe: `${op.method} ${path + query} ${JSON.stringify({ ...headers, authorization: headers.authorization?.slice(0, 30) })}${shown}` };
  });
}
