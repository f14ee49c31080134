import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { runCli, spawnCli } from '../support/cli.js';
import { CONTRACT_MOCK_CONFIG } from '../support/contract-cli.js';
import { faultyServer } from '../support/faults.js';
import { listeningMock } from '../support/mock.js';
import { SPEND_AS_TEXT, spawnProxy, type ProxyProcess } from '../support/proxy.js';

// These run the built CLI (dist/cli/main.js): `npm run build` first, as `npm test` does.

/** Credentials no other output could hold by chance. */
const KEY = 'ck_live_7Qm2ZxR9vLp4';
const SECRET = 'cs_live_Hs81KdWq3TnY0aEe';
const credentials = { 'x-client-key': KEY, 'x-client-secret': SECRET };

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function outputs(folder: string) {
  return {
    report: JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as { requests: number; violations: Array<Record<string, unknown>> },
    junit: readFileSync(join(folder, 'junit.xml'), 'utf8'),
    drift: JSON.parse(readFileSync(join(folder, 'drift.json'), 'utf8')) as { format: string; observations: unknown[] },
    record: readFileSync(join(folder, 'record.json'), 'utf8'),
  };
}

async function startAgainst(upstream: string): Promise<{ proxy: ProxyProcess; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'proxy-cli-'));
  const files = ['--report', 'report.json', '--junit', 'junit.xml', '--drift', 'drift.json', '--record', 'record.json'].map((arg) => (arg.endsWith('.json') || arg.endsWith('.xml') ? join(folder, arg) : arg));
  const proxy = await spawnProxy(['--upstream', upstream, ...files, '--anonymize']);
  stops.push(() => {
    if (proxy.child.exitCode === null) proxy.child.kill('SIGKILL');
  });
  return { proxy, folder };
}

/** The mock from the build, stopped after the test. */
async function spawnMockWith(args: string[]) {
  const mock = await spawnCli(['--port', '0', ...args]);
  stops.push(() => {
    mock.child.kill('SIGKILL');
  });
  return mock;
}

async function traffic(base: string): Promise<void> {
  const page = (await (await fetch(`${base}/api/v0/customers?take=3`, { headers: credentials })).json()) as { data: Customer[] };
  for (const customer of page.data) await fetch(`${base}/api/v0/customers/${customer.id}`, { headers: credentials });
  // A client mistake, with a credential in the query too: forwarded, reported, never printed.
  await fetch(`${base}/api/v0/customers?take=${SECRET}`, { headers: credentials });
}

describe('customers-mock proxy (the CLI)', () => {
  it('against the mock: exits 0 on SIGTERM, with an empty report, and no credential in any output', async () => {
    const upstream = await listeningMock({ ...CONTRACT_MOCK_CONFIG, clientKey: KEY, clientSecret: SECRET });
    stops.push(() => upstream.close());
    const { proxy, folder } = await startAgainst(upstream.url);
    await traffic(proxy.url);
    proxy.child.kill('SIGTERM');
    expect((await proxy.exited).code).toBe(0);

    const { report, junit, drift, record } = outputs(folder);
    expect(report.requests).toBe(5);
    expect(report.violations.filter((v) => v.side === 'response')).toEqual([]);
    expect(junit).toMatch(/failures="0"/);
    expect(drift).toEqual({ format: 'customers-contract-drift/1', profile: 'documented', baseUrl: upstream.url, observations: [] });
    expect(JSON.parse(record)).toHaveLength(3);
    expect(proxy.stdout()).toMatch(/customers-mock proxy: 5 requests judged against \d+ of the document's \d+ rules; 0 documented rules broken by responses, 1 by requests/);
    for (const text of [proxy.stdout(), proxy.stderr(), JSON.stringify(report), junit, JSON.stringify(drift), record]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET);
    }
  });

  it('against an upstream breaking a documented rule: prints each violation, fails the JUnit, exits 1 on SIGINT', async () => {
    const upstream = await faultyServer({ inject: SPEND_AS_TEXT });
    stops.push(() => upstream.close());
    const { proxy, folder } = await startAgainst(upstream.url);
    // The faulty server is a mock with its own credentials; they must stay out of the outputs as much.
    const page = (await (await fetch(`${proxy.url}/api/v0/customers?take=2`, { headers: { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' } })).json()) as { data: Customer[] };
    for (const customer of page.data) {
      const response = await fetch(`${proxy.url}/api/v0/customers/${customer.id}`, { headers: { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' } });
      expect(response.headers.get('x-contract-violations')).toBe('1');
    }
    proxy.child.kill('SIGINT');
    expect((await proxy.exited).code).toBe(1);

    expect(proxy.stdout().split('\n').filter((line) => line.startsWith('VIOLATION'))).toHaveLength(2);
    expect(proxy.stdout()).toMatch(/1 documented rules broken by responses/);
    const { report, junit } = outputs(folder);
    expect(report.violations).toEqual([expect.objectContaining({ provenance: 'documented', side: 'response', operation: 'fetchCustomer', count: 2 })]);
    expect(junit).toMatch(/failures="1"/);
    expect(outputs(folder).drift.observations).toEqual([]);
    for (const text of [proxy.stdout(), proxy.stderr(), JSON.stringify(report), junit]) expect(text).not.toContain('mock-client-secret');
  });

  it('against an upstream departing only at a choice: exits 0, and its drift file configures the mock', async () => {
    const upstream = await listeningMock({ ...CONTRACT_MOCK_CONFIG, clientKey: KEY, clientSecret: SECRET, compat: { timestamps: 'snake_case' } });
    stops.push(() => upstream.close());
    const { proxy, folder } = await startAgainst(upstream.url);
    const response = await fetch(`${proxy.url}/api/v0/customers?take=2`, { headers: credentials });
    expect(response.headers.has('x-contract-violations')).toBe(false);
    proxy.child.kill('SIGINT');
    expect((await proxy.exited).code).toBe(0);

    expect(proxy.stdout()).toMatch(/^drift +GET \/api\/v0\/customers\?take=2 -> 200 {2}\[response.closed-schema\]/m);
    const { report, drift } = outputs(folder);
    expect(report.violations.every((v) => v.provenance === 'choice')).toBe(true);
    const mock = await spawnMockWith(['--compat', join(folder, 'drift.json')]);
    expect(mock.banner).toMatch(/compat: {8}timestamps=snake_case/);
    expect(drift.observations).toEqual([expect.objectContaining({ choice: 'timestamp-keys', compat: { option: 'timestamps', value: 'snake_case' } })]);
  });

  it('refuses a plain http upstream on another machine with exit 2, naming --insecure', async () => {
    const { code, stderr } = await runCli(['proxy', '--upstream', 'http://staging.example.com']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--insecure/);
  });
});
