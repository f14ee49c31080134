import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { findClashes, type Customer } from '../domain/customer.js';
import { InvalidDataSetError } from '../domain/errors.js';

/** Checks one record against the document's Customer schema; returns what is wrong, or nothing. */
export type CustomerCheck = (value: unknown) => string[];

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
    throw new InvalidDataSetError([`cannot read ${path}: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidDataSetError([`${path} is not valid JSON (${(error as Error).message})`]);
  }
  if (!Array.isArray(parsed)) throw new InvalidDataSetError([`${path} must hold a JSON array of customers`]);
  const problems: string[] = [];
  parsed.forEach((item, index) => {
    for (const problem of check(item)) problems.push(`${path}: [${index}] ${problem}`);
  });
  if (problems.length > 0) throw new InvalidDataSetError(problems);
  // Checked here too, not only by the store, so the error names the file the duplicates are in.
  const clashes = findClashes(parsed as Customer[]).map((problem) => `${path}: ${problem}`);
  if (clashes.length > 0) throw new InvalidDataSetError(clashes);
  return parsed as Customer[];
}

export function formatDataSet(customers: readonly Customer[], pretty: boolean): string {
  return `${JSON.stringify(customers, null, pretty ? 2 : undefined)}\n`;
}

/**
 * Replaces the file in one step: write a sibling, flush it to disk, rename over the target, flush
 * the folder. A crash at any point leaves either the old file or the new one, never a torn one.
 */
export function writeFileAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  const folder = openSync(dirname(path), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}
