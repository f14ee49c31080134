import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/options.js';
import type { RunningMock } from '../../src/server.js';
import { CONTRACT_MOCK_CONFIG, CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';
import { listeningMock } from '../support/mock.js';

interface DriftReport {
  format: string;
  profile: string;
  baseUrl: string;
  observations: { choice: string; topic: string; document: string; observed: string; compat?: { option: string; value: string }; detail: string }[];
}

/** What a report says about the deployment; `detail` is evidence (ids, the server's address), not a finding. */
const findings = ({ format, profile, observations }: DriftReport) => ({ format, profile, observations: observations.map(({ detail: _evidence, ...finding }) => finding) });

/**
 * The kit's drift report (#11) and the mock's `--compat FILE` (#12) fit together: a mock started
 * from the report of a deployment behaves, at every choice point the kit observes, as that
 * deployment did.
 */
describe('drift report round trip: kit --drift, then mock --compat FILE', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'drift-round-trip-'));
  const mocks: RunningMock[] = [];
  afterAll(async () => {
    await Promise.all(mocks.map((m) => m.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function driftOf(compat: Record<string, string>, file: string): Promise<DriftReport> {
    const mock = await listeningMock({ ...CONTRACT_MOCK_CONFIG, compat });
    mocks.push(mock);
    const run = await runContractCli(mock.url, { args: ['--allow-writes', '--seed', '11', '--drift', file] });
    expect(run.failed, run.stdout).toEqual([]);
    expect(run.code).toBe(0);
    return JSON.parse(readFileSync(file, 'utf8')) as DriftReport;
  }

  it('a mock started with --compat FILE (the first report) gives the same drift report again', async () => {
    // A deployment as api.yml and the SDK docs describe it, at every choice the kit observes.
    const deployment = { timestamps: 'snake_case', names: 'either', order: 'oldest-first', take: 'requested', 'unknown-fields': 'ignore', delete: 'absent' };
    const first = await driftOf(deployment, join(dir, 'first.json'));
    expect(first.observations.filter((o) => o.compat).map((o) => [o.compat!.option, o.compat!.value])).toEqual(expect.arrayContaining(Object.entries(deployment)));

    const command = parseCommand(['--compat', join(dir, 'first.json')], {});
    if (command.kind !== 'serve') throw new Error(`expected a serve command, got ${command.kind}`);
    // The choices it observed as the document has them come back as their defaults (the id versions).
    expect(command.config.compat).toEqual({ ...deployment, ids: 'any' });
    const second = await driftOf(command.config.compat, join(dir, 'second.json'));

    expect(findings(second)).toEqual(findings(first));
  });
});
