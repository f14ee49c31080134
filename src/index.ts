export { DEFAULT_CONFIG, type MockConfig } from './config/mock-config.js';
export { createMock, startMock, type MockInstance, type RunningMock, type StartOptions } from './server.js';
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
