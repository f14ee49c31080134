import { describe, expect, it } from 'vitest';
import { applyUpdate, emailKey, newCustomer, type CreateCustomerInput } from '../../src/domain/customer.js';
import { aCustomer } from '../support/customers.js';

const server = { id: '6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10', appId: 'app_x', now: new Date('2026-02-03T04:05:06.789Z') };

describe('newCustomer', () => {
  it('fills the defaults and the server-owned fields', () => {
    // The generated type marks defaulted fields as present (the validator fills them); library callers may omit them.
    const minimal = { first_name: 'Ada', last_name: 'Byron', phone_number: '+441234567890' } as CreateCustomerInput;
    expect(newCustomer(minimal, server)).toEqual({
      id: server.id,
      first_name: 'Ada',
      last_name: 'Byron',
      email: null,
      phone_number: '+441234567890',
      customer_type: 'Individual',
      status: 'ACTIVE',
      last_spent: 0,
      last_purchase_date: null,
      appId: 'app_x',
      createdAt: '2026-02-03T04:05:06.789Z',
      updatedAt: '2026-02-03T04:05:06.789Z',
    });
  });

  it('keeps the given email, type and status', () => {
    const created = newCustomer(
      { first_name: 'A', last_name: 'B', phone_number: '+12', email: 'A@B.io', customer_type: 'Government', status: 'DEACTIVATED' },
      server,
    );
    expect(created).toMatchObject({ email: 'A@B.io', customer_type: 'Government', status: 'DEACTIVATED' });
  });
});

describe('applyUpdate', () => {
  const before = aCustomer({ updatedAt: '2026-01-01T00:00:00.000Z', createdAt: '2025-01-01T00:00:00.000Z' });

  it('changes only the given fields', () => {
    const after = applyUpdate(before, { last_name: 'Smith', customer_type: 'Startup' }, new Date('2026-01-02T00:00:00.000Z'));
    expect(after).toEqual({ ...before, last_name: 'Smith', customer_type: 'Startup', updatedAt: '2026-01-02T00:00:00.000Z' });
  });

  it('accepts a blacklist reason but does not store it', () => {
    const after = applyUpdate(before, { status: 'BLACKLISTED', reason: 'fraud' }, new Date('2026-01-02T00:00:00.000Z'));
    expect(after.status).toBe('BLACKLISTED');
    expect(after).not.toHaveProperty('reason');
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  });

  it('never changes id or createdAt, whatever the patch carries', () => {
    const sneaky = { id: 'other', createdAt: '2000-01-01T00:00:00.000Z', status: 'ACTIVE' } as never;
    const after = applyUpdate(before, sneaky, new Date('2026-01-02T00:00:00.000Z'));
    expect(after.id).toBe(before.id);
    expect(after.createdAt).toBe(before.createdAt);
  });

  it('moves updatedAt strictly forward even within the same millisecond or with a clock behind', () => {
    const same = applyUpdate(before, { first_name: 'X' }, new Date(before.updatedAt));
    expect(Date.parse(same.updatedAt)).toBe(Date.parse(before.updatedAt) + 1);
    const again = applyUpdate(same, { first_name: 'Y' }, new Date(before.updatedAt));
    expect(Date.parse(again.updatedAt)).toBeGreaterThan(Date.parse(same.updatedAt));
    const behind = applyUpdate(before, { first_name: 'Z' }, new Date('2020-01-01T00:00:00.000Z'));
    expect(Date.parse(behind.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
  });

  it('does not modify the customer it is given', () => {
    const copy = structuredClone(before);
    applyUpdate(before, { status: 'DEACTIVATED' }, new Date('2026-01-02T00:00:00.000Z'));
    expect(before).toEqual(copy);
  });
});

describe('emailKey', () => {
  it('folds case so that uniqueness and lookups ignore it', () => {
    expect(emailKey('John.Doe@Example.COM')).toBe(emailKey('john.doe@example.com'));
  });
});
