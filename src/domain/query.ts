import { emailKey, type Customer, type CustomerList, type CustomerStatus } from './customer.js';

/**
 * The list endpoint's semantics, as pure functions over plain arrays. This is the one statement
 * of the rules: the store's indexes are an optimisation of it, and property tests hold them to it.
 */
export interface CustomerFilter {
  readonly status?: CustomerStatus | undefined;
  /** Case-insensitive partial match on first name, last name or "first last". */
  readonly name?: string | undefined;
  /** Exact, case-insensitive match. */
  readonly email?: string | undefined;
}

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

export function matches(filter: CustomerFilter, customer: Customer): boolean {
  if (filter.status !== undefined && customer.status !== filter.status) return false;
  if (filter.email !== undefined && (customer.email === null || emailKey(customer.email) !== emailKey(filter.email))) {
    return false;
  }
  if (filter.name !== undefined && !nameKey(customer).includes(nameNeedle(filter.name))) return false;
  return true;
}

/** Newest first (`createdAt` descending), then `id` ascending: a total order, so pages are stable. */
export function compareListOrder(a: Customer, b: Customer): number {
  return compareOrderKeys(Date.parse(a.createdAt), a.id, Date.parse(b.createdAt), b.id);
}

export function compareOrderKeys(aTime: number, aId: string, bTime: number, bId: string): number {
  if (aTime !== bTime) return bTime - aTime;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/**
 * The list body around a page: `total` is every match, `skip` the offset applied, and `take` the
 * number of records returned (not the number asked for). Every list answer is built by this.
 */
export function listPage<T>(data: T[], total: number, skip: number): { data: T[]; total: number; skip: number; take: number } {
  return { data, total, skip, take: data.length };
}

/** The page of an already ordered, already filtered sequence. */
export function paginate(ordered: readonly Customer[], skip: number, take: number): CustomerList {
  return listPage(ordered.slice(skip, skip + take), ordered.length, skip);
}

/**
 * `JSON.stringify(paginate(...))` for a page whose customers are already serialised, in order:
 * the same bytes without serialising the customers again.
 */
export function formatPage(customersJson: string[], total: number, skip: number): string {
  // The envelope with an empty `data` keeps its place among the keys, where the texts go in.
  const text = JSON.stringify({ ...listPage(customersJson, total, skip), data: [] });
  const dataEnd = text.indexOf('[]') + 1;
  return `${text.slice(0, dataEnd)}${customersJson.join(',')}${text.slice(dataEnd)}`;
}

/** The reference implementation of the list endpoint: filter, order, page. */
export function listCustomers(customers: readonly Customer[], query: ListQuery): CustomerList {
  const matching = customers.filter((c) => matches(query, c)).sort(compareListOrder);
  return paginate(matching, query.skip, query.take);
}
