import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/options.js';
import { readDriftReport } from '../../src/config/compat-option.js';
import { writeRulesJUnit } from '../../src/contract-kit/junit.js';
import type { Customer, CustomerList } from '../../src/domain/customer.js';
import { customerCheck } from '../../src/engine.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { createJudge, type Judge } from '../../src/judge/index.js';
import { startProxy, VIOLATIONS_HEADER, type RunningProxy } from '../../src/proxy/proxy.js';
import { RecordFile } from '../../src/proxy/record-file.js';
import { Recorder } from '../../src/proxy/recorder.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { CONTRACT_MOCK_CONFIG } from '../support/contract-cli.js';
import { faultyServer, type FaultyServer } from '../support/faults.js';
import { freePort } from '../support/free-port.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';
import { SPEND_AS_TEXT } from '../support/proxy.js';

let judge: Judge;
const stops: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  judge = createJudge(await getSpecModel());
});

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function proxyTo(upstream: string, options: { recorder?: Recorder; upstreamTimeoutMs?: number } = {}): Promise<RunningProxy> {
  const proxy = await startProxy({ upstream: new URL(upstream), upstreamTimeoutMs: options.upstreamTimeoutMs ?? 10_000, judge, recorder: options.recorder, host: '127.0.0.1', port: 0 });
  stops.push(() => proxy.close());
  return proxy;
}

/** A mock upstream; its rate limit on (too high to reach), since every API answer carries the limit's headers. */
async function mockUpstream(config: Parameters<typeof listeningMock>[0] = {}): Promise<ListeningMock> {
  const mock = await listeningMock({ ...CONTRACT_MOCK_CONFIG, ...config });
  stops.push(() => mock.close());
  return mock;
}

async function faultyUpstream(fault: Parameters<typeof faultyServer>[0]): Promise<FaultyServer> {
  const server = await faultyServer(fault);
  stops.push(() => server.close());
  return server;
}

/** The JUnit the CLI writes on stop: the kit's writer, one case per rule. */
function junitOf(proxy: RunningProxy): string {
  const file = join(mkdtempSync(join(tmpdir(), 'proxy-junit-')), 'junit.xml');
  writeRulesJUnit(file, proxy.report.asRunSummary(), 'documented', 1);
  return readFileSync(file, 'utf8');
}

function call(base: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...CREDENTIALS, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** Everything an integration's traffic does: reads with and without filters, every write, and errors. */
async function typicalTraffic(base: string): Promise<Response[]> {
  const responses: Response[] = [];
  const record = async (response: Promise<Response>) => {
    const settled = await response;
    responses.push(settled.clone());
    return settled;
  };
  const page = (await (await record(call(base, '/api/v0/customers?take=5'))).json()) as { data: Customer[] };
  await record(call(base, '/api/v0/customers?status=ACTIVE&name=an&skip=2&take=3'));
  await record(call(base, `/api/v0/customers/${page.data[0]!.id}`));
  await record(call(base, '/api/v0/customers/00000000-0000-4000-8000-000000000000'));
  const created = (await (await record(call(base, '/api/v0/customers', { method: 'POST', body: { first_name: 'Ada', last_name: 'Lovelace', phone_number: '+442071234567', email: 'ada@example.org' } }))).json()) as Customer;
  await record(call(base, `/api/v0/customers/${created.id}`, { method: 'PATCH', body: { status: 'BLACKLISTED', reason: 'chargebacks' } }));
  await record(call(base, `/api/v0/customers/${created.id}`, { method: 'DELETE' }));
  await record(call(base, '/api/v0/customers', { headers: { 'x-client-secret': 'wrong' } }));
  return responses;
}

describe('proxy against the mock itself', () => {
  it('answers exactly what the mock answers, with no violation header, and an empty report', async () => {
    const direct = await mockUpstream();
    const upstream = await mockUpstream();
    const proxy = await proxyTo(upstream.url);

    const expected = await typicalTraffic(direct.url);
    const proxied = await typicalTraffic(proxy.url);

    expect(proxied.map((r) => r.status)).toEqual(expected.map((r) => r.status));
    for (const [index, response] of proxied.entries()) {
      expect(response.headers.has(VIOLATIONS_HEADER)).toBe(false);
      // The rate-limit window's reset moves with the clock, as the date does.
      const comparable = (r: Response) => [...r.headers].filter(([name]) => !['date', 'connection', 'keep-alive', 'x-ratelimit-reset', 'x-ratelimit-remaining'].includes(name));
      expect(comparable(response)).toEqual(comparable(expected[index]!));
      const [got, want] = [await response.text(), await expected[index]!.text()];
      // Ids and timestamps of the create differ between the two mocks; everything else is byte for byte.
      const volatile = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
      expect(volatile(got)).toBe(volatile(want));
    }
    const report = (await (await fetch(`${proxy.url}/__proxy/report`)).json()) as { requests: number; violations: unknown[] };
    expect(report).toEqual({ requests: proxied.length, violations: [], upstreamFailures: [], drift: [] });
    expect(proxy.report.responsesBrokeDocumentedRule()).toBe(false);
  });

  it("passes the client's invalid request on, and reports it as the client's, not the server's", async () => {
    const proxy = await proxyTo((await mockUpstream()).url);
    const response = await call(proxy.url, '/api/v0/customers?take=500');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string[] }).message).toEqual(['take must not be greater than 100']);
    expect(proxy.report.toJSON().violations).toEqual([expect.objectContaining({ side: 'request', provenance: 'documented', operation: 'listCustomers', status: 400, count: 1 })]);
    expect(proxy.report.responsesBrokeDocumentedRule()).toBe(false);
  });
});

