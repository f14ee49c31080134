import type { Clock } from '../domain/clock.js';
import {
  applyUpdate,
  emailKey,
  idKey,
  findClashes,
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
import { ITEMS_PER_YIELD, runAll, runInSlices, sortInSlices, type SlicedWork } from '../domain/slices.js';

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

/** A write the store made, with what it takes to take it back. */
export type StoreChange =
  | { readonly kind: 'put'; readonly customer: Customer; readonly previous: Customer | undefined }
  | { readonly kind: 'delete'; readonly customer: Customer }
  | { readonly kind: 'replace'; readonly customers: readonly Customer[]; readonly previous: readonly Customer[] };

export type ChangeListener = (change: StoreChange) => void;

/** Enough for every page of a 10,000-customer data set; ~4 MB. */
const SERVED_JSON_CAPACITY = 10_000;
/** Distinct pages whose whole body is kept between writes (a few MB at most). */
const PAGE_BODY_CAPACITY = 256;

/**
 * The customers and their indexes. Every read answers exactly what the list semantics of
 * `domain/query` (filter with `matches`, order, page) give over the same customers; every write
 * keeps all indexes in step and either happens whole or not at all.
 */
export class CustomerStore {
  private readonly byId = new Map<string, Entry>();
  private readonly byEmail = new Map<string, Entry>();
  private readonly all = new OrderedEntries();
  private readonly byStatus = new Map<CustomerStatus, OrderedEntries>();
  private readonly names: NameIndex;
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
    this.names = new NameIndex(this.rules.names);
    this.served = new JsonCache(options.servedJsonCapacity ?? SERVED_JSON_CAPACITY, this.wire);
  }

  get size(): number {
    return this.byId.size;
  }

  get appId(): string {
    return this.options.appId;
  }

  /** Replaces every customer at once; rejects, changing nothing, a set with clashing ids or emails. */
  replaceAll(customers: readonly Customer[]): void {
    const problems = findClashes(customers);
    if (problems.length > 0) throw new InvalidDataSetError(problems);
    this.replaceAllChecked(customers);
  }

  /**
   * Fills a store nobody reads yet (a sandbox being made) in slices of a few milliseconds, so that
   * other tenants are answered meanwhile; `checked` as for `replaceAllChecked`. Its listeners are
   * not told: the store's creator tells of it as a whole.
   */
  async fillInSlices(customers: readonly Customer[], checked: boolean): Promise<void> {
    if (customers.length > this.capacity) throw new CustomerLimitError(this.capacity);
    const problems = checked ? [] : await runInSlices(findingClashes(customers));
    if (problems.length > 0) throw new InvalidDataSetError(problems);
    await runInSlices(this.loading(customers, true));
  }

  /**
   * `replaceAll` for a set already known to have no clashing ids or emails (checked when it was
   * read, generated so, or written by the mock with checksums that hold): at a million customers
   * the check costs seconds of a start-up or a reset.
   */
  replaceAllChecked(customers: readonly Customer[]): void {
    if (customers.length > this.capacity) throw new CustomerLimitError(this.capacity);
    const previous = this.listeners.size > 0 ? this.customers() : [];
    this.load(customers);
    this.changed({ kind: 'replace', customers, previous });
  }

  /**
   * Takes back a change (the latest not yet taken back) that could not be made durable. Listeners
   * are not told: for them it never happened.
   */
  revert(change: StoreChange): void {
    switch (change.kind) {
      case 'put':
        this.remove(this.byId.get(idKey(change.customer.id))!);
        if (change.previous) this.insert(this.entryOf(change.previous));
        break;
      case 'delete':
        this.insert(this.entryOf(change.customer));
        break;
      case 'replace':
        this.load(change.previous);
        break;
    }
    this.pageBodies.clear();
  }

  private load(customers: readonly Customer[]): void {
    runAll(this.loading(customers, false));
  }

  /** Loading the customers in place of the store's, as work that yields every few hundred customers (when `sliced`). */
  private *loading(customers: readonly Customer[], sliced: boolean): SlicedWork<void> {
    this.byId.clear();
    this.byEmail.clear();
    this.byStatus.clear();
    this.names.clear();
    this.served.clear();
    // As few passes over the customers as can be: at a million, each costs a cache miss per customer.
    const entries: Entry[] = [];
    const nameGroupOf = this.names.adder();
    for (let i = 0; i < customers.length; i++) {
      const customer = customers[i]!;
      const entry = this.entryOf(customer, nameGroupOf(customer));
      entries.push(entry);
      this.byId.set(idKey(customer.id), entry);
      if (customer.email !== null) this.byEmail.set(emailKey(customer.email), entry);
      if (sliced && i % ITEMS_PER_YIELD === 0) yield;
    }
    yield* sortInSlices(entries, compareEntries, sliced);
    yield* this.all.filling(entries, sliced);
    // Taken from the sorted whole, each status list is already in order.
    const perStatus = new Map<CustomerStatus, Entry[]>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const list = perStatus.get(entry.customer.status);
      if (list) list.push(entry);
      else perStatus.set(entry.customer.status, [entry]);
      if (sliced && i % ITEMS_PER_YIELD === 0) yield;
    }
    for (const [status, list] of perStatus) yield* this.statusIndex(status).filling(list, sliced);
  }

  get(id: string): Customer | undefined {
    return this.byId.get(idKey(id))?.customer;
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
    if (this.byId.size >= this.capacity) throw new CustomerLimitError(this.capacity);
    if (input.email !== undefined) this.assertEmailFree(input.email, undefined);
    const customer = newCustomer(input, {
      id: this.newId(),
      appId: this.options.appId,
      now: new Date(this.options.clock.now()),
    });
    this.insert(this.entryOf(customer));
    this.changed({ kind: 'put', customer, previous: undefined });
    return customer;
  }

  update(id: string, patch: UpdateCustomerInput): Customer {
    const current = this.byId.get(idKey(id));
    if (!current) throw new CustomerNotFoundError(id);
    if (patch.email !== undefined) this.assertEmailFree(patch.email, current.customer.id);
    const updated = applyUpdate(current.customer, patch, new Date(this.options.clock.now()));
    this.remove(current);
    this.insert(this.entryOf(updated));
    this.changed({ kind: 'put', customer: updated, previous: current.customer });
    return updated;
  }

  delete(id: string): { customer: Customer; deletedAt: Date } {
    const current = this.byId.get(idKey(id));
    if (!current) throw new CustomerNotFoundError(id);
    this.remove(current);
    this.changed({ kind: 'delete', customer: current.customer });
    return { customer: current.customer, deletedAt: new Date(this.options.clock.now()) };
  }

  /** Every customer, in list order, copied out (at a million, a pass over them). */
  customers(): Customer[] {
    return this.all.customers();
  }

  /** Called after every successful write, with the change. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The entries of the page and the number of all matches, from whichever index answers fastest. */
  private page(query: ListQuery): { entries: Entry[]; total: number } {
    const { skip, take } = query;
    if (isGiven(query.email)) {
      const entry = this.byEmail.get(emailKey(query.email));
      const found = entry && matches(query, entry.customer, this.rules) ? [entry] : [];
      return { entries: found.slice(skip, skip + take), total: found.length };
    }
    const base = query.status === undefined ? this.all : (this.byStatus.get(query.status) ?? new OrderedEntries());
    if (!isGiven(query.name)) return { entries: base.slice(skip, skip + take), total: base.length };
    // The name index counts the matches; the order index only has to find the page.
    const { matched, total } = this.names.search(query.name, query.status);
    return { entries: base.pageOfGroups(matched, total, skip, take), total };
  }

  /**
   * Registers the customer's name (unless `nameGroup` says where `NameIndex.adder` counted it); the
   * entry must then be inserted, or its group released.
   */
  private entryOf(customer: Customer, nameGroup = this.names.add(customer)): Entry {
    return { customer, time: orderTime(customer.createdAt, this.rules.order), nameGroup };
  }

  private assertEmailFree(email: string, ownerId: string | undefined): void {
    const holder = this.byEmail.get(emailKey(email));
    if (holder && holder.customer.id !== ownerId) throw new EmailTakenError(email);
  }

  private statusIndex(status: CustomerStatus): OrderedEntries {
    let index = this.byStatus.get(status);
    if (!index) {
      index = new OrderedEntries();
      this.byStatus.set(status, index);
    }
    return index;
  }

  private insert(entry: Entry): void {
    const { customer } = entry;
    this.byId.set(idKey(customer.id), entry);
    if (customer.email !== null) this.byEmail.set(emailKey(customer.email), entry);
    this.all.insert(entry);
    this.statusIndex(customer.status).insert(entry);
  }

  private remove(entry: Entry): void {
    const { customer } = entry;
    this.byId.delete(idKey(customer.id));
    if (customer.email !== null) this.byEmail.delete(emailKey(customer.email));
    this.all.remove(entry);
    this.statusIndex(customer.status).remove(entry);
    this.names.remove(entry.nameGroup, customer.status);
  }

  private changed(change: StoreChange): void {
    this.pageBodies.clear();
    for (const listener of this.listeners) listener(change);
  }
}
