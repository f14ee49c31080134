import { systemClock } from '../dist/domain/clock.js';
import type { Customer, CustomerStatus } from '../dist/domain/customer.js';
import type { ListQuery } from '../dist/domain/query.js';
import { CustomerStore } from '../dist/store/customer-store.js';
import { generateCustomers } from '../dist/store/seed.js';
import { CUSTOMER_STATUSES } from '../dist/openapi/contract-facts.generated.js';
import { percentile, timeCalls, type CallTimes } from './stats.js';

/**
 * Latencies of the store at scale, in its own process (run by run.ts): each timed call is the
 * store's answer as the response body (listJson), the work a request does that grows with the data.
 * Usage: COUNT SAMPLES. Prints one JSON object.
 */
const count = Number(process.argv[2] ?? 1_000_000);
const samples = Number(process.argv[3] ?? 200);

export interface LatencyRow {
  readonly operation: string;
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly cpuP99: number;
}

let started = performance.now();
const customers = generateCustomers({ seed: 42, count, appId: 'app_customers_mock' });
const generateMs = performance.now() - started;
started = performance.now();
const store = new CustomerStore({ clock: systemClock, appId: 'app_customers_mock' });
store.replaceAll(customers);
const indexMs = performance.now() - started;
// Start-up leaves the whole data set to be promoted and marked by the collector; collect it now
// (run.ts passes --expose-gc), so the figures below are the steady state a served mock is in.
(globalThis as { gc?: () => void }).gc?.();

const rows: LatencyRow[] = [];
const serve = (query: ListQuery) => store.listJson(query);
/** How many customers match `filter`, from the list answer. */
const totalOf = (filter: Omit<ListQuery, 'skip' | 'take'>) => (JSON.parse(serve({ skip: 0, take: 1, ...filter })) as { total: number }).total;
// Before each timed read, an untimed write: it drops every kept page body and remembered name
// search, so each read below is answered from the indexes, as the first one after a change is.
const pivot = customers[0]!.id;
const afterAWrite = (i: number) => void store.update(pivot, { customer_type: i % 2 === 0 ? 'Startup' : 'Enterprise' });
function measure(operation: string, calls: number, run: (i: number) => unknown, warmup?: number, prepare: ((i: number) => void) | undefined = afterAWrite): void {
  rows.push(row(operation, timeCalls(calls, run, warmup, prepare)));
}

function row(operation: string, times: CallTimes): LatencyRow {
  const { wall, cpu } = times;
  return { operation, calls: wall.length, p50: percentile(wall, 50), p99: percentile(wall, 99), max: Math.max(...wall), cpuP99: percentile(cpu, 99) };
}

// A fixed stride through the data set, so every run asks the same questions.
const sample = (i: number): Customer => customers[(i * 7919) % customers.length]!;
const withEmail = customers.filter((_, i) => i % 101 === 0).filter((c) => c.email !== null);

measure('email lookup (exact, mixed case)', samples * 5, (i) => {
  const email = withEmail[i % withEmail.length]!.email!;
  return serve({ skip: 0, take: 10, email: i % 2 === 0 ? email : email.toUpperCase() });
});
measure('email lookup, no such address', samples, (i) => serve({ skip: 0, take: 10, email: `nobody${i}@example.invalid` }));
for (const status of ['ACTIVE', 'BLACKLISTED'] as CustomerStatus[]) {
  const total = totalOf({ status });
  const lastPage = Math.max(0, total - 100);
  for (const [label, point] of [['start', 0], ['middle', Math.floor(total / 2)], ['end', lastPage]] as const) {
    // A different page each call, spread over 20,000 positions: most customers on it have not been
    // served before, so their JSON is not kept yet and each call serialises its page.
    const skipAt = (i: number) => Math.min(lastPage, Math.max(0, point - 10_000 + ((i * 997) % 20_000)));
    measure(`status=${status} take=100, pages near the ${label}`, samples * 2, (i) => serve({ skip: skipAt(i), take: 100, status }));
  }
}
measure('no filter take=100, pages near the middle', samples, (i) => serve({ skip: Math.floor(count / 2) + ((i * 997) % 20_000), take: 100 }));

const needles = ['a', 'an', 'son', 'n s', 'lee', 'john d', 'zz', 'Ann', 'er'];
const nameTimes: CallTimes = { wall: [], cpu: [] };
for (const needle of needles) {
  for (const status of [undefined, 'ACTIVE'] as const) {
    const total = totalOf({ name: needle, status });
    for (const skip of [0, 5, Math.floor(total / 2), Math.max(0, total - 10)]) {
      const times = timeCalls(Math.ceil(samples / 10), () => serve({ skip, take: 50, name: needle, status }), 2, afterAWrite);
      nameTimes.wall.push(...times.wall);
      nameTimes.cpu.push(...times.cpu);
    }
  }
}
rows.push(row(`name search (${needles.length} needles x status x 4 skips, take=50)`, nameTimes));

// Writes: each timed call is one create, one update (new name and status) or one delete.
const created: string[] = [];
measure('write: create', samples * 2, (i) => {
  const n = created.length;
  created.push(store.create({ first_name: 'Bench', last_name: `Writer${i % 50}`, phone_number: '+15555550100', email: `bench.${n}@example.invalid`, customer_type: 'Individual', status: 'ACTIVE' }).id);
});
measure('write: update (name and status)', samples * 2, (i) => {
  const target = sample(i + 1);
  store.update(target.id, { last_name: `Renamed${i % 50}`, status: i % 2 === 0 ? 'BLACKLISTED' : 'ACTIVE' });
}, undefined, undefined);
measure('write: delete', created.length, (i) => store.delete(created[i]!), 0, undefined);

// The indexes still agree after the writes: the id index, the order index and the status indexes
// count the same customers (test/support/store-invariants.ts checks every invariant in the tests).
const perStatus = CUSTOMER_STATUSES.map((status) => totalOf({ status }));
const counted = { ids: store.size, listed: totalOf({}), byStatus: perStatus.reduce((sum, total) => sum + total, 0) };
if (counted.listed !== counted.ids || counted.byStatus !== counted.ids) throw new Error(`indexes disagree after the run: ${JSON.stringify(counted)}`);
process.stdout.write(`${JSON.stringify({ count, generateMs, indexMs, rows })}\n`);
