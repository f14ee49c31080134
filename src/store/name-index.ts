import type { Customer, CustomerStatus } from '../domain/customer.js';
import { DOCUMENT_LIST_RULES, nameKey, nameNeedle, type ListRules } from '../domain/query.js';

/** Which name groups a search matched, and how many customers (of a status, if given) they hold. */
export interface NameSearch {
  /** 1 at the index of every matching group. */
  readonly matched: Uint8Array;
  readonly total: number;
}

/** How many distinct searches are remembered between changes (each holds a byte per group). */
const RECENT_SEARCHES = 64;

/** `firstOf` of a group nobody holds, kept for reuse. */
const FREE = -1;

/**
 * Customers grouped by name key (`nameKey` of `domain/query`), so a search tests each distinct
 * name once instead of every customer. Names come from a vocabulary (real people share names),
 * so a million customers have only some hundred thousand keys, built from a few hundred first
 * and last names: a search tests those vocabularies and combines the answers per group.
 *
 * The decomposition: the needle occurs in "first last" exactly when it occurs in the first name,
 * in the last name, or across the space (a suffix of the first name, the space, a prefix of the
 * last name). The key is the two names lower-cased separately and joined by a space, because the
 * one context-dependent case rule (final sigma) never looks past a space (a property test holds
 * this over arbitrary Unicode).
 */
export class NameIndex {
  private readonly groupOfKey = new Map<string, number>();
  private keys: string[] = [];
  /** Per group: the ids of its first and last name in the vocabularies (FREE when unused). */
  private firstOf: number[] = [];
  private lastOf: number[] = [];
  /** Per group: how many customers hold it, in all and per status. */
  private totals: number[] = [];
  private perStatus = new Map<CustomerStatus, number[]>();
  private freeGroups: number[] = [];
  private readonly firsts = new Vocabulary();
  private readonly lasts = new Vocabulary();
  /** Answers since the last change: load tests and paging clients repeat the same search. */
  private readonly recent = new Map<string, NameSearch>();

  /** `first-last` also matches across the space between the names; `either` only within one. */
  constructor(private readonly rule: ListRules['names'] = DOCUMENT_LIST_RULES.names) {}

  clear(): void {
    this.recent.clear();
    this.groupOfKey.clear();
    this.keys = [];
    this.firstOf = [];
    this.lastOf = [];
    this.totals = [];
    this.perStatus = new Map();
    this.freeGroups = [];
    this.firsts.clear();
    this.lasts.clear();
  }

  /** Counts the customer in its group (made on first use) and returns the group. */
  add(customer: Customer): number {
    this.recent.clear();
    const key = nameKey(customer);
    let group = this.groupOfKey.get(key);
    if (group === undefined) group = this.newGroup(key, customer);
    this.count(group, customer.status);
    return group;
  }

  private count(group: number, status: CustomerStatus): void {
    this.totals[group]!++;
    this.statusCounts(status)[group]!++;
  }

  /**
   * `add`, for loading many customers in a row (no group is freed meanwhile): the names as written
   * (most of them strings the JSON parser shares) find their group again without making a key
   * string per customer, so a million-customer load makes only one per distinct spelling.
   */
  adder(): (customer: Customer) => number {
    const bySpelling = new Map<string, Map<string, number>>();
    return (customer) => {
      let byLast = bySpelling.get(customer.first_name);
      if (byLast === undefined) bySpelling.set(customer.first_name, (byLast = new Map<string, number>()));
      let group = byLast.get(customer.last_name);
      if (group === undefined) {
        group = this.add(customer);
        byLast.set(customer.last_name, group);
      } else this.count(group, customer.status);
      return group;
    };
  }

  /** Uncounts a customer added with `add`; a group nobody holds any more is reused. */
  remove(group: number, status: CustomerStatus): void {
    this.recent.clear();
    this.statusCounts(status)[group]!--;
    if (--this.totals[group]! > 0) return;
    this.groupOfKey.delete(this.keys[group]!);
    this.keys[group] = '';
    this.firstOf[group] = FREE;
    this.freeGroups.push(group);
  }

  /** The groups whose key contains the needle, and the number of customers in them. */
  search(name: string, status: CustomerStatus | undefined): NameSearch {
    const needle = nameNeedle(name);
    const memoKey = `${status ?? ''}\u0000${needle}`;
    let found = this.recent.get(memoKey);
    if (found === undefined) {
      found = this.searchAll(needle, status);
      if (this.recent.size >= RECENT_SEARCHES) this.recent.clear();
      this.recent.set(memoKey, found);
    }
    return found;
  }

  private searchAll(needle: string, status: CustomerStatus | undefined): NameSearch {
    const inFirst = this.firsts.test((word) => word.includes(needle));
    const inLast = this.lasts.test((word) => word.includes(needle));
    const spans: Array<{ firstEnds: Uint8Array; lastStarts: Uint8Array }> = [];
    const acrossTheSpace = this.rule === 'first-last';
    for (let at = acrossTheSpace ? needle.indexOf(' ') : -1; at >= 0; at = needle.indexOf(' ', at + 1)) {
      const head = needle.slice(0, at);
      const tail = needle.slice(at + 1);
      spans.push({ firstEnds: this.firsts.test((word) => word.endsWith(head)), lastStarts: this.lasts.test((word) => word.startsWith(tail)) });
    }
    const counts = status === undefined ? this.totals : this.statusCounts(status);
    const matched = new Uint8Array(this.keys.length);
    let total = 0;
    for (let group = 0; group < this.keys.length; group++) {
      const first = this.firstOf[group]!;
      if (first === FREE) continue;
      const last = this.lastOf[group]!;
      let hit = inFirst[first] === 1 || inLast[last] === 1;
      for (let s = 0; !hit && s < spans.length; s++) hit = spans[s]!.firstEnds[first] === 1 && spans[s]!.lastStarts[last] === 1;
      if (hit) {
        matched[group] = 1;
        total += counts[group]!;
      }
    }
    return { matched, total };
  }

  private newGroup(key: string, customer: Customer): number {
    const group = this.freeGroups.pop() ?? this.keys.length;
    this.groupOfKey.set(key, group);
    this.keys[group] = key;
    this.firstOf[group] = this.firsts.idOf(customer.first_name.toLowerCase());
    this.lastOf[group] = this.lasts.idOf(customer.last_name.toLowerCase());
    this.totals[group] = 0;
    for (const counts of this.perStatus.values()) counts[group] = 0;
    return group;
  }

  private statusCounts(status: CustomerStatus): number[] {
    let counts = this.perStatus.get(status);
    if (!counts) {
      counts = this.keys.map(() => 0);
      this.perStatus.set(status, counts);
    }
    return counts;
  }
}

/**
 * Distinct lower-cased words with stable ids. Words are never dropped (a group freed may leave
 * one unused): the set is bounded by the distinct names ever written, a few bytes each.
 */
class Vocabulary {
  private readonly ids = new Map<string, number>();
  private words: string[] = [];

  clear(): void {
    this.ids.clear();
    this.words = [];
  }

  idOf(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.push(word) - 1;
      this.ids.set(word, id);
    }
    return id;
  }

  /** 1 at the id of every word the predicate accepts. */
  test(predicate: (word: string) => boolean): Uint8Array {
    const result = new Uint8Array(this.words.length);
    for (let id = 0; id < this.words.length; id++) if (predicate(this.words[id]!)) result[id] = 1;
    return result;
  }
}
