import { emailKey, type Customer, type CustomerStatus } from './customer.js';

/**
 * The list endpoint's semantics, as pure functions: what matches a filter, the list order, the
 * page's envelope. This is the one statement of the rules: the store's indexes are an
 * optimisation of it, and property tests hold them to a reference model built from these
 * functions (test/support/reference-list.ts).
 */
export interface CustomerFilter {
  readonly status?: CustomerStatus | undefined;
  /** Case-insensitive partial match on first name, last name or "first last"; empty filters nothing. */
  readonly name?: string | undefined;
  /** Exact, case-insensitive match; empty filters nothing. */
  readonly email?: string | undefined;
}

/**
 * The list rules a real deployment may do otherwise, each one of the document's compat options:
 * `names` (does "first last" match), `order` (newest or oldest first) and `take` (what the
 * envelope's `take` counts). One implementation of each rule takes the value as a parameter.
 */
export interface ListRules {
  readonly names: 'first-last' | 'either';
  readonly order: 'newest-first' | 'oldest-first';
  readonly take: 'returned' | 'requested';
}

/** The document's own choices, the compat defaults (a test holds them to the document). */
export const DOCUMENT_LIST_RULES: ListRules = { names: 'first-last', order: 'newest-first', take: 'returned' };

export interface ListQuery extends CustomerFilter {
  readonly skip: number;
  readonly take: number;
}

/**
 * "first last" contains both names, so one substring test covers the first name, the last name
 * and the full name at once.
 */
export function nameKey(customer: Pick<Customer, 'first_name' | 'last_name'>): string {
  return `${customer.first_name} ${customer.last_name}`.toLowerCase();
}

/** What a name filter looks for inside a `nameKey`. */
export function nameNeedle(name: string): string {
  return name.toLowerCase();
}

/**
 * Whether a `name` or `email` filter filters at all: an empty one does not (the `empty-filters`
 * choice), so `name=` from the TypeScript SDK answers as the Python SDK's omitted filter does.
 */
export function isGiven(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

export function matches(filter: CustomerFilter, customer: Customer, rules: Pick<ListRules, 'names'> = DOCUMENT_LIST_RULES): boolean {
  if (filter.status !== undefined && customer.status !== filter.status) return false;
  if (isGiven(filter.email) && (customer.email === null || emailKey(customer.email) !== emailKey(filter.email))) {
    return false;
  }
  if (isGiven(filter.name) && !nameMatches(customer, filter.name, rules.names)) return false;
  return true;
}

/** A name filter: a partial match in either name, or (`first-last`) also across the space between them. */
export function nameMatches(customer: Pick<Customer, 'first_name' | 'last_name'>, name: string, rule: ListRules['names']): boolean {
  const needle = nameNeedle(name);
  if (rule === 'first-last') return nameKey(customer).includes(needle);
  return customer.first_name.toLowerCase().includes(needle) || customer.last_name.toLowerCase().includes(needle);
}

/**
 * The key lists are sorted by, descending: the creation time in epoch milliseconds, negated when
 * the oldest come first. `id` ascending breaks ties in both orders.
 */
export function orderTime(createdAt: string, order: ListRules['order']): number {
  const time = timestampMs(createdAt);
  return order === 'newest-first' ? time : -time;
}

/**
 * `Date.parse(text)`, read digit by digit when the text has the form the mock writes
 * (`2026-03-20T10:00:00.000Z`): a start from a million customers reads a million, and Date.parse
 * takes several times as long. Any other form, and any field out of its range, goes to Date.parse.
 */
export function timestampMs(text: string): number {
  if (text.length !== 24 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.' || text[23] !== 'Z') {
    return Date.parse(text);
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const millisecond = digitsAt(text, 20, 3);
  // Date.UTC takes years 0-99 as 1900-1999; days past a month's end roll over, as Date.parse's do.
  const inRange = year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && millisecond >= 0;
  return inRange ? Date.UTC(year, month - 1, day, hour, minute, second, millisecond) : Date.parse(text);
}

/** The number the `length` digits at `start` write, or -1 when one of them is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The list order (newest first by default, then `id` ascending): a total order, so pages are stable. */
export function compareListOrder(a: Customer, b: Customer, order: ListRules['order'] = DOCUMENT_LIST_RULES.order): number {
  return compareOrderKeys(orderTime(a.createdAt, order), a.id, orderTime(b.createdAt, order), b.id);
}

export function compareOrderKeys(aTime: number, aId: string, bTime: number, bId: string): number {
  if (aTime !== bTime) return bTime - aTime;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/** Where a page starts and how many records it may hold. */
export interface PageRequest {
  readonly skip: number;
  readonly take: number;
}

/**
 * The list body around a page: `total` is every match, `skip` the offset applied, and `take` the
 * number of records returned (`returned`, the document's choice) or the take applied
 * (`requested`). Every list answer is built by this.
 */
export function listPage<T>(data: T[], total: number, page: PageRequest, takeRule: ListRules['take'] = DOCUMENT_LIST_RULES.take): { data: T[]; total: number; skip: number; take: number } {
  return { data, total, skip: page.skip, take: takeRule === 'returned' ? data.length : page.take };
}

/**
 * `JSON.stringify(listPage(customers, ...))` for a page whose customers are already serialised, in
 * order: the same bytes without serialising the customers again.
 */
export function formatPage(customersJson: string[], total: number, page: PageRequest, takeRule: ListRules['take']): string {
  // The envelope with an empty `data` keeps its place among the keys, where the texts go in.
  const text = JSON.stringify({ ...listPage(customersJson, total, page, takeRule), data: [] });
  const dataEnd = text.indexOf('[]') + 1;
  return `${text.slice(0, dataEnd)}${customersJson.join(',')}${text.slice(dataEnd)}`;
}
