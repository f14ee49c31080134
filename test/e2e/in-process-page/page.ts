// Bundled by test/e2e/in-process-browser.test.ts for the browser, which loads it from index.html.
import { setupWorker } from 'msw/browser';
import { createMockFetch } from '../../../src/browser.js';
import { customersHandlers } from '../../../src/msw.js';

const API = 'https://api.devdraft.ai';
const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const NEW = { first_name: 'Katherine', last_name: 'Johnson', email: 'katherine@example.com', phone_number: '+14155550125' };

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

async function answer(send: Fetch, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await send(`${API}${path}`, init);
  return { status: response.status, body: await response.json() };
}

/** List, create, fetch back, and two refusals, through whichever fetch the page is given. */
async function scenario(send: Fetch) {
  const list = await answer(send, '/api/v0/customers?take=5', { headers: CREDENTIALS });
  const created = await answer(send, '/api/v0/customers', {
    method: 'POST',
    headers: { ...CREDENTIALS, 'content-type': 'application/json' },
    body: JSON.stringify(NEW),
  });
  const fetched = await answer(send, `/api/v0/customers/${created.body.id}`, { headers: CREDENTIALS });
  const listAfter = await answer(send, '/api/v0/customers?take=1', { headers: CREDENTIALS });
  const unauthorised = await answer(send, '/api/v0/customers');
  const unknown = await answer(send, '/api/v0/nowhere', { headers: CREDENTIALS });
  return {
    list: { status: list.status, total: list.body.total, count: list.body.data.length },
    created: { status: created.status, email: created.body.email, id: created.body.id },
    fetched: { status: fetched.status, email: fetched.body.email, id: fetched.body.id },
    totalAfter: listAfter.body.total,
    unauthorised,
    unknown,
  };
}

async function run() {
  const mockFetch = await createMockFetch({ count: 20 });
  const viaMockFetch = await scenario(mockFetch);

  const handlers = await customersHandlers({ count: 30 });
  const worker = setupWorker(...handlers);
  await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'error', quiet: true });
  // The page's own fetch: the service worker hands each request to the handlers.
  const viaWorker = await scenario((input, init) => fetch(input, init));
  worker.stop();
  return { viaMockFetch, viaWorker };
}

// What the test reads back with page.evaluate.
(globalThis as unknown as { results: Promise<unknown> }).results = run().then(
  (value) => ({ ok: true, value }),
  (error: Error) => ({ ok: false, error: `${error.name}: ${error.message}\n${error.stack ?? ''}` }),
);
