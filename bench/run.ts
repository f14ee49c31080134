import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureConnections, renderConnections } from './connections.js';
import { measureContractRuns, renderContractRuns } from './contract-kit.js';
import { measureThroughput, startMock, type LoadRow } from './http-load.js';
import { measureInProcess, renderInProcess, type InProcessReport } from './in-process.js';
import { memoryOf, stop, stopAll } from './processes.js';
import { measureProxyLatency, renderProxyLatency } from './proxy.js';
import { mib, ms, percentile, table, verdict } from './stats.js';
import { measureSandboxMemory, measureSandboxes, renderSandboxMemory, renderSandboxes } from './sandboxes.js';
import { measureState, renderState } from './state.js';
import type { LatencyRow } from './store-latency.js';

/**
 * `npm run bench` (`-- --quick` for a short development run): throughput of the list endpoint
 * against a bare node:http ceiling and the peers, start-up time and memory at 100k and 1M
 * customers, the store's latencies at 1M, `--state` at 1M, full contract-kit runs with writes,
 * and sandboxes. Full runs write bench/RESULTS.md.
 * `-- --part state` (or `contract`, `sandboxes`, `in-process`, `proxy` or `connections`) runs only that part and replaces
 * its section of bench/RESULTS.md.
 */
const quick = process.argv.includes('--quick');
const part = process.argv.includes('--part') ? process.argv[process.argv.indexOf('--part') + 1] : undefined;

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const TARGETS = { defaultRatio: 0.6, filteredRatio: 0.5, lookupP99: 5, nameP99: 50, writeP99: 5, start100k: 5000, start1M: 30_000, bytesPerCustomer: 1024 };

interface StartRow {
  readonly count: number;
  readonly firstAnswerMs: number;
  readonly rss: number | undefined;
  readonly peakRss: number | undefined;
  /** Sequential requests against the started mock, for latency through HTTP at that size. */
  readonly http: Array<{ request: string; p50: number; p99: number }>;
}

const section = (title: string) => process.stderr.write(`\n== ${title}\n`);

async function contractSection(): Promise<string> {
  section('contract kit: full runs with writes against the mock');
  return renderContractRuns(await measureContractRuns(quick ? 1 : 3));
}

async function stateSection(): Promise<string> {
  const count = quick ? 100_000 : 1_000_000;
  section(`--state at ${count.toLocaleString('en-US')} customers`);
  return renderState(await measureState(count, quick));
}

/** Replaces the section that starts with the same heading (up to the next `## `), or appends it. */
function replaceSection(document: string, body: string): string {
  const heading = body.slice(0, body.indexOf('\n'));
  const start = document.indexOf(heading.slice(0, heading.indexOf('(')));
  if (start === -1) return `${document.trimEnd()}\n\n${body}`;
  const next = document.indexOf('\n## ', start + heading.length);
  return `${document.slice(0, start)}${body}${next === -1 ? '' : `\n${document.slice(next + 1)}`}`;
}

async function sandboxesSection(): Promise<string> {
  section('sandboxes: creation, memory, and the default application beside 100 of them');
  return renderSandboxes(await measureSandboxes(quick));
}

async function sandboxMemorySection(): Promise<string> {
  section('sandbox memory: one sandbox of 500, 10,000 and 100,000 customers');
  return renderSandboxMemory(await measureSandboxMemory());
}

async function inProcessSection(): Promise<string> {
  section('in process: createMockFetch cold starts, requests, browser bundle size');
  return renderInProcess(await measureInProcess(quick)).join('\n');
}

async function connectionsSection(): Promise<string> {
  section('connections: kept alive or new per request, against the node:http baseline');
  return renderConnections(await measureConnections(quick));
}

async function proxySection(): Promise<string> {
  section('validation proxy: added latency at 200 requests/s, against the mock directly in the same run');
  return renderProxyLatency(await measureProxyLatency(quick));
}

const PARTS: Readonly<Record<string, () => Promise<string>>> = {
  state: stateSection,
  contract: contractSection,
  sandboxes: sandboxesSection,
  'sandbox-memory': sandboxMemorySection,
  'in-process': inProcessSection,
  proxy: proxySection,
  connections: connectionsSection,
};