describe('proxy against an upstream that breaks a documented rule', () => {
  it('adds the header, reports the rule with its count, and fails the JUnit case', async () => {
    const upstream = await faultyUpstream({ inject: SPEND_AS_TEXT });
    const proxy = await proxyTo(upstream.url);
    const page = (await (await call(proxy.url, '/api/v0/customers?take=2')).json()) as { data: Customer[] };
    const fetched = await Promise.all(page.data.map((customer) => call(proxy.url, `/api/v0/customers/${customer.id}`)));

    for (const response of fetched) {
      expect(response.status).toBe(200);
      expect(response.headers.get(VIOLATIONS_HEADER)).toBe('1');
      // Passed on unchanged: the broken field too.
      expect(typeof ((await response.json()) as { last_spent: unknown }).last_spent).toBe('string');
    }
    const report = (await (await fetch(`${proxy.url}/__proxy/report`)).json()) as { requests: number; violations: Array<Record<string, unknown>> };
    expect(report.requests).toBe(3);
    expect(report.violations).toEqual([expect.objectContaining({ rule: 'response.schema', provenance: 'documented', side: 'response', operation: 'fetchCustomer', status: 200, count: 2 })]);
    expect(report.violations[0]!.message).toMatch(/last_spent/);
    expect(proxy.report.responsesBrokeDocumentedRule()).toBe(true);
    const junit = junitOf(proxy);
    expect(junit).toMatch(/failures="1"/);
    expect(junit).toMatch(/<testcase classname="rules" name="response.schema \(documented\)" time="0">\s*<failure message="rule response.schema broken" type="RuleFailure">the upstream broke it in 2 exchanges, first in fetchCustomer answered 200: [^<]*last_spent/);
    // One case per rule of the document: those this traffic could not show are not exercised, never passed.
    expect(junit).toMatch(/<testcase classname="rules" name="list.filter.status \(documented\)" time="0">\s*<skipped message="no exchange of this traffic could show it"\/>/);
    expect(junit).toMatch(/<testcase classname="rules" name="list.page.size \(documented\)" time="0">\s*<\/testcase>/);
  });
});

