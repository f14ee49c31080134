import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaseSequencer, TestSpecification } from 'vitest/node';
import { writePreflightJUnit } from './junit.js';
import { preflight, type PreflightFinding } from './preflight.js';
import { ContractReporter, runPassed, type RunSummary } from './reporter.js';
import type { ContractSettings } from './settings.js';

/** The package root: the suite's files live in its `contract-tests/` folder. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The suite file whose checks change data; every other file only reads. */
const WRITES_FILE = /writes\.contract\.ts$/;

/**
 * Runs the write lifecycle after every read check, so a read check never sees the suite's own
 * customer come and go (totals would move under it).
 */
function writesLastSequencer(Base: typeof BaseSequencer): typeof BaseSequencer {
  return class WritesLastSequencer extends Base {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      return [...sorted.filter((f) => !WRITES_FILE.test(f.moduleId)), ...sorted.filter((f) => WRITES_FILE.test(f.moduleId))];
    }
  };
}

export interface RunOptions {
  /**
   * Also write a JUnit XML report here. A relative path is taken from the working directory, never
   * from the package's folder (where vitest, rooted there, would put it).
   */
  readonly junitFile?: string;
  readonly out?: NodeJS.WritableStream;
}

export interface ContractRunResult extends RunSummary {
  readonly ok: boolean;
  /** Set when the preflight found a cause that would fail every check, and no check ran. */
  readonly preflight: PreflightFinding | undefined;
}

/**
 * Runs the contract suite (vitest tests in `contract-tests/`) against the server in `settings`,
 * through vitest's Node API, and returns what it came to. A preflight request comes first: when
 * the whole run would fail for one cause, that cause is reported in one headline instead.
 */
export async function runContractSuite(settings: ContractSettings, options: RunOptions = {}): Promise<ContractRunResult> {
  const out = options.out ?? process.stdout;
  const junitFile = options.junitFile === undefined ? undefined : resolve(options.junitFile);
  const checked = await preflight(settings);
  if (checked.finding) {
    out.write(`Contract FAILED before any check: ${checked.finding.headline}\n  preflight: ${checked.finding.evidence}\n`);
    if (junitFile) writePreflightJUnit(junitFile, checked.finding);
    return { passed: 0, failed: 0, skipped: 0, errors: 1, requests: checked.requests, ok: false, preflight: checked.finding };
  }
  // Loaded only now: vitest takes a second to import, and a failed preflight should not wait for it.
  const { BaseSequencer, startVitest } = await import('vitest/node');
  const reporter = new ContractReporter(out, checked.requests);
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
      provide: { contract: settings },
      reporters: junitFile ? [reporter, ['junit', { outputFile: junitFile, suiteName: 'contract' }]] : [reporter],
      testTimeout,
      hookTimeout: testTimeout,
      // One worker, files one after another: the run is bound by start-up rather than by its few
      // dozen requests, the write lifecycle (sorted last) never overlaps a read check, and the
      // server sees one client at a time.
      pool: 'threads',
      maxWorkers: 1,
      sequence: { sequencer: writesLastSequencer(BaseSequencer) },
    },
    { logLevel: 'error' },
  );
  await vitest.close();
  return { ...reporter.summary, ok: runPassed(reporter.summary), preflight: undefined };
}
