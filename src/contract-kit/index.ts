// What the contract suite (contract-tests/, imported there as `#contract-kit`) builds its checks from.
export { createKit, type ContractKit, type Exchange } from './kit.js';
export { ContractFailure, ContractFailures, everyCase } from './failure.js';
export type { RuleId } from '../openapi/rules.js';
export { changeCase, discoverSample, PAGE_SIZE, timestampOf, walkPages, type Sample, type Walk } from './discovery.js';
export { formatObservation, type Finding, type Observation } from './drift.js';
// The list rules are judged by the same statement of them that the mock serves from: one rule, one place.
export { compareListOrder, matches } from '../domain/query.js';
export type { Customer, CustomerList, CustomerStatus } from '../domain/customer.js';
export { CUSTOMER_STATUSES } from '../openapi/contract-facts.generated.js';
export { OwnRecords } from './own-records.js';
export { runEveryKindOfWrite, runWriteSequence, STATUSES } from './write-model.js';
export { invalidBodies, type InvalidBody } from './invalid-bodies.js';
export { PATTERN_CHARACTERS, patternsFor } from './literal-values.js';
