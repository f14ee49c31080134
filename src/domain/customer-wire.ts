import { inFieldOrder, type Customer } from './customer.js';

/**
 * How a customer is spelt in request and response bodies. The store always keeps the document's
 * own spelling; the `timestamps` compat option renames the timestamp keys on the way out (and on
 * the way in, for the admin upload, which takes customers as the API returns them).
 */
export interface CustomerWire {
  toWire(customer: Customer): object;
  /** The customer as the store keeps it: the document's spelling, in its field order. */
  fromWire(value: object): Customer;
}

export const DOCUMENT_SPELLING: CustomerWire = {
  toWire: (customer) => customer,
  fromWire: (value) => inFieldOrder(value as Customer),
};

const TIMESTAMP_KEYS = ['createdAt', 'updatedAt'] as const satisfies ReadonlyArray<keyof Customer>;

/** `createdAt` -> `created_at`. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `created_at` / `updated_at` instead of `createdAt` / `updatedAt`, every key in its place. */
export const SNAKE_CASE_TIMESTAMPS: CustomerWire = renamingKeys(new Map(TIMESTAMP_KEYS.map((key) => [key, snakeCase(key)])));

function renamingKeys(outgoing: ReadonlyMap<string, string>): CustomerWire {
  const incoming = new Map([...outgoing].map(([from, to]) => [to, from]));
  const rename = (value: object, names: ReadonlyMap<string, string>) =>
    Object.fromEntries(Object.entries(value).map(([key, field]: [string, unknown]) => [names.get(key) ?? key, field]));
  return {
    toWire: (customer) => rename(customer, outgoing),
    fromWire: (value) => inFieldOrder(rename(value, incoming) as Customer),
  };
}
