import type { Customer } from '../domain/customer.js';
import { identityMaker } from '../store/seed.js';

/**
 * The customers with their personal data (names, email, phone number) replaced by generated values,
 * made by the data set generator from each customer's id: the same id gets the same values in every
 * recording. Ids, statuses, types, amounts and timestamps stay. No original email or phone number
 * of the recording can be handed out, so emails stay unique and none of the originals survives.
 * Customers are taken in id order, so the rare email that needs a number gets the same one whenever
 * the recording holds the same ids.
 */
export function anonymize(customers: readonly Customer[]): Customer[] {
  const identityOf = identityMaker({
    emails: customers.flatMap((customer) => (customer.email === null ? [] : [customer.email])),
    phoneNumbers: customers.map((customer) => customer.phone_number),
  });
  const byId = new Map(
    [...customers]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((customer) => [customer.id, { ...customer, ...identityOf(customer.id.toLowerCase(), customer) }]),
  );
  return customers.map((customer) => byId.get(customer.id)!);
}