describe('proxy against an upstream that departs only at a choice point', () => {
  it('adds no header, reports drift the mock loads with --compat, and passes', async () => {
    const upstream = await mockUpstream({ compat: { timestamps: 'snake_case' } });
    const proxy = await proxyTo(upstream.url);
    const list = await call(proxy.url, '/api/v0/customers?take=3');
    const page = (await list.json()) as { data: Array<Record<string, unknown>> };
    const fetched = await call(proxy.url, `/api/v0/customers/${String(page.data[0]!.id)}`);

    for (const response of [list, fetched]) expect(response.headers.has(VIOLATIONS_HEADER)).toBe(false);
    expect(proxy.report.responsesBrokeDocumentedRule()).toBe(false);
    const { violations } = proxy.report.toJSON();
    expect(violations.length).toBeGreaterThan(0);
    expect(violations.every((v) => v.provenance === 'choice' && v.side === 'response')).toBe(true);

    const folder = mkdtempSync(join(tmpdir(), 'proxy-drift-'));
    const driftFile = join(folder, 'drift.json');
    writeFileSync(driftFile, JSON.stringify(proxy.report.drift(upstream.url)));
    expect(readDriftReport(driftFile)).toEqual({ timestamps: 'snake_case' });
    const command = parseCommand(['--compat', driftFile], {}, folder);
    expect(command.kind === 'serve' && command.config.compat).toEqual({ timestamps: 'snake_case' });
    expect(junitOf(proxy)).toMatch(/failures="0"/);
    expect(junitOf(proxy)).toMatch(/name="response.timestamp-keys \(choice\)" time="0">\s*<properties>\s*<property name="choice-observation" value="timestamp key spelling \[timestamp-keys\]: snake_case \(document: camelCase\)">[\s\S]*?<system-out>departs from the choice/);
  });
});

