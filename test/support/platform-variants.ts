import { compareListOrder, matches } from '../../src/domain/query.js';
import { referencePage } from './reference-list.js';
import { eachCustomerInResponses, storeList, wire, withBody, withQuery, type Fault, type FetchHandler } from './faults.js';
import { CREDENTIALS } from './mock.js';

/**
 * Servers that follow the platform's own sources (api.yml, the SDKs) where the document made a
 * choice. Each must pass the kit's default (documented) profile, and fail the strict profile on
 * exactly the choices it departs from (`departs`, the kit's check names for them).
 */
export interface PlatformVariant {
  readonly name: string;
  /** What api.yml or an SDK says that the variant follows. */
  readonly follows: string;
  readonly inject: Fault['inject'];
  /** The checks the strict profile must fail on it (names as the kit prints them). */
  readonly departs: readonly RegExp[];
}

const CUSTOMER_PATH = /^\/api\/v0\/customers\/[^/]+$/;

function renameKeys(customer: Record<string, unknown>, renames: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(customer).map(([k, v]) => [renames[k] ?? k, v]));
}

/** In the order they compose in: the order of the list first, so the filters below keep it. */
export const PLATFORM_VARIANTS: readonly PlatformVariant[] = [
  {
    name: 'numbers for skip and take',
    follows: 'api.yml types skip and take as number; the Python SDK sends take=5.0',
    inject: wire({
      request: (r) =>
        withQuery(r, (p) => {
          for (const name of ['skip', 'take']) {
            const value = p.get(name);
            if (value !== null && /^\d+\.\d+$/.test(value)) p.set(name, String(Math.floor(Number(value))));
          }
        }),
    }),
    departs: [/take=1\.5: a fraction/, /skip=2\.5: a fraction/],
  },
  {
    name: 'no DELETE',
    follows: 'api.yml has no DELETE operation, and no SDK offers one',
    inject: wire({
      request: (r) =>
        r.method === 'DELETE' && CUSTOMER_PATH.test(new URL(r.url).pathname)
          ? Response.json({ statusCode: 404, message: `Cannot DELETE ${new URL(r.url).pathname}`, error: 'Not Found' }, { status: 404 })
          : r,
    }),
    departs: [/DELETE of a customer$/],
  },
  {
    name: 'oldest first',
    follows: 'no source documents the order',
    inject: storeList((_list, store) => (q) => {
      const matching = store.customers().filter((c) => matches(q, c)).sort((a, b) => compareListOrder(b, a));
      return referencePage(matching, q);
    }),
    departs: [/the order of the list$/],
  },
  {
    name: 'name on first or last name only',
    follows: 'api.yml: "partial match, case-insensitive" on the name, saying nothing of "first last"',
    // Filters what the list below it gives, so it keeps whatever order that list has.
    inject: storeList((list) => (q) => {
      if (q.name === undefined) return list(q);
      const name = q.name.toLowerCase();
      const all = list({ ...q, name: undefined, skip: 0, take: Number.MAX_SAFE_INTEGER }).data;
      return referencePage(all.filter((c) => c.first_name.toLowerCase().includes(name) || c.last_name.toLowerCase().includes(name)), q);
    }),
    departs: [/"first last" of a customer$/],
  },
  {
    name: 'take echoes the request',
    follows: "the docs pages' example envelope {data: [1 item], take: 10}",
    inject: storeList((list) => (q) => ({ ...list(q), take: q.take })),
    departs: [/`take` in the envelope/],
  },
  {
    name: 'snake_case timestamps',
    follows: 'the spec prose and the SDK docs spell them created_at / updated_at',
    inject: eachCustomerInResponses((c) => renameKeys(c, { createdAt: 'created_at', updatedAt: 'updated_at' })),
    departs: [/timestamp key spelling$/, /fields beyond the documented ones$/],
  },
  {
    name: 'extra fields',
    follows: 'api.yml defines no response schema, so nothing forbids more fields (two pages show app_id)',
    inject: eachCustomerInResponses((c) => ({ ...c, app_id: c.appId })),
    departs: [/fields beyond the documented ones$/],
  },
  {
    name: 'one credential header is enough',
    follows: 'api.yml lists x-client-key and x-client-secret as alternative security requirements',
    inject: wire({
      request: (r) => {
        const key = r.headers.get('x-client-key');
        const secret = r.headers.get('x-client-secret');
        if ((key === null) === (secret === null)) return r;
        if (key !== null && key !== CREDENTIALS['x-client-key']) return r;
        if (secret !== null && secret !== CREDENTIALS['x-client-secret']) return r;
        const headers = new Headers(r.headers);
        headers.set('x-client-key', CREDENTIALS['x-client-key']);
        headers.set('x-client-secret', CREDENTIALS['x-client-secret']);
        return new Request(r, { headers });
      },
    }),
    departs: [/a list without x-client-key$/, /a list without x-client-secret$/],
  },
  {
    name: 'validation before credentials',
    follows: 'no source says which error wins',
    // Tried on reads only: a write tried with the right credentials would be made, and a request
    // with wrong credentials must change nothing whichever error wins.
    inject: (_mock, next) => async (request) => {
      if (request.method !== 'GET') return next(request);
      const headers = new Headers(request.headers);
      headers.set('x-client-key', CREDENTIALS['x-client-key']);
      headers.set('x-client-secret', CREDENTIALS['x-client-secret']);
      const asAuthenticated = await next(new Request(request.clone(), { headers }));
      return asAuthenticated.status === 400 ? asAuthenticated : next(request);
    },
    departs: [/wrong credentials and an invalid query$/],
  },
  {
    name: 'open request bodies',
    follows: "api.yml's request schemas have no additionalProperties: unknown fields are ignored",
    inject: wire({
      request: async (r) => {
        if (r.method !== 'POST' && r.method !== 'PATCH') return r;
        let body: unknown;
        try {
          body = await r.clone().json();
        } catch {
          return r;
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body) || !('nickname' in body)) return r;
        const { nickname: _ignored, ...known } = body as Record<string, unknown>;
        return withBody(r, Object.keys(known).length > 0 ? known : { customer_type: 'Individual' });
      },
    }),
    departs: [/create: every constraint broken/, /update: every constraint broken/],
  },
  {
    name: 'idempotency key required on create',
    follows: 'one docs page: "The idempotency-key header is required for POST requests"',
    inject: wire({
      request: (r) =>
        r.method === 'POST' && !r.headers.get('idempotency-key')
          ? Response.json({ statusCode: 400, message: 'The idempotency-key header is required for POST requests', error: 'Bad Request' }, { status: 400 })
          : r,
    }),
    departs: [/a create without an idempotency key is accepted/],
  },
];

