import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type ListeningMock } from '../../src/node-mock.js';
import { CREDENTIALS } from '../support/mock.js';
import { FailingFileSystem } from '../support/failing-file-system.js';
import { freePort } from '../support/free-port.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

const PRISM = fileURLToPath(new URL('../../node_modules/@stoplight/prism-cli/dist/index.js', import.meta.url));
const STARTUP_LIMIT_MS = 60_000;

interface Violation {
  readonly location: string[];
  readonly code: string | number;
  readonly message: string;
}

interface Exchange {
  readonly label: string;
  readonly operationId: string;
  readonly status: number;
  readonly body: any;
  readonly violations: Violation[];
}

/**
 * An independent validator over real traffic: Prism in proxy mode stands between a client and
 * the mock, checks every response against the document the mock serves (/openapi.json) and
 * reports what deviates in an `sl-violations` header. The corpus covers every operation, every
 * documented status of each, every filter and the failure simulation; the coverage is computed
 * from the document, so a status added to it without a request here fails the test.
 */
describe('Prism in proxy mode over a broad corpus of requests to the mock', { timeout: 180_000 }, () => {
  let mock: ListeningMock;
  let prism: ChildProcess;
  let base: string;
  const exchanges: Exchange[] = [];
  // With --state on a disk that can be made full, the admin writes' 503 is reached too.
  const stateFolder = mkdtempSync(join(tmpdir(), 'prism-proxy-state-'));
  const disk = new FailingFileSystem();

  async function send(operationId: string, label: string, method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; rawBody?: string; auth?: boolean } = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...(options.auth === false ? {} : CREDENTIALS), ...options.headers };
    let body = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    const violations = JSON.parse(response.headers.get('sl-violations') ?? '[]') as Violation[];
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Left as text; Prism reports a body that breaks the document.
    }
    const exchange = { label: `${method} ${path} (${label})`, operationId, status: response.status, body: parsed, violations };
    exchanges.push(exchange);
    return exchange;
  }

  beforeAll(async () => {
    // The real API's rate limit is on (so every response's X-RateLimit-* headers are checked too),
    // high enough that the corpus never meets it; the admin upload limit is small, to reach its 413.
    mock = await startMock(
      // Two sandboxes of at most 500 customers, to reach their 409 and 413.
      { port: 0, seed: 42, count: 500, rateLimit: 100_000, adminBodyLimitBytes: 8 * 1024, maxSandboxes: 2, maxSandboxCustomers: 500, stateFile: join(stateFolder, 'state.json') },
      { stateFileSystem: disk, onStateWarning: () => {} },
    );
    const port = await freePort();
    prism = spawn(process.execPath, [PRISM, 'proxy', `${mock.url}/openapi.json`, mock.url, '-p', String(port), '-h', '127.0.0.1'], { stdio: 'ignore' });
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + STARTUP_LIMIT_MS;
    for (;;) {
      try {
        await fetch(`${base}/__admin/requests`, { headers: CREDENTIALS, signal: AbortSignal.timeout(1_000) });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`Prism did not start within ${STARTUP_LIMIT_MS} ms`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    await runCorpus();
  }, 180_000);

  afterAll(async () => {
    prism?.kill();
    await mock?.close();
    rmSync(stateFolder, { recursive: true, force: true });
  });

  async function runCorpus(): Promise<void> {
    const customers = '/api/v0/customers';
    const unknownId = '123e4567-e89b-12d3-a456-426614174000';
    const failures = (operationId: string, method: string, path: string, body?: unknown) =>
      Promise.all(
        ['code=429', 'code=500', 'code=502', 'code=503', 'code=504', 'code=503, delay=5'].map((prefer) => send(operationId, prefer, method, path, { headers: { Prefer: prefer }, body })),
      );

    // Every page of seed 42 (the 57 customers whose last_spent a multipleOf once tripped included).
    const pages = [];
    for (let skip = 0; skip < 500; skip += 100) pages.push(await send('listCustomers', 'a full page', 'GET', `${customers}?take=100&skip=${skip}`));
    const all = pages.flatMap((page) => page.body.data as Array<{ id: string; email: string | null; first_name: string; last_name: string }>);
    const withEmail = all.find((c) => c.email !== null)!;
    for (const query of [
      '',
      'take=5.0&skip=2.0',
      'skip=600',
      ...CUSTOMER_STATUSES.map((s) => `status=${s}`),
      `name=${encodeURIComponent(all[0]!.first_name.toLowerCase())}`,
      `name=${encodeURIComponent(`${all[0]!.first_name} ${all[0]!.last_name.slice(0, 2)}`)}`,
      'name=zzzzqqq',
      'name=',
      `email=${encodeURIComponent(withEmail.email!.toUpperCase())}`,
      'email=',
      `status=ACTIVE&name=a&take=3`,
    ]) {
      await send('listCustomers', 'filters', 'GET', `${customers}?${query}`);
    }
    for (const query of ['take=101', 'take=1.5', 'skip=-1', 'status=GONE', 'take=1&take=2', `name=${'n'.repeat(101)}`]) await send('listCustomers', 'invalid', 'GET', `${customers}?${query}`);
    await send('listCustomers', 'no credentials', 'GET', customers, { auth: false });
    await failures('listCustomers', 'GET', customers);

    const created = await send('createCustomer', 'every field', 'POST', customers, {
      body: { first_name: 'Prism', last_name: 'Proxy', phone_number: '+14155550100', email: 'prism.proxy@example.com', customer_type: 'Startup', status: 'ACTIVE' },
      headers: { 'idempotency-key': 'corpus-1' },
    });
    await send('createCustomer', 'replayed', 'POST', customers, {
      body: { first_name: 'Prism', last_name: 'Proxy', phone_number: '+14155550100', email: 'prism.proxy@example.com', customer_type: 'Startup', status: 'ACTIVE' },
      headers: { 'idempotency-key': 'corpus-1' },
    });
    await send('createCustomer', 'a phone without +, status DELETED', 'POST', customers, { body: { first_name: 'No', last_name: 'Plus', phone_number: '14155550101', status: 'DELETED' } });
    await send('createCustomer', 'idempotency key reused', 'POST', customers, { body: { first_name: 'Other', last_name: 'Body', phone_number: '+14155550102' }, headers: { 'idempotency-key': 'corpus-1' } });
    await send('createCustomer', 'duplicate email', 'POST', customers, { body: { first_name: 'Dup', last_name: 'Licate', phone_number: '+14155550103', email: withEmail.email } });
    await send('createCustomer', 'missing fields', 'POST', customers, { body: { first_name: 'Only' } });
    await send('createCustomer', 'not JSON', 'POST', customers, { rawBody: '{"first_name":' });
    await send('createCustomer', 'too large', 'POST', customers, { body: { first_name: 'Big', last_name: 'Body', phone_number: '+14155550104', padding: 'x'.repeat(120 * 1024) } });
    await send('createCustomer', 'no credentials', 'POST', customers, { auth: false, body: { first_name: 'A', last_name: 'B', phone_number: '+14155550105' } });
    await failures('createCustomer', 'POST', customers, { first_name: 'Fail', last_name: 'Ure', phone_number: '+14155550106' });

    const id = created.body.id as string;
    await send('fetchCustomer', 'created', 'GET', `${customers}/${id}`);
    await send('fetchCustomer', 'seeded, id in capitals', 'GET', `${customers}/${all[1]!.id.toUpperCase()}`);
    await send('fetchCustomer', 'unknown v1 UUID', 'GET', `${customers}/${unknownId}`);
    await send('fetchCustomer', 'not a UUID', 'GET', `${customers}/cust_123456`);
    await send('fetchCustomer', 'no credentials', 'GET', `${customers}/${id}`, { auth: false });
    await failures('fetchCustomer', 'GET', `${customers}/${id}`);

    await send('updateCustomer', 'rename', 'PATCH', `${customers}/${id}`, { body: { last_name: 'Proxied', customer_type: 'Enterprise' } });
    await send('updateCustomer', 'blacklist with a reason', 'PATCH', `${customers}/${id}`, { body: { status: 'BLACKLISTED', reason: 'corpus' } });
    await send('updateCustomer', 'restore', 'PATCH', `${customers}/${id}`, { body: { status: 'ACTIVE' } });
    await send('updateCustomer', 'empty body', 'PATCH', `${customers}/${id}`, { body: {} });
    await send('updateCustomer', 'email taken', 'PATCH', `${customers}/${id}`, { body: { email: withEmail.email } });
    await send('updateCustomer', 'unknown id', 'PATCH', `${customers}/${unknownId}`, { body: { status: 'ACTIVE' } });
    await send('updateCustomer', 'too large', 'PATCH', `${customers}/${id}`, { body: { last_name: 'x', padding: 'x'.repeat(120 * 1024) } });
    await send('updateCustomer', 'no credentials', 'PATCH', `${customers}/${id}`, { auth: false, body: { status: 'ACTIVE' } });
    await failures('updateCustomer', 'PATCH', `${customers}/${id}`, { status: 'ACTIVE' });

    await send('deleteCustomer', 'not a UUID', 'DELETE', `${customers}/nope`);
    await send('deleteCustomer', 'unknown id', 'DELETE', `${customers}/${unknownId}`);
    await send('deleteCustomer', 'no credentials', 'DELETE', `${customers}/${id}`, { auth: false });
    await failures('deleteCustomer', 'DELETE', `${customers}/${id}`);
    await send('deleteCustomer', 'delete', 'DELETE', `${customers}/${id}`, { headers: { 'idempotency-key': 'corpus-delete' } });
    await send('deleteCustomer', 'idempotency key reused on another customer', 'DELETE', `${customers}/${all[2]!.id}`, { headers: { 'idempotency-key': 'corpus-delete' } });

    await send('adminListRequests', 'log', 'GET', '/__admin/requests');
    await send('adminListRequests', 'no credentials', 'GET', '/__admin/requests', { auth: false });
    await send('adminClearRequests', 'clear', 'DELETE', '/__admin/requests');
    await send('adminClearRequests', 'no credentials', 'DELETE', '/__admin/requests', { auth: false });
    const few = (await send('listCustomers', 'for the upload', 'GET', `${customers}?take=3`)).body.data;
    await send('adminReplaceCustomers', 'three customers', 'PUT', '/__admin/customers', { body: few });
    await send('adminReplaceCustomers', 'an invalid customer', 'PUT', '/__admin/customers', { body: [{ id: 'x' }] });
    await send('adminReplaceCustomers', 'too large', 'PUT', '/__admin/customers', { body: Array.from({ length: 40 }, () => few[0]) });
    await send('adminReplaceCustomers', 'no credentials', 'PUT', '/__admin/customers', { auth: false, body: few });
    await send('adminReset', 'reset', 'POST', '/__admin/reset');
    await send('adminReset', 'no credentials', 'POST', '/__admin/reset', { auth: false });
    const sandboxes = '/__admin/sandboxes';
    const sandbox = (await send('adminCreateSandbox', 'ten customers from a seed', 'POST', sandboxes, { body: { seed: 7, count: 10 } })).body;
    const asSandbox = { auth: false, headers: { 'x-client-key': sandbox.clientKey as string, 'x-client-secret': sandbox.clientSecret as string } };
    await send('listCustomers', 'in the sandbox', 'GET', `${customers}?take=3`, asSandbox);
    await send('adminReset', 'the sandbox', 'POST', '/__admin/reset', asSandbox);
    await send('adminCreateSandbox', 'past --max-sandbox-customers', 'POST', sandboxes, { body: { count: 501 } });
    await send('adminCreateSandbox', 'a negative seed', 'POST', sandboxes, { body: { seed: -1 } });
    await send('adminCreateSandbox', 'no credentials', 'POST', sandboxes, { auth: false });
    await send('adminCreateSandbox', "a sandbox's credentials", 'POST', sandboxes, asSandbox);
    await send('adminCreateSandbox', "no body: the mock's seed and count", 'POST', sandboxes);
    await send('adminCreateSandbox', 'past --max-sandboxes', 'POST', sandboxes, { body: { count: 1 } });
    await send('adminListSandboxes', 'two', 'GET', sandboxes);
    await send('adminListSandboxes', 'no credentials', 'GET', sandboxes, { auth: false });
    await send('adminListSandboxes', "a sandbox's credentials", 'GET', sandboxes, asSandbox);
    await send('adminDeleteSandbox', "a sandbox's credentials", 'DELETE', `${sandboxes}/${sandbox.clientKey}`, asSandbox);
    await send('adminDeleteSandbox', 'no credentials', 'DELETE', `${sandboxes}/${sandbox.clientKey}`, { auth: false });
    await send('adminDeleteSandbox', 'unknown', 'DELETE', `${sandboxes}/sandbox_unknown`);
    await send('adminDeleteSandbox', 'delete', 'DELETE', `${sandboxes}/${sandbox.clientKey}`);
    const other = (await send('adminListSandboxes', 'one', 'GET', sandboxes)).body.sandboxes[0].clientKey as string;
    disk.failWith('ENOSPC');
    await send('adminReplaceCustomers', 'a full disk', 'PUT', '/__admin/customers', { body: few });
    await send('adminReset', 'a full disk', 'POST', '/__admin/reset');
    await send('adminCreateSandbox', 'a full disk', 'POST', sandboxes, { body: { count: 1 } });
    await send('adminDeleteSandbox', 'a full disk', 'DELETE', `${sandboxes}/${other}`);
    disk.heal();
  }

  it('finds no response that breaks the document', () => {
    const problems = exchanges.flatMap((e) => e.violations.filter((v) => v.location[0] === 'response').map((v) => `${e.label} -> ${e.status}: ${v.location.join('.')} ${v.message}`));
    expect(problems).toEqual([]);
    expect(exchanges.length).toBeGreaterThanOrEqual(90);
  });

  it('sent every operation of the document with every documented status', () => {
    const missing: string[] = [];
    for (const operation of mock.spec.operations) {
      const statuses = exchanges.filter((e) => e.operationId === operation.operationId).map((e) => e.status);
      for (const documented of Object.keys(operation.responses)) {
        const covered = documented.endsWith('XX') ? statuses.some((s) => String(s)[0] === documented[0]) : statuses.includes(Number(documented));
        if (!covered) missing.push(`${operation.operationId} ${documented}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('saw Prism check requests too: it flags the invalid ones the mock refuses', () => {
    const flagged = exchanges.filter((e) => e.violations.some((v) => v.location[0] === 'request'));
    expect(flagged.map((e) => e.label)).toEqual(expect.arrayContaining(['GET /api/v0/customers?take=101 (invalid)', 'GET /api/v0/customers (no credentials)']));
    for (const exchange of flagged) expect(exchange.status, exchange.label).toBeGreaterThanOrEqual(400);
  });
});
