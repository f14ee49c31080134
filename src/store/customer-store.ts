import type { Clock } from '../domain/clock.js';
import {
  applyUpdate,
  emailKey,
  idKey,
  findingClashes,
  newCustomer,
  type CreateCustomerInput,
  type Customer,
  type CustomerStatus,
  type UpdateCustomerInput,
} from '../domain/customer.js';
import { CustomerLimitError, CustomerNotFoundError, EmailTakenError, InvalidDataSetError } from '../domain/errors.js';
import { DOCUMENT_SPELLING, type CustomerWire } from '../domain/customer-wire.js';
import { DOCUMENT_LIST_RULES, formatPage, isGiven, matches, orderTime, type ListQuery, type ListRules } from '../domain/query.js';
import { JsonCache } from './json-cache.js';
import { NameIndex } from './name-index.js';
import { compareEntries, OrderedEntries, type Entry } from './ordered-entries.js';
import { ITEMS_PER_YIELD, runAll, sortInSlices, type SlicedWork } from '../domain/slices.js';

export interface StoreOptions {
  readonly clock: Clock;
  /** The application every created customer belongs to. */
  readonly appId: string;
  readonly newId?: () => string;
  /** How many customers' JSON text to keep for answering pages (default 10,000, about 4 MB). */
  readonly servedJsonCapacity?: number;
  /** Customers it may hold at most (a sandbox's limit); no limit when absent. */
  readonly capacity?: number;
  /** The list rules of the compat options in force (default: the document's own). */
  readonly rules?: ListRules;
  /** How customers are spelt in responses (default: the document's own spelling). */
  readonly wire?: CustomerWire;
}

/** A write the store made, as the journal records it. */
export type StoreChange =
  | { readonly kind: 'put'; readonly customer: Customer }
  | { readonly kind: 'delete'; readonly customer: Customer }
  | { readonly kind: 'replace'; readonly customers: readonly Customer[] };

/**
 * Told of every write, with how to take it back (the latest not yet taken back, when its record
 * cannot be written); listeners are not told of a write taken back: for them it never happened.
 */
export type ChangeListener = (change: StoreChange, takeBack: () => void) => void;

/** Enough for every page of a 10,000-customer data set; ~4 MB. */
const SERVED_JSON_CAPACITY = 10_000;
/** Distinct pages whose whole body is kept between writes (a few MB at most). */
const PAGE_BODY_CAPACITY = 256;

/**
 * Every index the store answers from. A replace builds a new set aside, in slices when it is large,
 * and swaps it in whole: readers see the old customers or the new, never a mix, and taking the
 * replace back is swapping the old set in again.
 */
class CustomerIndexes {
  readonly byId = new Map<string, Entry>();
  readonly byEmail = new Map<string, Entry>();
  readonly all = new OrderedEntries();
  readonly byStatus = new Map<CustomerStatus, OrderedEntries>();
  readonly names: NameIndex;

  constructor(nameRule: ListRules['names']) {
    this.names = new NameIndex(nameRule);
  }

  statusIndex(status: CustomerStatus): OrderedEntries {
    let index = this.byStatus.get(status);
    if (!index) {
      index = new OrderedEntries();
      this.byStatus.set(status, index);
    }
    return index;
  }
}

/**
 * The customers and their indexes. Every read answers exactly what the list semantics of
 * `domain/query` (filter with `matches`, order, page) give over the same customers; every write
 * keeps all indexes in step and either happens whole or not at all.
 */
export class CustomerStore {
  private indexes: CustomerIndexes;
  private readonly served: JsonCache;
  readonly rules: ListRules;
  readonly wire: CustomerWire;
  /** Whole response bodies by query, since the last write: clients and load tests repeat requests. */
  private readonly pageBodies = new Map<string, string>();
  private readonly listeners = new Set<ChangeListener>();
  private readonly newId: () => string;
  private readonly capacity: number;

  constructor(private readonly options: StoreOptions) {
    // The global Web Crypto (Node and browsers alike), so the store runs in a browser too.
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    this.rules = options.rules ?? DOCUMENT_LIST_RULES;
    this.wire = options.wire ?? DOCUMENT_SPELLING;
    this.indexes = new CustomerIndexes(this.rules.names);
    this.served = new JsonCache(options.servedJsonCapacity ?? SERVED_JSON_CAPACITY, this.wire);
  }

