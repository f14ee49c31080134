import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../../src/server.js';
import { CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';
import { FAULTS, faultyServer } from '../support/faults.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';

describe('the contract kit against the mock', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await listeningMock();
  });
  afterAll(() => mock.close());

  it('passes read-only (settings from the environment), sending only reads and rejected writes', async () => {
    const before = mock.store.snapshot();
    mock.requestLog.clear();
    const run = await runContractCli(undefined, {
      credentials: false,
      env: { CONTRACT_BASE_URL: mock.url, CONTRACT_CLIENT_KEY: CREDENTIALS['x-client-key'], CONTRACT_CLIENT_SECRET: CREDENTIALS['x-client-secret'] },
    });
    expect(run.stdout).toContain('Contract PASSED');
    expect(run.code).toBe(0);
    expect(run.failed).toEqual([]);
    // The write lifecycle is reported as skipped, with the reason.
    expect(run.skipped.length).toBeGreaterThan(0);
    expect(run.skipped.every((s) => s.includes('pass --allow-writes'))).toBe(true);
    expect(mock.store.snapshot()).toEqual(before);
    const writes = mock.requestLog.list().filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((r) => r.status === 400)).toBe(true);
    // The count it prints is the count the server saw.
    expect(run.requests).toBe(mock.requestLog.list().length);
  });

  it('passes with --allow-writes, leaves the data as it found it, and writes a JUnit report', async () => {
    const before = mock.store.snapshot();
    const junit = join(tmpdir(), `contract-junit-${process.pid}.xml`);
    mock.requestLog.clear();
    try {
      const run = await runContractCli(mock.url, { args: ['--allow-writes', '--junit', junit] });
      expect(run.code).toBe(0);
      expect(run.skipped).toEqual([]);
      expect(mock.store.snapshot()).toEqual(before);
      const methods = new Set(mock.requestLog.list().filter((r) => r.status < 300).map((r) => r.method));
      expect([...methods].sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST']);
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toMatch(/<testsuites name="contract" tests="\d+" failures="0"/);
      expect(run.requests).toBe(mock.requestLog.list().length);
    } finally {
      rmSync(junit, { force: true });
    }
  });
});

// Each of these brings its own server, so they run side by side.
describe.concurrent('the contract kit against mocks of its own', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  it('cleans up what it created even when the write lifecycle fails midway', async () => {
    // The create response comes back malformed, so the kit never learns the id from it.
    const broken = await faultyServer(FAULTS.find((f) => f.name === 'renamed field'));
    try {
      const before = broken.mock.store.snapshot();
      const run = await runContractCli(broken.url, { args: ['--allow-writes'] });
      expect(run.code).toBe(1);
      expect(run.failed).toContain('write lifecycle (only with --allow-writes; always cleaned up) > create -> 201 with the server-set fields');
      expect(broken.mock.requestLog.list().some((r) => r.method === 'POST' && r.status === 201)).toBe(true);
      expect(broken.mock.store.snapshot()).toEqual(before);
    } finally {
      await broken.close();
    }
  });

  it('waits out 429s as Retry-After asks, retries, and counts the retries', async () => {
    // A correct but busy server: every 8th request is turned away for a second.
    let seen = 0;
    const throttled = await faultyServer({
      inject: (m) => async (request) =>
        ++seen % 8 === 0
          ? Response.json({ statusCode: 429, message: 'Rate limit exceeded', error: 'Too Many Requests', retryAfter: 1 }, { status: 429, headers: { 'retry-after': '1' } })
          : m.app.fetch(request),
    });
    try {
      const run = await runContractCli(throttled.url);
      expect(run.failed).toEqual([]);
      expect(run.code).toBe(0);
      const answered = throttled.mock.requestLog.list().length;
      expect(run.requests).toBe(seen);
      expect(seen - answered).toBe(Math.floor(seen / 8));
    } finally {
      await throttled.close();
    }
  });

  it('reports the checks it cannot make on an empty server as skipped, with the reason, and passes the rest', async () => {
    const empty = await listeningMock({ count: 0 });
    try {
      const run = await runContractCli(empty.url);
      expect(run.code).toBe(0);
      expect(run.failed).toEqual([]);
      expect(run.skipped.filter((s) => !s.includes('--allow-writes'))).toEqual(
        expect.arrayContaining([expect.stringMatching(/fetched as listed: the server has no customers/), expect.stringMatching(/in changed case, finds the customer: no customer/)]),
      );
    } finally {
      await empty.close();
    }
  });

  it('refuses a run without a base URL (exit 2) before sending anything', async () => {
    const run = await runContractCli(undefined, { env: { CONTRACT_BASE_URL: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--base-url (or CONTRACT_BASE_URL) is required');
  });
});
