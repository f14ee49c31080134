import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { applyUpdate, type Customer, type CustomerList } from '../../src/domain/customer.js';
import { matches, type ListQuery } from '../../src/domain/query.js';
import { referencePage } from './reference-list.js';
import { CustomerNotFoundError } from '../../src/domain/errors.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';
import type { RuleId } from '../../src/openapi/rules.js';
import { createMock, type NodeMock } from '../../src/node-mock.js';
import { CONTRACT_MOCK_CONFIG } from './contract-cli.js';
import { CREDENTIALS } from './mock.js';

/**
 * Realistic bugs a deployment of the API could have, for the contract kit's mutation test. Each
 * is injected from outside the production code, through one of two seams: a wrapper around the
 * app's fetch handler (what goes over the wire) or a decorator of the store's `list`.
 */
export interface Fault {
  readonly name: string;
  /** The bug as a developer would have written it. */
  readonly bug: string;
  /** The kind of rule it breaks: the mutation test reports its kill rate per class. */
  readonly class: FaultClass;
  /**
   * Every rule of the document (`x-rules` ids) the bug breaks, as the rule's text reads (a wrong
   * total breaks `list.total.consistent` and `list.page.size` too): the fault counts as killed only
   * when a check of one of these fails. A fault leaves the catalogue only when its rules leave the document.
   */
  readonly breaks: readonly RuleId[];
  /** Wraps `next` (the mock's handler, or another fault's) and/or patches the mock's store. */
  readonly inject: (mock: NodeMock, next: FetchHandler) => FetchHandler;
  /** Shows only in writes: the mutation test runs the kit with `--allow-writes` for it. */
  readonly writes?: boolean;
}

/** The classes of issue 24's coverage phase, and the other kinds of rule the kit checks. */
export const FAULT_CLASSES = [
  'bounds',
  'filter semantics',
  'literal matching',
  'email exactness',
  'totals and paging',
  'order',
  'responses and errors',
  'auth',
  'auth exactness',
  'write validation',
  'nonexistent ids',
  'read views after writes',
  'timestamps',
  'idempotency',
  'rate-limit headers',
  'concurrency',
  'non-ASCII text',
] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

export type FetchHandler = (request: Request) => Promise<Response>;
type ListFn = (query: ListQuery) => CustomerList;

/** Seam 1: rewrite the request before the app sees it and/or the response after. */
export function wire(rewrite: {
  request?: (request: Request) => Request | Response | Promise<Request | Response>;
  response?: (response: Response, request: Request) => Promise<Response>;
}): Fault['inject'] {
  return (_mock, next) => async (request) => {
    const changed = rewrite.request ? await rewrite.request(request.clone()) : request;
    if (changed instanceof Response) return changed;
    const response = await next(changed);
    return rewrite.response ? rewrite.response(response, request) : response;
  };
}

/**
 * Seam 2: decorate the store's list (`listJson`, what the list endpoint serves), leaving every
 * other operation as it is: the decorator sees the list answer parsed, and its answer is served.
 */
export function storeList(decorate: (original: ListFn, store: NodeMock['store']) => ListFn): Fault['inject'] {
  return (mock, next) => {
    const listJson = mock.store.listJson.bind(mock.store);
    const faulty = decorate((query) => JSON.parse(listJson(query)) as CustomerList, mock.store);
    mock.store.listJson = (query) => JSON.stringify(faulty(query));
    return next;
  };
}

/** Seam 3: replace one of the store's write methods, given the original. */
function storeMethod<K extends 'create' | 'update' | 'delete'>(name: K, replace: (original: NodeMock['store'][K], store: NodeMock['store']) => NodeMock['store'][K]): Fault['inject'] {
  return (mock, next) => {
    mock.store[name] = replace(mock.store[name].bind(mock.store) as NodeMock['store'][K], mock.store);
    return next;
  };
}

/** A request's JSON body, or undefined. */
async function jsonBody(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    return (await request.clone().json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function withBody(request: Request, body: unknown): Request {
  const headers = new Headers(request.headers);
  headers.delete('content-length');
  return new Request(request.url, { method: request.method, headers, body: JSON.stringify(body) });
}

export function withQuery(request: Request, edit: (params: URLSearchParams) => void): Request {
  const url = new URL(request.url);
  edit(url.searchParams);
  return new Request(url, request);
}

/** The response with its JSON body rewritten (and its status, if given); a non-JSON body passes unchanged. */
export async function editJson<T>(response: Response, edit: (body: T) => unknown, status = response.status): Promise<Response> {
  const text = await response.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    return new Response(text, response);
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(edit(body)), { status, headers });
}

/** The list over the whole data set with a different filter rule, paged as the document says. */
export function listWhere(store: NodeMock['store'], query: ListQuery, keep: (c: Customer) => boolean): CustomerList {
  return referencePage(store.customers().filter(keep), query);
}

function renameCreatedAt(customer: Record<string, unknown>): Record<string, unknown> {
  const { createdAt, ...rest } = customer;
  return { ...rest, created_at: createdAt };
}

export const isList = (request: Request) => new URL(request.url).pathname === '/api/v0/customers' && request.method === 'GET';

/** A refusal in the API's error shape, as a handler that refuses a request answers it. */
function refusal(status: number, message: string | string[], error: string): Response {
  return Response.json({ statusCode: status, message, error }, { status });
}

/** The list with the name filter matched by another rule (against "first last"); the other filters as documented. */
function nameMatchedBy(match: (fullName: string, name: string) => boolean): Fault['inject'] {
  return storeList((list, store) => (q) => {
    const name = q.name;
    if (name === undefined) return list(q);
    return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && match(`${c.first_name} ${c.last_name}`, name));
  });
}

/** The list with the email filter matched by another rule; the other filters as documented. */
function emailMatchedBy(match: (email: string, filter: string) => boolean): Fault['inject'] {
  return storeList((list, store) => (q) => {
    const filter = q.email;
    if (filter === undefined) return list(q);
    return listWhere(store, q, (c) => matches({ ...q, email: undefined }, c) && c.email !== null && match(c.email, filter));
  });
}

/**
 * How a SQL database evaluates `text ILIKE pattern`: `%` is any run of characters, `_` any one,
 * and a backslash takes the next character literally (PostgreSQL's default escape).
 */
