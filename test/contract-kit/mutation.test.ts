import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_RUN_TIMEOUT_MS, runContractInProcess, type ContractRun } from '../support/contract-cli.js';
import { FAULTS, faultyServer, type Fault } from '../support/faults.js';
import { VARIANT_SERVERS, type PlatformVariant } from '../support/platform-variants.js';

/** Which checks caught which fault, for the kill-rate table printed at the end. */
const verdicts: { fault: string; killed: boolean; caughtBy: string }[] = [];
const variantVerdicts: { variant: string; documented: string; strict: string }[] = [];

/** A fixed seed, so a survivor is replayed exactly with `--seed 1`. */
const SEED = ['--seed', '1'];

async function runAgainst(fault: Pick<Fault, 'inject'> | undefined, args: readonly string[]): Promise<ContractRun> {
  const server = await faultyServer(fault);
  try {
    return await runContractInProcess(server.url, { args: [...SEED, ...args] });
  } finally {
    await server.close();
  }
}

// Runs side by side: each brings its own server, and most of a run's time is start-up.
describe.concurrent('mutation test: the default profile fails every injected fault and passes the clean mock', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  afterAll(() => {
    const killed = verdicts.filter((v) => v.killed).length;
    const rows = verdicts.map((v) => `  ${v.killed ? 'killed  ' : 'SURVIVED'} ${v.fault.padEnd(44)} ${v.caughtBy}`);
    console.log(`Mutation test: kill rate ${killed}/${verdicts.length} (${Math.round((killed / Math.max(1, verdicts.length)) * 100)}%)\n${rows.join('\n')}`);
  });

  it('passes the clean mock with writes', async () => {
    const run = await runAgainst(undefined, ['--allow-writes']);
    expect(run.failed, run.stdout).toEqual([]);
    expect(run.code).toBe(0);
  });

  it.each(FAULTS.map((f) => [f.name, f] as const))('fails on: %s', async (_name, fault) => {
    const run = await runAgainst(fault, fault.writes ? ['--allow-writes'] : []);
    const killed = run.code === 1 && run.failed.length > 0;
    verdicts.push({ fault: fault.name, killed, caughtBy: run.failed.slice(0, 2).join(' | ') || run.stdout.slice(-300) });
    expect(run.killed).toBe(false);
    expect(run.failed.length, `${fault.name} (${fault.bug}) survived:\n${run.stdout}`).toBeGreaterThan(0);
    expect(run.code).toBe(1);
  });
});

describe.concurrent('platform variants: servers that follow api.yml at choice points', { timeout: 2 * CONTRACT_RUN_TIMEOUT_MS }, () => {
  afterAll(() => {
    console.log(`Platform variants (default profile / strict profile):\n${variantVerdicts.map((v) => `  ${v.variant.padEnd(36)} ${v.documented.padEnd(8)} ${v.strict}`).join('\n')}`);
  });

  it.each(VARIANT_SERVERS.map((v) => [v.name, v] as const))('%s: passes the default profile, fails strict where it departs', async (_name, variant: PlatformVariant) => {
    const documented = await runAgainst(variant, ['--allow-writes']);
    const strict = await runAgainst(variant, ['--allow-writes', '--profile', 'strict']);
    variantVerdicts.push({ variant: variant.name, documented: documented.code === 0 ? 'passes' : 'FAILS', strict: strict.code === 1 ? `fails: ${strict.failed.length} checks` : 'PASSES' });
    expect(documented.failed, documented.stdout).toEqual([]);
    expect(documented.code).toBe(0);
    // The drift report names what the variant does differently.
    expect(documented.stdout).toMatch(/Choice points \(drift report\): \d+ observed, [1-9]\d* differ/);
    expect(strict.code).toBe(1);
    // Strict fails at each choice it departs from (and where a response schema is closed, on
    // every check that reads such a response).
    for (const departure of variant.departs) expect(strict.failed, strict.stdout).toContainEqual(expect.stringMatching(departure));
  });
});
