// What the contract suite (contract-tests/, imported there as `#contract-kit`) builds its checks from.
export { createKit, type ContractKit, type Exchange, type SendOptions } from './kit.js';
export { ContractFailure } from './failure.js';
export type { ContractSettings } from './settings.js';
export { changeCase, discoverSample, walkPages, type Walk } from './discovery.js';
// The list rules are judged by the same statement of them that the mock serves from: one rule, one place.
export { compareListOrder, matches, nameKey } from '../domain/query.js';
export type { Customer, CustomerList, CustomerStatus } from '../domain/customer.js';