function sqlIlike(pattern: string, text: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else source += char === '%' ? '[\\s\\S]*' : char === '_' ? '[\\s\\S]' : escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'i').test(text);
}

/** How a glob library matches: `*` any run, `?` any one character, `[...]` a class; no match when the class is unclosed. */
function globMatches(pattern: string, text: string): boolean {
  const source = [...pattern].map((char) => (char === '*' ? '[\\s\\S]*' : char === '?' ? '[\\s\\S]' : char === '[' || char === ']' ? char : escapeRegExp(char))).join('');
  try {
    return new RegExp(`^${source}$`, 'i').test(text);
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Lets a request through authentication when `accepts` (the developer's comparison) takes the
 * presented credentials for the application's: the mock then sees the right ones.
 */
function credentialsAcceptedBy(accepts: (presented: { key: string; secret: string }) => boolean): Fault['inject'] {
  return wire({
    request: (r) => {
      const presented = { key: r.headers.get('x-client-key') ?? '', secret: r.headers.get('x-client-secret') ?? '' };
      if (!accepts(presented)) return r;
      const headers = new Headers(r.headers);
      headers.set('x-client-key', CREDENTIALS['x-client-key']);
      headers.set('x-client-secret', CREDENTIALS['x-client-secret']);
      return new Request(r, { headers });
    },
  });
}

/** Rewrites the rate-limit headers of every response that has them. */
function rateLimitHeaders(edit: (window: { limit: number; remaining: number; reset: number }) => { limit: number; remaining: number; reset: number }): Fault['inject'] {
  return wire({
    response: async (response) => {
      const [limit, remaining, reset] = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((name) => response.headers.get(name));
      if (limit === null || remaining === null || reset === null) return response;
      const edited = edit({ limit: Number(limit), remaining: Number(remaining), reset: Number(reset) });
      const headers = new Headers(response.headers);
      headers.set('x-ratelimit-limit', String(edited.limit));
      headers.set('x-ratelimit-remaining', String(edited.remaining));
      headers.set('x-ratelimit-reset', String(edited.reset));
      return new Response(response.body, { status: response.status, headers });
    },
  });
}

/** Every customer in a successful response body rewritten (a list page, or one customer). */
export function eachCustomerInResponses(edit: (customer: Record<string, unknown>) => Record<string, unknown>): Fault['inject'] {
  return wire({
    response: async (response, request) =>
      response.status >= 300
        ? response
        : editJson(response, (body: Record<string, unknown>) => (isList(request) ? { ...body, data: (body.data as Record<string, unknown>[]).map(edit) } : 'first_name' in body ? edit(body) : body)),
  });
}

/**
 * Puts a customer in the store as it is, replacing any with its id: for faults that store what
 * the store's own writes never would (a duplicate email, a rewritten timestamp, an upsert).
 */
/** How many customers the store's list finds for `filter`, as the endpoint would answer. */
function totalOf(store: NodeMock['store'], filter: Omit<ListQuery, 'skip' | 'take'>): number {
  return (JSON.parse(store.listJson({ ...filter, skip: 0, take: 1 })) as CustomerList).total;
}

function storePut(store: NodeMock['store'], customer: Customer): void {
  store.replaceAllChecked([customer, ...store.customers().filter((c) => c.id !== customer.id)]);
}

/** The wait for a database round trip, between a read and the write that depends on it. */
const databaseRoundTrip = () => new Promise<void>((resolve) => setTimeout(resolve, 15));

const CUSTOMER_ID_PATH = /^\/api\/v0\/customers\/([^/]+)$/;
const isCreate = (request: Request) => new URL(request.url).pathname === '/api/v0/customers' && request.method === 'POST';
const updatedId = (request: Request) => (request.method === 'PATCH' ? CUSTOMER_ID_PATH.exec(new URL(request.url).pathname)?.[1] : undefined);

export const FAULTS: readonly Fault[] = [
  {
    name: 'off-by-one skip',
    class: 'totals and paging',
    breaks: ['list.paging.complete'],
    bug: 'skips one record too many (1-based page arithmetic)',
    inject: storeList((list) => (q) => ({ ...list({ ...q, skip: q.skip + 1 }), skip: q.skip })),
  },
  {
    name: 'take ignored',
    class: 'totals and paging',
    breaks: ['list.take.bounds', 'list.page.size'],
    bug: 'always returns the default page size',
    inject: storeList((list) => (q) => list({ ...q, take: 10 })),
  },
  {
    name: 'bounds unchecked',
    class: 'bounds',
    breaks: ['list.take.bounds', 'list.skip.bounds'],
    bug: 'clamps take and skip into range instead of rejecting them',
    inject: wire({
      request: (r) =>
        withQuery(r, (p) => {
          const take = p.get('take');
          if (take !== null && /^-?\d+$/.test(take)) p.set('take', String(Math.min(100, Math.max(1, Number(take)))));
          const skip = p.get('skip');
          if (skip !== null && /^-?\d+$/.test(skip)) p.set('skip', String(Math.max(0, Number(skip))));
        }),
    }),
  },
  {
    name: 'case-sensitive name',
    class: 'filter semantics',
    breaks: ['list.filter.name.partial'],
    bug: 'compares names without folding case',
    inject: storeList((list, store) => (q) => {
      if (q.name === undefined) return list(q);
      const name = q.name;
      return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && `${c.first_name} ${c.last_name}`.includes(name));
    }),
  },
  {
    name: 'name on first name only',
    class: 'filter semantics',
    breaks: ['list.filter.name.partial'],
    bug: 'matches the name filter against first_name only',
    inject: storeList((list, store) => (q) => {
      if (q.name === undefined) return list(q);
      const name = q.name.toLowerCase();
      return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && c.first_name.toLowerCase().includes(name));
    }),
  },
  {
    name: 'name filter ignored',
    class: 'filter semantics',
    breaks: ['list.filter.name.partial'],
    bug: 'reads the name parameter but never applies it',
    inject: storeList((list) => (q) => list({ ...q, name: undefined })),
  },
  {
    name: 'partial email',
    class: 'email exactness',
    breaks: ['list.filter.email.exact'],
    bug: 'matches the email filter as a substring (as one guide page reads)',
    inject: storeList((list, store) => (q) => {
      if (q.email === undefined) return list(q);
      const email = q.email.toLowerCase();
      return listWhere(store, q, (c) => matches({ ...q, email: undefined }, c) && (c.email ?? '').toLowerCase().includes(email));
    }),
  },
  {
    name: 'status filter ignored',
    class: 'filter semantics',
    breaks: ['list.filter.status'],
    bug: 'validates status but never applies it',
    inject: storeList((list) => (q) => list({ ...q, status: undefined })),
  },
  {
    name: 'unknown status accepted',
    class: 'filter semantics',
    breaks: ['list.filter.status', 'request.validation'],
    bug: 'drops a status it does not know instead of rejecting it',
    inject: wire({ request: (r) => withQuery(r, (p) => p.get('status') === 'NOT_A_STATUS' && p.delete('status')) }),
  },
  {
    name: 'total equals page size',
    class: 'totals and paging',
    breaks: ['list.total.consistent', 'list.page.size'],
    bug: 'reports the page length as total',
    inject: storeList((list) => (q) => {
      const page = list(q);
      return { ...page, total: page.data.length };
    }),
  },
  {
    name: 'empty page has total 0',
    class: 'totals and paging',
    breaks: ['list.total.consistent', 'list.skip.bounds'],
    bug: 'counts from the page, so past the end the total drops to 0',
    inject: storeList((list) => (q) => {
      const page = list(q);
      return page.data.length === 0 ? { ...page, total: 0 } : page;
    }),
  },
  {
    name: 'secret unchecked',
    class: 'auth',
    breaks: ['auth.required'],
    bug: 'authenticates by the client key alone',
    inject: wire({
      request: (r) => {
        if (r.headers.get('x-client-key') !== CREDENTIALS['x-client-key']) return r;
        const headers = new Headers(r.headers);
        headers.set('x-client-secret', CREDENTIALS['x-client-secret']);
        return new Request(r, { headers });
      },
    }),
  },
  {
    name: 'forbidden instead of unauthorized',
    class: 'auth',
    breaks: ['auth.required'],
    bug: 'answers bad credentials with 403',
    inject: wire({
      response: async (response) =>
        response.status === 401 ? editJson(response, (body: Record<string, unknown>) => ({ ...body, statusCode: 403, error: 'Forbidden' }), 403) : response,
    }),
  },
  {
    name: 'unstable order',
    class: 'order',
    breaks: ['list.paging.complete', 'list.order'],
    bug: 'no ORDER BY: rows come back in whatever order the database likes',
    inject: storeList((list) => (q) => {
      const page = list(q);
      const data = [...page.data];
      for (let i = data.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [data[i], data[j]] = [data[j]!, data[i]!];
      }
      return { ...page, data };
    }),
  },
  {
    name: 'duplicate across pages',
    class: 'totals and paging',
    breaks: ['list.paging.complete'],
    bug: 'pages overlap by one record (skip - 1 after the first page)',
    inject: storeList((list) => (q) => (q.skip > 0 ? { ...list({ ...q, skip: q.skip - 1 }), skip: q.skip } : list(q))),
  },
  {
    name: 'renamed field',
    class: 'responses and errors',
    breaks: ['response.schema', 'response.timestamp-keys'],
    bug: 'serialises createdAt as created_at (as the spec prose spells it)',
    inject: wire({
      response: async (response, request) =>
        response.status >= 300
          ? response
          : editJson(response, (body: Record<string, unknown>) =>
              isList(request) ? { ...body, data: (body.data as Record<string, unknown>[]).map(renameCreatedAt) } : 'id' in body ? renameCreatedAt(body) : body,
            ),
    }),
  },
  {
    name: 'error body not JSON',
    class: 'responses and errors',
    breaks: ['response.schema'],
    bug: "the framework's default plain-text error page",
    inject: wire({
      response: async (response) =>
        response.status >= 400 ? new Response(`${response.status} ${response.statusText || 'Error'}`, { status: response.status, headers: { 'content-type': 'text/plain' } }) : response,
    }),
  },
  {
    name: 'id format unchecked',
    class: 'responses and errors',
    breaks: ['request.validation'],
    bug: 'looks up any id, so a malformed one is a 404 instead of a 400',
    inject: wire({
      request: (r) => {
        const match = /^\/api\/v0\/customers\/([^/]+)$/.exec(new URL(r.url).pathname);
        if (!match || /^[0-9a-f-]{36}$/i.test(match[1]!)) return r;
        return Response.json({ statusCode: 404, message: 'Customer not found', error: 'Not Found' }, { status: 404 });
      },
    }),
  },
  // Filters and totals.
  {
    name: 'name matches email too',
    class: 'filter semantics',
    breaks: ['list.filter.name.partial'],
    bug: 'searches the name filter across names and email',
    inject: storeList((list, store) => (q) => {
      if (q.name === undefined) return list(q);
      const name = q.name.toLowerCase();
      return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && `${c.first_name} ${c.last_name} ${c.email ?? ''}`.toLowerCase().includes(name));
    }),
  },
  {
    name: 'name matches phone too',
    class: 'filter semantics',
    breaks: ['list.filter.name.partial'],
    bug: 'searches the name filter across names and phone number',
    inject: storeList((list, store) => (q) => {
      if (q.name === undefined) return list(q);
      const name = q.name.toLowerCase();
      return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && `${c.first_name} ${c.last_name} ${c.phone_number}`.toLowerCase().includes(name));
    }),
  },
  {
    name: 'filtered total ignores the name',
    class: 'totals and paging',
    breaks: ['list.total.consistent', 'list.page.size'],
    bug: 'counts the total with every filter but the name',
    inject: storeList((list) => (q) => (q.name === undefined ? list(q) : { ...list(q), total: list({ ...q, name: undefined, skip: 0, take: 1 }).total })),
  },
  {
    name: 'status dropped beside a name',
    class: 'filter semantics',
    breaks: ['list.filter.and'],
    bug: 'applies status only when no name is given',
    inject: storeList((list) => (q) => (q.name !== undefined && q.status !== undefined ? list({ ...q, status: undefined }) : list(q))),
  },
  {
    name: 'email dropped beside other filters',
    class: 'filter semantics',
    breaks: ['list.filter.and'],
    bug: 'looks up by email only when it is the only filter',
    inject: storeList((list) => (q) => (q.email !== undefined && (q.status !== undefined || q.name !== undefined) ? list({ ...q, email: undefined }) : list(q))),
  },
  {
    name: 'case-insensitive status',
    class: 'filter semantics',
    breaks: ['list.filter.status'],
    bug: 'upper-cases the status filter before validating it',
    inject: wire({ request: (r) => withQuery(r, (p) => p.has('status') && p.set('status', p.get('status')!.trim().toUpperCase())) }),
  },
  {
    name: 'case-sensitive email',
    class: 'email exactness',
    breaks: ['list.filter.email.exact'],
    bug: 'compares the email filter without folding case',
    inject: storeList((list, store) => (q) => (q.email === undefined ? list(q) : listWhere(store, { ...q }, (c) => matches({ ...q, email: undefined }, c) && c.email === q.email))),
  },
  {
    name: 'deep pages capped',
    class: 'totals and paging',
    breaks: ['list.skip.bounds', 'list.paging.complete'],
    bug: 'caps skip at 120 (a "max offset" guard), answering deep pages with an earlier one',
    inject: storeList((list) => (q) => ({ ...list({ ...q, skip: Math.min(q.skip, 120) }), skip: q.skip })),
  },
  // Rate limiting.
  {
    name: 'no rate-limit headers',
    class: 'rate-limit headers',
    breaks: ['rate-limit.headers'],
    bug: 'the proxy in front of the API strips the X-RateLimit-* headers',
    inject: wire({
      response: async (response) => {
        const headers = new Headers(response.headers);
        for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) headers.delete(name);
        return new Response(response.body, { status: response.status, headers });
      },
    }),
  },
  {
    name: 'rate-limit remaining stuck',
    class: 'rate-limit headers',
    breaks: ['rate-limit.window'],
    bug: 'reports the full limit as remaining on every response',
    inject: wire({
      response: async (response) => {
        const limit = response.headers.get('x-ratelimit-limit');
        if (limit === null) return response;
        const headers = new Headers(response.headers);
        headers.set('x-ratelimit-remaining', limit);
        return new Response(response.body, { status: response.status, headers });
      },
    }),
  },
  // Writes that some read views do not see.
  {
    name: 'new records missing from the unfiltered list',
    class: 'read views after writes',
    breaks: ['write.create.visible-in-views'],
    bug: 'serves the unfiltered list from a snapshot taken at start-up',
    writes: true,
    inject: (mock, next) => {
      const initial = new Set(mock.store.customers().map((c) => c.id));
      return storeList((list, store) => (q) =>
        q.status === undefined && q.name === undefined && q.email === undefined ? listWhere(store, q, (c) => initial.has(c.id)) : list(q),
      )(mock, next);
    },
  },
  {
    name: 'status filter stale after an update',
    class: 'read views after writes',
    breaks: ['write.blacklist.visible-in-views', 'write.restore.visible-in-views', 'write.update.visible-in-views'],
    bug: 'the status index keeps the status a customer was created with',
    writes: true,
    inject: (mock, next) => {
      const firstStatus = new Map(mock.store.customers().map((c) => [c.id, c.status]));
      const create = mock.store.create.bind(mock.store);
      mock.store.create = (input) => {
        const customer = create(input);
        firstStatus.set(customer.id, customer.status);
        return customer;
      };
      return storeList((list, store) => (q) => (q.status === undefined ? list(q) : listWhere(store, q, (c) => matches({ ...q, status: undefined }, c) && firstStatus.get(c.id) === q.status)))(mock, next);
    },
  },
  {
    name: 'name filter stale after an update',
    class: 'read views after writes',
    breaks: ['write.update.visible-in-views'],
    bug: 'the name index keeps the names a customer was created with',
    writes: true,
    inject: (mock, next) => {
      const firstNames = new Map(mock.store.customers().map((c) => [c.id, `${c.first_name} ${c.last_name}`]));
      const create = mock.store.create.bind(mock.store);
      mock.store.create = (input) => {
        const customer = create(input);
        firstNames.set(customer.id, `${customer.first_name} ${customer.last_name}`);
        return customer;
      };
      return storeList((list, store) => (q) => {
        if (q.name === undefined) return list(q);
        const name = q.name.toLowerCase();
        return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && (firstNames.get(c.id) ?? '').toLowerCase().includes(name));
      })(mock, next);
    },
  },
  {
    name: 'total not lowered by a delete',
    class: 'read views after writes',
    breaks: ['write.delete.gone-from-views', 'list.total.consistent', 'list.page.size'],
    bug: 'keeps a running count of customers that deletes forget to decrement',
    writes: true,
    inject: (mock, next) => {
      let deleted = 0;
      const remove = mock.store.delete.bind(mock.store);
      mock.store.delete = (id) => {
        const result = remove(id);
        deleted++;
        return result;
      };
      return storeList((list) => (q) => {
        const page = list(q);
        return q.status === undefined && q.email === undefined ? { ...page, total: page.total + deleted } : page;
      })(mock, next);
    },
  },
  {
    name: 'deleted records stay listed',
    class: 'read views after writes',
    breaks: ['write.delete.gone-from-views'],
    bug: 'a soft delete: fetch by id is a 404, but lists still show the customer',
    writes: true,
    inject: (mock, next) => {
      const deleted = new Set<string>();
      mock.store.delete = (id) => {
        const customer = mock.store.get(id);
        if (!customer || deleted.has(customer.id)) return storeMethodMissing(id);
        deleted.add(customer.id);
        return { customer, deletedAt: new Date() };
      };
      const get = mock.store.get.bind(mock.store);
      mock.store.get = (id) => {
        const customer = get(id);
        return customer && deleted.has(customer.id) ? undefined : customer;
      };
      return next;
    },
  },
  {
    name: 'update shown but not stored',
    class: 'read views after writes',
    breaks: ['write.update.visible-in-views', 'write.blacklist.visible-in-views', 'write.restore.visible-in-views'],
    bug: 'answers with the merged customer but never saves it',
    writes: true,
    inject: storeMethod('update', (_update, store) => (id, patch) => {
      const current = store.get(id);
      if (!current) return storeMethodMissing(id);
      return applyUpdate(current, patch, new Date());
    }),
  },
  {
    name: 'blacklist ignored',
    class: 'read views after writes',
    breaks: ['write.blacklist.visible-in-views', 'update.fields'],
    bug: 'drops status from an update body',
    writes: true,
    inject: storeMethod('update', (update, store) => (id, patch) => {
      const { status: _dropped, reason: _alsoDropped, ...rest } = patch;
      return Object.keys(rest).length > 0 ? update(id, rest) : (store.get(id) ?? storeMethodMissing(id));
    }),
  },
  // Writes that should have been refused.
  {
    name: 'duplicate email accepted',
    class: 'write validation',
    breaks: ['create.email-conflict'],
    bug: 'checks email uniqueness only on update',
    writes: true,
    inject: storeMethod('create', (create) => (input) => {
      try {
        return create(input);
      } catch {
        return { ...create({ ...input, email: undefined }), email: input.email ?? null };
      }
    }),
  },
  {
    name: 'invalid phone accepted',
    class: 'write validation',
    breaks: ['create.body'],
    bug: 'does not validate phone_number on create',
    writes: true,
    inject: wire({
      request: async (r) => {
        const body = r.method === 'POST' ? await jsonBody(r) : undefined;
        if (!body || typeof body.phone_number !== 'string' || /^\+[1-9][0-9]{1,14}$/.test(body.phone_number)) return r;
        return withBody(r, { ...body, phone_number: '+14155550100' });
      },
    }),
  },
  {
    name: 'invalid status accepted on update',
    class: 'write validation',
    breaks: ['update.body'],
    bug: 'ignores a status it does not know instead of refusing it',
    writes: true,
    inject: wire({
      request: async (r) => {
        const body = r.method === 'PATCH' ? await jsonBody(r) : undefined;
        if (!body || body.status === undefined || (CUSTOMER_STATUSES as readonly unknown[]).includes(body.status)) return r;
        const { status: _unknown, ...rest } = body;
        return withBody(r, Object.keys(rest).length > 0 ? rest : { customer_type: 'Individual' });
      },
    }),
  },
  // Idempotency and deletes.
  {
    name: 'idempotency key ignored',
    class: 'idempotency',
    breaks: ['idempotency.replay-identical'],
    bug: 'never reads the idempotency-key header, so a replay writes again',
    writes: true,
    inject: wire({
      request: (r) => {
        const headers = new Headers(r.headers);
        headers.delete('idempotency-key');
        return new Request(r, { headers });
      },
    }),
  },
  {
    name: 'reused key replayed',
    class: 'idempotency',
    breaks: ['idempotency.key-conflict'],
    bug: 'replays the first response for a key without comparing the requests',
    writes: true,
    inject: (_mock, next) => {
      const first = new Map<string, { status: number; text: string; headers: Headers }>();
      return async (request) => {
        const key = request.headers.get('idempotency-key');
        const seen = key ? first.get(key) : undefined;
        if (seen) return new Response(seen.text, { status: seen.status, headers: seen.headers });
        const response = await next(request);
        if (key && response.status < 300) first.set(key, { status: response.status, text: await response.clone().text(), headers: response.headers });
        return response;
      };
    },
  },
  {
    name: 'second delete answered 200',
    class: 'nonexistent ids',
    breaks: ['delete.unknown-id', 'write.delete.gone-from-views'],
    bug: 'treats a delete of a missing customer as already done',
    writes: true,
    inject: wire({
      response: async (response, request) =>
        request.method === 'DELETE' && response.status === 404
          ? Response.json({ success: true, message: 'Customer successfully deleted', deletedAt: new Date().toISOString(), customerId: new URL(request.url).pathname.split('/').pop() })
          : response,
    }),
  },
  // Timestamps.
  {
    name: 'createdAt not the creation time',
    class: 'timestamps',
    breaks: ['create.timestamps'],
    bug: 'stamps new customers with the start of the day',
    writes: true,
    inject: storeMethod('create', (create) => (input) => {
      const customer = create(input);
      const day = new Date(customer.createdAt);
      day.setUTCHours(0, 0, 0, 0);
      return { ...customer, createdAt: day.toISOString() };
    }),
  },
  {
    name: 'updatedAt not advanced',
    class: 'timestamps',
    breaks: ['write.update.timestamps'],
    bug: 'keeps updatedAt as the creation time',
    writes: true,
    inject: storeMethod('update', (update) => (id, patch) => {
      const updated = update(id, patch);
      return { ...updated, updatedAt: updated.createdAt };
    }),
  },
  // Both sides of every bound.
  {
    name: 'take=100 refused',
    class: 'bounds',
    breaks: ['list.take.bounds'],
    bug: 'rejects a take equal to the maximum: a >= where it meant >',
    inject: wire({ request: (r) => (Number(new URL(r.url).searchParams.get('take')) >= 100 ? refusal(400, ['take must not be greater than 99'], 'Bad Request') : r) }),
  },
  {
    name: 'name filter of 100 characters refused',
    class: 'bounds',
    breaks: ['list.filter.name.length'],
    bug: 'checks name.length >= 100 where it meant name.length > 100',
    inject: wire({ request: (r) => ((new URL(r.url).searchParams.get('name') ?? '').length >= 100 ? refusal(400, ['name must be shorter than or equal to 99 characters'], 'Bad Request') : r) }),
  },
  {
    name: 'email filter truncated to 255 characters',
    class: 'bounds',
    breaks: ['list.filter.email.length'],
    bug: 'never checks the email length: the database cuts the value to its VARCHAR(255) column',
    inject: wire({ request: (r) => withQuery(r, (p) => p.has('email') && p.set('email', p.get('email')!.slice(0, 255))) }),
  },
  {
    name: 'names of 100 characters refused on create',
    class: 'bounds',
    breaks: ['create.body'],
    bug: 'the name columns are VARCHAR(99), so a name of 100 characters fails the insert as a 400',
    writes: true,
    inject: wire({
      request: async (r) => {
        const body = isCreate(r) ? await jsonBody(r) : undefined;
        const tooLong = ['first_name', 'last_name'].filter((field) => typeof body?.[field] === 'string' && body[field].length === 100);
        return tooLong.length > 0 ? refusal(400, tooLong.map((field) => `${field} must be shorter than or equal to 99 characters`), 'Bad Request') : r;
      },
    }),
  },
  {
    name: 'phone number of 15 digits refused',
    class: 'bounds',
    breaks: ['create.body'],
    bug: 'validates phone_number with ^\\+?[1-9]\\d{1,13}$, one digit short of E.164',
    writes: true,
    inject: wire({
      request: async (r) => {
        const body = isCreate(r) || updatedId(r) ? await jsonBody(r) : undefined;
        const phone = body?.phone_number;
        return typeof phone === 'string' && /^\+?[1-9]\d{1,14}$/.test(phone) && !/^\+?[1-9]\d{1,13}$/.test(phone) ? refusal(400, ['phone_number must be a valid phone number'], 'Bad Request') : r;
      },
    }),
  },
  // Filter values matched literally.
  {
    name: 'name filter as SQL LIKE',
    class: 'literal matching',
    breaks: ['list.filter.name.literal'],
    bug: "WHERE first_name || ' ' || last_name ILIKE '%' || $1 || '%', the value not escaped: % and _ are wildcards, \\ an escape",
    inject: nameMatchedBy((fullName, name) => sqlIlike(`%${name}%`, fullName)),
  },
  {
    name: 'name filter as a regular expression',
    class: 'literal matching',
    breaks: ['list.filter.name.literal'],
    bug: "{ fullName: { $regex: name, $options: 'i' } }: . + * [ ( mean what they mean in a regex, and an unbalanced one throws",
    inject: nameMatchedBy((fullName, name) => new RegExp(name, 'i').test(fullName)),
  },
  {
    name: 'name filter as a glob',
    class: 'literal matching',
    breaks: ['list.filter.name.literal'],
    bug: 'matches the name with a glob library (*name*): * ? and [...] are wildcards',
    inject: nameMatchedBy((fullName, name) => globMatches(`*${name}*`, fullName)),
  },
  {
    name: 'email filter as SQL LIKE',
    class: 'literal matching',
    breaks: ['list.filter.email.literal'],
    bug: 'WHERE email ILIKE $1 for a case-insensitive exact match: _ and % in the value are wildcards',
    inject: emailMatchedBy((email, filter) => sqlIlike(filter, email)),
  },
  {
    name: 'email filter as a regular expression',
    class: 'literal matching',
    breaks: ['list.filter.email.literal'],
    bug: "{ email: { $regex: '^' + email + '$', $options: 'i' } }: the + and . of an address are regex operators",
    inject: emailMatchedBy((email, filter) => {
      try {
        return new RegExp(`^${filter}$`, 'i').test(email);
      } catch {
        return false;
      }
    }),
  },
  // The exact-match rule for email.
  {
    name: 'email matched by prefix',
    class: 'email exactness',
    breaks: ['list.filter.email.exact'],
    bug: "serves the email filter from the search box's prefix index (LIKE $1 || '%')",
    inject: emailMatchedBy((email, filter) => email.toLowerCase().startsWith(filter.toLowerCase())),
  },
  {
    name: 'email plus-tag ignored',
    class: 'email exactness',
    breaks: ['list.filter.email.exact'],
    bug: 'compares canonical addresses, Gmail-style: the +tag before the @ dropped on both sides',
    // The mock's generated emails carry no +tag: only a record the kit writes shows the fault.
    writes: true,
    inject: emailMatchedBy((email, filter) => {
      const canonical = (address: string) => address.toLowerCase().replace(/\+[^@]*@/, '@');
      return canonical(email) === canonical(filter);
    }),
  },
  // Credentials compared exactly.
  {
    name: 'secret accepted one character short',
    class: 'auth exactness',
    breaks: ['auth.exact-credentials'],
    bug: 'compares as many characters of the secret as were sent: expected.startsWith(given)',
    inject: credentialsAcceptedBy(({ key, secret }) => key === CREDENTIALS['x-client-key'] && secret.length > 0 && CREDENTIALS['x-client-secret'].startsWith(secret)),
  },
  {
    name: 'secret accepted one character longer',
    class: 'auth exactness',
    breaks: ['auth.exact-credentials'],
    bug: 'compares the sent secret cut to the stored length, as bcrypt cuts at 72 bytes: given.slice(0, expected.length) === expected',
    inject: credentialsAcceptedBy(({ key, secret }) => key === CREDENTIALS['x-client-key'] && secret.slice(0, CREDENTIALS['x-client-secret'].length) === CREDENTIALS['x-client-secret']),
  },
  {
    name: 'key compared case-insensitively',
    class: 'auth exactness',
    breaks: ['auth.exact-credentials'],
    bug: "looks the application up by x-client-key in a column with a case-insensitive collation (MySQL's default)",
    inject: credentialsAcceptedBy(({ key, secret }) => key.toLowerCase() === CREDENTIALS['x-client-key'].toLowerCase() && secret === CREDENTIALS['x-client-secret']),
  },
  {
    name: 'credentials trimmed',
    class: 'auth exactness',
    breaks: ['auth.exact-credentials'],
    bug: "trims both credentials with String.prototype.trim, which also strips what HTTP does not (e.g. a no-break space)",
    inject: credentialsAcceptedBy(({ key, secret }) => key.trim() === CREDENTIALS['x-client-key'] && secret.trim() === CREDENTIALS['x-client-secret']),
  },
  {
    name: 'key and secret accepted swapped',
    class: 'auth exactness',
    breaks: ['auth.exact-credentials'],
    bug: 'checks that the two headers hold the application\'s two credentials, whichever header holds which',
    inject: credentialsAcceptedBy(({ key, secret }) => {
      const presented = [key, secret];
      return presented.includes(CREDENTIALS['x-client-key']) && presented.includes(CREDENTIALS['x-client-secret']);
    }),
  },
  // Writes aimed at a well-formed id that does not exist.
  {
    name: 'update of a missing id creates it',
    class: 'nonexistent ids',
    breaks: ['update.unknown-id'],
    bug: 'updates with an upsert (DynamoDB UpdateItem without attribute_exists(id)): a missing id is created from the patch and column defaults',
    writes: true,
    inject: storeMethod('update', (update, store) => (id, patch) => {
      if (store.get(id)) return update(id, patch);
      const { reason: _notStored, ...fields } = patch;
      const now = new Date().toISOString();
      const created: Customer = {
        id,
        first_name: '',
        last_name: '',
        email: null,
        phone_number: '',
        customer_type: 'Individual',
        status: 'ACTIVE',
        last_spent: 0,
        last_purchase_date: null,
        appId: store.appId,
        createdAt: now,
        updatedAt: now,
        ...fields,
      };
      storePut(store, created);
      return created;
    }),
  },
  {
    name: 'update of a missing id is a 400',
    class: 'nonexistent ids',
    breaks: ['update.unknown-id'],
    bug: 'the update handler wraps every store error in a BadRequestException, "not found" included',
    writes: true,
    inject: wire({
      response: async (response, request) =>
        updatedId(request) !== undefined && response.status === 404 ? editJson(response, (body: Record<string, unknown>) => ({ ...body, statusCode: 400, error: 'Bad Request' }), 400) : response,
    }),
  },
  // Every read view after every kind of write.
  {
    name: 'email index stale after an email change',
    class: 'read views after writes',
    breaks: ['write.update.visible-in-views'],
    bug: 'the email lookup table is filled on create and emptied on delete, but an update never re-keys it',
    writes: true,
    inject: (mock, next) => {
      const idByEmail = new Map(mock.store.customers().flatMap((c) => (c.email === null ? [] : [[c.email.toLowerCase(), c.id] as const])));
      const create = mock.store.create.bind(mock.store);
      mock.store.create = (input) => {
        const customer = create(input);
        if (customer.email !== null) idByEmail.set(customer.email.toLowerCase(), customer.id);
        return customer;
      };
      const remove = mock.store.delete.bind(mock.store);
      mock.store.delete = (id) => {
        const result = remove(id);
        if (result.customer.email !== null) idByEmail.delete(result.customer.email.toLowerCase());
        return result;
      };
      return storeList((list, store) => (q) => {
        if (q.email === undefined) return list(q);
        const id = idByEmail.get(q.email.toLowerCase());
        const customer = id === undefined ? undefined : store.get(id);
        return referencePage(customer && matches({ ...q, email: undefined }, customer) ? [customer] : [], q);
      })(mock, next);
    },
  },
  {
    name: 'status totals stale after a status change',
    class: 'read views after writes',
    breaks: ['write.blacklist.visible-in-views', 'write.restore.visible-in-views', 'write.update.visible-in-views', 'list.total.consistent', 'list.page.size'],
    bug: 'keeps a count per status, moved on create and delete but not when an update changes the status',
    writes: true,
    inject: (mock, next) => {
      const counts = new Map<string, number>();
      const count = (status: string, by: number) => counts.set(status, (counts.get(status) ?? 0) + by);
      for (const customer of mock.store.customers()) count(customer.status, 1);
      const create = mock.store.create.bind(mock.store);
      mock.store.create = (input) => {
        const customer = create(input);
        count(customer.status, 1);
        return customer;
      };
      const remove = mock.store.delete.bind(mock.store);
      mock.store.delete = (id) => {
        const result = remove(id);
        count(result.customer.status, -1);
        return result;
      };
      return storeList((list) => (q) => (q.status === undefined || q.name !== undefined || q.email !== undefined ? list(q) : { ...list(q), total: counts.get(q.status) ?? 0 }))(mock, next);
    },
  },
  {
    name: 'status totals not lowered by a delete',
    class: 'read views after writes',
    breaks: ['write.delete.gone-from-views', 'list.total.consistent', 'list.page.size'],
    bug: 'keeps a count per status, moved on create and on a status change, that deletes forget to decrement',
    writes: true,
    inject: (mock, next) => {
      const deletedByStatus = new Map<string, number>();
      const remove = mock.store.delete.bind(mock.store);
      mock.store.delete = (id) => {
        const result = remove(id);
        deletedByStatus.set(result.customer.status, (deletedByStatus.get(result.customer.status) ?? 0) + 1);
        return result;
      };
      return storeList((list) => (q) => {
        const page = list(q);
        return q.status === undefined || q.name !== undefined || q.email !== undefined ? page : { ...page, total: page.total + (deletedByStatus.get(q.status) ?? 0) };
      })(mock, next);
    },
  },
  // createdAt never changes; updatedAt advances on every update.
  {
    name: 'createdAt changed by an update',
    class: 'timestamps',
    breaks: ['write.update.timestamps'],
    bug: 'the update saves the row with both timestamp columns set to now',
    writes: true,
    inject: storeMethod('update', (update, store) => (id, patch) => {
      const updated = update(id, patch);
      const restamped = { ...updated, createdAt: updated.updatedAt };
      storePut(store, restamped);
      return restamped;
    }),
  },
  {
    name: 'timestamps stored in whole seconds',
    class: 'timestamps',
    breaks: ['write.update.timestamps'],
    bug: 'DATETIME columns without fractional seconds: an update in the second of the previous write leaves updatedAt where it was',
    writes: true,
    inject: eachCustomerInResponses((customer) => {
      const toSecond = (value: unknown) => (typeof value === 'string' ? value.replace(/\.\d+Z$/, '.000Z') : value);
      return { ...customer, createdAt: toSecond(customer.createdAt), updatedAt: toSecond(customer.updatedAt) };
    }),
  },
  // An idempotent replay returns the same status, body and headers.
  {
    name: 'replay answered 200',
    class: 'idempotency',
    breaks: ['idempotency.replay-identical'],
    bug: 'the replay path sends the cached body with res.json(), whose status is 200, not the 201 it stored',
    writes: true,
    inject: wire({
      response: async (response) => (response.headers.get('idempotent-replayed') === 'true' && response.status === 201 ? new Response(response.body, { status: 200, headers: response.headers }) : response),
    }),
  },
  {
    name: 'replay sent as text/html',
    class: 'idempotency',
    breaks: ['idempotency.replay-identical'],
    bug: "the replay path sends the cached body as a string with Express's res.send(), which labels it text/html",
    writes: true,
    inject: wire({
      response: async (response) => {
        if (response.headers.get('idempotent-replayed') !== 'true') return response;
        const headers = new Headers(response.headers);
        headers.set('content-type', 'text/html; charset=utf-8');
        return new Response(response.body, { status: response.status, headers });
      },
    }),
  },
  // The rate-limit headers over sequential requests.
  {
    name: 'rate-limit reset in milliseconds',
    class: 'rate-limit headers',
    breaks: ['rate-limit.headers'],
    bug: 'X-RateLimit-Reset is windowStart + windowMs, a Date.now() value, never divided by 1000',
    inject: rateLimitHeaders((w) => ({ ...w, reset: w.reset * 1000 })),
  },
  {
    name: 'rate-limit reset as seconds left',
    class: 'rate-limit headers',
    breaks: ['rate-limit.headers'],
    bug: 'X-RateLimit-Reset is the seconds until the window ends (as some APIs do), not its unix time',
    inject: rateLimitHeaders((w) => ({ ...w, reset: Math.max(0, w.reset - Math.floor(Date.now() / 1000)) })),
  },
  {
    name: 'rate-limit remaining counts up',
    class: 'rate-limit headers',
    breaks: ['rate-limit.window'],
    bug: "X-RateLimit-Remaining is the window's counter of requests used, not what is left",
    inject: rateLimitHeaders((w) => ({ ...w, remaining: w.limit - w.remaining })),
  },
  // Concurrency.
  {
    name: 'concurrent creates with one email both succeed',
    class: 'concurrency',
    breaks: ['create.email-conflict'],
    bug: 'checks the email with a SELECT before the INSERT and has no unique index: two creates in flight both find it free',
    writes: true,
    inject: (mock, next) => {
      /** Emails the SELECT found free: their INSERT goes ahead, whoever inserted the email since. */
      const checkedFree = new Map<string, number>();
      const create = mock.store.create.bind(mock.store);
      mock.store.create = (input) => {
        const email = input.email?.toLowerCase();
        if (email === undefined || !checkedFree.has(email) || !totalOf(mock.store, { email })) return create(input);
        const customer = { ...create({ ...input, email: undefined }), email: input.email ?? null };
        storePut(mock.store, customer);
        return customer;
      };
      return async (request) => {
        const email = isCreate(request) ? (await jsonBody(request))?.email : undefined;
        if (typeof email !== 'string') return next(request);
        const key = email.toLowerCase();
        if (totalOf(mock.store, { email: key }) > 0) return next(request);
        checkedFree.set(key, (checkedFree.get(key) ?? 0) + 1);
        try {
          await databaseRoundTrip();
          return await next(request);
        } finally {
          const left = checkedFree.get(key)! - 1;
          if (left === 0) checkedFree.delete(key);
          else checkedFree.set(key, left);
        }
      };
    },
  },
  {
    name: 'lost update under concurrent updates',
    class: 'concurrency',
    breaks: ['update.fields', 'write.update.visible-in-views'],
    bug: 'loads the customer, applies the patch to the loaded entity and saves every column (an ORM save()), so a concurrent update of another field is overwritten',
    writes: true,
    inject: (mock, next) => async (request) => {
      const id = updatedId(request);
      const patch = id === undefined ? undefined : await jsonBody(request);
      const loaded = id === undefined ? undefined : mock.store.get(id);
      // A body the update refuses (empty, or a reason without a status) is refused before anything is loaded.
      if (!loaded || !patch || typeof patch !== 'object' || Array.isArray(patch) || Object.keys(patch).length === 0 || ('reason' in patch && !('status' in patch))) return next(request);
      await databaseRoundTrip();
      const { first_name, last_name, phone_number, customer_type, status, email } = loaded;
      return next(withBody(request, { first_name, last_name, phone_number, customer_type, status, ...(email === null ? {} : { email }), ...patch }));
    },
  },
  {
    name: 'concurrent requests with one idempotency key both write',
    class: 'concurrency',
    breaks: ['idempotency.replay-identical', 'idempotency.key-conflict'],
    bug: 'records a key only once its write is done, so a request with the key while the first is in flight finds none and writes again',
    writes: true,
    inject: (_mock, next) => {
      const inFlight = new Set<string>();
      return async (request) => {
        const key = request.headers.get('idempotency-key');
        if (key === null || request.method === 'GET') return next(request);
        if (inFlight.has(key)) {
          const headers = new Headers(request.headers);
          headers.delete('idempotency-key');
          return next(new Request(request, { headers }));
        }
        inFlight.add(key);
        try {
          await databaseRoundTrip();
          return await next(request);
        } finally {
          inFlight.delete(key);
        }
      };
    },
  },
  // Text beyond ASCII.
  {
    name: 'name filter folds ASCII letters only',
    class: 'non-ASCII text',
    breaks: ['list.filter.name.partial'],
    bug: "lower-cases with LOWER() under the database's C collation, which folds A-Z only: ÉMILE does not find Émile",
    // The mock's generated names are ASCII: only a record the kit writes shows the fault.
    writes: true,
    inject: nameMatchedBy((fullName, name) => {
      const foldAscii = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
      return foldAscii(fullName).includes(foldAscii(name));
    }),
  },
  {
    name: 'names decoded as Latin-1',
    class: 'non-ASCII text',
    breaks: ['create.echo', 'update.fields'],
    bug: 'the body parser decodes a JSON body without a charset parameter as ISO-8859-1, so José is stored as JosÃ©',
    writes: true,
    inject: wire({
      request: async (r) => {
        if (r.method !== 'POST' && r.method !== 'PATCH') return r;
        const text = new TextDecoder('latin1').decode(await r.clone().arrayBuffer());
        const headers = new Headers(r.headers);
        headers.delete('content-length');
        return new Request(r.url, { method: r.method, headers, body: text });
      },
    }),
  },
];

/** The store's own "not found", for a replaced method. */
function storeMethodMissing(id: string): never {
  throw new CustomerNotFoundError(id);
}

export interface FaultyServer {
  readonly url: string;
  readonly mock: NodeMock;
  close(): Promise<void>;
}

/** A mock with the fault (or any other behaviour) injected, on a loopback socket (port 0). */
export async function faultyServer(fault: Pick<Fault, 'inject'> | undefined): Promise<FaultyServer> {
  const mock = await createMock({ ...CONTRACT_MOCK_CONFIG, count: 200 });
  const app: FetchHandler = async (request) => mock.app.fetch(request);
  const handler: FetchHandler = fault ? fault.inject(mock, app) : app;
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mock,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
