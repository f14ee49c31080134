import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';
import { FAULTS, faultyServer, type Fault } from '../support/faults.js';

/** Which checks caught which fault, for the kill-rate table printed at the end. */
const verdicts: { fault: string; killed: boolean; caughtBy: string }[] = [];

async function runAgainst(fault: Fault | undefined) {
  const server = await faultyServer(fault);
  try {
    // Read-only: none of the faults needs a write to show, and the write lifecycle is proven in kit-against-mock.
    return await runContractCli(server.url);
  } finally {
    await server.close();
  }
}

describe.concurrent('mutation test: the kit fails every injected fault and passes the clean mock', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  afterAll(() => {
    const killed = verdicts.filter((v) => v.killed).length;
    const rows = verdicts.map((v) => `  ${v.killed ? 'killed  ' : 'SURVIVED'} ${v.fault.padEnd(34)} ${v.caughtBy}`);
    console.log(`Mutation test: kill rate ${killed}/${verdicts.length} (${Math.round((killed / Math.max(1, verdicts.length)) * 100)}%)\n${rows.join('\n')}`);
  });

  it('passes the clean mock', async () => {
    const run = await runAgainst(undefined);
    expect(run.failed).toEqual([]);
    expect(run.code).toBe(0);
  });

  it.each(FAULTS.map((f) => [f.name, f] as const))('fails on: %s', async (_name, fault) => {
    const run = await runAgainst(fault);
    const killed = run.code === 1 && run.failed.length > 0;
    verdicts.push({ fault: fault.name, killed, caughtBy: run.failed.slice(0, 2).join(' | ') || run.stdout.slice(-300) });
    expect(run.killed).toBe(false);
    expect(run.failed.length, `${fault.name} (${fault.bug}) survived:\n${run.stdout}`).toBeGreaterThan(0);
    expect(run.code).toBe(1);
  });
});
