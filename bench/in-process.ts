import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { createMockFetch } from '../dist/index.js';
import { median, percentile, table, verdict } from './stats.js';

/**
 * Issue 15's figures: createMockFetch's cold start in fresh processes, the time a request takes
 * in process (and how much of it is the front door rather than the app), and the size of the
 * browser bundle. `node .bench-out/in-process.js` runs this part alone; run.ts includes it.
 */
const ROOT = join(import.meta.dirname, '..');
const TARGETS = { readyMs: 150, requestMedianUs: 50 };
const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const COLD_STARTS = 15;

export interface InProcessReport {
  readonly cold: Array<{ importMs: number; createMs: number; firstAnswerMs: number; readyMs: number; sinceProcessStartMs: number; processCpuMs: number }>;
  /** `platformResponseMedianUs`: making the same Request and a platform Response of the same parts, and reading it. */
  readonly requests: Array<{ request: string; medianUs: number; p99Us: number; appMedianUs: number; platformResponseMedianUs: number }>;
  readonly bundles: Array<{ entry: string; bytes: number; gzipBytes: number; largest: string }>;
  /** The 1-minute load average before and after, on a machine other work shares. */
  readonly load: [number, number];
}

export async function measureInProcess(quick = false): Promise<InProcessReport> {
  const loadBefore = loadavg()[0]!;
  process.stderr.write(`createMockFetch: ${COLD_STARTS} cold starts with 500 customers, each in a fresh process\n`);
  const cold = Array.from({ length: COLD_STARTS }, () =>
    JSON.parse(execFileSync(process.execPath, [join(import.meta.dirname, 'in-process-cold.js'), '500'], { encoding: 'utf8' })) as InProcessReport['cold'][number],
  );
  process.stderr.write('createMockFetch: sequential requests in process\n');
  const requests = await timeRequests(quick ? 2_000 : 10_000);
  process.stderr.write('browser bundles (esbuild, minified)\n');
  const bundles = [await bundleSize('customers-mock (createMockFetch)', 'dist/browser.js', 'export { createMockFetch } from'), await bundleSize('customers-mock/msw (msw itself left out)', 'dist/msw.js', 'export { customersHandlers } from')];
  return { cold, requests, bundles, load: [loadBefore, loadavg()[0]!] };
}

/** Each request's time through createMockFetch and through the app's own fetch, in turns; then with a platform Response (see renderInProcess). */
async function timeRequests(samples: number): Promise<InProcessReport['requests']> {
  const mockFetch = await createMockFetch({ count: 500, rateLimit: 0 });
  const [someone] = mockFetch.engine.store.customers();
  const cases: Array<[string, () => Request]> = [
    ['GET /api/v0/customers', () => new Request('https://api.devdraft.ai/api/v0/customers', { headers: CREDENTIALS })],
    ['GET /api/v0/customers/{id}', () => new Request(`https://api.devdraft.ai/api/v0/customers/${someone!.id}`, { headers: CREDENTIALS })],
    ['GET /api/v0/customers?status=ACTIVE&take=50', () => new Request('https://api.devdraft.ai/api/v0/customers?status=ACTIVE&take=50', { headers: CREDENTIALS })],
    ['GET /api/v0/customers (no credentials, 401)', () => new Request('https://api.devdraft.ai/api/v0/customers')],
  ];
  const rows: InProcessReport['requests'] = [];
  for (const [label, request] of cases) {
    const answer = await mockFetch(request());
    const [status, headers, body] = [answer.status, new Headers(answer.headers), await answer.text()];
    // The door and the app are taken in turns, one request each, so that the machine speeding up or
    // slowing down (a shared one does, from second to second) weighs on both alike and the door's
    // share holds. The platform Response is timed apart: read through its stream, it leaves work
    // behind (about 15 us on Node 20) that whatever runs next would pay.
    const [door, app] = await timeInTurns(samples, request, [(r) => mockFetch(r), (r) => mockFetch.engine.app.fetch(r)]);
    const [platform] = await timeInTurns(samples, request, [() => new Response(body, { status, headers })]);
    rows.push({ request: label, medianUs: median(door!), p99Us: percentile(door!, 99), appMedianUs: median(app!), platformResponseMedianUs: median(platform!) });
  }
  return rows;
}

