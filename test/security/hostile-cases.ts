import { randomUUID } from 'node:crypto';
import { OpenApiDocument, OpenApiOperation, OpenApiSchema, SchemaChecker, toJsonSchema } from './openapi-schema';

/** One hostile value, sent as a JSON value in bodies and as its string form in query strings and paths. */
export interface HostileValue {
  name: string;
  value: unknown;
}

export const HUGE = 'A'.repeat(100 * 1024);
/** Arrays in objects, 3,000 levels: class-transformer overflowed its stack near 2,500, SQLite's JSON stops at 1,000. */
export const DEEP: unknown = JSON.parse('[{"a":'.repeat(1500) + '1' + '}]'.repeat(1500));

/** Every field, query parameter and path parameter gets each of these (and "missing" where it was present). */
export const HOSTILE_VALUES: HostileValue[] = [
  { name: 'number', value: 12345 },
  { name: 'boolean', value: true },
  { name: 'null', value: null },
  { name: 'array', value: ['x', 'y'] },
  { name: 'object', value: { a: 1, $gt: '' } },
  { name: 'nested 3000 deep', value: DEEP },
  { name: 'empty string', value: '' },
  { name: 'whitespace', value: '   ' },
  { name: 'huge string (100 KB)', value: HUGE },
  { name: 'unicode', value: 'Zoë 日本語 🎙️ مرحبا \u202eevil' },
  { name: 'NUL byte', value: 'nul\u0000byte' },
  { name: 'sql or', value: "' OR 1=1 --" },
  { name: 'sql drop', value: '"; DROP TABLE users; --' },
  { name: 'like %', value: '%' },
  { name: 'like _', value: '_' },
  { name: 'backslash', value: '\\' },
  { name: 'traversal', value: '../../etc/passwd' },
  { name: 'encoded traversal', value: '%2e%2e%2f' },
  { name: 'xss', value: '<script>alert(1)</script>' },
  { name: 'huge number', value: 1e308 },
  { name: '2**63', value: 2 ** 63 },
  { name: '-1', value: -1 },
  { name: 'float', value: 1.5 },
  { name: 'NaN string', value: 'NaN' },
  { name: '1e308 string', value: '1e308' },
];

/** Path ids: well-formed ids of nothing, ids that are not ids, and traversal (sent raw, not re-encoded). */
export const HOSTILE_PATH_VALUES: Array<{ name: string; raw: string }> = [
  { name: 'random uuid', raw: randomUUID() },
  { name: 'nil uuid', raw: '00000000-0000-0000-0000-000000000000' },
  { name: 'not a uuid', raw: 'not-a-uuid' },
  { name: 'traversal', raw: '../../etc/passwd' },
  { name: 'encoded traversal', raw: '%2e%2e%2f%2e%2e%2fetc%2fpasswd' },
  { name: 'double-encoded traversal', raw: '%252e%252e%252f' },
  { name: 'sql or', raw: encodeURIComponent("' OR 1=1 --") },
  { name: 'sql drop', raw: encodeURIComponent('"; DROP TABLE users; --') },
  { name: 'like %', raw: '%25' },
  { name: 'bare %', raw: '%' },
  { name: 'malformed percent-encoding', raw: '%E0%A4%A' },
  { name: 'like _', raw: '_' },
  { name: 'backslash', raw: '%5C' },
  { name: 'NUL byte', raw: '%00' },
  { name: 'unicode', raw: encodeURIComponent('Zoë🎙️') },
  { name: 'huge string (8 KB)', raw: 'A'.repeat(8 * 1024) },
  { name: '2**63', raw: '9223372036854775808' },
  { name: '-1', raw: '-1' },
  { name: '1e308', raw: '1e308' },
  { name: 'NaN', raw: 'NaN' },
  { name: 'uuid with suffix', raw: `${randomUUID()}x` },
  { name: 'uuid then traversal', raw: `${randomUUID()}%2f..` },
];

export type Expectation = 'reject' | 'either';

export interface RequestSpec {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
  /** 'json' (default when a body is present), 'form', or a raw content type with `raw` bytes. */
  encoding?: 'json' | 'form' | 'raw';
  contentType?: string;
  raw?: string;
}

export interface HostileCase {
  /** `<where>.<field>: <value name>` */
  name: string;
  spec: RequestSpec;
  /** 'reject': a server implementing the documented schema must answer 4xx; 'either': 2xx (checked) or 4xx. */
  expect: Expectation;
}

