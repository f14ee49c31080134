import type { Customer, CustomerList } from '../domain/customer.js';
import type { ContractKit, Exchange } from './kit.js';

/** The largest page the document allows: discovery reads as much as it can per request. */
export const PAGE_SIZE = 100;

/**
 * The first page of the unfiltered list: the suite's sample of the server's data. The suite
 * cannot know the data in advance, so every data-dependent check starts from here.
 */
export async function discoverSample(kit: ContractKit): Promise<{ exchange: Exchange; customers: Customer[]; total: number }> {
  const { exchange, page } = await kit.list({ take: PAGE_SIZE });
  return { exchange, customers: page.data, total: page.total };
}

export interface Walk {
  readonly pages: readonly { exchange: Exchange; page: CustomerList }[];
  readonly customers: readonly Customer[];
  /** False when the page cap stopped the walk before the end. */
  readonly complete: boolean;
}

/** Reads the list page by page from the start, up to the configured cap. */
export async function walkPages(kit: ContractKit, filters: Record<string, string> = {}, pageSize = PAGE_SIZE): Promise<Walk> {
  const pages: Walk['pages'][number][] = [];
  const customers: Customer[] = [];
  for (let index = 0; index < kit.settings.maxPages; index++) {
    const { exchange, page } = await kit.list({ ...filters, skip: index * pageSize, take: pageSize });
    pages.push({ exchange, page });
    customers.push(...page.data);
    if (page.data.length < pageSize || (index + 1) * pageSize >= page.total) return { pages, customers, complete: true };
  }
  return { pages, customers, complete: false };
}

/**
 * The text with the case of its ASCII letters swapped: `John` -> `jOHN`. Letters outside ASCII
 * keep their case, because case mapping beyond ASCII is not one-to-one (`ß` -> `SS`) and a
 * correct server need not fold it the way JavaScript does.
 */
export function changeCase(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
}