/** Microseconds per request for each way of answering, 1,000 warm-up rounds left out; the Request is made inside the time. */
async function timeInTurns(samples: number, request: () => Request, ways: ReadonlyArray<(r: Request) => Promise<Response> | Response>): Promise<number[][]> {
  const times: number[][] = ways.map(() => []);
  for (let i = 0; i < samples + 1_000; i++) {
    for (const [way, send] of ways.entries()) {
      const started = performance.now();
      await (await send(request())).arrayBuffer();
      if (i >= 1_000) times[way]!.push((performance.now() - started) * 1000);
    }
  }
  return times;
}

/** What a browser app gets when it imports the entry: bundled, minified, and gzipped as served. */
async function bundleSize(label: string, entry: string, reexport: string): Promise<InProcessReport['bundles'][number]> {
  const result = await build({
    stdin: { contents: `${reexport} ${JSON.stringify(join(ROOT, entry))};`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    external: ['msw'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]!.contents;
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'customers-mock';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const largest = [...byPackage].sort(([, a], [, b]) => b - a).slice(0, 5).map(([name, size]) => `${name} ${kib(size)}`).join(', ');
  return { entry: label, bytes: bytes.length, gzipBytes: gzipSync(bytes).length, largest };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

export function renderInProcess(report: InProcessReport): string[] {
  const readyMedian = median(report.cold.map((c) => c.readyMs));
  const list = report.requests[0]!;
  return [
    `## In process: createMockFetch (issue 15, \`--part in-process\`, ${new Date().toISOString()}, load average ${report.load[0].toFixed(1)} -> ${report.load[1].toFixed(1)})`,
    '',
    'Each cold start is a fresh Node process (bench/in-process-cold.ts) that imports the built package by its name, as an ' +
      "app does (its root export), and awaits `createMockFetch({ count: 500 })`: ready is the time from the import to the " +
      'function in hand, then the first answer is timed apart. Figures are medians; on a shared machine read them with the load average above.',
    '',
    `Cold starts, each in a fresh process, 500 customers (median of ${report.cold.length}): loading the package ${median(report.cold.map((c) => c.importMs)).toFixed(0)} ms, ` +
      `createMockFetch ${median(report.cold.map((c) => c.createMs)).toFixed(0)} ms, together ${readyMedian.toFixed(0)} ms ` +
      `(${median(report.cold.map((c) => c.sinceProcessStartMs)).toFixed(0)} ms after the process started, which had used ${median(report.cold.map((c) => c.processCpuMs)).toFixed(0)} ms of CPU by then, ` +
      `Node's own start-up included); then the first answer ${median(report.cold.map((c) => c.firstAnswerMs)).toFixed(1)} ms ` +
      "(the process's first Request and Response included: Node loads its fetch classes on first use).",
    '',
    "Sequential requests in process, 500 customers: the time through createMockFetch, making the Request and reading the answer's body included; " +
      "through the app's own fetch (the door's share is the difference); and, for scale, making the same Request and a platform Response of the same " +
      "status, headers and body, and reading it, which is what answering with Node's own Response would cost. In-process answers are " +
      'InMemoryResponse (src/in-process/in-memory-response.ts), whose body is read without a web stream.',
    '',
    table(
      ['request', 'median us', 'p99 us', "app's fetch median us", 'platform Response median us'],
      report.requests.map((r) => [`\`${r.request}\``, r.medianUs.toFixed(1), r.p99Us.toFixed(1), r.appMedianUs.toFixed(1), r.platformResponseMedianUs.toFixed(1)]),
    ),
    '',
    table(
      ['browser bundle', 'minified', 'gzipped', 'largest parts (minified)'],
      report.bundles.map((b) => [b.entry, kib(b.bytes), kib(b.gzipBytes), b.largest]),
    ),
    '',
    table(
      ['target', 'result'],
      [
        [`createMockFetch ready within ${TARGETS.readyMs} ms for 500 customers, cold`, verdict(readyMedian <= TARGETS.readyMs, `median ${readyMedian.toFixed(0)} ms from loading the package to ready`)],
        [`in-process request median <= ${TARGETS.requestMedianUs} us`, verdict(list.medianUs <= TARGETS.requestMedianUs, `${list.request}: ${list.medianUs.toFixed(1)} us, of which the door ${(list.medianUs - list.appMedianUs).toFixed(1)} us; a platform Response alone ${list.platformResponseMedianUs.toFixed(1)} us`)],
        ['browser bundle size reported, gzipped', report.bundles.map((b) => `${b.entry}: ${kib(b.gzipBytes)}`).join('; ')],
      ],
    ),
    '',
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await measureInProcess(process.argv.includes('--quick'));
  process.stdout.write(`${renderInProcess(report).join('\n')}\n`);
}
