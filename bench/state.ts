import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMock } from './http-load.js';
import { cpuTimeOf, stop, type Started } from './processes.js';
import { mib, ms, percentile, stolenShareDuring, table, verdict } from './stats.js';
import type { CompactionReport } from './state-compaction.js';

/**
 * Issue 13's figures for `--state` at scale: start from a saved state, write latencies through
 * HTTP, reads while writers keep writing, the files' size on disk, and a snapshot written while
 * requests are served (in its own process, see state-compaction.ts).
 */
const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const JSON_HEADERS = { ...CREDENTIALS, 'content-type': 'application/json' };
/** Customers of the mock the write latencies' floor is measured on (no --state). */
const FLOOR_COUNT = 500;
/** Untimed create, update and delete cycles before the write latencies are timed. */
const WARM_UP_WRITES = 200;
export const STATE_TARGETS = { writeP99: 5, readP99UnderWrites: 20, startMs: 10_000, diskRatio: 2 };

interface LatencyRow {
  readonly what: string;
  readonly calls: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The share of CPU time the hypervisor took meanwhile (see stolenShareDuring). */
  readonly stolen?: number | undefined;
  /** p99 of the same requests as the mock timed them itself (its request log): from routing to the response decided. */
  readonly inMockP99?: number;
}

export interface StateReport {
  readonly count: number;
  /** The first start, with no state yet: spawn to first answer, generating, indexing and the first snapshot included. */
  readonly firstStartMs: number;
  /** Spawn to first answer from the saved state, once per --fsync policy, and the CPU the mock used until then. */
  readonly starts: Array<{ fsync: string; ms: number; cpuMs: number | undefined; mainThreadCpuMs: number | undefined }>;
  readonly writes: Array<LatencyRow & { fsync: string }>;
  /** The same writes against a mock of FLOOR_COUNT customers without --state: what the machine and the HTTP path take by themselves. */
  readonly floor: LatencyRow[];
  readonly underWrites: { reads: LatencyRow; writes: number; seconds: number; writers: number };
  readonly disk: { snapshotBytes: number; journalBytes: number };
  readonly compaction: CompactionReport;
  /** The 1-minute load average before and after, on a machine other work shares. */
  readonly load: [number, number];
}

export async function measureState(count: number, quick: boolean): Promise<StateReport> {
  const loadBefore = loadavg()[0]!;
  const folder = mkdtempSync(join(tmpdir(), 'bench-state-'));
  const stateFile = join(folder, 'state.json');
  try {
    process.stderr.write(`first start: generating ${count.toLocaleString('en-US')} customers, indexing them and writing the first snapshot\n`);
    // In a process of its own, as every start here: a million customers left as garbage in the
    // bench's own heap would be collected while the starts below are timed, on the same two cores.
    let started = performance.now();
    const first = await startMock(count, ['--state', stateFile], 900_000);
    await request(first, 'GET', '/api/v0/customers');
    const firstStartMs = performance.now() - started;
    await stop(first.child);

    const starts: StateReport['starts'] = [];
    const writes: StateReport['writes'] = [];
    let underWrites: StateReport['underWrites'] | undefined;
    let disk: StateReport['disk'] | undefined;
    for (const fsync of ['batch', 'always']) {
      process.stderr.write(`starting from the saved state, --fsync ${fsync}\n`);
      started = performance.now();
      // A shared machine can take minutes where a quiet one takes seconds.
      const mock = await startMock(count, ['--state', stateFile, '--fsync', fsync], 900_000);
      try {
        await request(mock, 'GET', '/api/v0/customers');
        const ms = performance.now() - started;
        const inMs = (us: number | undefined) => (us === undefined ? undefined : us / 1000);
        starts.push({ fsync, ms, cpuMs: inMs(cpuTimeOf(mock.child.pid)), mainThreadCpuMs: inMs(cpuTimeOf(mock.child.pid, 'main thread')) });
        writes.push(...(await writeLatencies(mock, quick ? 200 : 1000)).map((row) => ({ ...row, fsync })));
        if (fsync === 'batch') underWrites = await readsUnderWrites(mock, quick ? 3 : 10);
      } finally {
        await stop(mock.child);
      }
      disk ??= diskUse(folder, stateFile);
    }
    process.stderr.write(`the floor: the same writes against ${FLOOR_COUNT} customers without --state\n`);
    const small = await startMock(FLOOR_COUNT);
    let floor: LatencyRow[];
    try {
      floor = await writeLatencies(small, quick ? 200 : 1000);
    } finally {
      await stop(small.child);
    }
    process.stderr.write(`a snapshot of ${count.toLocaleString('en-US')} customers while requests are served\n`);
    const compaction = JSON.parse(
      execFileSync(process.execPath, ['--max-old-space-size=4096', join(import.meta.dirname, 'state-compaction.js'), String(count)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: 600_000,
      }),
    ) as CompactionReport;
    return { count, firstStartMs, starts, writes, floor, underWrites: underWrites!, disk: disk!, compaction, load: [loadBefore, loadavg()[0]!] };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * node:http with keep-alive, not fetch: undici's own work per request (about 0.7 ms here, and its
 * garbage) would be counted as the mock's latency, doubling the median.
 */
const agent = new Agent({ keepAlive: true });

function request(mock: Started, method: string, path: string, body?: unknown): Promise<any> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  const headers = data === undefined ? CREDENTIALS : { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(data)) };
  return new Promise((resolve, reject) => {
    const sent = httpRequest(new URL(path, mock.url), { method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${path} answered ${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text));
      });
    });
    sent.on('error', reject);
    sent.end(data);
  });
}

