import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { cpuTimeOf, freePort, startServer, stop } from './processes.js';
import { ms, percentile, table, verdict } from './stats.js';

const ROOT = join(import.meta.dirname, '..');
const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
/** Issue 25: the proxy adds at most this much to the median latency, at this rate, on loopback. */
const TARGET_ADDED_P50_MS = 2;
const RATE_PER_S = 200;

export interface ProxyLatencyRow {
  readonly route: 'direct' | 'through the proxy';
  readonly requests: number;
  readonly errors: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** CPU time per request of the processes serving the route (the mock; the mock and the proxy), in microseconds. */
  readonly cpuPerRequestUs: number;
}

export interface ProxyLatencyReport {
  readonly rows: ProxyLatencyRow[];
  readonly seconds: number;
  readonly rounds: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** The proxy process's own CPU time per request, in microseconds: what it needs of a core at the rate. */
  readonly proxyCpuPerRequestUs: number;
}

/**
 * Issue 25's cost: the mock as upstream (500 customers, a rate limit too high to reach: its headers are
 * part of every answer the proxy judges) and `customers-mock proxy`
 * in front of it, both spawned from the build; an open-loop client sends 200 requests a second
 * (a mix of list pages, filtered lists and fetches by id) to the mock directly, then through the
 * proxy, in alternating rounds, so both routes meet the same machine. The baseline is the direct
 * route measured in the same run.
 */
export async function measureProxyLatency(quick: boolean): Promise<ProxyLatencyReport> {
  const [mockPort, proxyPort] = [await freePort(), await freePort()];
  const mock = await startServer('customers-mock (upstream)', [join(ROOT, 'dist', 'cli', 'main.js'), '--port', String(mockPort), '--rate-limit', '1000000000'], /listening on (http:\/\/\S+)/, '', 60_000);
  const proxy = await startServer(
    'customers-mock proxy',
    [join(ROOT, 'dist', 'cli', 'main.js'), 'proxy', '--upstream', mock.url, '--port', String(proxyPort)],
    /listening on (http:\/\/\S+)/,
    '',
    60_000,
  );
  const agent = new Agent({ keepAlive: true });
  try {
    const ids = await customerIds(mock.url, agent);
    const paths = [
      '/api/v0/customers',
      '/api/v0/customers?status=ACTIVE&name=an&skip=5&take=50',
      ...ids.map((id) => `/api/v0/customers/${id}`),
    ];
    const seconds = quick ? 2 : 6;
    const rounds = quick ? 1 : 3;
    const loadBefore = loadavg()[0]!;
    // Warm both routes up (JIT, connections, the proxy's validators) before anything is timed.
    for (const base of [mock.url, proxy.url]) await paced(base, paths, agent, 1);
    const samples = {
      direct: { times: [] as number[], errors: 0, cpuUs: 0, pids: [mock.child.pid] },
      'through the proxy': { times: [] as number[], errors: 0, cpuUs: 0, pids: [mock.child.pid, proxy.child.pid] },
    };
    let proxyCpuUs = 0;
    const cpuOf = (pids: ReadonlyArray<number | undefined>) => pids.reduce((sum: number, pid) => sum + (cpuTimeOf(pid) ?? NaN), 0);
    for (let round = 0; round < rounds; round++) {
      for (const [route, base] of [['direct', mock.url], ['through the proxy', proxy.url]] as const) {
        process.stderr.write(`proxy latency: ${route}, round ${round + 1} of ${rounds}, ${RATE_PER_S} requests/s for ${seconds} s\n`);
        const [cpuBefore, proxyBefore] = [cpuOf(samples[route].pids), cpuTimeOf(proxy.child.pid) ?? NaN];
        const { times, errors } = await paced(base, paths, agent, seconds);
        samples[route].cpuUs += cpuOf(samples[route].pids) - cpuBefore;
        if (route === 'through the proxy') proxyCpuUs += (cpuTimeOf(proxy.child.pid) ?? NaN) - proxyBefore;
        samples[route].times.push(...times);
        samples[route].errors += errors;
      }
    }
    const rows = (['direct', 'through the proxy'] as const).map((route) => {
      const { times, errors, cpuUs } = samples[route];
      const requests = times.length + errors;
      return { route, requests, errors, p50: percentile(times, 50), p90: percentile(times, 90), p99: percentile(times, 99), cpuPerRequestUs: cpuUs / requests };
    });
    const proxied = rows[1]!.requests;
    return { rows, seconds, rounds, loadBefore, loadAfter: loadavg()[0]!, proxyCpuPerRequestUs: proxyCpuUs / proxied };
  } finally {
    agent.destroy();
    await stop(proxy.child);
    await stop(mock.child);
  }
}

