import type { oas31 } from 'openapi3-ts';
import { CUSTOMER_DEFAULTS, CUSTOMER_STATUSES, PAGE_SIZE_DEFAULT } from '../openapi/contract-facts.generated.js';
import { isJsonObject } from '../json-object.js';
import type { SpecModel, SpecOperation } from '../openapi/index.js';
import { ruleCatalogue, type Provenance, type RuleId } from '../openapi/rules.js';
import { matches, type CustomerFilter } from '../domain/query.js';
import type { Customer, CustomerList } from '../domain/customer.js';
import { documentedOnly } from './schema-profile.js';

/** A request as it went on the wire. */
export interface JudgedRequest {
  readonly method: string;
  /** The target: a path with its query, or a whole URL. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as sent, when there was one. */
  readonly body: string | undefined;
}

/** A response as it came back. */
export interface JudgedResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or the text when it was not JSON. */
  readonly body: unknown;
  readonly bodyIsJson: boolean;
}

/** One way an exchange departs from a rule of the document. */
export interface Verdict {
  readonly rule: RuleId;
  readonly provenance: Provenance;
  /** `request`: the client broke the document (still the server's to answer with a 4xx); `response`: the server did. */
  readonly side: 'request' | 'response';
  readonly operationId: string;
  /** The response's status. */
  readonly status: number;
  readonly message: string;
}

/**
 * What the caller knows beyond the exchange: its own records as a correct server shows them now
 * (the fields it wrote) and the ids it deleted. The contract kit's write model is one.
 */
export interface Knowledge {
  readonly records: ReadonlyMap<string, Readonly<Partial<Customer>>>;
  readonly deleted: ReadonlySet<string>;
}

export interface Judgement {
  /** The operation the request was for; undefined for a request no operation of the document routes. */
  readonly operationId: string | undefined;
  /** Each rule the response could show broken, whether it was or not: what a coverage count counts. */
  readonly judged: readonly RuleId[];
  readonly verdicts: readonly Verdict[];
}

export interface Judge {
  judge(request: JudgedRequest, response: JudgedResponse, knowledge?: Knowledge): Judgement;
}

export interface JudgeOptions {
  /** The clock `X-RateLimit-Reset` is compared with (ms since the epoch). */
  readonly now?: () => number;
}

