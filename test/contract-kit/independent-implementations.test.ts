import { afterAll, describe, expect, it } from 'vitest';
import { closeInProcessRunners, CONTRACT_RUN_TIMEOUT_MS, runContractInProcess, type InProcessRun } from '../support/contract-cli.js';
import { BROKEN, CORRECT, startIndependent, type IndependentImplementation } from '../support/independent/servers.js';
import { CREDENTIALS } from '../support/mock.js';
import { describeSurvival, failedRules, judgeRun, killRateTable, MUTATION_SEEDS, type DefectVerdicts } from '../support/rule-verdicts.js';

// Servers of the API written apart from this project (test/support/independent/, importing nothing
// from src/): the kit must catch each broken one in every run, on the rule it breaks, and must
// never fail a correct one.

const verdicts: DefectVerdicts[] = [];
const startedAt = Date.now();

afterAll(closeInProcessRunners);

async function runAgainst(implementation: IndependentImplementation, seed: number): Promise<InProcessRun> {
  const server = await startIndependent(implementation, { clientKey: CREDENTIALS['x-client-key'], clientSecret: CREDENTIALS['x-client-secret'] });
  try {
    return await runContractInProcess(server.url, { args: ['--seed', String(seed), '--allow-writes'] });
  } finally {
    await server.close();
  }
}

describe.concurrent('independent implementations of the API', { timeout: MUTATION_SEEDS.length * CONTRACT_RUN_TIMEOUT_MS }, () => {
  afterAll(() => {
    console.log(killRateTable('Independent implementations', verdicts, MUTATION_SEEDS, Date.now() - startedAt));
  });

  it(`a correct one (${CORRECT.backend}) passes every run: no rule fails under any seed`, async () => {
    for (const seed of MUTATION_SEEDS) {
      const run = await runAgainst(CORRECT, seed);
      expect(failedRules(run.coverage), `seed ${seed}: a false failure\n${run.stdout}`).toEqual([]);
      expect(run.failed, run.stdout).toEqual([]);
      expect(run.code).toBe(0);
    }
  });

  it.each(BROKEN.map((i) => [i.name, i] as const))('%s: fails the rule it breaks in every run', async (_name, implementation) => {
    const runs = [];
    for (const seed of MUTATION_SEEDS) {
      const run = await runAgainst(implementation, seed);
      const known = new Set(run.coverage.rules.map((r) => r.id));
      expect(implementation.breaks.filter((id) => !known.has(id)), 'rules the document does not list').toEqual([]);
      runs.push(judgeRun(seed, implementation.breaks, run.coverage));
      expect(run.code, run.stdout).toBe(1);
    }
    verdicts.push({ name: implementation.name, class: implementation.breaks.join(', '), runs });
    expect(runs.filter((r) => !r.caught).map(describeSurvival), `${implementation.name} (${implementation.backend}) got through`).toEqual([]);
  });
});