let unique = 0;
const newCustomer = () => {
  const n = ++unique;
  return { first_name: 'Bench', last_name: `Writer${n}`, phone_number: '+14155550100', email: `bench.${process.pid}.${n}@example.com` };
};

function row(what: string, times: number[]): LatencyRow {
  return { what, calls: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) };
}

/** One client, one write at a time: creates, then updates and deletes of what it created. */
async function writeLatencies(mock: Started, calls: number): Promise<LatencyRow[]> {
  const timed = async <T>(run: () => Promise<T>, into: number[]): Promise<T> => {
    const sent = performance.now();
    const result = await run();
    into.push(performance.now() - sent);
    return result;
  };
  // The first requests of a process run before the JIT has compiled its paths: a warm-up, as
  // every latency benchmark does, so that the percentiles are the steady state's.
  for (let i = 0; i < WARM_UP_WRITES; i++) {
    const { id } = await request(mock, 'POST', '/api/v0/customers', newCustomer());
    await request(mock, 'PATCH', `/api/v0/customers/${id}`, { last_name: 'Warm', status: 'BLACKLISTED', reason: 'bench' });
    await request(mock, 'DELETE', `/api/v0/customers/${id}`);
  }
  const ids: string[] = [];
  const timedRow = async (what: string, send: (i: number) => Promise<void>): Promise<LatencyRow> => {
    const times: number[] = [];
    await request(mock, 'DELETE', '/__admin/requests');
    const stolen = await stolenShareDuring(async () => {
      for (let i = 0; i < calls; i++) await timed(() => send(i), times);
    });
    // The log keeps the last 1,000 requests: `calls` of them at most when calls > 1,000.
    const { requests } = (await request(mock, 'GET', '/__admin/requests')) as { requests: Array<{ durationMs: number }> };
    return { ...row(what, times), stolen, inMockP99: percentile(requests.map((r) => r.durationMs), 99) };
  };
  return [
    await timedRow('create', async () => void ids.push((await request(mock, 'POST', '/api/v0/customers', newCustomer())).id)),
    await timedRow('update (name and status)', (i) => request(mock, 'PATCH', `/api/v0/customers/${ids[i]}`, { last_name: `Updated${i}`, status: 'BLACKLISTED', reason: 'bench' })),
    await timedRow('delete', (i) => request(mock, 'DELETE', `/api/v0/customers/${ids[i]}`)),
  ];
}

