import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createMock } from '../dist/node-mock.js';
import { percentile } from './stats.js';

/**
 * A snapshot of COUNT customers written while requests are served, in one process (run by
 * state.ts): how long it takes, how long the event loop waits meanwhile, and the latency of reads
 * and writes made during it, each timed from the turn it was queued in. Prints one JSON object.
 */
export interface CompactionReport {
  readonly count: number;
  readonly compactionMs: number;
  readonly snapshotBytes: number;
  /** The most the state folder held during the compaction: old snapshot, journals and the new snapshot. */
  readonly peakDiskBytes: number;
  readonly writers: number;
  readonly writes: number;
  readonly loopDelay: { p50: number; p99: number; max: number };
  readonly rows: Array<{ what: string; calls: number; p50: number; p99: number; max: number }>;
}

const count = Number(process.argv[2] ?? 1_000_000);
const WRITERS = 4;
const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const folder = mkdtempSync(join(tmpdir(), 'bench-compaction-'));

try {
  const mock = await createMock({ count, rateLimit: 0, stateFile: join(folder, 'state.json') });
  const state = mock.state!;
  const call = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await mock.app.request(path, {
      method,
      headers: body === undefined ? CREDENTIALS : { ...CREDENTIALS, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
    return res.json();
  };
  /** Queues the call for the next turn of the event loop and times it from now, as a request arriving now waits. */
  const timed = async (into: number[], run: () => Promise<unknown>) => {
    const queued = performance.now();
    await nextTurn();
    const result = await run();
    into.push(performance.now() - queued);
    return result;
  };

  let compacting = true;
  let writes = 0;
  const reads: number[] = [];
  const creates: number[] = [];
  const writer = async (w: number) => {
    for (let n = 0; compacting; n++) {
      const body = { first_name: 'During', last_name: `Snapshot${n}`, phone_number: '+14155550100', email: `during.${w}.${n}@example.com` };
      const { id } = (await timed(creates, () => call('POST', '/api/v0/customers', body))) as { id: string };
      await call('DELETE', `/api/v0/customers/${id}`);
      writes += 2;
    }
  };
  const reader = async () => {
    while (compacting) {
      const skip = Math.floor(Math.random() * (count - 100));
      await timed(reads, () => call('GET', `/api/v0/customers?skip=${skip}&take=20`));
    }
  };
  let peakDiskBytes = 0;
  const measureDisk = setInterval(() => {
    let bytes = 0;
    for (const name of readdirSync(folder)) bytes += statSync(join(folder, name), { throwIfNoEntry: false })?.size ?? 0;
    peakDiskBytes = Math.max(peakDiskBytes, bytes);
  }, 20);

  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  // The monitor's first tick only starts its clock: a block before it would go unrecorded.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  const load = Promise.all([reader(), ...Array.from({ length: WRITERS }, (_, w) => writer(w))]);
  await state.compact();
  const compactionMs = performance.now() - started;
  compacting = false;
  await load;
  loop.disable();
  clearInterval(measureDisk);
  await state.close();

  const row = (what: string, times: number[]) => ({ what, calls: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) });
  const report: CompactionReport = {
    count,
    compactionMs,
    snapshotBytes: state.sizes().snapshotBytes,
    peakDiskBytes,
    writers: WRITERS,
    writes,
    loopDelay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
    rows: [row('read: a list page at a random skip', reads), row('write: create (a delete follows, untimed)', creates)],
  };
  process.stdout.write(JSON.stringify(report));
} finally {
  rmSync(folder, { recursive: true, force: true });
}
