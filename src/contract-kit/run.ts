import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { BaseSequencer, TestSpecification, Vitest } from 'vitest/node';
import { createClient } from '../client/index.js';
import { documentAsWritten } from '../openapi/index.js';
import { rulesOf } from '../openapi/rules.js';
import { noneExercised } from './coverage.js';
import { writePreflightJUnit, writeRulesJUnit } from './junit.js';
import { interruptChannel, kitClientOptions } from './kit.js';
import { newRunTag, sweepRun, type Sweep } from './own-records.js';
import { preflight, type PreflightFinding } from './preflight.js';
import { ContractReporter, runPassed, type RunReporter, type RunSummary } from './reporter.js';
import type { ContractSettings, RunContext } from './settings.js';

/** The package root: the suite's files live in its `contract-tests/` folder. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Suite files whose checks change data (`writes*.contract.ts`); every other file only reads. */
const WRITES_FILE = /\/writes[^/]*\.contract\.ts$/;

/**
 * Files in the order of their names, so that a seed replays the same requests (vitest's own order
 * follows the durations it cached from earlier runs), with the write checks after every read
 * check, so a read check never sees the suite's own customers come and go (totals would move under it).
 */
function writesLastSequencer(Base: typeof BaseSequencer): typeof BaseSequencer {
  return class WritesLastSequencer extends Base {
    override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = [...files].sort((a, b) => (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
      return Promise.resolve([...sorted.filter((f) => !WRITES_FILE.test(f.moduleId)), ...sorted.filter((f) => WRITES_FILE.test(f.moduleId))]);
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
  /** Set when a signal (Ctrl-C) stopped the checks: which one, and what became of the run's records. */
  readonly interrupted: { readonly signal: NodeJS.Signals; readonly sweep: Sweep } | undefined;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** Marks the signal handlers of contract runs, so that runs side by side in one process keep each other's. */
const RUN_HANDLER = Symbol('contract run signal handler');

/**
 * Ctrl-C (SIGINT) or SIGTERM during the checks stops them: the kit in the worker is told to send
 * nothing more, so the remaining checks end at once as not run, and then the runner removes the run's
 * records before the process ends. Vitest registers handlers of its own for both signals that end
 * the process at once, records left behind; while the run lasts, any such handler is taken off as
 * it is added.
 */
function interruptible(runTag: string) {
  let signal: NodeJS.Signals | undefined;
  let repeat: NodeJS.Timeout | undefined;
  const channel = interruptChannel(runTag);
  const stop = Object.assign(
    (received: NodeJS.Signals): void => {
      if (signal) return;
      signal = received;
      // Again and again: a kit still starting up in the worker only hears what is sent after it listens.
      channel.postMessage(received);
      repeat = setInterval(() => channel.postMessage(received), 100).unref();
    },
    { [RUN_HANDLER]: true },
  );
  const isStopSignal = (event: string | symbol): event is (typeof STOP_SIGNALS)[number] => (STOP_SIGNALS as readonly (string | symbol)[]).includes(event);
  const takeOff = (event: string | symbol, listener: (...args: unknown[]) => void): void => {
    // Called before the listener is added: take it off once it is there.
    if (isStopSignal(event) && !(RUN_HANDLER in listener)) queueMicrotask(() => process.off(event, listener));
  };
  process.on('newListener', takeOff);
  for (const name of STOP_SIGNALS) process.on(name, stop);
  return {
    signal: () => signal,
    release: () => {
      process.off('newListener', takeOff);
      for (const name of STOP_SIGNALS) process.off(name, stop);
      clearInterval(repeat);
      channel.close();
    },
  };
}

/**
 * Runs the contract suite against one server after another, one run at a time, until it is
 * closed. The vitest instance that runs the checks is made by the first run and kept for the next
 * (its configuration, module graph and compiled suite files are reused: a second of start-up
 * saved per run); each run still gets a worker of its own, so nothing a check holds outlives its run.
 */
export interface ContractRunner {
  run(settings: ContractSettings, options?: RunOptions): Promise<ContractRunResult>;
  close(): Promise<void>;
}

export function createContractRunner(): ContractRunner {
  const checks = new ChecksSession();
  return {
    run: (settings, options = {}) => runContract(checks, settings, options),
    close: () => checks.close(),
  };
}

/**
 * Runs the contract suite (vitest tests in `contract-tests/`) once against the server in
 * `settings`, through vitest's Node API, and returns what it came to. A preflight request comes
 * first: when the whole run would fail for one cause, that cause is reported in one headline instead.
 */
export async function runContractSuite(settings: ContractSettings, options: RunOptions = {}): Promise<ContractRunResult> {
  const runner = createContractRunner();
  try {
    return await runner.run(settings, options);
  } finally {
    await runner.close();
  }
}

async function runContract(checks: ChecksSession, settings: ContractSettings, options: RunOptions): Promise<ContractRunResult> {
  const startedAt = Date.now();
  const out = options.out ?? process.stdout;
  const junitFile = options.junitFile === undefined ? undefined : resolve(options.junitFile);
  const tag = newRunTag();
  const rules = rulesOf(documentAsWritten());
  const interrupts = interruptible(tag);
  const checked = await preflight(settings).catch((error: unknown) => {
    interrupts.release();
    throw error;
  });
  if (checked.finding) {
    interrupts.release();
    out.write(`Contract FAILED before any check: ${checked.finding.headline}\n  preflight: ${checked.finding.evidence}\n`);
    if (junitFile) writePreflightJUnit(junitFile, checked.finding, settings.profile);
    const coverage = noneExercised(rules, `the preflight stopped the run: ${checked.finding.headline}`);
    return { passed: 0, failed: 0, skipped: 0, errors: 1, requests: checked.requests, observations: [], coverage, ruleFailures: new Map(), otherFailures: [], ok: false, preflight: checked.finding, interrupted: undefined };
  }
  const label = { profile: settings.profile, seed: settings.seed, startedAt, rules, maxRequests: settings.maxRequests, interruptedBy: interrupts.signal };
  const reporter = new ContractReporter(label, out, checked.requests);
  // The reporter's closing line says when a signal stopped the checks; one before them has no report.
  if (!interrupts.signal()) await checks.run(settings, { tag, requestsBefore: checked.requests }, reporter).finally(interrupts.release);
  else {
    interrupts.release();
    out.write(`Contract INTERRUPTED (${interrupts.signal()}) before any check\n`);
  }
  if (junitFile) {
    // One case per rule; a rule no check reached before an interruption is skipped, never failed.
    const summary = reporter.summary.coverage.length > 0 ? reporter.summary : { ...reporter.summary, coverage: noneExercised(rules, `the run was interrupted (${interrupts.signal()}) before any check`) };
    writeRulesJUnit(junitFile, summary, settings.profile, (Date.now() - startedAt) / 1000);
  }
  const signal = interrupts.signal();
  if (signal) {
    out.write(`Removing the records this run created (tag ${tag}):\n`);
    let requests = 0;
    const sweep = await sweepRun(createClient(kitClientOptions(settings, () => requests++)), tag);
    out.write(`${describeSweep(sweep)}\n`);
    return { ...reporter.summary, requests: reporter.summary.requests + requests, ok: false, preflight: undefined, interrupted: { signal, sweep } };
  }
  return { ...reporter.summary, ok: runPassed(reporter.summary), preflight: undefined, interrupted: undefined };
}

/**
 * The checks (vitest tests in `contract-tests/`), run through vitest's Node API: one vitest
 * instance for run after run, each run's settings provided to it and its results sent to the
 * run's own reporter.
 */
class ChecksSession {
  private vitest: Vitest | undefined;
  /** The test timeout the instance was configured with: a run that needs another gets a new instance. */
  private testTimeout = 0;
  /** The reporter of the run going on, which the instance's one reporter hands every event to. */
  private reporter: ContractReporter | undefined;

  async run(settings: ContractSettings, run: RunContext, reporter: ContractReporter): Promise<void> {
    if (this.reporter) throw new Error('A contract runner makes one run at a time');
    this.reporter = reporter;
    try {
      // A check may wait out a rate-limit window (up to a minute) between its requests.
      const testTimeout = 3 * 60_000 + 4 * settings.timeoutMs;
      if (this.vitest && this.testTimeout !== testTimeout) await this.close();
      this.vitest ??= await this.create(testTimeout);
      this.vitest.provide('contract', settings);
      this.vitest.provide('contractRun', run);
      await startRun(this.vitest);
    } finally {
      this.reporter = undefined;
    }
  }

  async close(): Promise<void> {
    const { vitest } = this;
    this.vitest = undefined;
    await vitest?.close();
  }

  private async create(testTimeout: number): Promise<Vitest> {
    // Loaded only now: vitest takes a second to import, and a failed preflight should not wait for it.
    const { BaseSequencer, createVitest } = await import('vitest/node');
    const current = (): RunReporter => {
      if (!this.reporter) throw new Error('vitest reported outside a contract run');
      return this.reporter;
    };
    const toCurrentRun: RunReporter = {
      onTestCaseResult: (...args) => current().onTestCaseResult(...args),
      onUserConsoleLog: (...args) => current().onUserConsoleLog(...args),
      onTestRunEnd: (...args) => current().onTestRunEnd(...args),
    };
    // What vitest's own startVitest sets before it makes an instance; the checks' worker inherits it.
    process.env.TEST = 'true';
    process.env.VITEST = 'true';
    process.env.NODE_ENV ??= 'test';
    this.testTimeout = testTimeout;
    return createVitest(
      'test',
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
        reporters: [toCurrentRun],
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
      // The report is the ContractReporter's, on `out`; vitest's own notes (its JUnit reporter's
      // "JUNIT report written to", which the CLI says once) would interleave with it. Errors still go to stderr.
      { stdout: new Writable({ write: (_chunk, _encoding, done) => done() }) },
    );
  }
}

/**
 * Runs every suite file once. An error of vitest's own (not a check's) is printed and leaves the
 * run to its report, as vitest's startVitest does with it.
 */
async function startRun(vitest: Vitest): Promise<void> {
  const { TestsNotFoundError } = await import('vitest/node');
  try {
    await vitest.start();
  } catch (error) {
    if (error instanceof TestsNotFoundError) return;
    process.exitCode = 1;
    vitest.logger.printError(error, { fullStack: true, type: 'Unhandled Error' });
  }
}

function describeSweep(sweep: Sweep): string {
  const lines = [`  deleted ${sweep.deleted.length} record(s)`];
  if (sweep.deactivated.length > 0) lines.push(`  DELETE is not routed: deactivated ${sweep.deactivated.length} record(s) instead, left on the server: ${sweep.deactivated.join(', ')}`);
  if (sweep.leftovers.length > 0) lines.push(`  NOT removed: ${sweep.leftovers.join(', ')}`);
  return lines.join('\n');
}
