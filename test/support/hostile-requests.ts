import fc from 'fast-check';
import { DOCS_PATHS } from '../../src/http/docs.js';
import { MAX_REQUEST_TARGET_LENGTH } from '../../src/http/limits.js';
import { toRouterPath, type SpecModel, type SpecOperation } from '../../src/openapi/index.js';
import { CREDENTIALS } from './mock.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

/**
 * Arbitraries for what fuzzers and scanners send, and the oracle every answer must satisfy:
 * a status documented for the operation the request reached (or 404 for no operation), the API's
 * JSON error body, never a 5xx.
 */
export interface HostileRequest {
  readonly method: string;
  /** Path and query as sent, starting with `/`. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** Strings that have broken parsers and validators before. */
const NASTY = [
  '', ' ', '0', '-0', '-1', '01', '1e3', '1E3', '0x10', '0b1', '0o7', '1.5', '1,5', '+1', '1_000', 'NaN', 'Infinity', '-Infinity',
  '9007199254740993', '99999999999999999999999999999', '1e308', '1e309', 'null', 'undefined', 'true', 'false', '[]', '{}', '[object Object]',
  '%00', '%', '%%', '%ZZ', '%E0%A4%A', '%C0%AE', '%FF', '%u0041', '%2e%2e', '..', '../..', '\\', '\u0000', '\u200b', '\ud800', '\ufeff',
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'ACTIVE', 'active', ' ACTIVE', 'ACTIVE ', 'BLACKLISTED,ACTIVE',
  '<script>alert(1)</script>', "' OR '1'='1", '${7*7}', '{{7*7}}', '$where', '{"$gt":""}', 'é', '中文', '👩‍👩‍👧', 'a'.repeat(101),
];

const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.bigInt()).map(String) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  // About 10 KB: long enough to hurt, short enough that the URL stays under its limit.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', '9', 'é', '%'), fc.integer({ min: 9_000, max: 10_240 })).map(([c, n]) => c.repeat(Math.floor(n / encode(c).length))) },
);

/** `encodeURIComponent` throws on a lone surrogate; a browser would send U+FFFD instead. */
function encode(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

const QUERY_KEYS = ['skip', 'take', 'status', 'name', 'email', 'skip[]', 'take[0]', 'status[]', '__proto__', 'constructor', 'toString', ''];

/** Query strings with repeated keys, array-style keys, empty values, raw and percent-encoded values. */
const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.record({
      key: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: nastyString }),
      value: nastyString,
      raw: fc.boolean(),
      bare: fc.boolean(),
    }),
    { maxLength: 6 },
  )
  .map((pairs) =>
    pairs
      .map(({ key, value, raw, bare }) => {
        // A "raw" value keeps malformed escapes such as %ZZ; only what would end the query is escaped.
        const escape = raw ? (s: string) => s.replace(/[#&=+\s]/g, encode) : encode;
        return bare && value === '' ? escape(key) : `${escape(key)}=${escape(value)}`;
      })
      .join('&'),
  );

/** A header value a Fetch `Headers` accepts (Latin-1, no controls). */
const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'null', 'undefined', '0', 'a'.repeat(2_000), 'Bearer x', 'mock-client-key ', ' mock-client-secret', 'MOCK-CLIENT-KEY', 'mock-client-key,mock-client-key', '\u00e9'),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 60 }),
);

const credentials: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ ...CREDENTIALS }) },
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: headerValue.map((v) => ({ 'x-client-key': CREDENTIALS['x-client-key'], 'x-client-secret': v })) },
  { weight: 1, arbitrary: headerValue.map((v) => ({ 'x-client-key': v, 'x-client-secret': CREDENTIALS['x-client-secret'] })) },
  { weight: 1, arbitrary: fc.constant({ 'x-client-key': CREDENTIALS['x-client-secret'], 'x-client-secret': CREDENTIALS['x-client-key'] }) },
);

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'text/plain', 'text/html',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '*/*', '', 'application/json, text/plain',
];

const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      credentials,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      idempotencyKey: fc.oneof(fc.constant(undefined), headerValue, fc.uuid()),
      extra: fc.dictionary(fc.constantFrom('accept', 'accept-encoding', 'content-encoding', 'origin', 'x-forwarded-for', 'x-http-method-override', 'cookie', 'authorization'), headerValue, { maxKeys: 3 }),
    },
    { requiredKeys: ['credentials', 'contentType'] },
  )
  .map(({ credentials, contentType, idempotencyKey, extra }) => {
    const all: Record<string, string> = { ...extra, ...credentials, 'content-type': contentType };
    if (idempotencyKey !== undefined) all['idempotency-key'] = idempotencyKey;
    return all;
  });

