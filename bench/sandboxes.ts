import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { startMock } from './http-load.js';
import { cpuTimeOf, memoryOf, stop, type Started } from './processes.js';
import { median, mib, ms, percentile, table, verdict } from './stats.js';

const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const SANDBOXES = 100;
const SANDBOX_CUSTOMERS = 500;
const TARGETS = { createMs: 50, memoryMiB: 300, throughputLoss: 0.05 };

export interface SandboxReport {
  /** Milliseconds of each `POST /__admin/sandboxes` of 500 customers, seen by the client. */
  readonly createMs: number[];
  /** The mock's resident memory before and after the sandboxes were created. */
  readonly rssBefore: number | undefined;
  readonly rssAfter: number | undefined;
  /** The default application's list, on a mock without sandboxes and on one with 100 idle ones, alternately. */
  readonly throughput: Array<{ mock: 'no sandboxes' | '100 idle sandboxes'; requestsPerSecond: number; cpuPerRequestUs: number }>;
  readonly rounds: number;
  readonly durationS: number;
  /** The 1-minute load average before and after, on a machine other work shares. */
  readonly load: [number, number];
}

/**
 * Issue 14's figures: creating a sandbox of 500 customers, the memory 100 of them add, and the
 * default application's list throughput with 100 idle sandboxes against a mock with none,
 * measured in the same run, one load at a time.
 */
