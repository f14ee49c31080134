import { emailKey, idKey, type CustomerStatus } from '../../src/domain/customer.js';
import { nameKey } from '../../src/domain/query.js';
import type { CustomerStore } from '../../src/store/customer-store.js';
import type { NameIndex } from '../../src/store/name-index.js';
import { compareEntries, type OrderedEntries } from '../../src/store/ordered-entries.js';

// The invariants of the store's indexes, checked from outside: they read the indexes' private
// fields (element access, which TypeScript allows for `private`), so the production classes carry
// no code that only tests call. A store whose indexes disagree would answer some query wrongly;
// these find it at the write that broke it, not at a later read that happens to look.

/** Every way a store's indexes disagree with each other; empty when the store is sound. */
export function storeInvariantProblems(store: CustomerStore): string[] {
  const all = store['indexes'].all;
  const byId = store['indexes'].byId;
  const byEmail = store['indexes'].byEmail;
  const byStatus = store['indexes'].byStatus;
  const names = store['indexes'].names;
  const problems: string[] = [];
  if (all.length !== byId.size) problems.push(`order index has ${all.length}, id index ${byId.size}`);
  problems.push(...orderProblems(all).map((problem) => `order index: ${problem}`));
  let perStatus = 0;
  for (const [status, index] of byStatus) {
    perStatus += index.length;
    problems.push(...orderProblems(index).map((problem) => `${status} index: ${problem}`));
    for (const entry of index.slice(0, index.length)) {
      if (entry.customer.status !== status) problems.push(`${entry.customer.id} is in the ${status} index`);
      if (byId.get(idKey(entry.customer.id)) !== entry) problems.push(`${entry.customer.id} is stale in ${status}`);
    }
  }
  if (perStatus !== byId.size) problems.push(`status indexes hold ${perStatus}, id index ${byId.size}`);
  let withEmail = 0;
  for (const entry of byId.values()) {
    if (entry.customer.email === null) continue;
    withEmail++;
    if (byEmail.get(emailKey(entry.customer.email)) !== entry) problems.push(`${entry.customer.id} missing from email index`);
  }
  if (withEmail !== byEmail.size) problems.push(`email index holds ${byEmail.size}, customers with email ${withEmail}`);
  const entries = [...byId.values()];
  for (const entry of entries) {
    if (nameGroupKey(names, entry.nameGroup) !== nameKey(entry.customer)) problems.push(`${entry.customer.id} is in the wrong name group`);
  }
  problems.push(...nameCountProblems(names, entries.map((entry) => ({ nameGroup: entry.nameGroup, status: entry.customer.status }))));
  return problems;
}

/** How an OrderedEntries breaks its shape: a pair out of list order, an empty chunk, a name group out of step, a wrong count. */
export function orderProblems(index: OrderedEntries): string[] {
  const problems: string[] = [];
  let previous: Parameters<typeof compareEntries>[0] | undefined;
  let seen = 0;
  for (const [c, { entries, groups }] of index['chunks'].entries()) {
    if (entries.length === 0) problems.push(`chunk ${c} is empty`);
    if (groups.length !== entries.length) problems.push(`chunk ${c} has ${entries.length} entries and ${groups.length} name groups`);
    for (const [i, entry] of entries.entries()) {
      if (previous && compareEntries(previous, entry) >= 0) problems.push(`${entry.customer.id} is not after ${previous.customer.id}`);
      if (groups[i] !== entry.nameGroup) problems.push(`${entry.customer.id} has name group ${entry.nameGroup}, its chunk says ${groups[i]}`);
      previous = entry;
      seen++;
    }
  }
  if (seen !== index.length) problems.push(`holds ${seen}, counts ${index.length}`);
  return problems;
}

/** The name key a group of the index stands for; undefined for a group nobody holds. */
export function nameGroupKey(index: NameIndex, group: number): string | undefined {
  const key = index['keys'][group];
  return key !== undefined && index['groupOfKey'].get(key) === group ? key : undefined;
}

/** How the index's counts disagree with the customers actually held (given as their groups and statuses). */
export function nameCountProblems(index: NameIndex, held: Iterable<{ nameGroup: number; status: CustomerStatus }>): string[] {
  const totals = new Map<number, number>();
  const perStatus = new Map<string, number>();
  for (const { nameGroup, status } of held) {
    totals.set(nameGroup, (totals.get(nameGroup) ?? 0) + 1);
    perStatus.set(`${status}:${nameGroup}`, (perStatus.get(`${status}:${nameGroup}`) ?? 0) + 1);
  }
  const problems: string[] = [];
  const keys = index['keys'];
  for (let group = 0; group < keys.length; group++) {
    if (nameGroupKey(index, group) === undefined) continue;
    const counted = index['totals'][group];
    if (counted !== (totals.get(group) ?? 0)) problems.push(`name group "${keys[group]}" counts ${counted}, holds ${totals.get(group) ?? 0}`);
    for (const [status, counts] of index['perStatus']) {
      const heldOfStatus = perStatus.get(`${status}:${group}`) ?? 0;
      if ((counts[group] ?? 0) !== heldOfStatus) problems.push(`name group "${keys[group]}" counts ${counts[group]} ${status}, holds ${heldOfStatus}`);
    }
  }
  for (const group of totals.keys()) if (nameGroupKey(index, group) === undefined) problems.push(`name group ${group} is free but held`);
  return problems;
}