describe('recording', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'proxy-record-'));
  });

  /** Walks every page, creates, updates and deletes through the proxy; returns the upstream's customers afterwards. */
  async function recordTraffic(anonymize: boolean): Promise<{ file: string; upstreamCustomers: Customer[]; check: ReturnType<typeof customerCheck> }> {
    const upstream = await mockUpstream();
    const recorder = new Recorder();
    const proxy = await proxyTo(upstream.url, { recorder });
    for (let skip = 0; skip < upstream.store.size; skip += 100) await call(proxy.url, `/api/v0/customers?skip=${skip}&take=100`);
    const created = (await (await call(proxy.url, '/api/v0/customers', { method: 'POST', body: { first_name: 'Grace', last_name: 'Hopper', phone_number: '+12025550147', email: 'grace@example.org' } })).json()) as Customer;
    const all = (JSON.parse(upstream.store.listJson({ skip: 0, take: 1000 })) as CustomerList).data;
    const [renamed, removed] = [all[5]!, all[6]!];
    await call(proxy.url, `/api/v0/customers/${renamed.id}`, { method: 'PATCH', body: { last_name: 'Renamed', email: 'renamed@example.org' } });
    await call(proxy.url, `/api/v0/customers/${removed.id}`, { method: 'DELETE' });
    // An old page, read before the update but answered after it, must not bring the old version back.
    recorder.see({ operationId: 'listCustomers', params: {}, response: { status: 200, body: { data: [renamed] }, bodyIsJson: true } });
    expect(created.id).toBeDefined();
    const check = customerCheck(await getSpecModel());
    const file = join(folder, `${anonymize ? 'anonymised' : 'plain'}.json`);
    new RecordFile(recorder, { file, anonymize, check }).stop();
    const upstreamCustomers = (JSON.parse(upstream.store.listJson({ skip: 0, take: 1000 })) as CustomerList).data;
    return { file, upstreamCustomers, check };
  }

  it('is written every few seconds while traffic goes on, not only on stop', async () => {
    const upstream = await mockUpstream();
    const recorder = new Recorder();
    const proxy = await proxyTo(upstream.url, { recorder });
    const file = join(folder, 'periodic.json');
    const writer = new RecordFile(recorder, { file, anonymize: false, check: customerCheck(await getSpecModel()), intervalMs: 20 });
    await call(proxy.url, '/api/v0/customers?take=4');
    await expect.poll(() => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown[]).length : 0), { timeout: 5_000 }).toBe(4);
    await call(proxy.url, '/api/v0/customers?skip=4&take=3');
    await expect.poll(() => (JSON.parse(readFileSync(file, 'utf8')) as unknown[]).length, { timeout: 5_000 }).toBe(7);
    writer.stop();
  });

  it('replays through the mock: the same ids, fields and total', async () => {
    const { file, upstreamCustomers } = await recordTraffic(false);
    const replay = await mockUpstream({ dataFile: file });
    const replayed: Customer[] = [];
    let total: number;
    for (let skip = 0; ; skip += 100) {
      const page = (await (await call(replay.url, `/api/v0/customers?skip=${skip}&take=100`)).json()) as { data: Customer[]; total: number };
      replayed.push(...page.data);
      total = page.total;
      if (page.data.length < 100) break;
    }
    expect(total).toBe(upstreamCustomers.length);
    const byId = (customers: readonly Customer[]) => [...customers].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(replayed)).toEqual(byId(upstreamCustomers));
  });

  it('anonymised, holds none of the original names, emails or phones, and keeps everything else', async () => {
    const { file, upstreamCustomers, check } = await recordTraffic(true);
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as Customer[];
    expect(recorded).toHaveLength(upstreamCustomers.length);
    const originals = new Map(upstreamCustomers.map((c) => [c.id, c]));
    const originalEmails = new Set(upstreamCustomers.flatMap((c) => (c.email === null ? [] : [c.email.toLowerCase()])));
    const originalPhones = new Set(upstreamCustomers.map((c) => c.phone_number));
    for (const customer of recorded) {
      const original = originals.get(customer.id)!;
      expect(check(customer)).toEqual([]);
      expect(customer.first_name).not.toBe(original.first_name);
      expect(customer.last_name).not.toBe(original.last_name);
      expect(customer.email === null).toBe(original.email === null);
      if (customer.email !== null) expect(originalEmails.has(customer.email.toLowerCase())).toBe(false);
      expect(originalPhones.has(customer.phone_number)).toBe(false);
      const kept = ({ id, customer_type, status, last_spent, last_purchase_date, appId, createdAt, updatedAt }: Customer) => ({ id, customer_type, status, last_spent, last_purchase_date, appId, createdAt, updatedAt });
      expect(kept(customer)).toEqual(kept(original));
    }
    const emails = recorded.flatMap((c) => (c.email === null ? [] : [c.email.toLowerCase()]));
    expect(new Set(emails).size).toBe(emails.length);
    // Deterministic per id: a second recording of the same traffic gives the same values.
    // (The customer the traffic creates gets a new id each time, so it is not compared.)
    const again = JSON.parse(readFileSync((await recordTraffic(true)).file, 'utf8')) as Customer[];
    const identities = (customers: Customer[]) => new Map(customers.map((c) => [c.id, [c.first_name, c.last_name, c.email, c.phone_number]]));
    const [first, second] = [identities(recorded), identities(again)];
    const common = [...first.keys()].filter((id) => second.has(id));
    expect(common).toHaveLength(recorded.length - 1);
    for (const id of common) expect(second.get(id)).toEqual(first.get(id));
    // And it loads as a data set.
    await mockUpstream({ dataFile: file });
  });
});

