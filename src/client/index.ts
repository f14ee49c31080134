export {
  createClient,
  type AllFilters,
  type CallOptions,
  type ClientOptions,
  type CreateCustomerRequest,
  type CreateSandboxRequest,
  type CustomersClient,
  type ListFilters,
  type Sandbox,
  type SandboxSummary,
  type UpdateCustomerRequest,
} from './client.js';
export { ApiError, TransportError, UnexpectedResponseError, type ApiErrorBody, type TransportFailure } from './errors.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export type { FetchLike, RawRequestOptions, RawResponse, RequestCredentials, SentRequest, Sleep, TransportOptions } from './transport.js';