async function main(): Promise<void> {
  if (part !== undefined) {
    const measure = PARTS[part];
    if (!measure) throw new Error(`unknown --part ${part}: the parts are: ${Object.keys(PARTS).join(', ')}`);
    const body = await measure();
    process.stdout.write(`\n${body}\n`);
    if (!quick) writeFileSync(RESULTS, replaceSection(readFileSync(RESULTS, 'utf8'), body));
    return;
  }
  section(`throughput: 1,000 customers, 10 connections, ${quick ? '2 s x 1 round, no peers' : '8 s x 2 rounds, with peers'}`);
  const load = await measureThroughput(quick ? { durationS: 2, rounds: 1, peers: false } : { durationS: 8, rounds: 2, peers: true });
  section('start-up and memory');
  const startRows: StartRow[] = [];
  for (const count of quick ? [100_000] : [100_000, 1_000_000]) startRows.push(await measureStartup(count));
  const storeCount = quick ? 200_000 : 1_000_000;
  section(`store latencies at ${storeCount.toLocaleString('en-US')} customers`);
  const latency = runStoreLatency(storeCount, quick ? 50 : 200);
  section('in process: createMockFetch cold starts, requests, browser bundle size');
  const inProcess = await measureInProcess(quick);
  const report = `${render(load, startRows, latency, inProcess)}\n${await stateSection()}\n${await contractSection()}\n${await sandboxesSection()}\n${await proxySection()}\n${await connectionsSection()}\n${await sandboxMemorySection()}`;
  process.stdout.write(`\n${report}\n`);
  if (!quick) writeFileSync(RESULTS, report);
}

/** Spawn to first 200 answer of the list endpoint, then memory and a few sequential requests. */
async function measureStartup(count: number): Promise<StartRow> {
  process.stderr.write(`starting the mock with ${count.toLocaleString('en-US')} customers\n`);
  const started = performance.now();
  const mock = await startMock(count);
  try {
    const first = await fetch(`${mock.url}/api/v0/customers`, { headers: CREDENTIALS });
    await first.arrayBuffer();
    if (first.status !== 200) throw new Error(`first request answered ${first.status}`);
    const firstAnswerMs = performance.now() - started;
    const memory = memoryOf(mock.child.pid);
    const email = ((await (await fetch(`${mock.url}/api/v0/customers?skip=${Math.floor(count / 3)}&take=1`, { headers: CREDENTIALS })).json()) as { data: Array<{ email: string | null }> }).data[0]?.email;
    const requests = [
      `/api/v0/customers?email=${encodeURIComponent((email ?? 'nobody@example.com').toUpperCase())}`,
      `/api/v0/customers?status=BLACKLISTED&skip=${Math.floor(count / 20)}&take=100`,
      '/api/v0/customers?status=ACTIVE&name=an&skip=5&take=50',
      `/api/v0/customers?name=son&skip=${Math.floor(count / 200)}&take=50`,
    ];
    const http: StartRow['http'] = [];
    for (const request of requests) {
      const times: number[] = [];
      for (let i = 0; i < (quick ? 30 : 100); i++) {
        const sent = performance.now();
        await (await fetch(mock.url + request, { headers: CREDENTIALS })).arrayBuffer();
        times.push(performance.now() - sent);
      }
      http.push({ request: request.replace('/api/v0/customers', ''), p50: percentile(times, 50), p99: percentile(times, 99) });
    }
    return { count, firstAnswerMs, rss: memory?.rss, peakRss: memory?.peak, http };
  } finally {
    await stop(mock.child);
  }
}

interface LatencyReport {
  readonly count: number;
  readonly generateMs: number;
  readonly indexMs: number;
  readonly rows: LatencyRow[];
}

function runStoreLatency(count: number, samples: number): LatencyReport {
  const output = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', join(import.meta.dirname, 'store-latency.js'), String(count), String(samples)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
  });
  return JSON.parse(output) as LatencyReport;
}