/** Several departures composed into one server, in the order of `PLATFORM_VARIANTS`. */
function composed(name: string, follows: string, parts: readonly PlatformVariant[]): PlatformVariant {
  const ordered = PLATFORM_VARIANTS.filter((v) => parts.includes(v));
  return {
    name,
    follows: `${follows}: ${ordered.map((v) => v.name).join(', ')}`,
    inject: (mock, next) => ordered.reduce<FetchHandler>((handler, variant) => variant.inject(mock, handler), next),
    departs: ordered.flatMap((v) => v.departs),
  };
}

const variant = (name: string): PlatformVariant => PLATFORM_VARIANTS.find((v) => v.name === name)!;

/**
 * The servers the mutation test runs the kit against (a kit run costs seconds of start-up, so
 * related departures share a server); together they depart at every choice point, and the last
 * one at all of them at once.
 */
export const VARIANT_SERVERS: readonly PlatformVariant[] = [
  composed('api.yml operations and types', 'what api.yml declares', [variant('numbers for skip and take'), variant('no DELETE'), variant('open request bodies'), variant('idempotency key required on create')]),
  composed("the docs pages' shapes", 'what the docs pages and SDK docs show', [variant('snake_case timestamps'), variant('extra fields'), variant('take echoes the request')]),
  composed('search and order', 'what no source pins down', [variant('oldest first'), variant('name on first or last name only')]),
  composed('api.yml security', "api.yml's security requirements", [variant('one credential header is enough'), variant('validation before credentials')]),
  composed('api.yml at every choice point', 'all of them together', PLATFORM_VARIANTS),
];