async function customerIds(base: string, agent: Agent): Promise<string[]> {
  const { body } = await send(`${base}/api/v0/customers?take=20`, agent);
  return (JSON.parse(body) as { data: Array<{ id: string }> }).data.map((customer) => customer.id);
}

/**
 * Sends `RATE_PER_S` requests a second for `seconds`, each at its own scheduled instant whether or
 * not earlier ones were answered (an open loop: a slow answer cannot slow the rate down), and times
 * each from its scheduled instant to its last byte.
 */
async function paced(base: string, paths: readonly string[], agent: Agent, seconds: number): Promise<{ times: number[]; errors: number }> {
  const total = RATE_PER_S * seconds;
  const intervalMs = 1000 / RATE_PER_S;
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const path = paths[i % paths.length]!;
    pending.push(
      send(`${base}${path}`, agent).then(
        ({ status }) => {
          if (status === 200) times.push(performance.now() - due);
          else errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { times, errors };
}

function send(url: string, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent, headers: CREDENTIALS }, (answer) => {
      let body = '';
      answer.setEncoding('utf8');
      answer.on('data', (chunk: string) => (body += chunk));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }));
      answer.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

export function renderProxyLatency(report: ProxyLatencyReport): string {
  const [direct, proxied] = report.rows as [ProxyLatencyRow, ProxyLatencyRow];
  const added = proxied.p50 - direct.p50;
  return [
    `## Validation proxy: added latency at ${RATE_PER_S} requests/s on loopback (issue 25: p50 at most ${TARGET_ADDED_P50_MS} ms over direct)`,
    '',
    `The mock (500 customers, \`--rate-limit 1000000000\`: never reached, but its headers are judged) and \`customers-mock proxy --upstream\` it, both from the build; an open-loop client sends ${RATE_PER_S} requests a second ` +
      '(the default page, a filtered page of 50 and fetches by id, in turn) to the mock directly and through the proxy, ' +
      `in ${report.rounds} alternating rounds of ${report.seconds} s each. Latency runs from each request's scheduled instant to its last byte. ` +
      `Load average ${report.loadBefore.toFixed(1)} before, ${report.loadAfter.toFixed(1)} after (${cpus().length} CPUs).`,
    '',
    table(
      ['route', 'requests', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'server CPU/req'],
      report.rows.map((r) => [r.route, String(r.requests), String(r.errors), ms(r.p50), ms(r.p90), ms(r.p99), `${r.cpuPerRequestUs.toFixed(0)} us`]),
    ),
    '',
    `Added p50: ${verdict(added <= TARGET_ADDED_P50_MS, `${ms(added)} ms; p90 ${ms(proxied.p90 - direct.p90)} ms, p99 ${ms(proxied.p99 - direct.p99)} ms`)}.`,
    '',
    `The proxy's own CPU time is ${report.proxyCpuPerRequestUs.toFixed(0)} us a request (forwarding, parsing and judging), ` +
      `${((report.proxyCpuPerRequestUs * RATE_PER_S) / 10_000).toFixed(0)}% of one core at ${RATE_PER_S} requests/s. Server CPU/req counts every process ` +
      "serving the route (the mock; the mock and the proxy), from /proc, in ticks of 10 ms: read it as an average. When the machine's " +
      'other work leaves the proxy less than that share of a core, requests queue behind it and the added latency grows with the load, not with the proxy.',
    '',
  ].join('\n');
}
