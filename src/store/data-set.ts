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
  const customers: Customer[] = [];
  for (const [index, item] of value.entries()) {
    if (passes(check, item, (problem) => problems.push(`${source}: [${index}] ${problem}`))) customers.push(item);
  }
  if (problems.length > 0) throw new InvalidDataSetError(problems);
  // Checked here too, not only by the store, so the error names where the duplicates are.
  const clashes = findClashes(customers).map((problem) => `${source}: ${problem}`);
  if (clashes.length > 0) throw new InvalidDataSetError(clashes);
  return customers.map(inFieldOrder);
}

/** Whether the value is a customer as the document's schema defines one; reports each way it is not. */
export function passes(check: CustomerCheck, value: unknown, report: (problem: string) => void): value is Customer {
  const problems = check(value);
  problems.forEach(report);
  return problems.length === 0;
}
