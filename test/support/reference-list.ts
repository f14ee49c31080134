import type { Customer, CustomerList } from '../../src/domain/customer.js';
import { compareListOrder, DOCUMENT_LIST_RULES, listPage, matches, type ListQuery, type ListRules, type PageRequest } from '../../src/domain/query.js';

// The oracle of the list endpoint: its semantics (src/domain/query.ts) applied the naive way, to a
// plain array. The store's indexes and the HTTP answers are held to it; the product never calls it.

/** The list answer over `customers`: filter, order, page. */
export function referenceList(customers: readonly Customer[], query: ListQuery, rules: ListRules = DOCUMENT_LIST_RULES): CustomerList {
  const matching = customers.filter((c) => matches(query, c, rules)).sort((a, b) => compareListOrder(a, b, rules.order));
  return referencePage(matching, query, rules.take);
}

/** The page of an already ordered, already filtered sequence. */
export function referencePage(ordered: readonly Customer[], page: PageRequest, takeRule: ListRules['take'] = DOCUMENT_LIST_RULES.take): CustomerList {
  return listPage(ordered.slice(page.skip, page.skip + page.take), ordered.length, page, takeRule);
}
