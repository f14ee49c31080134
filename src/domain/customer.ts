import { CUSTOMER_DEFAULTS, CUSTOMER_FIELDS } from '../openapi/contract-facts.generated.js';
import { ITEMS_PER_YIELD, runAll, type SlicedWork } from './slices.js';
import type { components } from '../openapi/openapi-types.js';

// Every type here is generated from the OpenAPI document (`npm run types:openapi`); none is retyped.
export type Customer = components['schemas']['Customer'];
export type CustomerStatus = components['schemas']['CustomerStatus'];
export type CustomerType = components['schemas']['CustomerType'];
export type CreateCustomerInput = components['schemas']['CreateCustomer'];
export type UpdateCustomerInput = components['schemas']['UpdateCustomer'];
export type CustomerList = components['schemas']['CustomerList'];
export type DeleteResult = components['schemas']['DeleteResult'];

/**
 * The customer with its fields in the document's order. A customer given in another order (a data
 * file, an upload) is stored in this one, so the mock answers in the API's order whatever it was
 * given, and `--state` snapshots can keep customers as rows of CUSTOMER_FIELDS.
 */
export function inFieldOrder(customer: Customer): Customer {
  const ordered: Partial<Record<keyof Customer, unknown>> = {};
  for (const field of CUSTOMER_FIELDS) ordered[field] = customer[field];
  return ordered as Customer;
}

/** The customer a create produces: the server owns id, appId, spend and timestamps. */
export function newCustomer(input: CreateCustomerInput, server: { id: string; appId: string; now: Date }): Customer {
  const at = server.now.toISOString();
  return {
    id: server.id,
    first_name: input.first_name,
    last_name: input.last_name,
    email: input.email ?? null,
    phone_number: input.phone_number,
    customer_type: input.customer_type ?? CUSTOMER_DEFAULTS.customer_type,
    status: input.status ?? CUSTOMER_DEFAULTS.status,
    last_spent: 0,
    last_purchase_date: null,
    appId: server.appId,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The fields an update changes: every field of the update body but `reason`. The type makes the
 * list complete; anything else a body holds (an unknown field, under `unknown-fields=ignore`) is
 * never stored.
 */
const UPDATABLE: Readonly<Record<Exclude<keyof UpdateCustomerInput, 'reason'>, true>> = {
  first_name: true,
  last_name: true,
  phone_number: true,
  email: true,
  customer_type: true,
  status: true,
};

/**
 * The customer after a partial update. `reason` is accepted but not stored; `id`, `createdAt` and
 * the server-owned fields never change; `updatedAt` always moves forward, even within a millisecond.
 */
export function applyUpdate(customer: Customer, patch: UpdateCustomerInput, now: Date): Customer {
  const previous = Date.parse(customer.updatedAt);
  const updatedAt = new Date(Math.max(now.getTime(), previous + 1)).toISOString();
  return { ...customer, ...updatableFields(patch), updatedAt };
}

function updatableFields(patch: UpdateCustomerInput): Partial<Customer> {
  return Object.fromEntries(Object.entries(patch).filter(([key, value]) => value !== undefined && Object.hasOwn(UPDATABLE, key)));
}

/**
 * Ids are UUIDs, and UUIDs name the same value in either case (the real API keeps them in a UUID
 * column), so an id sent in capitals finds its customer.
 */
export function idKey(id: string): string {
  return id.toLowerCase();
}

/** Emails are unique per application, compared case-insensitively. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

/**
 * What breaks uniqueness in a data set: a repeated id, or an email used twice (compared
 * case-insensitively). Empty when the set can be loaded.
 */
export function findClashes(customers: readonly Customer[]): string[] {
  return runAll(findingClashes(customers));
}

/** `findClashes` as work in slices (see slices.ts). */
export function* findingClashes(customers: readonly Customer[]): SlicedWork<string[]> {
  const problems: string[] = [];
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const [index, customer] of customers.entries()) {
    if (index % ITEMS_PER_YIELD === 0) yield;
    const id = idKey(customer.id);
    if (ids.has(id)) problems.push(`[${index}].id ${customer.id} is used twice`);
    ids.add(id);
    if (customer.email === null) continue;
    const key = emailKey(customer.email);
    if (emails.has(key)) problems.push(`[${index}].email ${customer.email} is used twice (case-insensitively)`);
    emails.add(key);
  }
  return problems;
}
