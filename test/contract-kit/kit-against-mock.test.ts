import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../../src/server.js';
import { CONTRACT_MOCK_CONFIG, CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';
import { FAULTS, faultyServer } from '../support/faults.js';
import { PLATFORM_VARIANTS } from '../support/platform-variants.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';
import { documentAsWritten } from '../../src/openapi/index.js';
import { rulesOf } from '../../src/openapi/rules.js';

describe('the contract kit against the mock', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await listeningMock(CONTRACT_MOCK_CONFIG);
  });
  afterAll(() => mock.close());

  it('passes read-only (settings from the environment), sending only reads and refused writes, and never a DELETE; the write rules are not exercised, and say why', async () => {
    const before = mock.store.snapshot();
    const coverage = join(tmpdir(), `contract-coverage-${process.pid}-read-only.json`);
    mock.requestLog.clear();
    try {
      const run = await runContractCli(undefined, {
        args: ['--coverage', coverage],
        credentials: false,
        env: { CONTRACT_BASE_URL: mock.url, CONTRACT_CLIENT_KEY: CREDENTIALS['x-client-key'], CONTRACT_CLIENT_SECRET: CREDENTIALS['x-client-secret'] },
      });
      expect(run.stdout).toContain('Contract PASSED (profile documented');
      expect(run.code).toBe(0);
      expect(run.failed).toEqual([]);
      // The write checks are reported as skipped, with the reason.
      expect(run.skipped.length).toBeGreaterThan(0);
      expect(run.skipped.every((s) => s.includes('pass --allow-writes'))).toBe(true);
      expect(mock.store.snapshot()).toEqual(before);
      const writes = mock.requestLog.list().filter((r) => r.method !== 'GET');
      expect(writes.length).toBeGreaterThan(0);
      // Refused by validation, or (a create with a wrong secret) by authentication.
      expect(writes.filter((r) => r.status !== 400 && r.status !== 401 || r.method === 'DELETE')).toEqual([]);
      // The count it prints is the count the server saw.
      expect(run.requests).toBe(mock.requestLog.list().length);
      const { rules } = JSON.parse(readFileSync(coverage, 'utf8')) as { rules: { id: string; status: string }[] };
      const unexercised = rules.filter((r) => r.status === 'not-exercised').map((r) => r.id);
      expect(unexercised).toEqual(expect.arrayContaining(['write.create.visible-in-views', 'idempotency.replay-identical', 'update.unknown-id']));
      expect(rules.filter((r) => r.status === 'failed')).toEqual([]);
      expect(run.stdout).toMatch(new RegExp(`Rules: \\d+ passed, 0 failed, ${unexercised.length} not exercised`));
      expect(run.stdout).toContain('not exercised  write.create.visible-in-views (documented): read-only run: pass --allow-writes to run the write checks');
      // A documented rule left unexercised fails the run only when coverage is required.
      const required = await runContractCli(mock.url, { args: ['--require-coverage'] });
      expect(required.failed).toEqual([]);
      expect(required.code).toBe(1);
      expect(required.stdout).toMatch(/Coverage FAILED \(--require-coverage\): \d+ documented rule\(s\) not exercised: .*write\.create\.visible-in-views/);
    } finally {
      rmSync(coverage, { force: true });
    }
  });

  it.each(['documented', 'strict'])(
    'passes with --allow-writes and --require-coverage in the %s profile, every documented rule passed, leaves the data as it found it, and writes coverage, JUnit and drift reports',
    async (profile) => {
      const before = mock.store.snapshot();
      const junit = join(tmpdir(), `contract-junit-${process.pid}-${profile}.xml`);
      const drift = join(tmpdir(), `contract-drift-${process.pid}-${profile}.json`);
      const coverage = join(tmpdir(), `contract-coverage-${process.pid}-${profile}.json`);
      mock.requestLog.clear();
      try {
        const run = await runContractCli(mock.url, { args: ['--allow-writes', '--require-coverage', '--profile', profile, '--junit', junit, '--drift', drift, '--coverage', coverage] });
        expect(run.failed, run.stdout).toEqual([]);
        expect(run.code).toBe(0);
        const perRule = JSON.parse(readFileSync(coverage, 'utf8')) as { rules: { id: string; provenance: string; status: string; checks: number }[] };
        const rules = rulesOf(documentAsWritten());
        expect(perRule.rules.map((r) => r.id)).toEqual(rules.map((r) => r.id));
        for (const entry of perRule.rules) expect(Object.keys(entry)).toEqual(['id', 'provenance', 'status', 'checks']);
        expect(perRule.rules.filter((r) => r.provenance === 'documented' && (r.status !== 'passed' || r.checks === 0))).toEqual([]);
        // The documented profile sends a key with every write, so only the strict one probes that it is optional.
        const notPassed = perRule.rules.filter((r) => r.status !== 'passed').map((r) => r.id);
        expect(notPassed).toEqual(profile === 'strict' ? [] : ['idempotency.key-optional']);
        // Within the budget of issue 24: a full run with writes under 1,000 requests.
        expect(run.requests).toBeLessThan(1000);
        expect(mock.store.snapshot()).toEqual(before);
        const methods = new Set(mock.requestLog.list().filter((r) => r.status < 300).map((r) => r.method));
        expect([...methods].sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST']);
        expect(run.stdout).toMatch(new RegExp(`Contract PASSED \\(profile ${profile}, seed \\d+\\): .*; ${run.requests} requests sent in [\\d.]+ s`));
        const xml = readFileSync(junit, 'utf8');
        // One test case per rule of the document.
        expect(xml).toMatch(new RegExp(`<testsuites name="contract \\(profile ${profile}\\)" tests="${rules.length}" failures="0"`));
        for (const rule of rules) expect(xml).toContain(`<testcase classname="rules" name="${rule.id} (${rule.provenance})"`);
        expect(xml).toContain('<property name="choice-observation" value="timestamp key spelling [timestamp-keys]: camelCase, as the document">');
        const report = JSON.parse(readFileSync(drift, 'utf8')) as { format: string; profile: string; observations: { choice: string; observed: string; document: string; compat?: object }[] };
        expect(report).toMatchObject({ format: 'customers-contract-drift/1', profile, baseUrl: mock.url });
        // The mock is the document: every choice point observed as the document has it.
        expect(report.observations.length).toBeGreaterThanOrEqual(10);
        expect(report.observations.filter((o) => o.observed !== o.document)).toEqual([]);
        expect(report.observations.find((o) => o.choice === 'timestamp-keys')).toMatchObject({ observed: 'camelCase', document: 'camelCase' });
        expect(run.requests).toBe(mock.requestLog.list().length);
      } finally {
        rmSync(junit, { force: true });
        rmSync(drift, { force: true });
        rmSync(coverage, { force: true });
      }
    },
  );

  it('replays the same write sequence with the same seed', async () => {
    const sequence = async () => {
      mock.requestLog.clear();
      await runContractCli(mock.url, { args: ['--allow-writes', '--seed', '12345'] });
      return mock.requestLog.list().map((r) => `${r.method} ${r.status}`);
    };
    expect(await sequence()).toEqual(await sequence());
  });

  it('stops at the --max-requests budget: the checks beyond it are skipped with the reason', async () => {
    mock.requestLog.clear();
    const run = await runContractCli(mock.url, { args: ['--max-requests', '20'] });
    expect(run.failed).toEqual([]);
    expect(run.skipped).toContainEqual(expect.stringContaining('the --max-requests budget of 20 requests is spent'));
    expect(run.requests).toBeLessThanOrEqual(20);
    expect(mock.requestLog.list().length).toBe(run.requests);
  });
});