/** The API's own operations (not the admin endpoints): the rate limit and the credentials rules are theirs. */
const API_TAG = 'Customers';
const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] as const;
/** How far `X-RateLimit-Reset` may lie behind the judge's clock (clocks tick at different moments) and ahead of it (a window is at most an hour). */
const RESET_SLACK_S = 2;
const RESET_HORIZON_S = 3600;
/** Characters that mean something to SQL `LIKE`, regular expressions or globs: a stray under a filter holding one is a literal-matching fault. */
const PATTERN_CHARACTERS = /[%_*.[\\(+?^$|{}\]]/;
const CREATE_FIELDS = ['first_name', 'last_name', 'email', 'phone_number', 'customer_type', 'status'] as const;

/**
 * The one judge of single exchanges: the contract kit judges every response it gets with it, and
 * the validation proxy every exchange it forwards. It judges only what one request and its
 * response show (and, given knowledge, what the caller knows of its own records): the request
 * against the document, the status, the body's schema, the headers, a filtered page against its
 * filter (by the list semantics in domain/query.ts), the page's size, a fetch's id, a write's echo.
 */
export function createJudge(whole: SpecModel, options: JudgeOptions = {}): Judge {
  const now = options.now ?? Date.now;
  const documented = documentedOnly(whole);
  const catalogue = ruleCatalogue(whole.spec.asWritten);
  const routes = whole.operations.map((operation) => ({ operation, pattern: routePattern(operation.path) }));

  return {
    judge(request, response, knowledge) {
      const url = new URL(request.url, 'http://judge.invalid');
      const method = request.method.toLowerCase();
      const route = routes.find((r) => r.operation.method === method && r.pattern.test(url.pathname));
      if (!route) return { operationId: undefined, judged: [], verdicts: [] };
      const { operation } = route;
      const { operationId } = operation;
      const params = Object.fromEntries(Object.entries(route.pattern.exec(url.pathname)?.groups ?? {}).map(([k, v]) => [k, safeDecode(v)]));
      const judged = new Set<RuleId>();
      const verdicts: Verdict[] = [];
      const found = (rule: RuleId, side: Verdict['side'], message: string) => {
        verdicts.push({ rule, provenance: catalogue.rule(rule).provenance, side, operationId, status: response.status, message });
      };
      const judge = (rule: RuleId, side: Verdict['side'], problems: readonly string[]) => {
        if (side === 'response') judged.add(rule);
        for (const problem of problems) found(rule, side, problem);
      };
      const api = operation.tags.includes(API_TAG);
      const sentBody = parseJson(request.body);

      // The request, against the document.
      if (api) judge('auth.required', 'request', ['x-client-key', 'x-client-secret'].filter((h) => request.headers[h] === undefined).map((h) => `the request has no ${h} header`));
      const query = queryMap(url.searchParams);
      const parameters = documented.requestValidator(operationId).parameters({ query, path: params, headers: request.headers });
      const requestProblems = parameters.ok ? [] : parameters.messages;
      const bodyValidator = documented.requestValidator(operationId).body;
      const wholeBodyValidator = whole.requestValidator(operationId).body;
      // What only the whole document refuses departs from a choice: an unknown field (unknown-body-fields), or `reason`'s own rules (update-body).
      let choiceProblems: string[] = [];
      if (bodyValidator && (request.body !== undefined || operation.requestBodyRequired)) {
        if (!sentBody.ok) requestProblems.push(request.body === undefined ? 'the request has no body' : 'the request body is not JSON');
        else {
          // The documented rules are checked only for what the whole document refuses (see below).
          const strictly = wholeBodyValidator!(sentBody.value);
          const checked = strictly.ok ? strictly : bodyValidator(sentBody.value);
          if (!checked.ok) requestProblems.push(...checked.messages);
          if (checked.ok && !strictly.ok) choiceProblems = strictly.messages;
        }
      }
      judge('request.validation', 'request', requestProblems);
      const unknownFields = choiceProblems.filter((m) => m.endsWith('should not exist'));
      if (operationId === 'createCustomer') judge('create.unknown-field', 'request', unknownFields);
      if (operationId === 'updateCustomer') {
        judge('update.unknown-field', 'request', unknownFields);
        judge('update.reason', 'request', choiceProblems.filter((m) => !unknownFields.includes(m)));
      }

      // The response: status, schema, headers.
      const declared = declaredResponse(operation, response.status);
      judge('response.status', 'response', declared ? [] : [`status ${response.status} is not documented for ${operation.method.toUpperCase()} ${operation.path} (documented: ${Object.keys(operation.responses).join(', ')})`]);
      if (!declared) return { operationId, judged: [...judged], verdicts };
      const observed = { status: response.status, contentType: response.headers.get('content-type'), body: response.body, bodyIsJson: response.bodyIsJson };
      // The document without its choices only ever accepts more (withoutSchemaChoices widens, never
      // narrows), so a body the whole document accepts breaks no documented rule either: the
      // documented rules are checked only for a body it refuses, which answers most exchanges in
      // one pass instead of two.
      const wholeProblems = whole.responseValidator(operationId)(observed);
      const documentedProblems = [...(wholeProblems.length === 0 ? [] : documented.responseValidator(operationId)(observed)), ...statusCodeMismatch(response)];
      judge('response.schema', 'response', documentedProblems);
      const known = new Set(documentedProblems);
      judge('response.closed-schema', 'response', wholeProblems.filter((p) => !known.has(p)));
      if (api && response.status < 500) judge('rate-limit.headers', 'response', rateLimitProblems(response.headers, now()));
      const presented = ['x-client-key', 'x-client-secret'].filter((h) => request.headers[h] !== undefined).length;
      const admitted = response.status < 400 ? [`a request with ${presented === 0 ? 'no credential header' : 'one credential header'} was answered ${response.status}`] : [];
      if (api && presented === 0) judge('auth.required', 'response', admitted);
      if (api && presented === 1) judge('auth.both-headers', 'response', admitted);
      if (documentedProblems.length > 0 || !response.bodyIsJson || !isJsonObject(response.body)) return { operationId, judged: [...judged], verdicts };

      // What the body says about the request.
      const body = response.body;
      if (operationId === 'listCustomers' && response.status === 200 && parameters.ok) {
        // The body passed the document's CustomerList schema just above: the generated type is what was checked.
        judgePage(parameters.value.query, url.searchParams.has('take'), body as CustomerList, judge, knowledge);
      }
      if (operationId === 'fetchCustomer') {
        const id = params.id ?? '';
        if (response.status === 200) {
          const record = knowledge?.records.get(id);
          judge('fetch.by-id', 'response', [
            ...(body.id === id ? [] : [`fetched ${JSON.stringify(body.id)} for id ${id}`]),
            ...(record ? differences(record, body).map((d) => `fetched customer ${id}: ${d}`) : []),
          ]);
        }
        if (knowledge?.deleted.has(id)) judge('write.delete.gone-from-views', 'response', response.status === 404 ? [] : [`a fetch of deleted customer ${id} answered ${response.status}`]);
      }
      if (operationId === 'createCustomer' && response.status === 201 && sentBody.ok && isJsonObject(sentBody.value)) {
        const sent = sentBody.value;
        const expected: Record<string, unknown> = { ...CUSTOMER_DEFAULTS, ...pick(sent, CREATE_FIELDS), last_spent: 0, last_purchase_date: null };
        if (sent.email === undefined) expected.email = null;
        judge('create.echo', 'response', differences(expected, body).map((d) => `created customer: ${d}`));
      }
      if (operationId === 'updateCustomer' && response.status === 200 && sentBody.ok && isJsonObject(sentBody.value)) {
        judge('update.fields', 'response', [
          ...(body.id === params.id ? [] : [`updated ${JSON.stringify(body.id)} for id ${params.id}`]),
          ...differences(pick(sentBody.value, CREATE_FIELDS), body).map((d) => `updated customer: ${d}`),
        ]);
      }
      if (operationId === 'deleteCustomer' && response.status === 200) {
        judge('delete.result', 'response', body.customerId === params.id ? [] : [`customerId ${JSON.stringify(body.customerId)} for a delete of ${params.id}`]);
      }
      return { operationId, judged: [...judged], verdicts };
    },
  };
}

type JudgeRule = (rule: RuleId, side: Verdict['side'], problems: readonly string[]) => void;

/** A list page, against its query: every record matches the filter, the page has the size skip, take and total give it. */
function judgePage(query: Record<string, unknown>, takeGiven: boolean, page: CustomerList, judge: JudgeRule, knowledge: Knowledge | undefined): void {
  // The query passed the document's parameter checks, which filled in take's default.
  const filter: CustomerFilter = { status: CUSTOMER_STATUSES.find((status) => status === query.status), name: textOrUndefined(query.name), email: textOrUndefined(query.email) };
  const skip = typeof query.skip === 'number' ? query.skip : 0;
  const take = typeof query.take === 'number' ? query.take : PAGE_SIZE_DEFAULT;
  const strays = page.data.filter((c) => !matches(filter, c));
  const parts = (['status', 'name', 'email'] as const).filter((k) => filter[k] !== undefined && filter[k] !== '');
  for (const part of parts) {
    const breaking = strays.filter((c) => !matches({ [part]: filter[part] }, c));
    judge(filterRule(part, String(filter[part]), breaking), 'response', breaking.slice(0, 3).map((c) => `${describeCustomer(c)} does not match ${part}=${JSON.stringify(filter[part])}${breaking.length > 3 ? ` (and ${breaking.length - 3} more)` : ''}`));
  }
  const expected = Math.max(0, Math.min(take, page.total - skip));
  judge('list.page.size', 'response', [
    ...(page.data.length === expected ? [] : [`${page.data.length} records for skip ${skip}, take ${take} and total ${page.total} (expected ${expected})`]),
    ...(page.skip === skip ? [] : [`skip ${page.skip} for skip=${skip}`]),
  ]);
  // Validation filled in the default `take`.
  if (!takeGiven) judge('list.take.default', 'response', page.data.length <= take ? [] : [`${page.data.length} records without take, whose default is ${take}`]);
  else judge('list.take.bounds', 'response', page.data.length <= take ? [] : [`${page.data.length} records for take=${take}`]);
  judge('list.envelope.take', 'response', page.take === page.data.length ? [] : [`take ${page.take} in the envelope of a page of ${page.data.length} records`]);
  if (!knowledge) return;
  const stale = page.data.flatMap((c) => {
    const record = knowledge.records.get(c.id);
    return record ? differences(record, c).map((d) => `listed customer ${c.id}: ${d}`) : [];
  });
  judge('write.update.visible-in-views', 'response', stale);
  const deleted = page.data.filter((c) => knowledge.deleted.has(c.id));
  judge('write.delete.gone-from-views', 'response', deleted.map((c) => `deleted customer ${c.id} is listed`));
}

/** The rule a stray record under one filter breaks: literal matching where the value holds pattern characters and the record does not even hold the value. */
function filterRule(part: 'status' | 'name' | 'email', value: string, strays: readonly Customer[]): RuleId {
  if (part === 'status') return 'list.filter.status';
  const needle = value.toLowerCase();
  const holds = (c: Customer) => (part === 'name' ? `${c.first_name} ${c.last_name}` : (c.email ?? '')).toLowerCase().includes(needle);
  const literal = PATTERN_CHARACTERS.test(value) && strays.some((c) => !holds(c));
  if (part === 'name') return literal ? 'list.filter.name.literal' : 'list.filter.name.partial';
  return literal ? 'list.filter.email.literal' : 'list.filter.email.exact';
}

function rateLimitProblems(headers: Headers, nowMs: number): string[] {
  const problems: string[] = [];
  const values: number[] = [];
  for (const name of RATE_LIMIT_HEADERS) {
    const value = headers.get(name);
    if (value === null) problems.push(`header ${name} is missing`);
    else if (!/^\d+$/.test(value.trim())) problems.push(`header ${name} is ${JSON.stringify(value)}, expected a whole number`);
    else values.push(Number(value));
  }
  const [limit, remaining, reset] = values;
  if (limit === undefined || remaining === undefined || reset === undefined) return problems;
  if (remaining > limit) problems.push(`header X-RateLimit-Remaining ${remaining} is above X-RateLimit-Limit ${limit}`);
  const nowS = nowMs / 1000;
  if (reset < nowS - RESET_SLACK_S || reset > nowS + RESET_HORIZON_S) problems.push(`header X-RateLimit-Reset ${reset} is not the end of a current window (now is ${Math.floor(nowS)})`);
  return problems;
}

/** The error body's `statusCode` must be the response's status; the schema alone cannot say so. */
function statusCodeMismatch(response: JudgedResponse): string[] {
  const statusCode = isJsonObject(response.body) ? response.body.statusCode : undefined;
  if (response.status < 400 || !response.bodyIsJson || statusCode === undefined || statusCode === response.status) return [];
  return [`response body statusCode is ${JSON.stringify(statusCode)}, but the status is ${response.status}`];
}

function declaredResponse(operation: SpecOperation, status: number): oas31.ResponseObject | undefined {
  return operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`];
}

/** Each field of `expected` that `actual` shows otherwise. */
function differences(expected: Readonly<Record<string, unknown>>, actual: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(expected)
    .filter(([key, value]) => actual[key] !== value)
    .map(([key, value]) => `${key} is ${JSON.stringify(actual[key])}, expected ${JSON.stringify(value)}`);
}

function pick(record: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}

function describeCustomer(c: Customer): string {
  return `${c.id} (${c.first_name} ${c.last_name}, ${c.email ?? 'no email'}, ${c.status})`;
}

/** `/api/v0/customers/{id}` -> a pattern with a named group per parameter. */
function routePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_, name: string) => `(?<${name}>[^/]+)`);
  // A trailing slash names the same route (the trailing-slash choice).
  return new RegExp(`^${escaped}/?$`);
}

function queryMap(params: URLSearchParams): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [name, value] of params) map.set(name, [...(map.get(name) ?? []), value]);
  return map;
}

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: false };
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function textOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
