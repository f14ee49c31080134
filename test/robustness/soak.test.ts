import autocannon, { type RequestContext } from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, CustomerList } from '../../src/domain/customer.js';
import { compareListOrder } from '../../src/domain/query.js';
import { CREDENTIALS } from '../support/mock.js';
import { spawnMock, type MockProcess } from '../support/mock-process.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

/**
 * A bounded soak over loopback at full speed, against the mock in a child process (so its memory
 * is measured, not the load generator's). `npm test` runs the short variant; `npm run soak`
 * (vitest --mode soak) the 60-second one.
 */
const SOAK_SECONDS = process.env.MODE === 'soak' ? 60 : 15;
const WARM_UP_SECONDS = 3;
const CONNECTIONS = 16;
const COUNT = 1_000;
/**
 * Growth allowed from the end of warm-up to the end of the soak, after a full GC, of the live JS
 * heap and of the memory held by Buffers. RSS is reported, not bounded: the allocator keeps freed
 * pages, so it plateaus well above what is live.
 */
const GROWTH_BOUND_BYTES = 16 * 1024 * 1024;
const MIB = 1024 * 1024;

let mock: MockProcess;
let sequence = 0;

beforeAll(async () => {
  mock = await spawnMock(['--count', String(COUNT), '--rate-limit', '0'], { measureMemory: true });
});

afterAll(async () => {
  mock.child.kill('SIGTERM');
  await mock.exited;
});

const headers = { ...CREDENTIALS, 'content-type': 'application/json' };
const withId = (suffix = '') => (request: { path?: string }, context: RequestContext) =>
  typeof context.id === 'string' ? { ...request, path: `/api/v0/customers/${context.id}${suffix}` } : undefined;

/** Per connection, in a loop: create, fetch, update, list two ways, delete. The store's size holds steady. */
function run(seconds: number) {
  return autocannon({
    url: mock.url,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
    requests: [
      {
        method: 'POST',
        path: '/api/v0/customers',
        setupRequest: (request) => {
          const n = sequence++;
          return { ...request, body: JSON.stringify({ first_name: 'Soak', last_name: `Test${n}`, phone_number: '+14155550123', email: `soak.${n}@soak.example` }) };
        },
        onResponse: (status, body, context) => {
          context.id = status === 201 ? (JSON.parse(body) as Customer).id : undefined;
        },
      },
      { method: 'GET', setupRequest: withId() },
      { method: 'PATCH', body: '{"status":"BLACKLISTED","reason":"soak"}', setupRequest: withId() },
      { method: 'GET', path: '/api/v0/customers?status=ACTIVE&take=20&skip=40' },
      { method: 'GET', path: '/api/v0/customers?name=an&take=10' },
      { method: 'DELETE', setupRequest: withId() },
    ],
  });
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${mock.url}${path}`, { headers: CREDENTIALS });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** The store's invariants seen from outside: pages agree, order is the list order, filters add up. */
async function apiInvariantProblems(): Promise<string[]> {
  const problems: string[] = [];
  const all: Customer[] = [];
  let total = -1;
  for (let skip = 0; total < 0 || skip < total; skip += 100) {
    const page = await getJson<CustomerList>(`/api/v0/customers?take=100&skip=${skip}`);
    if (total >= 0 && page.total !== total) problems.push(`total changed between pages: ${total} -> ${page.total}`);
    total = page.total;
    all.push(...page.data);
  }
  if (all.length !== total) problems.push(`pages hold ${all.length}, total says ${total}`);
  if (new Set(all.map((c) => c.id)).size !== all.length) problems.push('an id appears twice');
  for (let i = 1; i < all.length; i++) if (compareListOrder(all[i - 1]!, all[i]!) >= 0) problems.push(`out of order at ${i}`);
  let perStatus = 0;
  for (const status of CUSTOMER_STATUSES) perStatus += (await getJson<CustomerList>(`/api/v0/customers?status=${status}&take=1`)).total;
  if (perStatus !== total) problems.push(`status totals add up to ${perStatus}, not ${total}`);
  for (const customer of all.filter((c) => c.email !== null).slice(0, 50)) {
    const found = await getJson<CustomerList>(`/api/v0/customers?email=${encodeURIComponent(customer.email!)}`);
    if (found.total !== 1 || found.data[0]?.id !== customer.id) problems.push(`email lookup of ${customer.email} is wrong`);
  }
  return problems;
}

describe(`soak: ${SOAK_SECONDS} s of mixed reads and writes at full speed`, () => {
  it('serves every request, keeps its memory bounded and its store sound', async () => {
    const warmUp = await run(WARM_UP_SECONDS);
    expect(warmUp.errors + warmUp.non2xx).toBe(0);
    const before = await mock.memory();

    const result = await run(SOAK_SECONDS);
    const after = await mock.memory();

    console.log(
      `soak: ${SOAK_SECONDS} s, ${CONNECTIONS} connections, ${result.requests.total} requests, ` +
        `${Math.round(result.requests.average)} req/s, p99 latency ${result.latency.p99} ms; ` +
        `mock heap after GC ${(before.heapUsed / MIB).toFixed(1)} -> ${(after.heapUsed / MIB).toFixed(1)} MiB, ` +
        `buffers ${(before.arrayBuffers / MIB).toFixed(1)} -> ${(after.arrayBuffers / MIB).toFixed(1)} MiB, ` +
        `RSS ${(before.rss / MIB).toFixed(1)} -> ${(after.rss / MIB).toFixed(1)} MiB`,
    );
    expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, resets: result.resets }).toEqual({ errors: 0, timeouts: 0, non2xx: 0, resets: 0 });
    expect(result.requests.total).toBeGreaterThan(0);
    expect(after.heapUsed - before.heapUsed, 'heap growth').toBeLessThan(GROWTH_BOUND_BYTES);
    expect(after.arrayBuffers - before.arrayBuffers, 'buffer growth').toBeLessThan(GROWTH_BOUND_BYTES);
    expect(await apiInvariantProblems()).toEqual([]);
  }, (SOAK_SECONDS + WARM_UP_SECONDS + 60) * 1000);
});
