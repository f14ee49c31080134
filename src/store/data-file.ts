import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { asError, errorCode } from '../caught-error.js';
import type { Customer } from '../domain/customer.js';
import { InvalidDataSetError } from '../domain/errors.js';
import { checkDataSet, type CustomerCheck } from './data-set.js';

export type { CustomerCheck } from './data-set.js';

/**
 * Reads a data set (a JSON array of customers, as `generate` writes and the state file keeps).
 * A file that is unreadable, not JSON, not customers or holding duplicate ids or emails is an error
 * naming the file, never an empty store.
 */
export function readDataSet(path: string, check: CustomerCheck): Customer[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidDataSetError([`cannot read ${path}: ${asError(error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidDataSetError([`${path} is not valid JSON (${asError(error).message})`]);
  }
  return checkDataSet(parsed, check, path);
}

export function formatDataSet(customers: readonly Customer[], pretty: boolean): string {
  return `${JSON.stringify(customers, null, pretty ? 2 : undefined)}\n`;
}

/** The sibling a snapshot is written to before it is renamed over the state file. */
export function temporaryFileOf(path: string, pid: number): string {
  return `${path}.${pid}.tmp`;
}

/**
 * Removes the temporary siblings that a process killed between writing and renaming left behind
 * (they hold no state the file lacks: the rename never happened): `path`'s own, and those of the
 * files named after it (a new journal's, `path.journal.N.<pid>.tmp`). A live process's are kept.
 */
export function removeAbandonedTemporaryFiles(path: string): void {
  const folder = dirname(path);
  const pattern = new RegExp(`^${escapeRegExp(basename(path))}\\.(?:[\\w.]+\\.)?(\\d+)\\.tmp$`);
  for (const name of readdirSync(folder)) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (Number.isInteger(pid) && !isRunning(pid)) rmSync(join(folder, name), { force: true });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether process `pid` is alive (on this machine): what tells an abandoned file from a live process's. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
}
