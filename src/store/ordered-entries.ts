import { compareOrderKeys } from '../domain/query.js';
import type { Customer } from '../domain/customer.js';

/** A customer with the keys the indexes sort and search by, computed once per write. */
export interface Entry {
  readonly customer: Customer;
  /** `createdAt` in epoch milliseconds. */
  readonly time: number;
}

export function entryOf(customer: Customer): Entry {
  return { customer, time: Date.parse(customer.createdAt) };
}

export function compareEntries(a: Entry, b: Entry): number {
  return compareOrderKeys(a.time, a.customer.id, b.time, b.customer.id);
}

/** Entries kept in list order, so a page is a slice and a count is a length. */
export class OrderedEntries {
  private items: Entry[] = [];

  get length(): number {
    return this.items.length;
  }

  /** Replaces the contents with entries in any order. */
  reset(entries: Entry[]): void {
    this.items = entries.sort(compareEntries);
  }

  at(index: number): Entry | undefined {
    return this.items[index];
  }

  slice(start: number, end: number): Entry[] {
    return this.items.slice(start, end);
  }

  [Symbol.iterator](): Iterator<Entry> {
    return this.items[Symbol.iterator]();
  }

  insert(entry: Entry): void {
    this.items.splice(this.lowerBound(entry), 0, entry);
  }

  remove(entry: Entry): void {
    const index = this.lowerBound(entry);
    if (this.items[index]?.customer.id !== entry.customer.id) {
      throw new Error(`index out of step: ${entry.customer.id} is not where its order says`);
    }
    this.items.splice(index, 1);
  }

  /** Whether every neighbour pair is strictly in list order. */
  isOrdered(): boolean {
    for (let i = 1; i < this.items.length; i++) {
      if (compareEntries(this.items[i - 1]!, this.items[i]!) >= 0) return false;
    }
    return true;
  }

  private lowerBound(entry: Entry): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEntries(this.items[mid]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
