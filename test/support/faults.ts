import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Customer, CustomerList } from '../../src/domain/customer.js';
import { matches, paginate, type ListQuery } from '../../src/domain/query.js';
import { createMock, type MockInstance } from '../../src/server.js';
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
  readonly inject: (mock: MockInstance) => FetchHandler;
}

type FetchHandler = (request: Request) => Promise<Response>;
type ListFn = (query: ListQuery) => CustomerList;

/** Seam 1: rewrite the request before the app sees it and/or the response after. */
function wire(rewrite: { request?: (request: Request) => Request | Response; response?: (response: Response, request: Request) => Promise<Response> }): Fault['inject'] {
  return (mock) => async (request) => {
    const changed = rewrite.request ? rewrite.request(request) : request;
    if (changed instanceof Response) return changed;
    const response = await mock.app.fetch(changed);
    return rewrite.response ? rewrite.response(response, request) : response;
  };
}

/**
 * Seam 2: decorate the store's list, leaving every other operation as it is. The list endpoint
 * serves `listJson` (the same answer, serialised), so it is made to serialise the decorated list.
 */
function storeList(decorate: (original: ListFn, store: MockInstance['store']) => ListFn): Fault['inject'] {
  return (mock) => {
    const original = mock.store.list.bind(mock.store);
    const faulty = decorate(original, mock.store);
    mock.store.list = faulty;
    mock.store.listJson = (query) => JSON.stringify(faulty(query));
    return async (request) => mock.app.fetch(request);
  };
}

function withQuery(request: Request, edit: (params: URLSearchParams) => void): Request {
  const url = new URL(request.url);
  edit(url.searchParams);
  return new Request(url, request);
}

/** The response with its JSON body rewritten (and its status, if given); a non-JSON body passes unchanged. */
async function editJson<T>(response: Response, edit: (body: T) => unknown, status = response.status): Promise<Response> {
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
function listWhere(store: MockInstance['store'], query: ListQuery, keep: (c: Customer) => boolean): CustomerList {
  return paginate(store.snapshot().filter(keep), query);
}

function renameCreatedAt(customer: Record<string, unknown>): Record<string, unknown> {
  const { createdAt, ...rest } = customer;
  return { ...rest, created_at: createdAt };
}

const isList = (request: Request) => new URL(request.url).pathname === '/api/v0/customers' && request.method === 'GET';

export const FAULTS: readonly Fault[] = [
  {
    name: 'off-by-one skip',
    bug: 'skips one record too many (1-based page arithmetic)',
    inject: storeList((list) => (q) => ({ ...list({ ...q, skip: q.skip + 1 }), skip: q.skip })),
  },
  {
    name: 'take ignored',
    bug: 'always returns the default page size',
    inject: storeList((list) => (q) => list({ ...q, take: 10 })),
  },
  {
    name: 'bounds unchecked',
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
    bug: 'compares names without folding case',
    inject: storeList((list, store) => (q) => {
      if (q.name === undefined) return list(q);
      const name = q.name;
      return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && `${c.first_name} ${c.last_name}`.includes(name));
    }),
  },
  {
    name: 'name on first name only',
    bug: 'matches the name filter against first_name only',
    inject: storeList((list, store) => (q) => {
      if (q.name === undefined) return list(q);
      const name = q.name.toLowerCase();
      return listWhere(store, q, (c) => matches({ ...q, name: undefined }, c) && c.first_name.toLowerCase().includes(name));
    }),
  },
  {
    name: 'name filter ignored',
    bug: 'reads the name parameter but never applies it',
    inject: storeList((list) => (q) => list({ ...q, name: undefined })),
  },
  {
    name: 'partial email',
    bug: 'matches the email filter as a substring (as one guide page reads)',
    inject: storeList((list, store) => (q) => {
      if (q.email === undefined) return list(q);
      const email = q.email.toLowerCase();
      return listWhere(store, q, (c) => matches({ ...q, email: undefined }, c) && (c.email ?? '').toLowerCase().includes(email));
    }),
  },
  {
    name: 'status filter ignored',
    bug: 'validates status but never applies it',
    inject: storeList((list) => (q) => list({ ...q, status: undefined })),
  },
  {
    name: 'unknown status accepted',
    bug: 'drops a status it does not know instead of rejecting it',
    inject: wire({ request: (r) => withQuery(r, (p) => p.get('status') === 'NOT_A_STATUS' && p.delete('status')) }),
  },
  {
    name: 'total equals page size',
    bug: 'reports the page length as total',
    inject: storeList((list) => (q) => {
      const page = list(q);
      return { ...page, total: page.data.length };
    }),
  },
  {
    name: 'empty page has total 0',
    bug: 'counts from the page, so past the end the total drops to 0',
    inject: storeList((list) => (q) => {
      const page = list(q);
      return page.data.length === 0 ? { ...page, total: 0 } : page;
    }),
  },
  {
    name: 'secret unchecked',
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
    bug: 'answers bad credentials with 403',
    inject: wire({
      response: async (response) =>
        response.status === 401 ? editJson(response, (body: Record<string, unknown>) => ({ ...body, statusCode: 403, error: 'Forbidden' }), 403) : response,
    }),
  },
  {
    name: 'unstable order',
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
    bug: 'pages overlap by one record (skip - 1 after the first page)',
    inject: storeList((list) => (q) => (q.skip > 0 ? { ...list({ ...q, skip: q.skip - 1 }), skip: q.skip } : list(q))),
  },
  {
    name: 'renamed field',
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
    bug: "the framework's default plain-text error page",
    inject: wire({
      response: async (response) =>
        response.status >= 400 ? new Response(`${response.status} ${response.statusText || 'Error'}`, { status: response.status, headers: { 'content-type': 'text/plain' } }) : response,
    }),
  },
  {
    name: 'id format unchecked',
    bug: 'looks up any id, so a malformed one is a 404 instead of a 400',
    inject: wire({
      request: (r) => {
        const match = /^\/api\/v0\/customers\/([^/]+)$/.exec(new URL(r.url).pathname);
        if (!match || /^[0-9a-f-]{36}$/i.test(match[1]!)) return r;
        return Response.json({ statusCode: 404, message: 'Customer not found', error: 'Not Found' }, { status: 404 });
      },
    }),
  },
];

export interface FaultyServer {
  readonly url: string;
  readonly mock: MockInstance;
  close(): Promise<void>;
}

/** A mock with the fault (or any other behaviour) injected, on a loopback socket (port 0). */
export async function faultyServer(fault: Pick<Fault, 'inject'> | undefined): Promise<FaultyServer> {
  const mock = await createMock({ rateLimit: 0, count: 200 });
  const handler: FetchHandler = fault ? fault.inject(mock) : async (request) => mock.app.fetch(request);
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
