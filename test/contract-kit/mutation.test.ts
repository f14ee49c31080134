import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeInProcessRunners, CONTRACT_RUN_TIMEOUT_MS, runContractInProcess, type InProcessRun } from '../support/contract-cli.js';
import { FAULTS, faultyServer, type Fault } from '../support/faults.js';
import { VARIANT_SERVERS, type PlatformVariant } from '../support/platform-variants.js';
import { describeSurvival, failedRules, judgeRun, killRateTable, MUTATION_SEEDS, seedsFor, type DefectVerdicts } from '../support/rule-verdicts.js';

/** Each fault's verdicts, for the kill-rate table printed at the end. */
const verdicts: DefectVerdicts[] = [];
const variantVerdicts: { variant: string; documented: string; strict: string }[] = [];
let startedAt = 0;

afterAll(closeInProcessRunners);

async function runAgainst(fault: Pick<Fault, 'inject'> | undefined, seed: number, args: readonly string[]): Promise<InProcessRun> {
  const server = await faultyServer(fault);
  try {
    return await runContractInProcess(server.url, { args: ['--seed', String(seed), ...args] });
  } finally {
    await server.close();
  }
}

// Faults run side by side: each brings its own server, and most of a run's time is start-up.
describe.concurrent('mutation test: under every seed, a check of the rule each fault breaks fails, and the clean mock fails none', { timeout: MUTATION_SEEDS.length * CONTRACT_RUN_TIMEOUT_MS }, () => {
  beforeAll(() => {
    startedAt = Date.now();
  });
  afterAll(() => {
    const inCatalogueOrder = FAULTS.flatMap((f) => verdicts.filter((v) => v.name === f.name));
    console.log(killRateTable('Mutation test', inCatalogueOrder, MUTATION_SEEDS, Date.now() - startedAt));
  });

  it('passes the clean mock with writes under every seed, failing no rule', async () => {
    for (const seed of MUTATION_SEEDS) {
      const run = await runAgainst(undefined, seed, ['--allow-writes']);
      expect(failedRules(run.coverage), `seed ${seed}\n${run.stdout}`).toEqual([]);
      expect(run.failed, run.stdout).toEqual([]);
      expect(run.code).toBe(0);
    }
  });

  it('a read-only run is the same run under any seed: same rules reached, same checks, same requests', async () => {
    const [a, b] = [await runAgainst(undefined, MUTATION_SEEDS[0], []), await runAgainst(undefined, MUTATION_SEEDS[2], [])];
    // The clock's part, not the seed's: a run in which the rate-limit window turns compares one
    // response fewer with the one before it, and its window probe sends up to three more requests.
    const seedOnly = (run: InProcessRun) => run.coverage.rules.map((rule) => (rule.id === 'rate-limit.window' ? { ...rule, checks: 'depends on the clock' } : rule));
    expect(seedOnly(b)).toEqual(seedOnly(a));
    expect([b.passed, b.skipped]).toEqual([a.passed, a.skipped]);
    expect(Math.abs(b.requests! - a.requests!)).toBeLessThanOrEqual(3);
  });

  it.each(FAULTS.map((f) => [f.name, f] as const))('%s', async (_name, fault) => {
    const runs = [];
    for (const seed of seedsFor(fault)) {
      const run = await runAgainst(fault, seed, fault.writes ? ['--allow-writes'] : []);
      const verdict = judgeRun(seed, fault.breaks, run.coverage);
      // A rule that failed fails the run.
      if (verdict.caught) expect(run.code, run.stdout).toBe(1);
      runs.push(verdict);
    }
    verdicts.push({ name: fault.name, class: fault.class, runs });
    expect(runs.filter((r) => !r.caught).map(describeSurvival), `${fault.name} (${fault.bug}) survived; it breaks ${fault.breaks.join(', ')}`).toEqual([]);
  });
});

describe.concurrent('platform variants: servers that follow api.yml at choice points', { timeout: 2 * CONTRACT_RUN_TIMEOUT_MS }, () => {
  afterAll(() => {
    console.log(`Platform variants (default profile / strict profile):\n${variantVerdicts.map((v) => `  ${v.variant.padEnd(36)} ${v.documented.padEnd(8)} ${v.strict}`).join('\n')}`);
  });

  it.each(VARIANT_SERVERS.map((v) => [v.name, v] as const))('%s: passes the default profile, fails strict where it departs', async (_name, variant: PlatformVariant) => {
    const [seed] = MUTATION_SEEDS;
    const documented = await runAgainst(variant, seed, ['--allow-writes']);
    const strict = await runAgainst(variant, seed, ['--allow-writes', '--profile', 'strict']);
    variantVerdicts.push({ variant: variant.name, documented: documented.code === 0 ? 'passes' : 'FAILS', strict: strict.code === 1 ? `fails: ${strict.failed.length} checks` : 'PASSES' });
    expect(failedRules(documented.coverage, 'documented'), documented.stdout).toEqual([]);
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
