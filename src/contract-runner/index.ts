// What the contract suite (contract-tests/, imported there as `#contract-kit`) builds its checks from.
export { createKit, type ContractKit, type Exchange } from './kit.js';
export { changeCase, discoverSample, PAGE_SIZE, walkPages, type Sample, type Walk } from './discovery.js';
// The list rules are judged by the same statement of them that the mock serves from: one rule, one place.
export { compareListOrder, matches } from '../domain/query.js';
export type { Customer, CustomerList, CustomerStatus } from '../domain/customer.js';
export { CUSTOMER_STATUSES } from '../openapi/contract-facts.generated.js';