/** Values of the wrong type, or the right type in the wrong spelling (numbers as strings...). */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.constantFrom(null, true, 0, -1, Number.POSITIVE_INFINITY, 12.5, [], {}, ['ACTIVE'], { $gt: '' }, '+14155550123', 14155550123, 'a@b.co'),
  fc.anything({ maxDepth: 2 }),
);

const createLike: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    first_name: fc.oneof(fc.constantFrom('Ada', 'Zoë'), wrongValue),
    last_name: fc.oneof(fc.constant('Lovelace'), wrongValue),
    phone_number: fc.oneof(fc.constantFrom('+14155550123', '+442071838750'), wrongValue),
    email: fc.oneof(fc.emailAddress(), wrongValue),
    customer_type: fc.oneof(fc.constantFrom('Individual', 'Enterprise'), wrongValue),
    status: fc.oneof(fc.constantFrom(...CUSTOMER_STATUSES), wrongValue),
    reason: wrongValue,
    id: wrongValue,
    appId: wrongValue,
  },
  { requiredKeys: [] },
);

/** Inserts a key into the outermost object of a JSON text, the way only raw text can spell `__proto__`. */
function withKey(json: string, key: string, value: string): string {
  return json.startsWith('{') && json !== '{}' ? `{${JSON.stringify(key)}:${value},${json.slice(1)}` : `{${JSON.stringify(key)}:${value}}`;
}

const POLLUTION = ['{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', '{"constructor":{"prototype":{"polluted":"yes"}}}'];

const hostileBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: createLike.map((b) => JSON.stringify(b)) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(createLike, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom(...POLLUTION))
      .map(([b, key, value]) => withKey(JSON.stringify(b), key, value)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION).map((p) => `[{"__proto__":${p}},{"constructor":${p}}]`) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  // Not JSON at all, or JSON cut short, or JSON with what JSON forbids.
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.constantFrom('{', '{"first_name":', '[1,2', '{"a":1,}', "{'a':1}", 'NaN', '\ufeff{}', '{"a":1}{"b":2}', '\u0000', 'first_name=Ada', '<x/>', 'null', '""', '0'),
      fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
    ),
  },
  // Deep nesting: the parser, the validator and structuredClone all recurse.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 500, max: 20_000 }), fc.boolean())
      .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)),
  },
  // Huge arrays, under and over the body limit.
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 80_000 }).map((n) => `[${'1,'.repeat(n)}1]`) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 2_000 }).map((n) => `[${Array.from({ length: n }, (_, i) => `{"id":"${i}"}`).join(',')}]`) },
);

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
/** Methods Fetch allows but no route has. */
const ODD_METHODS = ['PROPFIND', 'M-SEARCH', 'FOO', 'QUERY', 'PURGE'];

/** A request aimed at one operation: its method and path, every other part hostile. */
export function requestFor(operation: SpecOperation, existingIds: readonly string[]): fc.Arbitrary<HostileRequest> {
  const idValue = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...existingIds) },
    { weight: 2, arbitrary: fc.uuid({ version: 4 }) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom(...existingIds).map((id) => id.toUpperCase()) },
    { weight: 3, arbitrary: nastyString.filter((s) => s.length < 2_000) },
  );
  return fc.record({ id: idValue, query: queryString, headers: hostileHeaders, body: fc.option(hostileBody, { freq: 4, nil: undefined }) }).map(({ id, query, headers, body }) => ({
    method: operation.method.toUpperCase(),
    target: `${operation.path.replace('{id}', encode(id))}${query ? `?${query}` : ''}`,
    headers,
    // An operation with a body gets one almost always; others sometimes carry one anyway.
    body: operation.requestBodySchema ? (body ?? '{"first_name":"Ada","last_name":"Lovelace","phone_number":"+14155550123"}') : body,
  }));
}

const PATH_SEGMENTS = ['api', 'v0', 'customers', '__admin', 'reset', 'requests', 'docs', 'openapi.json', '', '.', '..', '%2e%2e', '%2F', 'CUSTOMERS', 'customers;x=1'];

/** Any method on any path: mostly near-misses of the real routes. */
export const anyRequest: fc.Arbitrary<HostileRequest> = fc
  .record({
    method: fc.constantFrom(...HTTP_METHODS, ...ODD_METHODS),
    segments: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PATH_SEGMENTS) }, { weight: 1, arbitrary: nastyString.filter((s) => s.length < 200).map(encode) }), { minLength: 0, maxLength: 6 }),
    query: queryString,
    headers: hostileHeaders,
    body: fc.option(hostileBody, { nil: undefined }),
  })
  .map(({ method, segments, query, headers, body }) => ({
    method,
    target: `/${segments.join('/')}${query ? `?${query}` : ''}`,
    headers,
    body,
  }));

