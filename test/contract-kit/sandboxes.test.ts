import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inSandbox, SandboxUnavailableError } from '../../src/contract-kit/sandbox.js';
import { DEFAULT_CLOCK_TOLERANCE_MS, DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_MS, type ContractSettings } from '../../src/contract-kit/settings.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { CONTRACT_MOCK_CONFIG, CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';

const RUNS = 8;

describe('the contract kit with --sandbox', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  let mock: ListeningMock;
  let settings: ContractSettings;
  beforeAll(async () => {
    // The kit checks the rate-limit headers, so the limit is on: each sandbox counts in a window of its own.
    mock = await listeningMock(CONTRACT_MOCK_CONFIG);
    settings = {
      baseUrl: mock.url,
      clientKey: CREDENTIALS['x-client-key'],
      clientSecret: CREDENTIALS['x-client-secret'],
      allowWrites: true,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      maxPages: DEFAULT_MAX_PAGES,
      profile: 'documented',
      seed: 1,
      maxRequests: undefined,
      exclusive: false,
      clockToleranceMs: DEFAULT_CLOCK_TOLERANCE_MS,
    };
  });
  afterAll(() => mock.close());

  const sandboxes = async () => (await fetch(`${mock.url}/__admin/sandboxes`, { headers: CREDENTIALS }).then((res) => res.json())) as { sandboxes: unknown[] };

  it(`passes ${RUNS} runs with --allow-writes at once against one mock, each in a sandbox it deletes, the main data set untouched`, async () => {
    const before = mock.store.customers();
    mock.requestLog.clear();
    const runs = await Promise.all(Array.from({ length: RUNS }, () => runContractCli(mock.url, { args: ['--allow-writes', '--sandbox'] })));
    for (const run of runs) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('Contract PASSED');
      expect(run.failed).toEqual([]);
    }
    const created = runs.map((run) => /^Sandbox (\S+) created/m.exec(run.stdout)?.[1]);
    expect(new Set(created).size).toBe(RUNS);
    for (const [index, run] of runs.entries()) expect(run.stdout).toContain(`Sandbox ${created[index]} deleted`);
    expect((await sandboxes()).sandboxes).toEqual([]);
    expect(mock.store.customers()).toEqual(before);
    // Not one of their requests was the mock's own: its log shows only their deliberately bad credentials, refused.
    expect(mock.requestLog.list().length).toBeGreaterThan(0);
    expect(new Set(mock.requestLog.list().map((entry) => entry.status))).toEqual(new Set([401]));
  });

  it('deletes its sandbox when the run throws, and passes the error on', async () => {
    let inside: ContractSettings | undefined;
    const failure = new Error('the run broke');
    await expect(
      inSandbox(
        settings,
        async (sandboxed) => {
          inside = sandboxed;
          expect((await sandboxes()).sandboxes).toHaveLength(1);
          throw failure;
        },
        new PassThrough(),
      ),
    ).rejects.toBe(failure);
    expect(inside?.clientKey).not.toBe(settings.clientKey);
    expect((await sandboxes()).sandboxes).toEqual([]);
    const refused = await fetch(`${mock.url}/api/v0/customers`, { headers: { 'x-client-key': inside!.clientKey, 'x-client-secret': inside!.clientSecret } });
    expect(refused.status).toBe(401);
  });

  it("stops before any check, naming the cause, when the credentials are not the mock's own", async () => {
    const run = await runContractCli(mock.url, { credentials: false, args: ['--sandbox', '--client-key', 'nobody', '--client-secret', 'nothing'] });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--sandbox: could not create a sandbox on http:\/\/127\.0\.0\.1:\d+: .*401.*sandboxes are created with the mock's own --client-key/);
    expect(run.passed).toEqual([]);
    await expect(inSandbox({ ...settings, baseUrl: `${mock.url}/nothing-here` }, () => Promise.resolve(), new PassThrough())).rejects.toThrow(
      new SandboxUnavailableError(`--sandbox: could not create a sandbox on ${mock.url}/nothing-here: the server offers no /__admin/sandboxes (only customers-mock has them)`),
    );
  });
});
