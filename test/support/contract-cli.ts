import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseContractCommand } from '../../src/cli/contract-options.js';
import { coverageJson } from '../../src/contract-kit/coverage.js';
import { createContractRunner, type ContractRunner } from '../../src/contract-kit/run.js';
import { CREDENTIALS } from './mock.js';
import type { CoverageReport } from './rule-verdicts.js';

const CLI = fileURLToPath(new URL('../../dist/cli/contract.js', import.meta.url));

/**
 * The mock as docs/qa/contract-kit.md starts it for kit runs: a rate limit high enough that a full
 * run never waits for a window.
 */
export const CONTRACT_MOCK_CONFIG = { rateLimit: 100_000 } as const;

/** Test timeout of a test that runs the CLI: past its kill limit, with room for a loaded machine. */
export const CONTRACT_RUN_TIMEOUT_MS = 250_000;

export interface ContractRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The check names from the progress lines, by outcome. */
  readonly passed: readonly string[];
  readonly failed: readonly string[];
  readonly skipped: readonly string[];
  /** From the closing summary line; undefined when the run never got there. */
  readonly requests: number | undefined;
  /** True when the helper had to kill a run that went past its limit. */
  readonly killed: boolean;
}

export interface ContractRunOptions {
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  /** The run is killed past this, and the test sees `killed`. */
  readonly limitMs?: number;
  /** Credentials go in as flags unless false (then the caller passes them, e.g. by env). */
  readonly credentials?: boolean;
  /** The working directory of the run; the test's own by default. */
  readonly cwd?: string;
  /** Handed the running CLI, e.g. to send it a signal mid-run. */
  readonly onSpawn?: (child: ChildProcess) => void;
}

/** Runs the built `customers-contract` CLI, as CI would, and collects what it printed. */
export function runContractCli(baseUrl: string | undefined, options: ContractRunOptions = {}): Promise<ContractRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const args = [CLI, ...(baseUrl === undefined ? [] : ['--base-url', baseUrl])];
  if (options.credentials !== false) args.push('--client-key', CREDENTIALS['x-client-key'], '--client-secret', CREDENTIALS['x-client-secret']);
  args.push(...(options.args ?? []));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    options.onSpawn?.(child);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.limitMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ...progressOf(stdout), killed });
    });
  });
}

/** The checks by outcome, from the progress lines, and the request count of the closing summary. */
function progressOf(stdout: string): Pick<ContractRun, 'passed' | 'failed' | 'skipped' | 'requests'> {
  const lines = (marker: string) => stdout.split('\n').filter((l) => l.startsWith(`  ${marker}  `)).map((l) => l.slice(8));
  const summary = /; (\d+) requests sent/.exec(stdout);
  return { passed: lines('pass'), failed: lines('FAIL'), skipped: lines('skip'), requests: summary ? Number(summary[1]) : undefined };
}

/** A run made inside this process, with its coverage report. */
export interface InProcessRun extends Omit<ContractRun, 'killed'> {
  /** Every rule of the document with what the run made of it: the JSON `--coverage FILE` writes. */
  readonly coverage: CoverageReport;
}

/** Runners of in-process runs, each kept between its runs, one for each run going on at once. */
const idleRunners: ContractRunner[] = [];

/**
 * The run the CLI makes with these flags, made inside this process: for the mutation test, which
 * makes dozens, each of which would otherwise spend most of its time starting node and loading
 * vitest. The CLI itself (exit codes, stderr, files) is tested through runContractCli. A file
 * that makes in-process runs calls `closeInProcessRunners` when it is done.
 */
export async function runContractInProcess(baseUrl: string, options: Pick<ContractRunOptions, 'args'> = {}): Promise<InProcessRun> {
  const command = parseContractCommand(['--base-url', baseUrl, '--client-key', CREDENTIALS['x-client-key'], '--client-secret', CREDENTIALS['x-client-secret'], ...(options.args ?? [])], {});
  if (command.kind !== 'run') throw new Error(`not a run: ${(options.args ?? []).join(' ')}`);
  let stdout = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stdout += chunk.toString();
      done();
    },
  });
  const exitCode = process.exitCode;
  const runner = idleRunners.pop() ?? createContractRunner();
  try {
    const result = await runner.run(command.settings, { out });
    return { code: result.ok ? 0 : 1, stdout, stderr: '', ...progressOf(stdout), coverage: coverageJson(result.coverage) };
  } finally {
    idleRunners.push(runner);
    // Vitest sets the exit code of the process it runs in when a check fails; this process's is its own tests'.
    process.exitCode = exitCode;
  }
}

/** Closes the runners that in-process runs kept (their vitest instances). */
export async function closeInProcessRunners(): Promise<void> {
  await Promise.all(idleRunners.splice(0).map((runner) => runner.close()));
}
