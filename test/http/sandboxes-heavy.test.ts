import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededCustomers } from '../../src/store/seeded-customers.js';
import { spawnMock, type MockProcess } from '../support/mock-process.js';
import { CREDENTIALS } from '../support/mock.js';

/**
 * A sandbox of 100,000 customers takes seconds to generate and index, a reset or a replace of its
 * data set a good part of a second to index again, and with `--state` each one's record (tens of
 * megabytes on one line) a good part of a second to encode and write. All are done in slices of a
 * few milliseconds, so the other tenants of the mock are answered meanwhile. Measured from outside
 * the mock's process (the built CLI), so that the measuring is not held up by what it measures.
 *
 * The bound is an event, not a time: made in one go, the creation would hold the event loop until
 * it is done, and another tenant's requests, sent one after another, would get one answer in that
 * time; made in slices, they get dozens, or hundreds for a creation. The latencies are printed, not
 * asserted: how many milliseconds a slice adds depends on the machine and on what else runs on it.
 */
const LARGE = 100_000;
/** Answers to another tenant during a piece of work that show it was done in slices (one go allows one). */
const IN_SLICES = 10;
const ARGS = ['--count', '200', '--rate-limit', '0', '--max-sandbox-customers', String(LARGE)];

async function timedList(mock: MockProcess): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${mock.url}/api/v0/customers?take=5`, { headers: CREDENTIALS });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return performance.now() - started;
}

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
}

/**
 * Another tenant's list requests, one after another, for as long as `work` runs: their latencies,
 * and the work's response. `answered` is told after each, so a test can tell apart when it came.
 */
async function listWhile(mock: MockProcess, work: Promise<Response>, answered: () => Promise<void> = async () => {}): Promise<{ latencies: number[]; response: Response }> {
  let response: Response | undefined;
  const done = work.then((answer) => (response = answer));
  const latencies: number[] = [];
  while (response === undefined) {
    latencies.push(await timedList(mock));
    await answered();
  }
  await done;
  return { latencies, response };
}

async function sandboxesOf(mock: MockProcess): Promise<Array<{ clientKey: string; customers: number }>> {
  const response = await fetch(`${mock.url}/__admin/sandboxes`, { headers: CREDENTIALS });
  expect(response.status).toBe(200);
  return ((await response.json()) as { sandboxes: Array<{ clientKey: string; customers: number }> }).sandboxes;
}

async function stopped(mock: MockProcess): Promise<void> {
  mock.child.kill('SIGTERM');
  await mock.exited;
}

/** A PUT through node:http, which says when its body has been handed to the connection whole. */
function putWithBody(url: string, headers: Record<string, string>, body: string): { response: Promise<Response>; sent: Promise<void> } {
  let sent!: () => void;
  const whenSent = new Promise<void>((resolve) => (sent = resolve));
  const response = new Promise<Response>((resolve, reject) => {
    const put = request(url, { method: 'PUT', headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode })));
    });
    put.on('error', reject);
    put.end(body, sent);
  });
  return { response, sent: whenSent };
}

describe.each([
  { mode: 'in memory', withState: false },
  { mode: 'with --state (each record journaled)', withState: true },
])('a large sandbox is made, reset and replaced beside the other tenants, $mode', ({ withState }) => {
  let folder: string;
  let args: string[];
  let mock: MockProcess;
  const baseline: number[] = [];
  let sandbox: { clientKey: string; clientSecret: string };
  const sandboxHeaders = () => ({ 'x-client-key': sandbox.clientKey, 'x-client-secret': sandbox.clientSecret });
  const report = (what: string, during: number[], detail = '') =>
    console.log(
      `p99 of a list${withState ? ' with --state' : ''}: ${p99(baseline).toFixed(1)} ms alone, ${p99(during).toFixed(1)} ms during ${what} (${during.length} requests${detail}, slowest ${Math.max(...during).toFixed(1)} ms)`,
    );

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'mock-heavy-'));
    args = withState ? [...ARGS, '--state', join(folder, 'state.json')] : ARGS;
    mock = await spawnMock(args);
    for (let i = 0; i < 50; i++) await timedList(mock); // warm-up
    for (let i = 0; i < 400; i++) baseline.push(await timedList(mock));
  });
  afterAll(async () => {
    await stopped(mock);
    rmSync(folder, { recursive: true, force: true });
  });

  it(`answers another tenant's requests, one after another, while ${LARGE.toLocaleString('en-US')} customers are generated`, async () => {
    // With --state the sandbox is listed once it is made, and answered for once its record is
    // written: the requests answered between the two were answered while the record was written.
    let listed = false;
    let answeredWhileJournaled = 0;
    const creation = fetch(`${mock.url}/__admin/sandboxes`, { method: 'POST', headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: JSON.stringify({ count: LARGE }) });
    const { latencies, response } = await listWhile(mock, creation, async () => {
      if (listed) answeredWhileJournaled++;
      else if (withState) listed = (await sandboxesOf(mock)).length > 0;
    });
    expect(response.status).toBe(201);
    sandbox = (await response.json()) as typeof sandbox;
    // Enough requests were answered while it was made to have a p99 at all.
    expect(latencies.length).toBeGreaterThanOrEqual(100);
    report(`a ${LARGE}-customer sandbox's creation`, latencies, withState ? `, ${answeredWhileJournaled} while its record was written` : '');
    if (withState) expect(answeredWhileJournaled).toBeGreaterThanOrEqual(IN_SLICES);
  }, 180_000);

  it('answers them while the sandbox is reset to its 100,000 customers', async () => {
    // At its capacity: one customer fewer, which the reset brings back.
    const page = (await (await fetch(`${mock.url}/api/v0/customers?take=1`, { headers: sandboxHeaders() })).json()) as { data: { id: string }[] };
    expect((await fetch(`${mock.url}/api/v0/customers/${page.data[0]!.id}`, { method: 'DELETE', headers: sandboxHeaders() })).status).toBe(200);
    const { latencies, response } = await listWhile(mock, fetch(`${mock.url}/__admin/reset`, { method: 'POST', headers: sandboxHeaders() }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ customers: LARGE });
    expect(latencies.length).toBeGreaterThanOrEqual(IN_SLICES);
    report(`a ${LARGE}-customer sandbox's reset`, latencies);
  }, 120_000);

  it("answers them while the sandbox's customers are replaced by as many others", async () => {
    const replacement = JSON.stringify(seededCustomers({ seed: 7, count: LARGE, appId: 'app_replacement' }));
    // Counted from when the whole body is sent: the upload itself gives the others time to be answered.
    const { response, sent } = putWithBody(`${mock.url}/__admin/customers`, sandboxHeaders(), replacement);
    await sent;
    const { latencies, response: answered } = await listWhile(mock, response);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ customers: LARGE });
    expect(latencies.length).toBeGreaterThanOrEqual(IN_SLICES);
    report(`the replace of a ${LARGE}-customer sandbox's customers`, latencies);
  }, 120_000);

  it.runIf(withState)('replays the records written in slices after a restart: the sandbox as the replace left it', async () => {
    await stopped(mock);
    mock = await spawnMock(args);
    expect((await sandboxesOf(mock)).map(({ clientKey, customers }) => [clientKey, customers])).toEqual([[sandbox.clientKey, LARGE]]);
    const first = (await (await fetch(`${mock.url}/api/v0/customers?take=1`, { headers: sandboxHeaders() })).json()) as { data: { appId: string }[] };
    expect(first.data[0]!.appId).toBe('app_replacement');
    expect(mock.output()).not.toContain('torn record');
  }, 120_000);
});
