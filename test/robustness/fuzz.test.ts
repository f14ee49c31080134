import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { anyRequest, answerProblems, requestFor, type HostileRequest } from '../support/hostile-requests.js';
import { inProcessMock, type InProcessMock } from '../support/mock.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

/**
 * Every operation, fed what fuzzers send, in-process (no socket, so thousands of cases fit in
 * seconds). The raw-socket share, for what Fetch refuses to send, is in fuzz-socket.test.ts.
 */
const RUNS_PER_OPERATION = 600;
const RUNS_ANY_ROUTE = 1_200;
const RUNS_RATE_LIMITED = 600;

let mock: InProcessMock;
let cases = 0;
const statuses = new Map<number, number>();

beforeAll(async () => {
  mock = await inProcessMock({ count: 40 });
});

afterAll(() => {
  const histogram = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`).join(', ');
  console.log(`fuzz (in-process): ${cases} hostile requests, every answer documented, no 5xx, no pollution (${histogram})`);
});

/** Sends one request and checks the answer and the store; restores the store after an accepted write. */
async function check(request: HostileRequest, target: InProcessMock = mock): Promise<void> {
  cases++;
  const before: Customer[] = target.store.customers();
  const beforeText = JSON.stringify(before);
  const carriesBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
  const response = await target.mock.app.request(request.target, {
    method: request.method,
    headers: request.headers,
    body: carriesBody ? request.body : undefined,
  });
  const text = await response.text();
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const problems = answerProblems(target.mock.spec, request, { status: response.status, contentType: response.headers.get('content-type'), text });
  expect(problems, `${request.method} ${request.target.slice(0, 300)} -> ${response.status} ${text.slice(0, 300)}`).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
  if (response.status >= 400) {
    // Compared as text, so an in-place change to a record counts too.
    expect(JSON.stringify(target.store.customers()) === beforeText, 'a rejected request changed the store').toBe(true);
  } else {
    expect(storeInvariantProblems(target.store)).toEqual([]);
    target.store.replaceAll(before);
  }
}

describe('fuzzing every operation in-process', () => {
  it('answers every hostile request to every operation with a documented status and body, never a 5xx', async () => {
    const ids = mock.store.customers().map((c) => c.id);
    for (const operation of mock.mock.spec.operations) {
      await fc.assert(
        fc.asyncProperty(requestFor(operation, ids), (request) => check(request)),
        { numRuns: RUNS_PER_OPERATION },
      );
    }
  }, 120_000);

  it('answers any method on any path: the documented route, or a JSON 404', async () => {
    await fc.assert(fc.asyncProperty(anyRequest, (request) => check(request)), { numRuns: RUNS_ANY_ROUTE });
  }, 60_000);

  it('keeps to the document with the rate limit on: 429s only where documented', async () => {
    // Low, because the fuzzed POST /__admin/reset clears the counters every dozen requests or so.
    const limited = await inProcessMock({ count: 40, rateLimit: 3 });
    const ids = limited.store.customers().map((c) => c.id);
    const arbitrary = fc.oneof(...limited.mock.spec.operations.map((op) => requestFor(op, ids)), anyRequest);
    const before = statuses.get(429) ?? 0;
    await fc.assert(fc.asyncProperty(arbitrary, (request) => check(request, limited)), { numRuns: RUNS_RATE_LIMITED });
    expect(statuses.get(429) ?? 0, 'the limit was reached').toBeGreaterThan(before);
  }, 60_000);
});
