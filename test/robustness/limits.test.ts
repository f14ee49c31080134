import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/mock-config.js';
import { runAll } from '../../src/domain/slices.js';
import { MAX_HEADER_BYTES, MAX_JSON_DEPTH, MAX_REQUEST_TARGET_LENGTH, nestingDeeperThan } from '../../src/http/limits.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';
import { rawExchange, type RawResponse } from '../support/raw-http.js';

const LIMIT = DEFAULT_CONFIG.bodyLimitBytes;
const AUTH = `x-client-key: ${CREDENTIALS['x-client-key']}\r\nx-client-secret: ${CREDENTIALS['x-client-secret']}\r\n`;
const VALID_BODY = '{"first_name":"Ada","last_name":"Lovelace","phone_number":"+14155550123"}';
/** Short, so stalled clients are cut off quickly; ample for the small requests that must pass. */
const TIMEOUTS = { headersTimeoutMs: 600, requestTimeoutMs: 1_200 };

let mock: ListeningMock;
let port: number;

beforeAll(async () => {
  mock = await listeningMock({ count: 30, ...TIMEOUTS });
  port = Number(new URL(mock.url).port);
});

afterAll(() => mock.close());

function expectJsonError(response: RawResponse | undefined, status: number): void {
  expect(response, 'no response').toBeDefined();
  expect(response!.status, response!.body).toBe(status);
  expect(response!.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response!.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
  expect(body.statusCode).toBe(status);
}

async function fetchJson(path: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; body: any }> {
  const response = await fetch(`${mock.url}${path}`, { ...init, headers: { ...CREDENTIALS, 'content-type': 'application/json', ...init.headers } });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

describe('request body limit', () => {
  it('refuses a body over the limit with a JSON 413, changing nothing', async () => {
    const before = JSON.stringify(mock.store.customers());
    const body = JSON.stringify({ first_name: 'x'.repeat(LIMIT), last_name: 'L', phone_number: '+14155550123' });
    const res = await fetchJson('/api/v0/customers', { method: 'POST', body });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ statusCode: 413, message: `Request body is larger than ${LIMIT} bytes`, error: 'Payload Too Large' });
    expect(JSON.stringify(mock.store.customers())).toBe(before);
  });

  it('accepts a body just under the limit (the limit is on bytes, not on what the body says)', async () => {
    const padding = ' '.repeat(LIMIT - VALID_BODY.length - 1);
    const res = await fetchJson('/api/v0/customers', { method: 'POST', body: `${VALID_BODY}${padding}` });
    expect(res.status).toBe(201);
    await fetchJson(`/api/v0/customers/${res.body.id}`, { method: 'DELETE' });
  });

  it('counts chunked bodies as they arrive: 413 without a Content-Length', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const chunks = Array.from({ length: 10 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const head = `POST /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const { responses } = await rawExchange(port, head, { chunks: [...chunks, '0\r\n\r\n'], responses: 1 });
    expectJsonError(responses[0], 413);
  });

  it('refuses at once a Content-Length over the limit, without waiting for the body', async () => {
    const head = `POST /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${LIMIT * 10}\r\n\r\n{}`;
    const { responses } = await rawExchange(port, head, { responses: 1 });
    expectJsonError(responses[0], 413);
  });

  it('reads no more than a Content-Length that is too small, and refuses the rest as a malformed request', async () => {
    const body = `${VALID_BODY}${'x'.repeat(LIMIT * 2)}`;
    const request = `POST /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 10\r\n\r\n${body}`;
    const before = JSON.stringify(mock.store.customers());
    const { responses } = await rawExchange(port, request, { halfClose: true });
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) expectJsonError(response, 400);
    expect(JSON.stringify(mock.store.customers())).toBe(before);
  });

  it('stores nothing from a body its client stops sending before its Content-Length, and serves the next request', async () => {
    const before = JSON.stringify(mock.store.customers());
    const head = `POST /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${VALID_BODY.length}\r\n\r\n`;
    const { responses, closed } = await rawExchange(port, `${head}${VALID_BODY.slice(0, 20)}`, { halfClose: true });
    expect(closed).toBe(true);
    // Node waits for the rest of the body until the request timeout (408), unless the socket is gone first (400).
    for (const response of responses) expectJsonError(response, response.status === 408 ? 408 : 400);
    expect(JSON.stringify(mock.store.customers())).toBe(before);
    expect((await fetchJson('/api/v0/customers?take=1')).status).toBe(200);
  });

  it('refuses JSON nested deeper than the documented bodies could ever be', async () => {
    const deep = `${'['.repeat(40_000)}${']'.repeat(40_000)}`;
    const res = await fetchJson('/api/v0/customers', { method: 'POST', body: deep });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual([`body must not nest deeper than ${MAX_JSON_DEPTH} levels`]);
  });

  it('measures nesting without recursion', () => {
    const nestsDeeperThan = (value: unknown, maxDepth?: number) => runAll(nestingDeeperThan(value, maxDepth));
    const nest = (depth: number): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
      return value;
    };
    expect(nestsDeeperThan(nest(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(nest(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan(nest(1_000_000))).toBe(true);
    expect(nestsDeeperThan([1, 'a', null, { b: [true] }], 3)).toBe(false);
    expect(nestsDeeperThan([1, 'a', null, { b: [true] }], 2)).toBe(true);
    // An own `__proto__` member (JSON.parse makes one) is walked like any other.
    expect(nestsDeeperThan(JSON.parse(`{"__proto__": ${JSON.stringify(nest(MAX_JSON_DEPTH))}}`))).toBe(true);
  });
});

describe('URL and header limits', () => {
  const listPath = (length: number) => {
    const prefix = '/api/v0/customers?name=';
    return `${prefix}${'a'.repeat(length - prefix.length)}`;
  };

  it('serves a target exactly at the limit and refuses one character more with a JSON 414', async () => {
    expect((await fetchJson(listPath(MAX_REQUEST_TARGET_LENGTH))).status).toBe(400); // name is longer than its schema allows
    const over = await fetchJson(listPath(MAX_REQUEST_TARGET_LENGTH + 1));
    expect(over.status).toBe(414);
    expect(over.body).toEqual({ statusCode: 414, message: `Request URI is longer than ${MAX_REQUEST_TARGET_LENGTH} characters`, error: 'URI Too Long' });
  });

  it("answers the app's 414, not the parser's 431, for URLs past Node's default header limit", async () => {
    const { responses } = await rawExchange(port, `GET ${listPath(40_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}\r\n`, { responses: 1 });
    expectJsonError(responses[0], 414);
  });

  it("answers the parser's own limit (request line and headers) in JSON too: 431", async () => {
    const url = await rawExchange(port, `GET ${listPath(MAX_HEADER_BYTES + 1_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, { responses: 1 });
    expectJsonError(url.responses[0], 431);
    const header = await rawExchange(port, `GET /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: ${'b'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`, { responses: 1 });
    expectJsonError(header.responses[0], 431);
  });

  it('answers malformed HTTP and CONNECT in JSON, where Node would send a bare line or hang up', async () => {
    for (const request of [
      `GET /api/v0/customers HTTP/1.1\r\nHost: .0.0.1\r\n${AUTH}\r\n`,
      `GET /api/v0/customers HTTP/1.1\r\nHost: a b\r\n${AUTH}\r\n`,
      'GET /api\\v0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      `GET /api/v0/customers HTTP/1.1\r\n${AUTH}\r\n`,
      'HELLO\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n',
    ]) {
      const { responses } = await rawExchange(port, request, { responses: 1 });
      expectJsonError(responses[0], 400);
    }
  });

  it('refuses a malformed chunked body or an HTTP/0.9 request at once with a JSON 400, and closes the connection', async () => {
    // Timeouts far past the wait below: the 400 can only come from the malformed request itself.
    const patient = await listeningMock({ count: 30, headersTimeoutMs: 120_000, requestTimeoutMs: 240_000 });
    try {
      const patientPort = Number(new URL(patient.url).port);
      const chunked = `POST /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
      for (const request of [
        `${chunked}zz\r\n${VALID_BODY}\r\n0\r\n\r\n`,
        `${chunked}-5\r\n${VALID_BODY}\r\n0\r\n\r\n`,
        `${chunked}${'f'.repeat(20)}\r\n${VALID_BODY}\r\n0\r\n\r\n`,
        `GET /api/v0/customers\r\n${AUTH}\r\n`,
      ]) {
        const { responses, closed } = await rawExchange(patientPort, request, { timeoutMs: 10_000 });
        expectJsonError(responses[0], 400);
        expect(responses, request).toHaveLength(1);
        expect(closed, request).toBe(true);
      }
      expect(patient.store.size).toBe(30);
    } finally {
      await patient.close();
    }
  });

  it('refuses a bare HTTP/0.9 request line at once, though no blank line ends it, with the same answer as one followed by headers', async () => {
    // A headers timeout far past the wait below: nothing but the request line itself can end the exchange.
    const patient = await listeningMock({ count: 30, headersTimeoutMs: 120_000, requestTimeoutMs: 240_000 });
    try {
      const patientPort = Number(new URL(patient.url).port);
      const withHeaders = await rawExchange(patientPort, `GET /api/v0/customers\r\n${AUTH}\r\n`, { timeoutMs: 10_000 });
      expectJsonError(withHeaders.responses[0], 400);
      expect(JSON.parse(withHeaders.responses[0]!.body)).toMatchObject({ message: 'The request line names no HTTP version (HTTP/0.9 is not supported)' });
      // HTTP/0.9 has no headers: the line is the whole request. Empty lines before it are ignored (RFC 9112 §2.2).
      for (const request of ['GET /api/v0/customers\r\n', 'GET /\r\n', '\r\nGET /api/v0/customers\r\n', 'GET /api/v0/customers\n']) {
        const { responses, closed } = await rawExchange(patientPort, request, { timeoutMs: 10_000 });
        expect(responses, JSON.stringify(request)).toEqual(withHeaders.responses);
        expect(closed, JSON.stringify(request)).toBe(true);
      }
      // Its first line is all the server reads of it: one that comes in pieces is answered once the line ends.
      const { responses, closed } = await rawExchange(patientPort, 'GE', { chunks: ['T /api/v0/cus', 'tomers\r\n'], gapMs: 50, timeoutMs: 10_000 });
      expect(responses).toEqual(withHeaders.responses);
      expect(closed).toBe(true);
    } finally {
      await patient.close();
    }
  });

  it('serves a request whose first line comes in several writes', async () => {
    const { responses } = await rawExchange(port, 'GE', {
      chunks: ['T /api/v0/customers?take=1 HT', `TP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}\r\n`],
      gapMs: 50,
      responses: 1,
    });
    expect(responses[0]?.status).toBe(200);
    expect(JSON.parse(responses[0]!.body).data).toHaveLength(1);
  });

  it('serves pipelined keep-alive requests, in the first write and in later ones, in order', async () => {
    const request = (skip: number) => `GET /api/v0/customers?take=1&skip=${skip} HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}\r\n`;
    const expected = (await fetchJson('/api/v0/customers?take=4')).body.data.map((customer: { id: string }) => customer.id);
    // Empty lines before the first request are ignored, as before any request.
    const { responses, closed } = await rawExchange(port, `\r\n${request(0)}${request(1)}`, { chunks: [`${request(2)}${request(3)}`], gapMs: 50, responses: 4 });
    expect(closed).toBe(false);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(responses.map((response) => JSON.parse(response.body).data[0].id)).toEqual(expected);
  });

  it('answers a client that ends its side in the middle of its first line with a JSON 400, and closes quietly a connection that sent nothing', async () => {
    const cut = await rawExchange(port, 'GET /api/v0/cust', { halfClose: true });
    expectJsonError(cut.responses[0], 400);
    expect(cut.closed).toBe(true);
    for (const nothing of ['', '\r\n']) {
      const { responses, closed } = await rawExchange(port, nothing, { halfClose: true });
      expect(responses, JSON.stringify(nothing)).toEqual([]);
      expect(closed, JSON.stringify(nothing)).toBe(true);
    }
  });

  it('survives a client that resets its connection in the middle of its first line', async () => {
    const serverSide = new Promise<Socket>((resolve) => mock.server.once('connection', resolve));
    const client = connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise((resolve) => client.write('GET /api/v0/cust', resolve));
    const closed = new Promise((resolve) => void serverSide.then((socket) => socket.once('close', resolve)));
    client.resetAndDestroy();
    await closed;
    expect((await fetchJson('/api/v0/customers?take=1')).status).toBe(200);
  });

  it('serves an HTTP/1.0 request without a Host header (only HTTP/1.1 requires one)', async () => {
    const { responses } = await rawExchange(port, `GET /api/v0/customers?take=1 HTTP/1.0\r\n${AUTH}\r\n`, { responses: 1 });
    expect(responses[0]?.status).toBe(200);
  });
});

describe('slow and stalled clients', () => {
  it('serves everyone else while a client stalls in its headers', async () => {
    // Its own server, whose headers timeout outlasts the test: nothing but a fault of the server can
    // end the stalled connection while the others are served, however slow the machine.
    const patient = await listeningMock({ count: 30, headersTimeoutMs: 600_000, requestTimeoutMs: 600_000 });
    const accepted = new Promise((resolve) => patient.server.once('connection', resolve));
    const stalled = connect(Number(new URL(patient.url).port), '127.0.0.1');
    let stalledClosed = false;
    stalled.on('close', () => (stalledClosed = true));
    // Headers that never end: the client went silent.
    await new Promise((resolve) => stalled.write(`GET /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}`, resolve));
    await accepted;
    const others = Array.from({ length: 20 }, async (_, i) => (await fetch(`${patient.url}/api/v0/customers?take=1&skip=${i}`, { headers: CREDENTIALS })).status);
    expect(await Promise.all(others)).toEqual(Array(20).fill(200));
    expect(stalledClosed, 'the stalled connection is still open once the others are served').toBe(false);
    stalled.destroy();
    await patient.close();
  });

  it('times out a client stalled in its headers with a JSON 408, and closes its connection', async () => {
    // Headers that never end; only the server's headers timeout can end the exchange.
    const { responses, closed } = await rawExchange(port, `GET /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}`, { timeoutMs: 600_000 });
    expectJsonError(responses[0], 408);
    expect(closed).toBe(true);
    expect((await fetchJson('/api/v0/customers?take=1')).status).toBe(200);
  });

  it('times out a client stalled in its first line, or silent from the start, with a JSON 408, and closes its connection', async () => {
    // The first line never ends; only the server's headers timeout can end the exchange.
    for (const request of ['GET /api/v0/customers', 'GET /api/v0/customers HTTP/1.1', '\r\n', '']) {
      const { responses, closed } = await rawExchange(port, request, { timeoutMs: 600_000 });
      expectJsonError(responses[0], 408);
      expect(closed, JSON.stringify(request)).toBe(true);
    }
  });

  it('closes, when it shuts down, connections that have not ended their first line: no request of theirs is in flight', async () => {
    const patient = await listeningMock({ count: 30, headersTimeoutMs: 600_000, requestTimeoutMs: 600_000 });
    const patientPort = Number(new URL(patient.url).port);
    // One silent, one stalled in the middle of its first line.
    const closed: Array<Promise<unknown>> = [];
    for (const sent of ['', 'GET /api/v0/cust']) {
      const accepted = new Promise((resolve) => patient.server.once('connection', resolve));
      const stalled = connect(patientPort, '127.0.0.1');
      closed.push(new Promise((resolve) => stalled.on('close', resolve)));
      stalled.on('error', () => undefined);
      stalled.write(sent);
      await accepted;
    }
    // Only the shutdown can end these connections before the test's own timeout.
    await patient.close();
    await Promise.all(closed);
  });

  it('times out a client that trickles its body past the request timeout', async () => {
    // A body that would take longer to trickle than any test may run: only the server's request
    // timeout can end the exchange, so no race between the trickle and the timeout decides the test.
    const length = 10_000;
    const head = `POST /api/v0/customers HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    const trickle = [...VALID_BODY.padEnd(length, ' ')];
    const before = JSON.stringify(mock.store.customers());
    const { responses, closed } = await rawExchange(port, head, { chunks: trickle, gapMs: 100, timeoutMs: 600_000 });
    expectJsonError(responses[0], 408);
    expect(closed).toBe(true);
    expect(JSON.stringify(mock.store.customers())).toBe(before);
    // And the server is still there.
    expect((await fetchJson('/api/v0/customers?take=1')).status).toBe(200);
  });
});
