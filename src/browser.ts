/**
 * What the package offers where there is no Node (a browser, a bundler's "browser" condition):
 * everything but the server. `index.ts` adds the server to it.
 */
export { createMockFetch, MockOptionsError, type MockFetch, type MockFetchOptions } from './in-process/mock-fetch.js';
export { DEFAULT_CONFIG, type MockConfig } from './config/mock-config.js';
export { ManualClock, systemClock, type Clock } from './domain/clock.js';
export type { Customer, CustomerStatus, CustomerType, CreateCustomerInput, UpdateCustomerInput, CustomerList } from './domain/customer.js';
export { generateCustomers, REFERENCE_DATE } from './store/seed.js';
export {
  createClient,
  ApiError,
  TransportError,
  UnexpectedResponseError,
  DEFAULT_RETRY_POLICY,
  type AllFilters,
  type ApiErrorBody,
  type CallOptions,
  type ClientOptions,
  type CreateCustomerRequest,
  type CustomersClient,
  type FetchLike,
  type ListFilters,
  type RawRequestOptions,
  type RawResponse,
  type RequestCredentials,
  type RetryPolicy,
  type SentRequest,
  type Sleep,
  type TransportFailure,
  type UpdateCustomerRequest,
} from './client/index.js';
