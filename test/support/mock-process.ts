import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const MEMORY_PROBE = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

export interface MockProcess {
  readonly child: ChildProcess;
  /** The URL from the start-up banner. */
  readonly url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** The mock's memory after a full garbage collection (needs `measureMemory`). */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A process of the built CLI, once its banner said where it listens. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything written to stdout and to stderr so far, apart and in the order it came. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly output: () => string;
  readonly exited: Promise<Exit>;
}

/**
 * Starts the built CLI (`dist/cli/main.js`, as users run it) with `args` and waits for its
 * banner's `listening on URL` line (and whatever else `ready` asks of stdout); fails when the
 * process exits first, or says nothing of the kind within 30 s.
 */
export async function spawnBuiltCli(args: readonly string[], options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; ready?: (stdout: string) => boolean } = {}): Promise<CliProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const child = fork(CLI, args, { execArgv: options.execArgv ?? [], env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let [stdout, stderr, output] = ['', '', ''];
  child.stdout!.on('data', (data: Buffer) => ((stdout += data.toString()), (output += data.toString())));
  child.stderr!.on('data', (data: Buffer) => ((stderr += data.toString()), (output += data.toString())));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${output}`)), 30_000);
    const look = () => {
      const found = /listening on (http:\/\/\S+)/.exec(stdout);
      if (!found || (options.ready && !options.ready(stdout))) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(found[1]!);
    };
    child.stdout!.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${args[0] === 'proxy' ? 'the proxy' : 'the mock'} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, output: () => output, exited };
}

/**
 * Starts the mock from the build on a free loopback port and waits for its banner. Faults and
 * soak tests need a process of its own to kill or to measure.
 */
export async function spawnMock(args: readonly string[], options: { measureMemory?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<MockProcess> {
  const { child, url, output, exited } = await spawnBuiltCli(['--port', '0', ...args], {
    execArgv: options.measureMemory ? ['--expose-gc', '--import', MEMORY_PROBE] : [],
    env: options.env,
  });
  return {
    child,
    url,
    output,
    exited,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (message: { memory: NodeJS.MemoryUsage }) => resolve(message.memory));
        child.send('memory');
      }),
  };
}
