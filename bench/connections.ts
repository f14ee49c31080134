import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startBaseline, startMock } from './http-load.js';
import { cpuTimeOf, stop, type Started } from './processes.js';
import { median, table } from './stats.js';

const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
/** A one-customer page: the smaller the answer, the larger a connection's share of the work. */
const PATH = '/api/v0/customers?take=1';
const CONNECTIONS = 10;
const MODES = ['kept alive', 'new per request'] as const;

export interface ConnectionsRow {
  readonly server: string;
  readonly connections: (typeof MODES)[number];
  readonly requestsPerSecond: number;
  readonly errors: number;
  readonly cpuPerRequestUs: number;
}

export interface ConnectionsReport {
  readonly rows: ConnectionsRow[];
  readonly seconds: number;
  readonly rounds: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/**
 * What a connection costs the mock: a small page over connections kept alive, then over a new
 * connection per request, on the mock (from the build) and on the bare node:http baseline, one
 * load at a time in alternating rounds. A new connection costs every server its accept, parser
 * and close; the mock's own extra per connection (the request-line screen, its connection
 * tracking) is its new-connection cost over the baseline's, measured in the same run.
 */
export async function measureConnections(quick: boolean): Promise<ConnectionsReport> {
  const work = mkdtempSync(join(tmpdir(), 'customers-mock-bench-'));
  const started: Started[] = [];
  try {
    const mock = await startMock(1000);
    started.push(mock);
    const body = await (await fetch(mock.url + PATH, { headers: CREDENTIALS })).text();
    const baseline = await startBaseline(work, { [PATH]: body });
    started.push(baseline);
    const seconds = quick ? 2 : 5;
    const rounds = quick ? 2 : 3;
    const loadBefore = loadavg()[0]!;
    interface Sample {
      readonly server: Started;
      readonly mode: (typeof MODES)[number];
      readonly requestsPerSecond: number[];
      readonly cpuPerRequestUs: number[];
      errors: number;
    }
    const samples: Sample[] = [baseline, mock].flatMap((server) => MODES.map((mode) => ({ server, mode, requestsPerSecond: [], cpuPerRequestUs: [], errors: 0 })));
    const load = async ({ server, mode }: Sample, duration: number) => {
      const cpuBefore = cpuTimeOf(server.child.pid) ?? NaN;
      const result = mode === 'kept alive' ? keptAlive(await autocannon({ url: server.url + PATH, connections: CONNECTIONS, duration, headers: CREDENTIALS })) : await newConnectionEach(server.url, duration);
      return { ...result, cpuPerRequestUs: ((cpuTimeOf(server.child.pid) ?? NaN) - cpuBefore) / Math.max(1, result.requests) };
    };
    // Unmeasured first: lets each server's JIT settle before its figures count.
    for (const sample of samples) await load(sample, 1);
    for (let round = 0; round < rounds; round++) {
      for (const sample of samples) {
        process.stderr.write(`connections: ${sample.server.name}, ${sample.mode}, round ${round + 1} of ${rounds}\n`);
        const { requests, errors, cpuPerRequestUs } = await load(sample, seconds);
        sample.requestsPerSecond.push(requests / seconds);
        sample.cpuPerRequestUs.push(cpuPerRequestUs);
        sample.errors += errors;
      }
    }
    const rows = samples.map(
      (sample): ConnectionsRow => ({
        server: sample.server.name,
        connections: sample.mode,
        requestsPerSecond: median(sample.requestsPerSecond),
        errors: sample.errors,
        cpuPerRequestUs: median(sample.cpuPerRequestUs),
      }),
    );
    return { rows, seconds, rounds, loadBefore, loadAfter: loadavg()[0]! };
  } finally {
    await Promise.all(started.map((server) => stop(server.child)));
    rmSync(work, { recursive: true, force: true });
  }
}

interface Load {
  readonly requests: number;
  readonly errors: number;
}

function keptAlive(result: Awaited<ReturnType<typeof autocannon>>): Load {
  return { requests: result.requests.total, errors: result.errors + result.timeouts + result.non2xx };
}

/**
 * `CONNECTIONS` clients at once for `seconds`, each sending one request per connection with
 * `Connection: close` and reading to the server's close, as a client without keep-alive does.
 * (autocannon's `reconnectRate` leaves uncounted the answer before each reconnect.)
 */
async function newConnectionEach(url: string, seconds: number): Promise<Load> {
  const { hostname, port } = new URL(url);
  const request = `GET ${PATH} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${Object.entries(CREDENTIALS).map(([name, value]) => `${name}: ${value}\r\n`).join('')}Connection: close\r\n\r\n`;
  const until = performance.now() + seconds * 1000;
  const load = { requests: 0, errors: 0 };
  const exchange = () =>
    new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => socket.write(request));
      let head = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        if (head.length < 12) head += chunk;
      });
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        if (head.startsWith('HTTP/1.1 200')) load.requests++;
        else load.errors++;
        resolve();
      });
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) await exchange();
    }),
  );
  return load;
}

export function renderConnections(report: ConnectionsReport): string {
  const cpuOf = (server: string, connections: ConnectionsRow['connections']) => report.rows.find((r) => r.server.startsWith(server) && r.connections === connections)!.cpuPerRequestUs;
  const connectionCost = (server: string) => cpuOf(server, 'new per request') - cpuOf(server, 'kept alive');
  const [mockCost, baselineCost] = [connectionCost('customers-mock'), connectionCost('node:http')];
  return [
    `## Connections: \`GET ${PATH}\`, ${CONNECTIONS} connections, kept alive or new per request, loopback`,
    '',
    `The mock (1,000 customers, from the build) and the bare node:http baseline, one load at a time, ${report.rounds} alternating rounds of ${report.seconds} s; medians. ` +
      `Load average ${report.loadBefore.toFixed(1)} before, ${report.loadAfter.toFixed(1)} after (${cpus().length} CPUs).`,
    '',
    table(
      ['server', 'connections', 'req/s', 'errors', 'server CPU/req'],
      report.rows.map((r) => [r.server, r.connections, r.requestsPerSecond.toFixed(0), String(r.errors), `${r.cpuPerRequestUs.toFixed(0)} us`]),
    ),
    '',
    `A new connection costs the mock ${mockCost.toFixed(0)} us of CPU and node:http ${baselineCost.toFixed(0)} us ` +
      `(CPU per request on new connections minus kept alive): ${(mockCost / baselineCost).toFixed(2)} times the baseline's. ` +
      'CPU time comes from /proc in ticks of 10 ms: read it as an average.',
    '',
  ].join('\n');
}
