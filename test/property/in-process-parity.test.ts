import { METHODS, request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DOCS_PATHS } from '../../src/http/docs.js';
import { createMockFetch, type MockFetch } from '../../src/in-process/mock-fetch.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { startMock, type ListeningMock } from '../../src/node-mock.js';
import { anyRequest, requestFor, type HostileRequest } from '../support/hostile-requests.js';
import { CREDENTIALS } from '../support/mock.js';
import { seededRandom } from '../support/seeded-random.js';

/**
 * One engine, two front doors: the Node server over a real socket and `createMockFetch` in process
 * get the same sequences of requests, from the same state, and must give the same statuses, the
 * same headers and byte-identical bodies. Only what HTTP itself adds on the wire is left out of the
 * comparison (TRANSPORT_HEADERS), and two kinds of request: the docs page, which only the server
 * serves (its Swagger UI files are read from disk), and methods Node's HTTP parser does not know
 * (PROPFIND, FOO), which it refuses before the app sees them. Chance, time and new ids come from
 * the same sources on both sides.
 */
const RUNS = 25;
/** Far beyond any answer's time on a loaded machine; only a request that hangs reaches it. */
const ANSWER_DEADLINE_MS = 20_000;
const OPTIONS = { count: 25, rateLimit: 8, errorRate: 0.05, cors: '*' } as const;
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const DOCS_PAGE_PATHS = DOCS_PATHS.filter((path) => !path.startsWith('/openapi.'));

let server: ListeningMock;
let mockFetch: MockFetch;
let compared = 0;
const statuses = new Map<number, number>();

// Each request gets the same ids and the same chance on both sides, whichever side asks first.
let nextId = 0;
let chance = seededRandom(0);
const sameSources = (requestIndex: number) => {
  nextId = requestIndex * 1000;
  chance = seededRandom(requestIndex);
};
const random = () => chance();

beforeAll(async () => {
  vi.spyOn(crypto, 'randomUUID').mockImplementation(() => `00000000-0000-4000-8000-${(nextId++).toString(16).padStart(12, '0')}`);
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 10, 0, 0));
  server = await startMock({ count: OPTIONS.count, rateLimit: OPTIONS.rateLimit, errorRate: OPTIONS.errorRate, corsOrigins: ['*'], port: 0 }, { clock, random });
  mockFetch = await createMockFetch({ ...OPTIONS, clock, random });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await server?.close();
  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
  console.log(`in-process parity: ${compared} requests answered identically by the server and createMockFetch (${histogram})`);
});

interface Answer {
  readonly status: number;
  readonly headers: Array<[string, string]>;
  readonly body: Buffer;
}

/** What a door answered, or the error it refused to send the request with (Fetch refuses some). */
async function answerOf(send: () => Promise<Response>): Promise<Answer | { refused: string }> {
  let response: Response;
  try {
    response = await send();
  } catch (error) {
    return { refused: (error as Error).name };
  }
  const headers = [...response.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name));
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
}

/**
 * `fetch` over a connection of its own, closed after the answer. fetch's pool reuses keep-alive
 * sockets, and a socket the server closes after answering a bad request (an oversized URL or body)
 * can be picked for the next one, which then fails with a TypeError or waits: a race of the
 * client's pool, not a difference between the doors. The request is built by `Request`, so it is
 * refused and normalised exactly as fetch and createMockFetch refuse and normalise it.
 */
async function overNewConnection(url: string, requestInit: RequestInit): Promise<Response> {
  const request = new Request(url, requestInit);
  const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = { ...Object.fromEntries(request.headers), connection: 'close' };
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method: request.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const answerHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const one of Array.isArray(value) ? value : [value ?? '']) answerHeaders.append(name, one);
        }
        const status = res.statusCode ?? 0;
        const nullBody = [101, 103, 204, 205, 304].includes(status);
        resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: answerHeaders }));
      });
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

function init(request: HostileRequest): RequestInit {
  return { method: request.method, headers: request.headers, body: request.body };
}