/** `writers` clients create, update and delete without pause while one client reads and times its reads. */
async function readsUnderWrites(mock: Started, seconds: number, writers = 4): Promise<StateReport['underWrites']> {
  const { total } = await request(mock, 'GET', '/api/v0/customers?take=1');
  const deadline = performance.now() + seconds * 1000;
  let written = 0;
  const writer = async () => {
    while (performance.now() < deadline) {
      const { id } = await request(mock, 'POST', '/api/v0/customers', newCustomer());
      await request(mock, 'PATCH', `/api/v0/customers/${id}`, { first_name: 'Rewritten' });
      await request(mock, 'DELETE', `/api/v0/customers/${id}`);
      written += 3;
    }
  };
  const reads: number[] = [];
  const reader = async () => {
    for (let i = 0; performance.now() < deadline; i++) {
      const skip = Math.floor(Math.random() * (total - 100));
      const path = i % 2 === 0 ? `/api/v0/customers?skip=${skip}&take=20` : `/api/v0/customers?status=ACTIVE&skip=${Math.floor(skip / 2)}&take=20`;
      const sent = performance.now();
      await request(mock, 'GET', path);
      reads.push(performance.now() - sent);
    }
  };
  await Promise.all([reader(), ...Array.from({ length: writers }, writer)]);
  return { reads: row('list pages (no filter, status=ACTIVE) at random skips', reads), writes: written, seconds, writers };
}

function diskUse(folder: string, stateFile: string): StateReport['disk'] {
  const snapshotBytes = statSync(stateFile).size;
  const journalBytes = readdirSync(folder)
    .filter((name) => name.includes('.journal.'))
    .reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
  return { snapshotBytes, journalBytes };
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
}

