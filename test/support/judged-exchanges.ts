import fc from 'fast-check';
import type { JudgedRequest, JudgedResponse } from '../../src/judge/index.js';
import type { OpenApiDocument } from '../../src/openapi/index.js';

/** The clock the exchanges' `X-RateLimit-Reset` is current for. */
export const EXCHANGE_NOW_MS = 1_800_000_000_000;

const CREDENTIALS = { 'x-client-key': 'k', 'x-client-secret': 's' };
const RATE_LIMIT = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': String(EXCHANGE_NOW_MS / 1000 + 30) };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys and values a broken server puts in its answers: the document's own, misspelt, mistyped, out of bounds. */
const KEYS = ['id', 'email', 'phone_number', 'status', 'appId', 'app_id', 'createdAt', 'created_at', 'updatedAt', 'total', 'take', 'data', 'statusCode', 'message', 'error', 'retryAfter', 'extra'];
const VALUES: Json[] = [null, true, 0, -1, 1.5, 429, '', 'x', 'active', 'ACTIVE', 'BLACKLISTED', 'not-an-email', '+1-555-123-4567', '2026-01-01', '2026-01-01T00:00:00.000Z', 'a'.repeat(300), 'r'.repeat(501), [], {}, ['one']];
/** What a client gets wrong in a write's body: the document's fields misspelt, mistyped, missing, or beside `reason`. */
const BODY_KEYS = ['first_name', 'firstName', 'last_name', 'email', 'phone_number', 'customer_type', 'status', 'reason', 'extra'];

/** An edit of the JSON value at a node chosen by `at` (in document order): a key or item removed, a value set, a key added. */
interface Edit {
  readonly at: number;
  readonly action: 'remove' | 'set' | 'add';
  readonly pick: number;
  readonly key: string;
  readonly value: Json;
}

function containers(value: Json, found: Array<Json[] | { [key: string]: Json }> = []): Array<Json[] | { [key: string]: Json }> {
  if (value === null || typeof value !== 'object') return found;
  found.push(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, found);
  return found;
}

function edited(body: Json, edits: readonly Edit[]): Json {
  const copy = structuredClone(body);
  for (const edit of edits) {
    const nodes = containers(copy);
    const node = nodes[edit.at % nodes.length];
    if (node === undefined) continue;
    if (Array.isArray(node)) {
      if (edit.action === 'add' || node.length === 0) node.push(structuredClone(edit.value));
      else if (edit.action === 'remove') node.splice(edit.pick % node.length, 1);
      else node[edit.pick % node.length] = structuredClone(edit.value);
      continue;
    }
    const keys = Object.keys(node);
    if (edit.action === 'add' || keys.length === 0) node[edit.key] = structuredClone(edit.value);
    else if (edit.action === 'remove') delete node[keys[edit.pick % keys.length]!];
    else node[keys[edit.pick % keys.length]!] = structuredClone(edit.value);
  }
  return copy;
}

interface Answer {
  readonly method: string;
  readonly url: string;
  readonly sent?: Json;
  readonly status: number;
  readonly body: Json;
}