/** The operation a request reaches, found the way the router finds it: normalised, decoded path; HEAD as GET. */
function routeOf(spec: SpecModel, method: string, target: string): SpecOperation | undefined {
  const pathname = decodePath(new URL(`http://localhost${target}`).pathname);
  const wanted = method === 'HEAD' ? 'get' : method.toLowerCase();
  // Hono matches method names exactly, so only upper-case spellings reach a route.
  if (method !== method.toUpperCase()) return undefined;
  return spec.operations.find((op) => op.method === wanted && routePattern(op).test(pathname));
}

/** The docs page and the document, served beside the API to GET (and so HEAD). */
function servesDocs(method: string, target: string): boolean {
  const pathname = decodePath(new URL(`http://localhost${target}`).pathname).replace(/(.)\/$/, '$1');
  return (method === 'GET' || method === 'HEAD') && DOCS_PATHS.includes(pathname);
}

function routePattern(operation: SpecOperation): RegExp {
  const source = toRouterPath(operation.path)
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  // The router is not strict: a trailing slash reaches the same route.
  return new RegExp(`^${source}/?$`);
}

/** Decodes each valid escape on its own and leaves the rest, as Hono does (reserved characters stay encoded). */
function decodePath(path: string): string {
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURI(run);
    } catch {
      return run;
    }
  });
}

/** The request target's length as the app measures it: path and query. */
function targetLength(target: string): number {
  const url = new URL(`http://localhost${target}`);
  return url.pathname.length + url.search.length;
}

export interface ObservedAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

/**
 * Everything wrong with one answer: a 5xx, a status not documented for the operation reached
 * (404 when none), a body that is not the documented JSON. Empty when the answer is right.
 */
export function answerProblems(spec: SpecModel, request: HostileRequest, answer: ObservedAnswer, extraStatuses: readonly number[] = []): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`server error ${answer.status}`);
  if (request.method === 'HEAD') return [...problems, ...headProblems(spec, request, answer)];
  if (extraStatuses.includes(answer.status)) return [...problems, ...errorBodyProblems(spec, answer)];
  if (targetLength(request.target) > MAX_REQUEST_TARGET_LENGTH) {
    if (answer.status !== 414) problems.push(`status ${answer.status} for a target over the limit, expected 414`);
    return [...problems, ...errorBodyProblems(spec, answer)];
  }
  if (servesDocs(request.method, request.target)) {
    if (answer.status !== 200) problems.push(`status ${answer.status} for ${request.target}, expected 200`);
    return problems;
  }
  const operation = routeOf(spec, request.method, request.target);
  if (!operation) {
    if (answer.status !== 404) problems.push(`status ${answer.status} on no route, expected 404`);
    return [...problems, ...errorBodyProblems(spec, answer)];
  }
  let parsed: unknown;
  let isJson = true;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    isJson = false;
  }
  problems.push(...spec.responseValidator(operation.operationId)({ status: answer.status, contentType: answer.contentType, body: parsed ?? answer.text, bodyIsJson: isJson }));
  return problems;
}

/** A HEAD answer has no body to check: its status is that of the GET it stands for. */
function headProblems(spec: SpecModel, request: HostileRequest, answer: ObservedAnswer): string[] {
  const operation = routeOf(spec, request.method, request.target);
  const expected =
    targetLength(request.target) > MAX_REQUEST_TARGET_LENGTH
      ? ['414']
      : servesDocs(request.method, request.target)
        ? ['200']
        : operation
          ? Object.keys(operation.responses)
          : ['404'];
  return expected.includes(String(answer.status)) ? [] : [`HEAD status ${answer.status}, expected one of ${expected.join(', ')}`];
}

function errorBodyProblems(spec: SpecModel, answer: ObservedAnswer): string[] {
  const problems: string[] = [];
  if (!answer.contentType?.startsWith('application/json')) problems.push(`content-type ${answer.contentType}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    return [...problems, `body is not JSON: ${answer.text.slice(0, 100)}`];
  }
  const validate = spec.schemaValidator('Error');
  if (!validate(parsed)) problems.push(`body is not the error shape: ${answer.text.slice(0, 200)}`);
  else if ((parsed as { statusCode: number }).statusCode !== answer.status) problems.push(`statusCode ${(parsed as { statusCode: number }).statusCode} != ${answer.status}`);
  return problems;
}