// Each of these brings its own server, so they run side by side.
describe.concurrent('the contract kit against mocks of its own', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  it('cleans up what it created when the write sequence fails, and prints the seed and the shortest failing sequence', async () => {
    const broken = await faultyServer(FAULTS.find((f) => f.name === 'update shown but not stored'));
    try {
      const before = broken.mock.store.snapshot();
      const run = await runContractCli(broken.url, { args: ['--allow-writes', '--seed', '7'] });
      expect(run.code).toBe(1);
      expect(run.failed).toContainEqual(expect.stringContaining('a seeded random sequence'));
      expect(run.stdout).toMatch(/seed 7 \(replay with --seed 7\); shortest failing sequence, after \d+ shrinks:\n\s+.*(update|blacklist|restore|deactivate)\(#\d+/);
      expect(broken.mock.requestLog.list().some((r) => r.method === 'POST' && r.status === 201)).toBe(true);
      expect(broken.mock.store.snapshot()).toEqual(before);
    } finally {
      await broken.close();
    }
  });

  it.each([
    ['the mock', undefined],
    ['a server without DELETE, where it deactivates and lists them instead', PLATFORM_VARIANTS.find((v) => v.name === 'no DELETE')],
  ])('on Ctrl-C mid-run against %s: stops the checks, removes every record it created, exits 130', async (_name, variant) => {
    const server = await faultyServer(variant);
    try {
      const before = server.mock.store.snapshot();
      const kitRecords = () => server.mock.store.snapshot().filter((c) => c.email?.toLowerCase().startsWith('contract-kit+'));
      let liveAtSignal = 0;
      const run = await runContractCli(server.url, {
        args: ['--allow-writes', '--seed', '5'],
        onSpawn: (child) => {
          // Ctrl-C once the write sequence holds records of its own on the server.
          const poll = setInterval(() => {
            liveAtSignal = kitRecords().filter((c) => c.status !== 'DEACTIVATED').length;
            if (liveAtSignal < 2) return;
            clearInterval(poll);
            child.kill('SIGINT');
          }, 2);
          child.on('exit', () => clearInterval(poll));
        },
      });
      expect(liveAtSignal, run.stdout).toBeGreaterThanOrEqual(2);
      expect(run.code, run.stdout + run.stderr).toBe(130);
      expect(run.stdout).toMatch(/Contract INTERRUPTED \(SIGINT\): the checks were stopped; removing the records this run created/);
      expect(run.stdout).not.toContain('NOT removed');
      if (variant === undefined) {
        expect(run.stdout).toMatch(/deleted [1-9]\d* record\(s\)/);
        expect(server.mock.store.snapshot()).toEqual(before);
      } else {
        const left = kitRecords();
        expect(left.length).toBeGreaterThanOrEqual(2);
        for (const customer of left) {
          expect(customer.status).toBe('DEACTIVATED');
          expect(run.stdout).toContain(customer.id);
        }
        expect(run.stdout).toMatch(/DELETE is not routed: deactivated [1-9]\d* record\(s\) instead, left on the server: /);
      }
    } finally {
      await server.close();
    }
  });

  it('waits out 429s as Retry-After asks, retries, and counts the retries', async () => {
    // A correct but busy server: every 8th request is turned away for a second.
    let seen = 0;
    const throttled = await faultyServer({
      inject: (_m, next) => async (request) =>
        ++seen % 8 === 0
          ? Response.json({ statusCode: 429, message: 'Rate limit exceeded', error: 'Too Many Requests', retryAfter: 1 }, { status: 429, headers: { 'retry-after': '1' } })
          : next(request),
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
    const empty = await listeningMock({ ...CONTRACT_MOCK_CONFIG, count: 0 });
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

  it.each([
    [['--profile', 'lenient'], 'unknown --profile "lenient": use documented or strict'],
    [['--seed', '1.5'], '--seed must be a whole number from 0 to 2147483647, got "1.5"'],
    [['--seed', 'abc'], '--seed must be a whole number'],
    [['--max-requests', '5'], '--max-requests 5 is below the 12 requests the first request and one check may need'],
    [['--max-requests', '5', '--allow-writes'], '--max-requests 5 is below the 14 requests the first request and one check may need'],
  ])('refuses %j (exit 2) before sending anything', async (args, message) => {
    const quiet = await listeningMock(CONTRACT_MOCK_CONFIG);
    try {
      const run = await runContractCli(quiet.url, { args });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(quiet.requestLog.list()).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('refuses a run without a base URL (exit 2) before sending anything', async () => {
    const run = await runContractCli(undefined, { env: { CONTRACT_BASE_URL: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--base-url (or CONTRACT_BASE_URL) is required');
  });
});
