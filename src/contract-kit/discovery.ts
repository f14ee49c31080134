import type { Customer, CustomerList } from '../domain/customer.js';
import { PAGE_SIZE_MAX } from '../openapi/contract-facts.generated.js';
import type { RuleId } from '../openapi/rules.js';
import type { ContractKit, Exchange } from './kit.js';

/** The largest page the document allows: discovery reads as much as it can per request. */
export const PAGE_SIZE = PAGE_SIZE_MAX;

export interface Sample {
  readonly exchange: Exchange;
  readonly customers: readonly Customer[];
  readonly total: number;
}

const samples = new WeakMap<ContractKit, Promise<Sample>>();

/**
 * The first page of the unfiltered list: the suite's sample of the server's data. The suite
 * cannot know the data in advance, so every data-dependent check starts from here. Read once per
 * kit, so checks that need a sample cost no requests of their own.
 */
export function discoverSample(kit: ContractKit): Promise<Sample> {
  let sample = samples.get(kit);
  if (!sample) {
    // A page of the largest size: `take=100` must be honoured.
    sample = kit.list('list.take.bounds', { take: PAGE_SIZE }).then(({ exchange, page }) => ({ exchange, customers: page.data, total: page.total }));
    samples.set(kit, sample);
  }
  return sample;
}

export interface Walk {
  readonly pages: readonly { exchange: Exchange; page: CustomerList }[];
  readonly customers: readonly Customer[];
  /** False when the page cap stopped the walk before the end. */
  readonly complete: boolean;
}

/** Reads the list (filtered by `query`) page by page from the start, up to the configured cap; `rule` says what the walk is for. */
export async function walkPages(kit: ContractKit, rule: RuleId, query: Readonly<Record<string, string>> = {}): Promise<Walk> {
  const pages: Walk['pages'][number][] = [];
  const customers: Customer[] = [];
  for (let index = 0; index < kit.settings.maxPages; index++) {
    const { exchange, page } = await kit.list(rule, { ...query, skip: index * PAGE_SIZE, take: PAGE_SIZE });
    pages.push({ exchange, page });
    customers.push(...page.data);
    if (page.data.length < PAGE_SIZE || (index + 1) * PAGE_SIZE >= page.total) return { pages, customers, complete: true };
  }
  return { pages, customers, complete: false };
}

/**
 * A record's timestamp under whichever key spelling the deployment uses. The spelling is a
 * choice point observed by a check of its own; every other check reads the time through this.
 */
export function timestampOf(customer: Customer, which: 'created' | 'updated'): string | undefined {
  const record: Readonly<Record<string, unknown>> = customer;
  const value = record[`${which}At`] ?? record[`${which}_at`];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The text with the case of its ASCII letters swapped: `John` -> `jOHN`. Letters outside ASCII
 * keep their case, because case mapping beyond ASCII is not one-to-one (`ß` -> `SS`) and a
 * correct server need not fold it the way JavaScript does.
 */
export function changeCase(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
}
