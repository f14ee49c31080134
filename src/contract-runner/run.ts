import { fileURLToPath } from 'node:url';
import { BaseSequencer, startVitest, type TestSpecification } from 'vitest/node';
import { ContractReporter, runPassed, type RunSummary } from './reporter.js';
import type { ContractSettings } from './settings.js';

/** The package root: the suite's files live in its `contract-tests/` folder. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Suite files whose checks change data (`writes*.contract.ts`); every other file only reads. */
const WRITES_FILE = /\/writes[^/]*\.contract\.ts$/;

/**
 * Runs the write lifecycle after every read check, so a read check never sees the suite's own
 * customer come and go (totals would move under it).
 */
class WritesLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => !WRITES_FILE.test(f.moduleId)), ...sorted.filter((f) => WRITES_FILE.test(f.moduleId))];
  }
}

export interface RunOptions {
  /** Also write a JUnit XML report here. */
  readonly junitFile?: string;
  readonly out?: NodeJS.WritableStream;
}

/**
 * Runs the contract suite (vitest tests in `contract-tests/`) against the server in `settings`,
 * through vitest's Node API, and returns what it came to.
 */
export async function runContractSuite(settings: ContractSettings, options: RunOptions = {}): Promise<RunSummary & { ok: boolean }> {
  const reporter = new ContractReporter({ profile: settings.profile, seed: settings.seed, startedAt: Date.now() }, options.out);
  // A check may wait out a rate-limit window (up to a minute) between its requests.
  const testTimeout = 3 * 60_000 + 4 * settings.timeoutMs;
  const vitest = await startVitest(
    'test',
    [],
    {
      root: PACKAGE_ROOT,
      config: false,
      watch: false,
      include: ['contract-tests/**/*.contract.ts'],
      setupFiles: ['contract-tests/setup.ts'],
      // Files share one module cache, so the document's validators are compiled once, not per file.
      isolate: false,
      // The kit's own modules are compiled JavaScript: Node loads them as they are, instead of
      // Vite transforming each one again on every run.
      server: { deps: { external: [/\/dist\//] } },
      provide: { contract: settings },
      reporters: options.junitFile ? [reporter, ['junit', { outputFile: options.junitFile, suiteName: `contract (profile ${settings.profile})` }]] : [reporter],
      testTimeout,
      hookTimeout: testTimeout,
      // One worker, files one after another: the run is bound by start-up rather than by its few
      // dozen requests, the write lifecycle (sorted last) never overlaps a read check, and the
      // server sees one client at a time.
      pool: 'threads',
      maxWorkers: 1,
      sequence: { sequencer: WritesLastSequencer },
    },
    { logLevel: 'error' },
  );
  await vitest.close();
  return { ...reporter.summary, ok: runPassed(reporter.summary) };
}
