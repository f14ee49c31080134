import type { Customer } from '../../src/domain/customer.js';

let counter = 0;

/** A valid customer with only the fields a test cares about spelled out; ids are unique UUID v4s. */
export function aCustomer(fields: Partial<Customer> = {}): Customer {
  counter++;
  const hex = counter.toString(16).padStart(12, '0');
  return {
    id: `00000000-0000-4000-8000-${hex}`,
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: `customer${counter}@example.com`,
    phone_number: '+14155550123',
    customer_type: 'Individual',
    status: 'ACTIVE',
    last_spent: 0,
    last_purchase_date: null,
    appId: 'app_test',
    createdAt: '2025-06-01T12:00:00.000Z',
    updatedAt: '2025-06-01T12:00:00.000Z',
    ...fields,
  };
}
