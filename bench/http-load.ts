import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuTimeOf, freePort, memoryOf, startServer, stop, type Started } from './processes.js';
import { median } from './stats.js';

const ROOT = join(import.meta.dirname, '..');
const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const CONNECTIONS = 10;
const CUSTOMERS = 1000;

/** The two requests of the throughput targets, as each server spells them. */
export interface Scenario {
  readonly name: string;
  /** Path and query on our mock, on Prism (same contract) and, as served, on the baseline. */
  readonly path: string;
  /** The nearest json-server 0.17 equivalent (its own filter and paging parameters). */
  readonly jsonServerPath: string;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'default page (10 of 1,000)', path: '/api/v0/customers', jsonServerPath: '/api/v0/customers?_start=0&_limit=10' },
  {
    name: 'status=ACTIVE&name=an&skip=5&take=50',
    path: '/api/v0/customers?status=ACTIVE&name=an&skip=5&take=50',
    jsonServerPath: '/api/v0/customers?status=ACTIVE&q=an&_start=5&_limit=50',
  },
];

export interface LoadRow {
  readonly scenario: string;
  readonly server: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly peakRss: number | undefined;
  readonly bodyBytes: number;
  /**
   * The server's CPU time per request, in microseconds: what a request costs it whatever else the
   * machine runs, so its ratio to the baseline's holds steadier than the req/s ratio on a busy machine.
   */
  readonly cpuPerRequestUs: number;
}

interface Target {
  readonly server: Started;
  readonly pathOf: (scenario: Scenario) => string;
}

/**
 * Loads each scenario on each server, one at a time (never two loads at once), `rounds` times,
 * alternating servers so that drift in the machine's load hits all of them alike; reports medians.
 */
export async function measureThroughput(options: { durationS: number; rounds: number; peers: boolean }): Promise<LoadRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'customers-mock-bench-'));
  const started: Started[] = [];
  try {
    const mock = await startMock(CUSTOMERS);
    started.push(mock);
    const bodies: Record<string, string> = {};
    for (const scenario of SCENARIOS) bodies[scenario.path] = await (await fetch(mock.url + scenario.path, { headers: CREDENTIALS })).text();
    const baseline = await startBaseline(work, bodies);
    started.push(baseline);
    const floorPort = await freePort();
    const floor = await startServer('bare Hono route', [join(import.meta.dirname, 'hono-floor-server.js'), join(work, 'bodies.json'), String(floorPort)], /listening on (http:\/\/\S+)/, `http://127.0.0.1:${floorPort}`, 10_000);
    started.push(floor);
    const targets: Target[] = [
      { server: baseline, pathOf: (s) => s.path },
      { server: floor, pathOf: (s) => s.path },
      { server: mock, pathOf: (s) => s.path },
    ];
    if (options.peers) {
      const prism = await startPrism();
      started.push(prism);
      targets.push({ server: prism, pathOf: (s) => s.path });
      const customers = await fetchAll(mock.url);
      const jsonServer = await startJsonServer(work, customers);
      started.push(jsonServer);
      targets.push({ server: jsonServer, pathOf: (s) => s.jsonServerPath });
    }
    const rows: LoadRow[] = [];
    for (const scenario of SCENARIOS) {
      const samples = new Map<Target, Array<{ result: Awaited<ReturnType<typeof autocannon>>; cpuPerRequestUs: number }>>(targets.map((t) => [t, []]));
      // Unmeasured first: lets each server's JIT settle before its figures count.
      for (const target of targets) {
        await autocannon({ url: target.server.url + target.pathOf(scenario), connections: CONNECTIONS, duration: 2, headers: CREDENTIALS });
      }
      for (let round = 0; round < options.rounds; round++) {
        for (const target of targets) {
          const url = target.server.url + target.pathOf(scenario);
          const cpuBefore = cpuTimeOf(target.server.child.pid) ?? NaN;
          const result = await autocannon({ url, connections: CONNECTIONS, duration: options.durationS, headers: CREDENTIALS });
          const cpuUsed = (cpuTimeOf(target.server.child.pid) ?? NaN) - cpuBefore;
          samples.get(target)!.push({ result, cpuPerRequestUs: cpuUsed / Math.max(1, result.requests.total) });
        }
      }
      for (const target of targets) {
        const runs = samples.get(target)!;
        const results = runs.map((run) => run.result);
        const body = await (await fetch(target.server.url + target.pathOf(scenario), { headers: CREDENTIALS })).arrayBuffer();
        rows.push({
          scenario: scenario.name,
          server: target.server.name,
          requestsPerSecond: median(results.map((r) => r.requests.average)),
          p50: median(results.map((r) => r.latency.p50)),
          p99: median(results.map((r) => r.latency.p99)),
          errors: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
          peakRss: memoryOf(target.server.child.pid)?.peak,
          bodyBytes: body.byteLength,
          cpuPerRequestUs: median(runs.map((run) => run.cpuPerRequestUs)),
        });
      }
    }
    return rows;
  } finally {
    await Promise.all(started.map((s) => stop(s.child)));
    rmSync(work, { recursive: true, force: true });
  }
}