export function renderState(report: StateReport): string {
  const lines: string[] = [];
  const count = report.count.toLocaleString('en-US');
  lines.push(`## Durable state (\`--state\`) at ${count} customers (issue 13)`, '');
  // Half the cores busy with other work already shows in every wall-clock figure.
  const loaded = Math.max(...report.load) >= cpus().length / 2;
  lines.push(
    `Load average (1 min) ${report.load[0].toFixed(1)} before and ${report.load[1].toFixed(1)} after this part, on ${cpus().length} cores: ` +
      (loaded
        ? '**the machine was loaded**. Other work ran beside this part, wall-clock figures include the time the scheduler gave to it, ' +
          'and the verdicts below are this run\'s, not a quiet machine\'s.'
        : 'the machine was quiet.'),
    '',
  );
  lines.push(`First start, with no state yet (spawn to first answer: generating the customers, indexing them, writing the first snapshot): ${(report.firstStartMs / 1000).toFixed(2)} s.`, '');
  lines.push(
    table(
      ['start from the saved state', 'spawn to first answer', 'CPU the mock used until then', 'of it, its JavaScript thread'],
      report.starts.map((s) => [`--fsync ${s.fsync}`, `${(s.ms / 1000).toFixed(2)} s`, seconds(s.cpuMs), seconds(s.mainThreadCpuMs)]),
    ),
    '',
  );
  lines.push(
    'The CPU time leaves out the time the scheduler gave other processes; the whole also counts the garbage collector\'s helper ' +
      'threads, which run beside the JavaScript thread. On a machine of its own the wall time is about the JavaScript ' +
      'thread\'s, plus what reading the files waits for; on a loaded one even CPU time grows, as the cores\' caches are shared.',
    '',
  );
  lines.push(`Writes through HTTP (node:http, keep-alive), one at a time, after ${WARM_UP_WRITES} untimed create, update and delete cycles:`, '');
  const floorLabel = `none: ${FLOOR_COUNT} customers, no --state (the floor)`;
  const writeRows = [...report.writes, ...report.floor.map((w) => ({ ...w, fsync: floorLabel }))];
  const stolen = (share: number | undefined) => (share === undefined ? 'n/a' : `${(share * 100).toFixed(1)}%`);
  lines.push(
    table(
      ['write', '--fsync', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'p99 in the mock ms', 'CPU stolen'],
      writeRows.map((w) => [w.what, w.fsync, String(w.calls), ms(w.p50), ms(w.p99), ms(w.max), ms(w.inMockP99 ?? NaN), stolen(w.stolen)]),
    ),
    '',
  );
  lines.push(
    `The floor is the same client and the same writes, in the same run, against a mock of ${FLOOR_COUNT} customers that keeps no state: ` +
      'what this machine and the HTTP path take by themselves, before any of the million customers or the journal. ' +
      "CPU stolen is the share of the machine's CPU time that its hypervisor gave to other guests during those writes " +
      "(/proc/stat's steal): a write whose client or server waits for its virtual CPU meanwhile is slow for reasons outside both. " +
      "p99 in the mock is the same writes as the mock's request log timed them, from routing to the response decided (the journal's " +
      'append included): what is left of the p99 is the HTTP round trip, both processes\' turns on the CPUs included.',
    '',
  );
  const u = report.underWrites;
  lines.push(`Reads while ${u.writers} clients write without pause for ${u.seconds} s (${u.writes} writes, ${(u.writes / u.seconds).toFixed(0)}/s, --fsync batch):`, '');
  lines.push(table(['read', 'calls', 'p50 ms', 'p99 ms', 'max ms'], [[u.reads.what, String(u.reads.calls), ms(u.reads.p50), ms(u.reads.p99), ms(u.reads.max)]]), '');
  const c = report.compaction;
  lines.push(
    `A snapshot of ${c.count.toLocaleString('en-US')} customers written while requests are served (in process, ${c.writers} writers and a reader ` +
      `calling the app): ${(c.compactionMs / 1000).toFixed(2)} s, ${mib(c.snapshotBytes)}; ${c.writes} writes went on meanwhile.`,
    '',
  );
  lines.push(
    table(
      ['during the snapshot', 'calls', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['event loop delay', '-', ms(c.loopDelay.p50), ms(c.loopDelay.p99), ms(c.loopDelay.max)],
        ...c.rows.map((r) => [r.what, String(r.calls), ms(r.p50), ms(r.p99), ms(r.max)]),
      ],
    ),
    '',
  );
  const { snapshotBytes, journalBytes } = report.disk;
  const ratio = (snapshotBytes + journalBytes) / snapshotBytes;
  const peakRatio = c.peakDiskBytes / c.snapshotBytes;
  const worstWrite = Math.max(...report.writes.filter((w) => w.fsync === 'batch').map((w) => w.p99));
  const worstFloor = Math.max(...report.floor.map((w) => w.p99));
  const worstInMock = Math.max(...report.writes.filter((w) => w.fsync === 'batch').map((w) => w.inMockP99 ?? NaN));
  const slowestStart = Math.max(...report.starts.map((s) => s.ms));
  lines.push('### Targets (issue 13)', '');
  lines.push(
    table(
      ['target', 'result'],
      [
        [`create, update, delete p99 <= ${STATE_TARGETS.writeP99} ms (--fsync batch, the default)`, verdict(worstWrite <= STATE_TARGETS.writeP99, `worst p99 ${ms(worstWrite)} ms; the floor's worst ${ms(worstFloor)} ms; in the mock, the worst ${ms(worstInMock)} ms`)],
        [`reads during sustained writes p99 <= ${STATE_TARGETS.readP99UnderWrites} ms`, verdict(u.reads.p99 <= STATE_TARGETS.readP99UnderWrites, `p99 ${ms(u.reads.p99)} ms`)],
        [`start from a ${count} state <= ${STATE_TARGETS.startMs / 1000} s`, verdict(slowestStart <= STATE_TARGETS.startMs, `slowest ${(slowestStart / 1000).toFixed(2)} s`)],
        [
          `journal + snapshot <= ${STATE_TARGETS.diskRatio}x the snapshot`,
          verdict(ratio <= STATE_TARGETS.diskRatio, `${ratio.toFixed(2)}x after the HTTP writes; a compaction starts at 1.5x; while it writes the new snapshot the folder holds ${peakRatio.toFixed(2)}x, the new snapshot included`),
        ],
      ],
    ),
    '',
  );
  return lines.join('\n');
}