describe('safety', () => {
  let silent: Server;
  afterAll(() => silent?.close());

  it('answers 502 in the API error format when the upstream refuses the connection, and counts it', async () => {
    const proxy = await proxyTo(`http://127.0.0.1:${await freePort()}`);
    const response = await call(proxy.url, '/api/v0/customers');
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ statusCode: 502, message: expect.stringMatching(/refused the connection/), error: 'Bad Gateway' });
    expect(proxy.report.toJSON().upstreamFailures).toEqual([expect.objectContaining({ status: 502, count: 1 })]);
  });

  it('answers 504 when the upstream does not answer in time, and counts it', async () => {
    silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const proxy = await proxyTo(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, { upstreamTimeoutMs: 200 });
    const response = await call(proxy.url, '/api/v0/customers');
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ statusCode: 504, message: expect.stringMatching(/did not answer within 200 ms/), error: 'Gateway Timeout' });
    expect(proxy.report.toJSON().upstreamFailures).toEqual([expect.objectContaining({ status: 504, count: 1 })]);
    silent.closeAllConnections();
  });

  it('sends a read once more when the upstream closed the kept-alive connection it was sent on, but never a write', async () => {
    // Answers the first request of each connection and keeps it open; drops the connection at the next.
    const dropping = netServer((socket) => {
      let requests = 0;
      socket.on('data', () => {
        requests++;
        if (requests > 1) socket.destroy();
        else socket.write('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}');
      });
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => dropping.close(() => resolve())));
    const proxy = await proxyTo(`http://127.0.0.1:${(dropping.address() as AddressInfo).port}`);
    const unknown = '/__anything';
    expect((await call(proxy.url, unknown)).status).toBe(404);
    expect((await call(proxy.url, unknown)).status).toBe(404);
    expect((await call(proxy.url, unknown, { method: 'POST', body: {} })).status).toBe(502);
    expect(proxy.report.toJSON().upstreamFailures).toEqual([expect.objectContaining({ status: 502, message: expect.stringMatching(/closed the connection/), count: 1 })]);
  });

  it('answers 502 to a status no HTTP response can carry', async () => {
    const odd = netServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 600 Odd\r\nContent-Length: 0\r\n\r\n')));
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => odd.close(() => resolve())));
    const proxy = await proxyTo(`http://127.0.0.1:${(odd.address() as AddressInfo).port}`);
    const response = await call(proxy.url, '/api/v0/customers');
    expect(response.status).toBe(502);
    expect(((await response.json()) as { message: string }).message).toMatch(/status 600, which no response can carry/);
  });

  it('passes the answer on unjudged, and says so, when judging fails', async () => {
    const upstream = await mockUpstream();
    const failures: string[] = [];
    const proxy = await startProxy({
      upstream: new URL(upstream.url),
      upstreamTimeoutMs: 10_000,
      judge: { judge: () => { throw new Error('judge fault'); } },
      host: '127.0.0.1',
      port: 0,
      onJudgeError: (error, { method, target }) => failures.push(`${method} ${target}: ${error.message}`),
    });
    stops.push(() => proxy.close());
    const response = await call(proxy.url, '/api/v0/customers?take=1');
    expect(response.status).toBe(200);
    expect(response.headers.has(VIOLATIONS_HEADER)).toBe(false);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect(failures).toEqual(['GET /api/v0/customers?take=1: judge fault']);
  });

  it('refuses a body over the mock limit with 413, without forwarding it', async () => {
    const upstream = await mockUpstream();
    const proxy = await proxyTo(upstream.url);
    const response = await call(proxy.url, '/api/v0/customers', { method: 'POST', body: { first_name: 'x'.repeat(200 * 1024), last_name: 'y', phone_number: '+12025550147' } });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ statusCode: 413, message: 'Request body is larger than 102400 bytes', error: 'Payload Too Large' });
    expect(upstream.requestLog.list()).toHaveLength(0);
  });

  it('never puts a credential in a verdict, even when the client sends it in the query', async () => {
    const upstream = await mockUpstream();
    const lines: string[] = [];
    const logged = await startProxy({
      upstream: new URL(upstream.url),
      upstreamTimeoutMs: 10_000,
      judge,
      host: '127.0.0.1',
      port: 0,
      onVerdict: (verdict, { method, target }) => lines.push(`${method} ${target} ${verdict.message}`),
    });
    stops.push(() => logged.close());
    await call(logged.url, `/api/v0/customers?take=${CREDENTIALS['x-client-secret']}`);
    expect(lines.length).toBe(1);
    expect(lines.join('\n')).not.toContain(CREDENTIALS['x-client-secret']);
    expect(JSON.stringify(logged.report.toJSON())).not.toContain(CREDENTIALS['x-client-secret']);
  });
});