  get size(): number {
    return this.indexes.byId.size;
  }

  get appId(): string {
    return this.options.appId;
  }

  /** Replaces every customer at once; rejects, changing nothing, a set with clashing ids or emails. */
  replaceAll(customers: readonly Customer[]): void {
    runAll(this.replacing(customers, { checked: false, sliced: false }));
  }

  /**
   * `replaceAll` for a set already known to have no clashing ids or emails (checked when it was
   * read, generated so, or written by the mock with checksums that hold): at a million customers
   * the check costs seconds of a start-up or a reset.
   */
  replaceAllChecked(customers: readonly Customer[]): void {
    runAll(this.replacing(customers, { checked: true, sliced: false }));
  }

  /**
   * Replacing every customer, as work (see slices.ts): the new indexes are built aside, yielding
   * every few dozen customers when `sliced` (a server's reset, replace or new sandbox, so other
   * tenants are answered meanwhile), and swapped in at the end, when the listeners are told. Reads
   * and writes in between act on the customers before; the replace supersedes them. Refused,
   * changing nothing, past the store's capacity or (unless `checked`) with clashing ids or emails.
   */
  *replacing(customers: readonly Customer[], { checked, sliced }: { readonly checked: boolean; readonly sliced: boolean }): SlicedWork<void> {
    if (customers.length > this.capacity) throw new CustomerLimitError(this.capacity);
    const problems = checked ? [] : yield* findingClashes(customers);
    if (problems.length > 0) throw new InvalidDataSetError(problems);
    const previous = this.indexes;
    this.indexes = yield* this.indexing(customers, sliced);
    this.served.clear();
    this.changed({ kind: 'replace', customers }, () => {
      this.indexes = previous;
      this.served.clear();
    });
  }