export interface RouteInfo {
  method: string;
  path: string;
  op: OpenApiOperation;
  /** In the document without a security requirement. */
  public: boolean;
  admin: boolean;
  bodySchema?: OpenApiSchema;
  bodyTypes: string[];
}

export function routesOf(doc: OpenApiDocument): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = op.requestBody?.content ?? {};
      out.push({
        method: method.toUpperCase(),
        path,
        op,
        public: !op.security?.length,
        // Admin routes, and introspection (admins and keys holding `introspect`).
        admin: path.startsWith('/auth/admin') || path === '/oauth/introspect',
        bodySchema: content['application/json']?.schema ?? Object.values(content)[0]?.schema,
        bodyTypes: Object.keys(content),
      });
    }
  return out;
}

/** Copies objects and arrays, shares strings (the 100 KB ones are in every case: structuredClone would copy them). */
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

function setAt(obj: Record<string, unknown>, path: string[], value: unknown, remove = false): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null || Array.isArray(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (remove) delete cur[last];
  else cur[last] = value;
}

function hasAt(obj: unknown, path: string[]): boolean {
  let cur = obj as Record<string, unknown> | undefined;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || !(k in cur)) return false;
    cur = cur[k] as Record<string, unknown>;
  }
  return true;
}

/** Field paths of a body schema: top-level properties, and one level into nested objects (rate_limits.per_minute). */
function fieldPaths(doc: OpenApiDocument, schema: OpenApiSchema, prefix: string[] = [], depth = 0): string[][] {
  const resolved = resolve(doc, schema);
  const out: string[][] = [];
  for (const [k, s] of Object.entries(resolved.properties ?? {})) {
    out.push([...prefix, k]);
    const inner = resolve(doc, s);
    if (depth < 1 && inner.properties) out.push(...fieldPaths(doc, inner, [...prefix, k], depth + 1));
  }
  return out;
}

function resolve(doc: OpenApiDocument, s: OpenApiSchema): OpenApiSchema {
  if (s.$ref) return resolve(doc, doc.components!.schemas![s.$ref.replace('#/components/schemas/', '')]);
  if (s.allOf?.length === 1 && !s.properties) return { ...resolve(doc, s.allOf[0]), nullable: s.nullable };
  return s;
}

/**
 * Every hostile request of one route, built from its baseline (a request the server accepts). Bodies: each
 * field × each hostile value, each present field missing, one unknown field, prototype pollution, and the
 * body itself malformed or of the wrong type or content type. Query: each parameter × each value, repeated,
 * bracketed and unknown parameters. Path: each id × hostile ids (a well-formed case id keeps the baseline).
 */
