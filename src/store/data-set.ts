import { findClashes, inFieldOrder, type Customer } from '../domain/customer.js';
import { InvalidDataSetError } from '../domain/errors.js';

/** Checks one record against the document's Customer schema; returns what is wrong, or nothing. */
export type CustomerCheck = (value: unknown) => string[];

/**
 * A data set as given (parsed from a file, or passed in process): an array of valid customers with
 * no duplicate ids or emails, else an error whose every line names `source`, never an empty store.
 * The customers come back with their fields in the document's order.
 */
export function checkDataSet(value: unknown, check: CustomerCheck, source: string): Customer[] {
  if (!Array.isArray(value)) throw new InvalidDataSetError([`${source} must hold a JSON array of customers`]);
  const problems: string[] = [];
  value.forEach((item, index) => {
    for (const problem of check(item)) problems.push(`${source}: [${index}] ${problem}`);
  });
  if (problems.length > 0) throw new InvalidDataSetError(problems);
  // Checked here too, not only by the store, so the error names where the duplicates are.
  const clashes = findClashes(value as Customer[]).map((problem) => `${source}: ${problem}`);
  if (clashes.length > 0) throw new InvalidDataSetError(clashes);
  return (value as Customer[]).map(inFieldOrder);
}