  /** Indexes of the customers, as work that yields every few dozen customers when `sliced`. */
  private *indexing(customers: readonly Customer[], sliced: boolean): SlicedWork<CustomerIndexes> {
    const indexes = new CustomerIndexes(this.rules.names);
    // As few passes over the customers as can be: at a million, each costs a cache miss per customer.
    const entries: Entry[] = [];
    const nameGroupOf = indexes.names.adder();
    for (let i = 0; i < customers.length; i++) {
      const customer = customers[i]!;
      const entry = this.entryOf(customer, nameGroupOf(customer));
      entries.push(entry);
      indexes.byId.set(idKey(customer.id), entry);
      if (customer.email !== null) indexes.byEmail.set(emailKey(customer.email), entry);
      if (sliced && i % ITEMS_PER_YIELD === 0) yield;
    }
    yield* sortInSlices(entries, compareEntries, sliced);
    yield* indexes.all.filling(entries, sliced);
    // Taken from the sorted whole, each status list is already in order.
    const perStatus = new Map<CustomerStatus, Entry[]>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const list = perStatus.get(entry.customer.status);
      if (list) list.push(entry);
      else perStatus.set(entry.customer.status, [entry]);
      if (sliced && i % ITEMS_PER_YIELD === 0) yield;
    }
    for (const [status, list] of perStatus) yield* indexes.statusIndex(status).filling(list, sliced);
    return indexes;
  }

  get(id: string): Customer | undefined {
    return this.indexes.byId.get(idKey(id))?.customer;
  }

  /**
   * The list answer to `query`, as JSON text: the page, `total` and the envelope (see `listPage`),
   * from kept JSON where it is kept. It is what the list endpoint sends, byte for byte.
   */
  listJson(query: ListQuery): string {
    const key = JSON.stringify([query.skip, query.take, query.status, query.name, query.email]);
    let body = this.pageBodies.get(key);
    if (body === undefined) {
      const { entries, total } = this.page(query);
      body = formatPage(entries.map((entry) => this.served.of(entry)), total, query, this.rules.take);
      if (this.pageBodies.size >= PAGE_BODY_CAPACITY) this.pageBodies.clear();
      this.pageBodies.set(key, body);
    }
    return body;
  }

  create(input: CreateCustomerInput): Customer {
    if (this.size >= this.capacity) throw new CustomerLimitError(this.capacity);
    if (input.email !== undefined) this.assertEmailFree(input.email, undefined);
    const customer = newCustomer(input, {
      id: this.newId(),
      appId: this.options.appId,
      now: new Date(this.options.clock.now()),
    });
    const entry = this.entryOf(customer);
    this.insert(entry);
    this.changed({ kind: 'put', customer }, () => this.remove(entry));
    return customer;
  }

  update(id: string, patch: UpdateCustomerInput): Customer {
    const current = this.indexes.byId.get(idKey(id));
    if (!current) throw new CustomerNotFoundError(id);
    if (patch.email !== undefined) this.assertEmailFree(patch.email, current.customer.id);
    const updated = this.entryOf(applyUpdate(current.customer, patch, new Date(this.options.clock.now())));
    this.remove(current);
    this.insert(updated);
    this.changed({ kind: 'put', customer: updated.customer }, () => {
      this.remove(updated);
      this.insert(this.entryOf(current.customer));
    });
    return updated.customer;
  }

  delete(id: string): { customer: Customer; deletedAt: Date } {
    const current = this.indexes.byId.get(idKey(id));
    if (!current) throw new CustomerNotFoundError(id);
    this.remove(current);
    this.changed({ kind: 'delete', customer: current.customer }, () => this.insert(this.entryOf(current.customer)));
    return { customer: current.customer, deletedAt: new Date(this.options.clock.now()) };
  }

  /** Every customer, in list order, copied out (at a million, a pass over them). */
  customers(): Customer[] {
    return this.indexes.all.customers();
  }

  /** Called after every successful write, with the change and how to take it back. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The entries of the page and the number of all matches, from whichever index answers fastest. */
  private page(query: ListQuery): { entries: Entry[]; total: number } {
    const { skip, take } = query;
    const { byEmail, all, byStatus, names } = this.indexes;
    if (isGiven(query.email)) {
      const entry = byEmail.get(emailKey(query.email));
      const found = entry && matches(query, entry.customer, this.rules) ? [entry] : [];
      return { entries: found.slice(skip, skip + take), total: found.length };
    }
    const base = query.status === undefined ? all : (byStatus.get(query.status) ?? new OrderedEntries());
    if (!isGiven(query.name)) return { entries: base.slice(skip, skip + take), total: base.length };
    // The name index counts the matches; the order index only has to find the page.
    const { matched, total } = names.search(query.name, query.status);
    return { entries: base.pageOfGroups(matched, total, skip, take), total };
  }

  /**
   * Registers the customer's name (unless `nameGroup` says where `NameIndex.adder` counted it); the
   * entry must then be inserted, or its group released.
   */
  private entryOf(customer: Customer, nameGroup = this.indexes.names.add(customer)): Entry {
    return { customer, time: orderTime(customer.createdAt, this.rules.order), nameGroup };
  }

  private assertEmailFree(email: string, ownerId: string | undefined): void {
    const holder = this.indexes.byEmail.get(emailKey(email));
    if (holder && holder.customer.id !== ownerId) throw new EmailTakenError(email);
  }

  private insert(entry: Entry): void {
    const { customer } = entry;
    const indexes = this.indexes;
    indexes.byId.set(idKey(customer.id), entry);
    if (customer.email !== null) indexes.byEmail.set(emailKey(customer.email), entry);
    indexes.all.insert(entry);
    indexes.statusIndex(customer.status).insert(entry);
  }

  private remove(entry: Entry): void {
    const { customer } = entry;
    const indexes = this.indexes;
    indexes.byId.delete(idKey(customer.id));
    if (customer.email !== null) indexes.byEmail.delete(emailKey(customer.email));
    indexes.all.remove(entry);
    indexes.statusIndex(customer.status).remove(entry);
    indexes.names.remove(entry.nameGroup, customer.status);
  }

  /** Tells the listeners; whatever the change, a kept page may now be wrong. */
  private changed(change: StoreChange, takeBack: () => void): void {
    this.pageBodies.clear();
    for (const listener of this.listeners) {
      listener(change, () => {
        takeBack();
        this.pageBodies.clear();
      });
    }
  }
}