export function hostileCases(
  doc: OpenApiDocument,
  route: RouteInfo,
  baseline: RequestSpec,
  checker: SchemaChecker,
  opts: { openBody?: boolean } = {},
): HostileCase[] {
  const cases: HostileCase[] = [];
  const bodySchema = route.bodySchema ? toJsonSchema(doc, route.bodySchema, { openObjects: opts.openBody }) : undefined;
  const params = route.op.parameters ?? [];
  const queryParams = params.filter((p) => p.in === 'query');
  const querySchema = {
    type: 'object',
    additionalProperties: queryParams.length === 0,
    properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema ? toJsonSchema(doc, p.schema) : {}])),
    required: queryParams.filter((p) => p.required).map((p) => p.name),
  };
  const bodyVerdict = (body: unknown): Expectation =>
    !bodySchema || checker.accepts(bodySchema, body) ? 'either' : 'reject';
  const queryVerdict = (query: Record<string, unknown>): Expectation =>
    checker.accepts(querySchema, query, true) ? 'either' : 'reject';
  const withBody = (body: unknown, extra: Partial<RequestSpec> = {}): RequestSpec => ({
    ...clone(baseline),
    body,
    ...extra,
  });

  // Path ids.
  for (const p of params.filter((x) => x.in === 'path')) {
    for (const v of HOSTILE_PATH_VALUES)
      cases.push({
        name: `path.${p.name}: ${v.name}`,
        spec: { ...clone(baseline), path: { ...baseline.path, [p.name]: v.raw } },
        expect: 'reject',
      });
    const real = baseline.path[p.name];
    cases.push({
      name: `path.${p.name}: upper-case id`,
      spec: { ...clone(baseline), path: { ...baseline.path, [p.name]: real.toUpperCase() } },
      expect: 'either',
    });
  }

  // Query parameters (sent as strings, as a client would).
  for (const p of queryParams) {
    for (const v of HOSTILE_VALUES) {
      if (v.value === null || typeof v.value === 'object') continue; // arrays and objects below
      const query = { ...baseline.query, [p.name]: String(v.value) };
      cases.push({
        name: `query.${p.name}: ${v.name}`,
        spec: { ...clone(baseline), query },
        expect: queryVerdict(query),
      });
    }
    const repeated = { ...baseline.query, [p.name]: ['1', '2'] };
    cases.push({
      name: `query.${p.name}: repeated`,
      spec: { ...clone(baseline), query: repeated },
      expect: queryVerdict(repeated),
    });
    cases.push({
      name: `query.${p.name}: bracketed object`,
      spec: { ...clone(baseline), query: { ...baseline.query, [`${p.name}[$ne]`]: '1' } },
      expect: 'reject',
    });
  }
  if (queryParams.length)
    cases.push({
      name: 'query: unknown parameter',
      spec: { ...clone(baseline), query: { ...baseline.query, is_admin: 'true' } },
      expect: 'reject',
    });
  else
    cases.push({
      name: 'query: unexpected parameter',
      spec: { ...clone(baseline), query: { ...baseline.query, role: 'admin', user_id: "' OR 1=1 --" } },
      expect: 'either',
    });

  // Body.
  if (route.bodySchema) {
    const base = (baseline.body ?? {}) as Record<string, unknown>;
    for (const field of fieldPaths(doc, route.bodySchema)) {
      const name = field.join('.');
      for (const v of HOSTILE_VALUES) {
        const body = clone(base);
        setAt(body, field, v.value);
        cases.push({ name: `body.${name}: ${v.name}`, spec: withBody(body), expect: bodyVerdict(body) });
      }
      if (hasAt(base, field)) {
        const body = clone(base);
        setAt(body, field, undefined, true);
        cases.push({ name: `body.${name}: missing`, spec: withBody(body), expect: bodyVerdict(body) });
      }
    }
    const extra = { ...clone(base), is_admin: true, role_id: 1 };
    cases.push({ name: 'body: unknown field', spec: withBody(extra), expect: bodyVerdict(extra) });
    cases.push({
      name: 'body: __proto__ pollution',
      spec: withBody(undefined, {
        encoding: 'raw',
        contentType: 'application/json',
        raw: JSON.stringify(base).replace(/^\{/, '{"__proto__":{"role":"admin","is_admin":true},'),
      }),
      expect: 'reject',
    });
    cases.push({
      name: 'body: constructor.prototype pollution',
      spec: withBody(undefined, {
        encoding: 'raw',
        contentType: 'application/json',
        raw: JSON.stringify(base).replace(/^\{/, '{"constructor":{"prototype":{"role":"admin"}},'),
      }),
      expect: 'reject',
    });
    for (const [name, value] of [
      ['array', [base]],
      ['string', 'hello'],
      ['number', 42],
      ['null', null],
      ['empty object', {}],
    ] as const) {
      // A JSON `null` body is read as no body: harmless where every field is optional (logout, reset-password).
      const expect = value === null ? bodyVerdict({}) : bodyVerdict(value);
      cases.push({ name: `body: ${name}`, spec: withBody(value), expect });
    }
    cases.push({
      name: 'body: form-encoded',
      spec: withBody(base, { encoding: 'form' }),
      // The Fastify adapter parses form bodies on every route (the token endpoint needs them); same validation.
      expect: bodyVerdict(base),
    });
  }
  for (const [name, contentType, raw] of [
    ['malformed JSON', 'application/json', '{"username": "x", '],
    ['JSON with trailing garbage', 'application/json', '{"a":1} {"b":2}'],
    ['empty JSON body', 'application/json', ''],
    ['text/plain', 'text/plain', 'username=x&password=y'],
    [
      'application/xml',
      'application/xml',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
    [
      'multipart',
      'multipart/form-data; boundary=xyz',
      '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--\r\n',
    ],
    ['bogus charset', 'application/json; charset=utf-7', '{}'],
  ] as const) {
    // Routes without a body ignore one they were not asked to parse; routes with one must refuse these.
    const expect: Expectation = !route.bodySchema ? 'either' : name === 'bogus charset' ? bodyVerdict({}) : 'reject';
    cases.push({ name: `body: ${name}`, spec: withBody(undefined, { encoding: 'raw', contentType, raw }), expect });
  }
  return cases;
}