export async function measureSandboxes(quick: boolean): Promise<SandboxReport> {
  const loadBefore = loadavg()[0]!;
  const args = ['--max-sandboxes', String(SANDBOXES)];
  const withSandboxes = await startMock(1000, args);
  const without = await startMock(1000, args);
  try {
    await settle(withSandboxes);
    await settle(without);
    const rssBefore = memoryOf(withSandboxes.child.pid)?.rss;
    process.stderr.write(`creating ${SANDBOXES} sandboxes of ${SANDBOX_CUSTOMERS} customers\n`);
    const createMs: number[] = [];
    for (let i = 0; i < SANDBOXES; i++) {
      const started = performance.now();
      const response = await fetch(`${withSandboxes.url}/__admin/sandboxes`, {
        method: 'POST',
        headers: { ...CREDENTIALS, 'content-type': 'application/json' },
        body: JSON.stringify({ seed: i, count: SANDBOX_CUSTOMERS }),
      });
      await response.arrayBuffer();
      createMs.push(performance.now() - started);
      if (response.status !== 201) throw new Error(`creating sandbox ${i + 1} answered ${response.status}`);
    }
    const rssAfter = memoryOf(withSandboxes.child.pid)?.rss;

    const rounds = quick ? 1 : 3;
    const durationS = quick ? 2 : 5;
    process.stderr.write(`list throughput, ${rounds} round(s) of ${durationS} s on each mock, alternately\n`);
    const throughput: SandboxReport['throughput'] = [];
    const targets = [
      { mock: 'no sandboxes', server: without },
      { mock: '100 idle sandboxes', server: withSandboxes },
    ] as const;
    // Unmeasured first, so that each JIT has settled before its figures count.
    for (const { server } of targets) await autocannon({ url: `${server.url}/api/v0/customers`, connections: 10, duration: 2, headers: CREDENTIALS });
    for (let round = 0; round < rounds; round++) {
      for (const { mock, server } of targets) {
        const cpuBefore = cpuTimeOf(server.child.pid) ?? NaN;
        const result = await autocannon({ url: `${server.url}/api/v0/customers`, connections: 10, duration: durationS, headers: CREDENTIALS });
        if (result.non2xx + result.errors > 0) throw new Error(`${mock}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
        const cpuUsed = (cpuTimeOf(server.child.pid) ?? NaN) - cpuBefore;
        throughput.push({ mock, requestsPerSecond: result.requests.average, cpuPerRequestUs: cpuUsed / Math.max(1, result.requests.total) });
      }
    }
    return { createMs, rssBefore, rssAfter, throughput, rounds, durationS, load: [loadBefore, loadavg()[0]!] };
  } finally {
    await stop(withSandboxes.child);
    await stop(without.child);
  }
}

/** A few list requests, so that the first measured one does not pay for compiling the route. */
async function settle(server: Started): Promise<void> {
  for (let i = 0; i < 20; i++) await (await fetch(`${server.url}/api/v0/customers`, { headers: CREDENTIALS })).arrayBuffer();
}

export function renderSandboxes(report: SandboxReport): string {
  const { createMs, rssBefore, rssAfter, throughput, load } = report;
  const lines: string[] = [];
  lines.push(`## Sandboxes (\`--part sandboxes\`, ${new Date().toISOString()}, load average ${load[0].toFixed(1)} -> ${load[1].toFixed(1)})`, '');
  const createP50 = median(createMs);
  const added = rssBefore === undefined || rssAfter === undefined ? undefined : rssAfter - rssBefore;
  const rpsOf = (mock: string) => median(throughput.filter((row) => row.mock === mock).map((row) => row.requestsPerSecond));
  const cpuOf = (mock: string) => median(throughput.filter((row) => row.mock === mock).map((row) => row.cpuPerRequestUs));
  const rpsRatio = rpsOf('100 idle sandboxes') / rpsOf('no sandboxes');
  const cpuRatio = cpuOf('no sandboxes') / cpuOf('100 idle sandboxes');
  lines.push(
    table(
      ['figure', 'measured', 'target'],
      [
        [
          `\`POST /__admin/sandboxes\` of ${SANDBOX_CUSTOMERS} customers (${createMs.length} in a row, through HTTP)`,
          `p50 ${ms(createP50)} ms, p90 ${ms(percentile(createMs, 90))} ms, max ${ms(Math.max(...createMs))} ms`,
          verdict(createP50 <= TARGETS.createMs, `at most ${TARGETS.createMs} ms; the p50`),
        ],
        [
          `RSS added by ${SANDBOXES} sandboxes of ${SANDBOX_CUSTOMERS}`,
          added === undefined ? 'n/a' : `${mib(added)} (${mib(rssBefore)} -> ${mib(rssAfter)})`,
          added === undefined ? 'n/a' : verdict(added <= TARGETS.memoryMiB * 1024 * 1024, `at most ${TARGETS.memoryMiB} MiB`),
        ],
        [
          `default application's list req/s, ${SANDBOXES} idle sandboxes vs none`,
          `${rpsOf('100 idle sandboxes').toFixed(0)} vs ${rpsOf('no sandboxes').toFixed(0)} req/s (${(rpsRatio * 100).toFixed(1)}%); CPU per request ${(cpuRatio * 100).toFixed(1)}%`,
          verdict(rpsRatio >= 1 - TARGETS.throughputLoss, `within ${TARGETS.throughputLoss * 100}%; req/s, medians of ${report.rounds} alternating ${report.durationS} s rounds`),
        ],
      ],
    ),
    '',
  );
  lines.push(
    'Both mocks run the CLI with 1,000 customers and `--rate-limit 0`, side by side, loaded one at a time with 10 ' +
      'connections on `GET /api/v0/customers`. "CPU per request" is the mock without sandboxes\' CPU time per request ' +
      'over the one with them: the req/s ratio the two would show with a core each. On a shared machine the creation ' +
      "times' tail and the req/s ratio move with the other work; the load average is printed above.",
    '',
  );
  return lines.join('\n');
}

/** Sandbox sizes whose memory the README's table gives, and how many of each one mock holds to measure it. */
const MEMORY_SIZES = [
  { customers: 500, sandboxes: 20 },
  { customers: 10_000, sandboxes: 5 },
  { customers: 20_000, sandboxes: 4 },
  { customers: 100_000, sandboxes: 2 },
] as const;

export interface SandboxMemoryRow {
  readonly customers: number;
  readonly sandboxes: number;
  /** RSS added per sandbox: (RSS after - RSS before) / sandboxes. */
  readonly rssPerSandbox: number;
  /** The process's peak RSS over its resting RSS before, per sandbox: what creating them needed at most. */
  readonly peakPerSandbox: number;
}

/**
 * The memory one sandbox costs, at 500, 10,000 and 100,000 customers: a fresh mock per size, RSS
 * before and after creating a few sandboxes of that size, divided by their number. RSS, not the
 * heap: it is what a machine's memory limit counts.
 */
export async function measureSandboxMemory(): Promise<SandboxMemoryRow[]> {
  const rows: SandboxMemoryRow[] = [];
  for (const { customers, sandboxes } of MEMORY_SIZES) {
    const mock = await startMock(500, ['--max-sandboxes', String(sandboxes), '--max-sandbox-customers', String(customers)]);
    try {
      await settle(mock);
      const before = memoryOf(mock.child.pid)!;
      process.stderr.write(`memory: ${sandboxes} sandboxes of ${customers.toLocaleString('en-US')} customers\n`);
      for (let i = 0; i < sandboxes; i++) {
        const response = await fetch(`${mock.url}/__admin/sandboxes`, {
          method: 'POST',
          headers: { ...CREDENTIALS, 'content-type': 'application/json' },
          body: JSON.stringify({ seed: i + 1, count: customers }),
        });
        await response.arrayBuffer();
        if (response.status !== 201) throw new Error(`creating a sandbox of ${customers} answered ${response.status}`);
      }
      // A few list requests, so that the garbage of the creation is collected before the reading.
      await settle(mock);
      const after = memoryOf(mock.child.pid)!;
      rows.push({ customers, sandboxes, rssPerSandbox: (after.rss - before.rss) / sandboxes, peakPerSandbox: (after.peak - before.rss) / sandboxes });
    } finally {
      await stop(mock.child);
    }
  }
  return rows;
}

/** MiB with a decimal: a sandbox of 500 customers is about one. */
function mibPrecise(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function renderSandboxMemory(rows: readonly SandboxMemoryRow[]): string {
  return [
    `## Sandbox memory (\`--part sandbox-memory\`, ${new Date().toISOString()}, load average ${loadavg()[0]!.toFixed(1)})`,
    '',
    table(
      ['customers per sandbox', 'sandboxes measured', 'RSS per sandbox', 'peak RSS per sandbox'],
      rows.map((row) => [row.customers.toLocaleString('en-US'), String(row.sandboxes), mibPrecise(row.rssPerSandbox), mibPrecise(row.peakPerSandbox)]),
    ),
    '',
    'A fresh mock (the CLI, 500 customers of its own) per size; RSS from /proc before and after creating the sandboxes, over their number.',
    '',
  ].join('\n');
}
