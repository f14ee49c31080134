import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { isRunning } from './data-file.js';
import { errorCode } from '../caught-error.js';

/** Another live process holds the state file: two writers would each lose the other's writes. */
export class StateLockedError extends Error {
  constructor(
    readonly stateFile: string,
    readonly holder: number,
  ) {
    super(`${stateFile} is in use by another customers-mock (process ${holder}); a state file is one process's: stop that one, or give this one another --state FILE`);
    this.name = 'StateLockedError';
  }
}

export function lockFileOf(stateFile: string): string {
  return `${stateFile}.lock`;
}

/** How often, and how long apart, a start-up retries while another process is mid-way through taking the lock. */
const ATTEMPTS = 50;
const RETRY_MS = 20;
/** An empty lock is still being written for this long (its creator writes right after creating it). */
const UNWRITTEN_ATTEMPTS = 10;

/**
 * The lock of a state file: `FILE.lock` beside it, holding the pid of the process that owns the
 * state. Created with O_EXCL, so of two processes starting together one gets it; a lock whose
 * process is gone (a kill -9, a crash) is taken over, and `warn` says so.
 */
export class StateLock {
  private released = false;

  private constructor(private readonly path: string) {}

  static async acquire(stateFile: string, warn: (message: string) => void): Promise<StateLock> {
    const path = lockFileOf(stateFile);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (createHoldingPid(path, process.pid)) return new StateLock(path);
      const holder = holderOf(path);
      // Gone: released meanwhile, try again. Empty: its creator has not written its pid yet, or
      // died between creating and writing it; after a while, the second.
      if (holder === 'gone' || (holder === 'unwritten' && attempt < UNWRITTEN_ATTEMPTS)) {
        if (holder === 'unwritten') await pause();
        continue;
      }
      if (holder !== 'unwritten' && isRunning(holder)) throw new StateLockedError(stateFile, holder);
      if (await removeStale(path, holder)) {
        warn(`${stateFile}: took over the lock ${holder === 'unwritten' ? 'an interrupted start left (it names no process)' : `left by process ${holder}, which is no longer running`}`);
      }
    }
    throw new Error(`${stateFile}: could not take its lock ${path} after ${ATTEMPTS} attempts (other processes keep taking and releasing it)`);
  }

  /** Gives the state up for another process. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.path, { force: true });
  }
}

/** Creates the lock holding `pid`; false when it exists. */
function createHoldingPid(path: string, pid: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The pid the lock names; 'unwritten' when it is empty, 'gone' when there is none. */
function holderOf(path: string): number | 'unwritten' | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  const pid = Number(text);
  return Number.isInteger(pid) && pid > 0 ? pid : 'unwritten';
}

/**
 * Removes a lock whose holder is dead, unless another starting process got there first. Two
 * processes that both saw the dead pid must not both remove "the stale lock": the second would
 * remove the first's new one. So the removal happens under a second O_EXCL file, and only while
 * the lock still names the dead pid. True when this process removed it.
 */
async function removeStale(path: string, dead: number | 'unwritten'): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!createHoldingPid(guard, process.pid)) {
    const guardHolder = holderOf(guard);
    // A taker that died inside these few lines leaves its guard: the next start clears it.
    if (typeof guardHolder === 'number' && !isRunning(guardHolder)) rmSync(guard, { force: true });
    await pause();
    return false;
  }
  try {
    if (holderOf(path) !== dead) return false;
    rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function pause(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RETRY_MS));
}
