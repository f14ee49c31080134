import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_RUN_TIMEOUT_MS, runContractCli, type ContractRun } from '../support/contract-cli.js';
import { freePort } from '../support/free-port.js';

const PRISM = fileURLToPath(new URL('../../node_modules/@stoplight/prism-cli/dist/index.js', import.meta.url));
const SPEC = fileURLToPath(new URL('../../openapi/customers.yaml', import.meta.url));

/** Polls until Prism answers, for at most `limitMs`. */
async function waitForPrism(url: string, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Prism did not start within ${limitMs} ms`);
}

/**
 * Prism serves our document statelessly: it checks requests against the schemas and answers with
 * the document's examples. A kit that judged only shapes would pass it; ours must fail it on
 * behaviour while its shape checks pass.
 */
describe('the contract kit against Prism serving our document', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  let prism: ChildProcess;
  let run: ContractRun;

  beforeAll(async () => {
    const port = await freePort();
    prism = spawn(process.execPath, [PRISM, 'mock', SPEC, '-p', String(port), '-h', '127.0.0.1'], { stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    await waitForPrism(url, 45_000);
    run = await runContractCli(url, { limitMs: 90_000 });
    const summary = run.stdout.split('\n').find((l) => /^Contract (PASSED|FAILED)/.test(l)) ?? '(no summary)';
    console.log(`What the contract kit reports against Prism: ${summary}\n${run.failed.map((name) => `  kit failed Prism on: ${name}`).join('\n')}`);
  }, CONTRACT_RUN_TIMEOUT_MS);

  afterAll(() => {
    prism?.kill();
  });

  it('fails the run', () => {
    expect(run.killed).toBe(false);
    expect(run.code).toBe(1);
  });

  it('fails it on semantics: filters, paging, unknown ids and credentials it cannot check', () => {
    expect(run.failed).toEqual(
      expect.arrayContaining([
        'status filter > status=ACTIVE: only customers with it, and its total is the records over all its pages',
        'email filter: exact, case-insensitive > an email in changed case finds exactly that customer',
        'email filter: exact, case-insensitive > a fragment of an email does not match',
        expect.stringMatching(/a name fragment no listed customer has returns only records that match it$/),
        'pagination: both sides of every bound > without skip and take: the first 10 records',
        'pagination: both sides of every bound > take=100 (a bound of take) is accepted and honoured',
        'paging: totals, completeness, order > total is the same on every page, and the pages hold every record once',
        'pagination: both sides of every bound > skip past the end (skip has no maximum) gives an empty page with the true total',
        'fetch by id > an unknown UUID -> 404',
        expect.stringMatching(/list with a wrong x-client-secret -> 401/),
      ]),
    );
  });

  it('passes it on shapes: its responses match the schemas, and it rejects what the schemas reject; what fails there is the rate-limit headers', () => {
    // Prism answers an error with the headers its response declares, and the document declares the
    // rate-limit headers only on successes: the rule that every response carries them is prose.
    const failures = run.stdout.split('\n\n').filter((block) => block.startsWith('FAIL '));
    const failureOf = (name: string) => failures.find((block) => block.split('\n')[0]!.endsWith(name));
    for (const name of ['a list without x-client-key', 'a list without x-client-secret', 'take=101 -> 400 naming the parameter', 'take=0 -> 400 naming the parameter', 'an id that is not a UUID -> 400']) {
      const failure = failureOf(name);
      if (failure) expect([...failure.matchAll(/^ +rule: +(\S+)$/gm)].map((m) => m[1]), failure).toEqual(['rate-limit.headers']);
      else expect(run.passed).toContainEqual(expect.stringMatching(new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)));
    }
    // Its bodies match the schemas: what the kit reports on shape is the rate-limit headers (Prism
    // makes up a reset time of 0, no current window), and Prism's own error body for malformed JSON.
    const shape = failures.filter((block) => /^ +rule: +response\./m.test(block));
    for (const block of shape) expect(block.includes('create with a body that is not JSON -> 400'), block).toBe(true);
    expect(run.stdout).toMatch(/^ +failed +rate-limit\.headers \(documented\)$/m);
  });
});
