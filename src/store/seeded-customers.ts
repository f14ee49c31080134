import type { Customer } from '../domain/customer.js';
import { defaultDataSet } from './default-data-set.generated.js';
import { runAll, type SlicedWork } from '../domain/slices.js';
import { generatingCustomers, type SeedOptions } from './seed.js';

/**
 * The seed's data set, as `generateCustomers` makes it. The default seed's first customers (the
 * default count of them) are compiled into the build (scripts/compile-default-data-set.mjs), so
 * the common case, a mock or a createMockFetch with the defaults, reads them instead of running
 * the generator cold; a smaller count is their prefix, as the generator promises.
 */
export function seededCustomers(options: SeedOptions): Customer[] {
  return runAll(seedingCustomers(options));
}

/** `seededCustomers` as work in slices (see domain/slices.ts). */
export function* seedingCustomers(options: SeedOptions): SlicedWork<Customer[]> {
  const { seed, count, appId } = options;
  if (seed !== defaultDataSet.seed || count > defaultDataSet.customers.length) return yield* generatingCustomers(options);
  const customers = defaultDataSet.customers.slice(0, count).map((customer) => (appId === defaultDataSet.appId ? { ...customer } : { ...customer, appId }));
  options.onProgress?.(count, count);
  return customers;
}