/** The request log reports how long each request took, which no two runs share: the one measured value. */
function comparable(answer: Answer | { refused: string }, target: string): unknown {
  if (!('body' in answer) || !target.startsWith('/__admin/requests') || answer.status !== 200) return answer;
  const log = JSON.parse(answer.body.toString('utf8')) as { requests: Array<{ durationMs: number }> };
  return { ...answer, body: JSON.stringify({ requests: log.requests.map((entry) => ({ ...entry, durationMs: 0 })) }) };
}

/**
 * A side that never answers fails the property on that request, so fast-check shrinks it and prints
 * its seed, instead of the whole test timing out with no clue which request hung.
 */
async function withinDeadline<T>(answer: Promise<T>, side: string, request: HostileRequest): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${side}: no answer within ${ANSWER_DEADLINE_MS} ms to ${request.method} ${request.target.slice(0, 200)}`)), ANSWER_DEADLINE_MS);
  });
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function compare(request: HostileRequest, index: number): Promise<void> {
  const url = `${server.url}${request.target}`;
  sameSources(index);
  const overSocket = await withinDeadline(answerOf(() => overNewConnection(url, init(request))), 'the server', request);
  sameSources(index);
  // The same URL, host included: the host is ignored in process, and /openapi.json names it.
  const inProcess = await withinDeadline(answerOf(() => mockFetch(url, init(request))), 'createMockFetch', request);
  compared++;
  if ('status' in overSocket) statuses.set(overSocket.status, (statuses.get(overSocket.status) ?? 0) + 1);
  expect(comparable(inProcess, request.target), `${request.method} ${request.target.slice(0, 200)}`).toEqual(comparable(overSocket, request.target));
}

const preferHeader = fc.constantFrom('code=429', 'code=500', 'code=503', 'code=418', 'delay=abc', 'return=minimal');
const withPrefer = (request: fc.Arbitrary<HostileRequest>) =>
  fc.tuple(request, fc.option(preferHeader, { freq: 4 })).map(([r, prefer]) => (prefer ? { ...r, headers: { ...r.headers, prefer } } : r));

async function requests(): Promise<fc.Arbitrary<HostileRequest>> {
  const spec = await getSpecModel();
  const ids = mockFetch.engine.store.customers().map((c) => c.id);
  const valid: fc.Arbitrary<HostileRequest> = fc.constantFrom<HostileRequest>(
    { method: 'GET', target: '/api/v0/customers?take=3', headers: CREDENTIALS, body: undefined },
    {
      method: 'POST',
      target: '/api/v0/customers',
      headers: { ...CREDENTIALS, 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body: '{"first_name":"Ada","last_name":"Lovelace","phone_number":"+14155550123","email":"ada@example.com"}',
    },
    { method: 'GET', target: '/__admin/requests', headers: {}, body: undefined },
    { method: 'GET', target: '/openapi.json', headers: {}, body: undefined },
    // Sandboxes too: their credentials come from randomUUID, the same on both sides here.
    { method: 'POST', target: '/__admin/sandboxes', headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: '{"seed":3,"count":2}' },
  );
  const operations = fc.oneof(...spec.operations.map((op) => requestFor(op, ids)));
  const request = fc.oneof({ weight: 2, arbitrary: valid }, { weight: 6, arbitrary: operations }, { weight: 2, arbitrary: anyRequest });
  const isDocsPage = (r: HostileRequest) => DOCS_PAGE_PATHS.includes(new URL(`http://localhost${r.target}`).pathname.replace(/(.)\/$/, '$1'));
  return withPrefer(request).filter((r) => !isDocsPage(r) && METHODS.includes(r.method));
}

describe('the in-process engine and the Node server', () => {
  it('give the same statuses, headers and bytes to the same sequences of requests', async () => {
    const request = await requests();
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 8 }), async (sequence) => {
        server.reset();
        mockFetch.reset();
        for (const [index, one] of sequence.entries()) await compare(one, index);
        // And the state both ended in: every customer, and the request log.
        await compare({ method: 'GET', target: '/api/v0/customers?take=100', headers: CREDENTIALS, body: undefined }, sequence.length);
        await compare({ method: 'GET', target: '/__admin/requests', headers: {}, body: undefined }, sequence.length + 1);
        await compare({ method: 'GET', target: '/__admin/sandboxes', headers: CREDENTIALS, body: undefined }, sequence.length + 2);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