function render(load: LoadRow[], startRows: StartRow[], latency: LatencyReport, inProcess: InProcessReport): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [];
  lines.push(`# Benchmark results${quick ? ' (quick run)' : ''}`, '');
  lines.push(`${new Date().toISOString()} · ${cpus().length} CPUs (${cpu}) · Node ${process.version} · ${process.platform}`, '');
  lines.push('Figures are noisy on a shared machine; the ratios compare servers measured in the same run, one load at a time.', '');

  lines.push('## Throughput: `GET /api/v0/customers`, 1,000 customers, 10 connections, loopback', '');
  const baselineOf = (scenario: string) => load.find((r) => r.scenario === scenario && r.server.startsWith('node:http'))!;
  lines.push(
    table(
      ['scenario', 'server', 'req/s', 'vs baseline', 'p50 ms', 'p99 ms', 'errors', 'peak RSS', 'body bytes', 'server CPU/req', 'CPU vs baseline'],
      load.map((r) => [
        r.scenario,
        r.server,
        r.requestsPerSecond.toFixed(0),
        `${((r.requestsPerSecond / baselineOf(r.scenario).requestsPerSecond) * 100).toFixed(0)}%`,
        ms(r.p50),
        ms(r.p99),
        String(r.errors),
        mib(r.peakRss),
        String(r.bodyBytes),
        `${r.cpuPerRequestUs.toFixed(0)} us`,
        `${((baselineOf(r.scenario).cpuPerRequestUs / r.cpuPerRequestUs) * 100).toFixed(0)}%`,
      ]),
    ),
    '',
  );
  lines.push(
    '"CPU vs baseline" is the baseline\'s CPU time per request over the server\'s: the req/s ratio the two would ' +
      'show if each had a core to itself. On a machine shared with other work the req/s ratio also reflects ' +
      'how the scheduler treated each run (the load generator shares the cores too).',
    '',
  );
  lines.push(
    'The baseline answers each URL with the bytes our mock served for it, computed before the load; the bare Hono route ' +
      'serves the same bytes through the framework the mock runs on, with no middleware. Prism serves the ' +
      "document's example (its body differs in size); json-server 0.17 gets the same customers and its own spelling of the query " +
      '(`_start`/`_limit`, `q=an` searches every field), so it does comparable, not identical, work.',
    '',
  );

  lines.push(`## Start-up and memory`, '');
  lines.push(
    table(
      ['customers', 'spawn to first answer', 'RSS after start', 'RSS per customer', 'peak RSS'],
      startRows.map((r) => [r.count.toLocaleString('en-US'), `${(r.firstAnswerMs / 1000).toFixed(2)} s`, mib(r.rss), r.rss === undefined ? 'n/a' : `${(r.rss / r.count).toFixed(0)} B`, mib(r.peakRss)]),
    ),
    '',
  );
  for (const r of startRows) {
    lines.push(`Sequential requests through HTTP at ${r.count.toLocaleString('en-US')} customers:`, '');
    lines.push(table(['request', 'p50 ms', 'p99 ms'], r.http.map((h) => [`\`${h.request}\``, ms(h.p50), ms(h.p99)])), '');
  }

  lines.push(`## Store latencies at ${latency.count.toLocaleString('en-US')} customers (the response body, listJson)`, '');
  lines.push(`Generated in ${(latency.generateMs / 1000).toFixed(2)} s, indexed in ${(latency.indexMs / 1000).toFixed(2)} s.`, '');
  lines.push(
    table(
      ['operation', 'calls', 'p50 ms', 'p99 ms', 'max ms', 'p99 process CPU ms'],
      latency.rows.map((r) => [r.operation, String(r.calls), ms(r.p50), ms(r.p99), ms(r.max), ms(r.cpuP99)]),
    ),
    '',
  );
  lines.push(
    'Every read is timed right after an untimed write, which drops the kept page bodies and remembered name searches: ' +
      'these are the figures of a read the indexes answer, not a repeated one. p99 is wall-clock time; p99 process CPU is ' +
      'the CPU all the process\'s threads used during the call: it leaves out time the scheduler gave the cores to other ' +
      'processes, and counts the garbage collector\'s helper threads, so it can exceed the wall time.',
    '',
  );

  lines.push('## Targets (issue 5)', '');
  const mockRow = (scenario: string) => load.find((r) => r.scenario === scenario && r.server === 'customers-mock')!;
  const ratio = (scenario: string) => mockRow(scenario).requestsPerSecond / baselineOf(scenario).requestsPerSecond;
  const cpuRatio = (scenario: string) => baselineOf(scenario).cpuPerRequestUs / mockRow(scenario).cpuPerRequestUs;
  const ratioDetail = (scenario: string) => `${(ratio(scenario) * 100).toFixed(0)}% in req/s, ${(cpuRatio(scenario) * 100).toFixed(0)}% in CPU per request`;
  const [defaultScenario, filteredScenario] = [...new Set(load.map((r) => r.scenario))] as [string, string];
  const worst = (match: (row: LatencyRow) => boolean) => {
    const rows = latency.rows.filter(match);
    return { wall: Math.max(...rows.map((r) => r.p99)), cpu: Math.max(...rows.map((r) => r.cpuP99)) };
  };
  const lookup = worst((r) => r.operation.startsWith('email') || r.operation.startsWith('status'));
  const name = worst((r) => r.operation.startsWith('name'));
  const write = worst((r) => r.operation.startsWith('write'));
  const p99Detail = (p99: { wall: number; cpu: number }) => `worst p99 ${ms(p99.wall)} ms wall, ${ms(p99.cpu)} ms CPU`;
  const big = startRows.find((r) => r.count === 1_000_000);
  const small = startRows.find((r) => r.count === 100_000);
  const peers = load.filter((r) => r.scenario === defaultScenario && ['Prism', 'json-server'].some((peer) => r.server.startsWith(peer)));
  const mockRps = (scenario: string) => mockRow(scenario).requestsPerSecond;
  const targets = [
    ['default page >= 60% of baseline', verdict(ratio(defaultScenario) >= TARGETS.defaultRatio, ratioDetail(defaultScenario))],
    ['filtered page of 50 >= 50% of baseline', verdict(ratio(filteredScenario) >= TARGETS.filteredRatio, ratioDetail(filteredScenario))],
    ...peers.map((peer) => [
      `ahead of ${peer.server}`,
      verdict(
        load.filter((r) => r.server === peer.server).every((r) => mockRps(r.scenario) > r.requestsPerSecond),
        load.filter((r) => r.server === peer.server).map((r) => `${(mockRps(r.scenario) / r.requestsPerSecond).toFixed(1)}x`).join(', '),
      ),
    ]),
    [`email and status lookups p99 <= ${TARGETS.lookupP99} ms at ${latency.count.toLocaleString('en-US')}`, verdict(lookup.wall <= TARGETS.lookupP99, p99Detail(lookup))],
    [`name searches p99 <= ${TARGETS.nameP99} ms`, verdict(name.wall <= TARGETS.nameP99, p99Detail(name))],
    [`writes p99 <= ${TARGETS.writeP99} ms`, verdict(write.wall <= TARGETS.writeP99, p99Detail(write))],
    ...(small ? [['100,000 customers start in <= 5 s', verdict(small.firstAnswerMs <= TARGETS.start100k, `${(small.firstAnswerMs / 1000).toFixed(2)} s`)]] : []),
    ...(big
      ? [
          ['1,000,000 customers start in <= 30 s', verdict(big.firstAnswerMs <= TARGETS.start1M, `${(big.firstAnswerMs / 1000).toFixed(2)} s`)],
          ['<= 1 KiB resident per customer at 1M', verdict((big.rss ?? Infinity) / big.count <= TARGETS.bytesPerCustomer, `${((big.rss ?? NaN) / big.count).toFixed(0)} B after start, peak ${((big.peakRss ?? NaN) / big.count).toFixed(0)} B`)],
        ]
      : []),
  ];
  lines.push(table(['target', 'result'], targets), '');
  lines.push(...renderInProcess(inProcess));
  return lines.join('\n');
}

main().then(
  () => stopAll(),
  (error: unknown) => {
    stopAll();
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);

