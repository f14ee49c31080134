import { http, type HttpHandler } from 'msw';
import { mockFetchFor, MockOptionsError, REAL_API_URL, type MockFetch, type MockFetchOptions } from './in-process/mock-fetch.js';

/** `createMockFetch`'s options, and where the app under test sends its requests. */
export type CustomersHandlersOptions = MockFetchOptions & {
  /** Where the app under test sends its requests (default: the real API's address). */
  readonly baseUrl?: string;
};

/** msw handlers for everything under `baseUrl`, with the mock's `reset()` and `fetch` beside them. */
export type CustomersHandlers = HttpHandler[] & Pick<MockFetch, 'reset'> & { readonly fetch: MockFetch };

/**
 * msw request handlers answered by an in-process mock (the same engine as the server's). Every
 * request under `baseUrl` is the mock's, so a path it does not know gets the API's own 404 and
 * never reaches the network. A path in `baseUrl` (`http://localhost:3000/proxy`) is taken off
 * before the mock sees the request.
 */
export async function customersHandlers(options: CustomersHandlersOptions = {}): Promise<CustomersHandlers> {
  const { baseUrl = REAL_API_URL, ...mockOptions } = options;
  const base = parseBaseUrl(baseUrl);
  const mockFetch = await mockFetchFor('customersHandlers', mockOptions, ['baseUrl']);
  const prefix = base.pathname.replace(/\/+$/, '');
  const answer: Parameters<typeof http.all>[1] = async ({ request }) => mockFetch(prefix === '' ? request : await withoutPrefix(request, prefix));
  const root = `${base.origin}${prefix}`;
  // msw's `/*` needs something after the slash: the base itself is matched on its own.
  const handlers = [http.all(root, answer), http.all(`${root}/*`, answer)];
  return Object.assign(handlers, { reset: () => mockFetch.reset(), fetch: mockFetch });
}

function parseBaseUrl(baseUrl: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof baseUrl === 'string' ? new URL(baseUrl) : undefined;
  } catch {
    // Reported below with what is expected.
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new MockOptionsError(`customersHandlers: baseUrl must be an http(s) address without query or fragment, such as ${REAL_API_URL}; got ${JSON.stringify(baseUrl)}`);
  }
  return url;
}

async function withoutPrefix(request: Request, prefix: string): Promise<Request> {
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(prefix.length) || '/';
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return new Request(url, { method: request.method, headers: request.headers, body: hasBody ? await request.arrayBuffer() : undefined, signal: request.signal });
}
