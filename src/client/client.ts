import type { CreateCustomerInput, Customer, CustomerList, DeleteResult, UpdateCustomerInput } from '../domain/customer.js';
import { PAGE_SIZE_MAX } from '../openapi/contract-facts.generated.js';
import type { operations } from '../openapi/openapi-types.js';
import { ApiError, UnexpectedResponseError } from './errors.js';
import { createTransport, type RawRequestOptions, type RawResponse, type Transport, type TransportOptions } from './transport.js';

/** The list endpoint's query parameters, as the document declares them. */
export type ListFilters = NonNullable<operations['listCustomers']['parameters']['query']>;
/** Filters of `all()`: paging is its job, so only the page size may be chosen. */
export type AllFilters = Omit<ListFilters, 'skip'>;

/** The create body; the fields the document gives defaults may be left out. */
export type CreateCustomerRequest = Omit<CreateCustomerInput, 'customer_type' | 'status'> &
  Partial<Pick<CreateCustomerInput, 'customer_type' | 'status'>>;
export type UpdateCustomerRequest = UpdateCustomerInput;

/** Per-call options of the typed methods. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** For writes: the key to use instead of a generated one, e.g. to make a retry after a crash safe. */
  readonly idempotencyKey?: string;
}

export type ClientOptions = TransportOptions;

export interface CustomersClient {
  /** Any request, also an invalid one; every status comes back as a response rather than an error. */
  request(options: RawRequestOptions): Promise<RawResponse>;
  readonly customers: {
    list(filters?: ListFilters, options?: CallOptions): Promise<CustomerList>;
    /** Every matching customer, a page at a time, newest first. */
    all(filters?: AllFilters, options?: CallOptions): AsyncGenerator<Customer, void, undefined>;
    get(id: string, options?: CallOptions): Promise<Customer>;
    create(input: CreateCustomerRequest, options?: CallOptions): Promise<Customer>;
    update(id: string, patch: UpdateCustomerRequest, options?: CallOptions): Promise<Customer>;
    blacklist(id: string, reason?: string, options?: CallOptions): Promise<Customer>;
    restore(id: string, options?: CallOptions): Promise<Customer>;
    delete(id: string, options?: CallOptions): Promise<DeleteResult>;
  };
}

const COLLECTION = '/api/v0/customers';

/**
 * A client of the Customers API, typed by the OpenAPI document. Reads and writes are retried on
 * 429 and 5xx with backoff that honours `Retry-After`; each write carries an idempotency key that
 * its retries reuse, so a retried create never creates twice.
 *
 * @example
 * const client = createClient({ baseUrl: 'http://127.0.0.1:4010', clientKey: 'mock-client-key', clientSecret: 'mock-client-secret' });
 * for await (const customer of client.customers.all({ status: 'BLACKLISTED' })) console.log(customer.email);
 * const ada = await client.customers.create({ first_name: 'Ada', last_name: 'Lovelace', phone_number: '+14155550123' });
 * await client.customers.blacklist(ada.id, 'chargebacks');
 */
export function createClient(options: ClientOptions): CustomersClient {
  const transport: Transport = createTransport(options);

  async function call<T>(request: RawRequestOptions, expected: number): Promise<T> {
    const response = await transport(request);
    if (response.status !== expected) {
      if (response.status >= 400) throw new ApiError(response);
      throw new UnexpectedResponseError(response, `expected status ${expected}`);
    }
    if (!response.bodyIsJson) throw new UnexpectedResponseError(response, 'the body is not JSON');
    return response.body as T;
  }

  const one = (id: string) => `${COLLECTION}/${encodeURIComponent(id)}`;
  const update = (id: string, patch: UpdateCustomerRequest, o: CallOptions = {}) =>
    call<Customer>({ method: 'PATCH', path: one(id), body: patch, ...o }, 200);

  return {
    request: transport,
    customers: {
      list: (filters = {}, o = {}) => call<CustomerList>({ method: 'GET', path: COLLECTION, query: { ...filters }, ...o }, 200),
      async *all(filters = {}, o = {}) {
        const take = filters.take ?? PAGE_SIZE_MAX;
        for (let skip = 0; ; ) {
          const page = await call<CustomerList>({ method: 'GET', path: COLLECTION, query: { ...filters, skip, take }, ...o }, 200);
          yield* page.data;
          skip += page.data.length;
          // An empty page ends the walk even when `total` promises more, so a wrong total cannot loop forever.
          if (page.data.length === 0 || skip >= page.total) return;
        }
      },
      get: (id, o = {}) => call<Customer>({ method: 'GET', path: one(id), ...o }, 200),
      create: (input, o = {}) => call<Customer>({ method: 'POST', path: COLLECTION, body: input, ...o }, 201),
      update,
      blacklist: (id, reason, o) => update(id, reason === undefined ? { status: 'BLACKLISTED' } : { status: 'BLACKLISTED', reason }, o),
      restore: (id, o) => update(id, { status: 'ACTIVE' }, o),
      delete: (id, o = {}) => call<DeleteResult>({ method: 'DELETE', path: one(id), ...o }, 200),
    },
  };
}