/** The bare node:http ceiling (baseline-server.ts), answering each URL with its body in `bodies`, which it leaves in `work`. */
export async function startBaseline(work: string, bodies: Readonly<Record<string, string>>): Promise<Started> {
  writeFileSync(join(work, 'bodies.json'), JSON.stringify(bodies));
  const port = await freePort();
  return startServer('node:http baseline', [join(import.meta.dirname, 'baseline-server.js'), join(work, 'bodies.json'), String(port)], /listening on (http:\/\/\S+)/, `http://127.0.0.1:${port}`, 10_000);
}

/** Our mock through its real CLI, rate limit off, as a load test would run it. */
export async function startMock(count: number, extraArgs: readonly string[] = [], timeoutMs = 120_000): Promise<Started> {
  const port = await freePort();
  return startServer(
    `customers-mock`,
    [join(ROOT, 'dist', 'cli', 'main.js'), '--port', String(port), '--count', String(count), '--rate-limit', '0', ...extraArgs],
    /listening on (http:\/\/\S+)/,
    `http://127.0.0.1:${port}`,
    timeoutMs,
  );
}

async function startPrism(): Promise<Started> {
  const port = await freePort();
  const cli = join(ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
  return startServer('Prism 5 (our spec)', [cli, 'mock', join(ROOT, 'openapi', 'customers.yaml'), '-p', String(port), '-h', '127.0.0.1', '-v', 'error'], undefined, `http://127.0.0.1:${port}`, 60_000).then((s) =>
    waitForHttp(s, '/api/v0/customers'),
  );
}

async function startJsonServer(work: string, customers: unknown[]): Promise<Started> {
  writeFileSync(join(work, 'db.json'), JSON.stringify({ customers }));
  writeFileSync(join(work, 'routes.json'), JSON.stringify({ '/api/v0/*': '/$1' }));
  const port = await freePort();
  const cli = join(ROOT, 'node_modules', 'json-server', 'lib', 'cli', 'bin.js');
  const args = [cli, join(work, 'db.json'), '--routes', join(work, 'routes.json'), '--port', String(port), '--host', '127.0.0.1', '--quiet'];
  // With --quiet it prints nothing, so readiness is its first answer.
  const child = startServer('json-server 0.17', args, undefined, `http://127.0.0.1:${port}`, 60_000);
  return child.then((s) => waitForHttp(s, '/api/v0/customers?_limit=1'));
}

/** Polls until the server answers at all (bounded: 30 s). */
async function waitForHttp(server: Started, path: string): Promise<Started> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await (await fetch(server.url + path, { headers: CREDENTIALS })).arrayBuffer();
      return server;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Every customer of a running mock, page by page (100 at a time, bounded by its total). */
async function fetchAll(url: string): Promise<unknown[]> {
  const customers: unknown[] = [];
  for (let skip = 0; ; skip += 100) {
    const page = (await (await fetch(`${url}/api/v0/customers?skip=${skip}&take=100`, { headers: CREDENTIALS })).json()) as { data: unknown[]; total: number };
    customers.push(...page.data);
    if (page.data.length === 0 || customers.length >= page.total) return customers;
  }
}