/** One conforming answer of each kind of body the API documents, from the document's own examples. */
function conformingAnswers(document: OpenApiDocument): Answer[] {
  const example = (name: string): Json => {
    const value = (document.components?.examples?.[name] as { value?: Json } | undefined)?.value;
    if (value === undefined) throw new Error(`the document has no example ${name}`);
    return value;
  };
  const customer = example('ExistingCustomer');
  const id = (customer as { id: string }).id;
  const error = (statusCode: number, message: Json, reason: string): Json => ({ statusCode, message, error: reason });
  return [
    { method: 'GET', url: `/api/v0/customers/${id}`, status: 200, body: customer },
    { method: 'GET', url: '/api/v0/customers?take=2', status: 200, body: { data: [customer, example('CreatedCustomer')], total: 2, skip: 0, take: 2 } },
    { method: 'POST', url: '/api/v0/customers', sent: example('CreateCustomerBody'), status: 201, body: example('CreatedCustomer') },
    { method: 'PATCH', url: `/api/v0/customers/${id}`, sent: { status: 'BLACKLISTED', reason: 'fraud' }, status: 200, body: { ...(customer as object), status: 'BLACKLISTED' } },
    { method: 'DELETE', url: `/api/v0/customers/${id}`, status: 200, body: { success: true, message: 'Customer deleted', deletedAt: '2026-01-01T00:00:00.000Z', customerId: id } },
    { method: 'GET', url: `/api/v0/customers/${id}`, status: 404, body: error(404, 'Customer not found', 'Not Found') },
    { method: 'GET', url: '/api/v0/customers?take=101', status: 400, body: error(400, ['take must not be greater than 100'], 'Bad Request') },
    { method: 'GET', url: '/api/v0/customers', status: 429, body: { ...(error(429, 'Rate limit exceeded', 'Too Many Requests') as object), retryAfter: 30 } },
    { method: 'GET', url: '/api/v0/customers', status: 503, body: error(503, 'Service Unavailable', 'Service Unavailable') },
  ];
}

const editLists = (keys: readonly string[]) =>
  fc.array(fc.record({ at: fc.nat(), action: fc.constantFrom('remove', 'set', 'add', 'add'), pick: fc.nat(), key: fc.constantFrom(...keys), value: fc.constantFrom(...VALUES) }), { maxLength: 3 });

/**
 * Exchanges with the API's answers as a broken server gives them: each kind of documented body,
 * edited a few times (keys removed, misspelt, added; values mistyped, out of bounds), sometimes
 * under another status or content type, or not JSON at all. Some break documented rules, some
 * only the document's choices, some both, some nothing.
 */
export function brokenExchanges(document: OpenApiDocument): fc.Arbitrary<{ request: JudgedRequest; response: JudgedResponse }> {
  return fc
    .record({
      answer: fc.constantFrom(...conformingAnswers(document)),
      edits: editLists(KEYS),
      status: fc.option(fc.constantFrom(200, 201, 400, 404, 409, 418, 429, 500, 503), { freq: 4 }),
      contentType: fc.constantFrom<string | null>('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', null),
      // One in ten not JSON at all.
      asText: fc.nat({ max: 9 }).map((n) => n === 0),
    })
    .map(({ answer, edits, status, contentType, asText }) => {
      const body = edited(answer.body, edits);
      const request: JudgedRequest = {
        method: answer.method,
        url: answer.url,
        headers: answer.sent === undefined ? CREDENTIALS : { ...CREDENTIALS, 'content-type': 'application/json' },
        body: answer.sent === undefined ? undefined : JSON.stringify(answer.sent),
      };
      const headers = new Headers(RATE_LIMIT);
      if (contentType !== null) headers.set('content-type', contentType);
      const response: JudgedResponse = asText ? { status: status ?? answer.status, headers, body: JSON.stringify(body).slice(1), bodyIsJson: false } : { status: status ?? answer.status, headers, body, bodyIsJson: true };
      return { request, response };
    });
}

/** Creates and updates with bodies as clients get them wrong (see BODY_KEYS), one in ten not JSON, each refused with a 400. */
export function brokenWrites(document: OpenApiDocument): fc.Arbitrary<{ request: JudgedRequest; response: JudgedResponse }> {
  const writes = conformingAnswers(document).filter((answer) => answer.sent !== undefined);
  return fc.record({ write: fc.constantFrom(...writes), edits: editLists(BODY_KEYS), asText: fc.nat({ max: 9 }).map((n) => n === 0) }).map(({ write, edits, asText }) => {
    const body = JSON.stringify(edited(write.sent!, edits));
    return {
      request: { method: write.method, url: write.url, headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: asText ? body.slice(1) : body },
      response: { status: 400, headers: new Headers({ ...RATE_LIMIT, 'content-type': 'application/json' }), body: { statusCode: 400, message: ['refused'], error: 'Bad Request' }, bodyIsJson: true },
    };
  });
}
