import fc from 'fast-check';
import { METHODS } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { answerProblems, anyRequest, requestFor, type HostileRequest } from '../support/hostile-requests.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';
import { rawExchange, type RawResponse } from '../support/raw-http.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

/**
 * The share of the fuzzing that needs a real socket: requests serialised by hand, then bytes
 * mangled the way no HTTP client would (bad framing, stray control bytes, lying lengths), which
 * only Node's parser and the server's protocol-error handling see.
 */
const RUNS_WELL_FORMED = 600;
const RUNS_MANGLED = 600;
/**
 * Mangled requests are often incomplete (a length that lies, a lost CRLF) and end in the server's
 * 408, so that server gets short timeouts; the well-formed ones get ample time.
 */
const MANGLED_TIMEOUTS = { headersTimeoutMs: 300, requestTimeoutMs: 500 };

let mock: ListeningMock;
let port: number;
let cases = 0;

async function startWith(timeouts: { headersTimeoutMs: number; requestTimeoutMs: number } | Record<string, never>): Promise<void> {
  await mock?.close();
  mock = await listeningMock({ count: 40, ...timeouts });
  port = Number(new URL(mock.url).port);
}

beforeAll(() => startWith({}));

afterAll(async () => {
  console.log(`fuzz (raw socket): ${cases} hostile requests, each answered in the API's JSON format, never a 5xx`);
  await mock.close();
});

/** The request as bytes on the wire: target percent-encoded the way a client would, exact Content-Length. */
function serialise(request: HostileRequest): Buffer {
  const url = new URL(`http://localhost${request.target}`);
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const head = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(request.headers)) head.push(`${name}: ${value}`);
  if (request.body !== undefined) head.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** Sends, then checks the store: unchanged after a rejection, sound (and restored) after a write. */
async function exchange(bytes: Buffer, judge: (answer: RawResponse) => void): Promise<void> {
  cases++;
  const before: Customer[] = mock.store.customers();
  const beforeText = JSON.stringify(before);
  const { responses, closed } = await rawExchange(port, bytes, { timeoutMs: mock.config.requestTimeoutMs + 3_000, halfClose: true });
  expect(closed || responses.length > 0, 'the server neither answered nor closed the connection').toBe(true);
  for (const answer of responses) judge(answer);
  // With no answer read (a reset can discard it: extra bytes after `Connection: close`), the outcome is unknown.
  if (responses.length > 0 && responses.every((r) => r.status >= 400)) {
    expect(JSON.stringify(mock.store.customers()) === beforeText, 'a rejected request changed the store').toBe(true);
  } else {
    expect(storeInvariantProblems(mock.store)).toEqual([]);
    mock.store.replaceAll(before);
  }
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const mangle = fc.oneof(
  // Stray bytes anywhere: controls, NUL, bare CR or LF, high bytes, spaces.
  fc.record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }).map(({ at, bytes }) => (b: Buffer) => {
    const i = at % (b.length + 1);
    return Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]);
  }),
  fc.record({ at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }).map(({ at, length }) => (b: Buffer) => {
    const i = at % b.length;
    return Buffer.concat([b.subarray(0, i), b.subarray(i + length)]);
  }),
  fc.constantFrom<(b: Buffer) => Buffer>(
    (b) => Buffer.from(b.toString('latin1').replace(/^[A-Z]+/, (m) => m.toLowerCase()), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('HTTP/1.1', 'HTTP/2.0'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('HTTP/1.1', 'HTTP/1.1 extra'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('\r\n', '\r\n x-folded: obs-fold\r\n'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('\r\n', '\r\nContent-Length: 5\r\nContent-Length: 6\r\n'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('\r\n', '\r\nTransfer-Encoding: chunked\r\n'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('\r\n', '\r\nTransfer-Encoding: gzip, chunked\r\n'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(/Content-Length: (\d+)/, (_, n: string) => `Content-Length: ${Number(n) + 7}`), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(/Content-Length: (\d+)/, (_, n: string) => `Content-Length: ${Math.max(0, Number(n) - 3)}`), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(/Content-Length: \d+/, 'Content-Length: -1'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(/Content-Length: \d+/, 'Content-Length: 1e3'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('Host: 127.0.0.1', 'Host: a b'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace('Host: 127.0.0.1', 'Host: [::1'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(' /', ' http://evil.example/'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(' /', ' *'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(/^\S+/, 'CONNECT'), 'latin1'),
    (b) => Buffer.from(b.toString('latin1').replace(/^\S+/, 'TRACE'), 'latin1'),
    (b) => Buffer.concat([b, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]),
  ),
);

/** Answers to bytes no client should send: the protocol errors or whatever the request reached, always JSON. */
function judgeMangled(answer: RawResponse): void {
  expect(answer.status, answer.body).toBeLessThan(500);
  expect(answer.headers['content-type'], answer.body).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  if (answer.status >= 400) {
    expect(mock.spec.schemaValidator('Error')(body), answer.body).toBe(true);
    expect(body.statusCode).toBe(answer.status);
  }
}

describe('fuzzing over a real socket', () => {
  it('answers hand-serialised hostile requests exactly as the document says', async () => {
    const ids = mock.store.customers().map((c) => c.id);
    const operations = mock.spec.operations;
    const arbitrary = fc.oneof(...operations.map((op) => requestFor(op, ids)), anyRequest).filter((r) => r.method !== 'HEAD');
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        await exchange(serialise(request), (answer) => {
          // Node's parser refuses methods it does not know before any route is looked up.
          const parserRefusal = METHODS.includes(request.method) ? [] : [400];
          const observed = { status: answer.status, contentType: answer.headers['content-type'] ?? null, text: answer.body };
          const problems = answerProblems(mock.spec, request, observed, parserRefusal);
          expect(problems, `${request.method} ${request.target.slice(0, 200)} -> ${answer.status} ${answer.body.slice(0, 200)}`).toEqual([]);
        });
      }),
      { numRuns: RUNS_WELL_FORMED },
    );
  }, 60_000);

  it('answers mangled bytes in the JSON error format, never a 5xx, never a hang', async () => {
    await startWith(MANGLED_TIMEOUTS);
    const valid = (method: string, target: string, body?: string): Buffer =>
      serialise({ method, target, headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body });
    const base = fc.constantFrom(
      valid('GET', '/api/v0/customers?take=2'),
      valid('POST', '/api/v0/customers', '{"first_name":"Ada","last_name":"Lovelace","phone_number":"+14155550123"}'),
      valid('PATCH', '/api/v0/customers/00000000-0000-4000-8000-000000000000', '{"status":"BLACKLISTED"}'),
      valid('DELETE', '/__admin/requests'),
    );
    await fc.assert(
      fc.asyncProperty(base, fc.array(mangle, { minLength: 1, maxLength: 3 }), async (bytes, mangles) => {
        await exchange(mangles.reduce((b, m) => m(b), bytes), judgeMangled);
      }),
      { numRuns: RUNS_MANGLED },
    );
    // Still serving after all of that.
    const healthy = await fetch(`${mock.url}/api/v0/customers?take=1`, { headers: CREDENTIALS });
    expect(healthy.status).toBe(200);
  }, 90_000);
});
