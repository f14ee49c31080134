import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A server process the bench started, with what it takes to measure and stop it. */
export interface Started {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Milliseconds from spawn to the line saying it listens. */
  readonly startMs: number;
}

const running = new Set<ChildProcess>();

/** Stops every process still running; safe to call from any exit path, more than once. */
export function stopAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

// Whatever ends the bench (Ctrl-C, a failure, a normal exit), nothing it started outlives it.
process.once('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    stopAll();
    process.stderr.write(`\nbench: ${signal}, stopped every server it started\n`);
    process.exit(130);
  });
}

/** A free loopback port (asked of the OS, then released for the server to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node args...` and resolves once its output matches `ready` (whose first group, if any,
 * is the URL), or at once without `ready`; rejects if it exits first or takes longer than `timeoutMs`.
 */
export function startServer(name: string, args: readonly string[], ready: RegExp | undefined, fallbackUrl: string, timeoutMs: number): Promise<Started> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      // Stopping cannot fail; the start has failed already, whenever the child is gone.
      void stop(child);
      reject(new Error(`${error.message}\n${output.slice(-2000)}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready ? ready.exec(output) : [];
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.stderr.off('data', onData);
      // Keep draining, so a chatty server never blocks on a full pipe.
      child.stdout.resume();
      child.stderr.resume();
      resolve({ name, url: match[1] ?? fallbackUrl, child, startMs: performance.now() - started });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${signal ?? code}) before it was ready`)));
    if (!ready) onData(Buffer.alloc(0));
  });
}

/** Stops one server and waits for it to be gone. */
export function stop(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resident and peak resident memory of a process, in bytes (Linux /proc; undefined elsewhere). */
export function memoryOf(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process has used so far, in microseconds (Linux /proc, user + system; undefined
 * elsewhere). /proc counts in USER_HZ ticks, 100 a second on Linux whatever the kernel's own rate.
 * `main thread`: the JavaScript thread alone, without the garbage collector's helper threads.
 */
export function cpuTimeOf(pid: number | undefined, scope: 'process' | 'main thread' = 'process'): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(scope === 'process' ? `/proc/${pid}/stat` : `/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}
