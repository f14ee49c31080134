import { describe, expect, it } from 'vitest';
import { compareListOrder, matches } from '../../src/domain/query.js';
import { referenceList, referencePage } from '../support/reference-list.js';
import { aCustomer } from '../support/customers.js';

const john = aCustomer({ first_name: 'John', last_name: 'Doe', email: 'John.Doe@Example.com' });
const jane = aCustomer({ first_name: 'Jane', last_name: 'Johnson', email: null, status: 'BLACKLISTED' });

describe('matches: the name filter', () => {
  it.each([
    ['john', true],
    ['JOHN', true],
    ['oh', true],
    ['doe', true],
    ['DoE', true],
    ['john d', true],
    ['JOHN DOE', true],
    ['n d', true],
    ['johndoe', false],
    ['doe john', false],
    ['john  doe', false],
    ['smith', false],
  ])('%j against John Doe -> %s', (name, expected) => {
    expect(matches({ name }, john)).toBe(expected);
  });

  it('matches a fragment of the last name alone', () => {
    expect(matches({ name: 'johns' }, jane)).toBe(true);
    expect(matches({ name: 'johns' }, john)).toBe(false);
  });

  it.each([
    ['john', true],
    ['DOE', true],
    ['john d', false],
    ['n d', false],
  ])('with names=either, %j against John Doe -> %s (each name on its own)', (name, expected) => {
    expect(matches({ name }, john, { names: 'either' })).toBe(expected);
  });

  it('filters nothing when empty', () => {
    expect(matches({ name: '' }, john)).toBe(true);
    expect(matches({ name: '' }, john, { names: 'either' })).toBe(true);
  });
});

describe('matches: the email filter', () => {
  it('is exact and case-insensitive', () => {
    expect(matches({ email: 'john.doe@example.com' }, john)).toBe(true);
    expect(matches({ email: 'JOHN.DOE@EXAMPLE.COM' }, john)).toBe(true);
  });

  it('is not a partial match', () => {
    expect(matches({ email: 'john.doe@example' }, john)).toBe(false);
    expect(matches({ email: 'doe@example.com' }, john)).toBe(false);
    expect(matches({ email: 'john.doe@example.com ' }, john)).toBe(false);
  });

  it('never matches a customer without an email', () => {
    expect(matches({ email: 'null' }, jane)).toBe(false);
  });

  it('filters nothing when empty', () => {
    expect(matches({ email: '' }, jane)).toBe(true);
    expect(matches({ email: '' }, john)).toBe(true);
  });
});

describe('matches: status and combinations', () => {
  it('filters by status exactly', () => {
    expect(matches({ status: 'ACTIVE' }, john)).toBe(true);
    expect(matches({ status: 'BLACKLISTED' }, john)).toBe(false);
  });

  it('combines filters with AND', () => {
    expect(matches({ status: 'ACTIVE', name: 'john', email: 'john.doe@example.com' }, john)).toBe(true);
    expect(matches({ status: 'BLACKLISTED', name: 'john', email: 'john.doe@example.com' }, john)).toBe(false);
    expect(matches({ status: 'ACTIVE', name: 'jane', email: 'john.doe@example.com' }, john)).toBe(false);
    expect(matches({ status: 'BLACKLISTED', name: 'john' }, jane)).toBe(true);
  });

  it('matches everything without filters', () => {
    expect(matches({}, john)).toBe(true);
    expect(matches({}, jane)).toBe(true);
  });
});

describe('compareListOrder', () => {
  const older = aCustomer({ id: '00000000-0000-4000-8000-00000000000a', createdAt: '2025-01-01T00:00:00.000Z' });
  const newerB = aCustomer({ id: 'bbbbbbbb-0000-4000-8000-000000000000', createdAt: '2025-02-01T00:00:00.000Z' });
  const newerA = aCustomer({ id: 'aaaaaaaa-0000-4000-8000-000000000000', createdAt: '2025-02-01T00:00:00.000Z' });

  it('puts the newest first, then the smaller id', () => {
    expect([older, newerB, newerA].sort(compareListOrder)).toEqual([newerA, newerB, older]);
  });

  it('with order=oldest-first, puts the oldest first, then still the smaller id', () => {
    expect([newerB, newerA, older].sort((a, b) => compareListOrder(a, b, 'oldest-first'))).toEqual([older, newerA, newerB]);
  });

  it('is a total order: antisymmetric, and zero only for the same id and time', () => {
    const all = [older, newerA, newerB];
    for (const a of all) {
      for (const b of all) {
        expect(Math.sign(compareListOrder(a, b)) + Math.sign(compareListOrder(b, a))).toBe(0);
        expect(compareListOrder(a, b) === 0).toBe(a === b);
      }
    }
  });

  it('compares instants, not strings, so equal times in other spellings tie', () => {
    const offset = aCustomer({ id: newerA.id, createdAt: '2025-02-01T01:00:00+01:00' });
    expect(compareListOrder(offset, newerA)).toBe(0);
  });
});

describe('referencePage: listPage around a slice of the ordered matches', () => {
  const ordered = Array.from({ length: 5 }, () => aCustomer());

  it('returns the slice, the total, the applied skip and the number returned', () => {
    expect(referencePage(ordered, { skip: 1, take: 2 })).toEqual({ data: ordered.slice(1, 3), total: 5, skip: 1, take: 2 });
  });

  it('returns a short last page with take equal to its length', () => {
    expect(referencePage(ordered, { skip: 4, take: 10 })).toEqual({ data: ordered.slice(4), total: 5, skip: 4, take: 1 });
  });

  it('returns no data but the true total past the end', () => {
    expect(referencePage(ordered, { skip: 5, take: 10 })).toEqual({ data: [], total: 5, skip: 5, take: 0 });
    expect(referencePage(ordered, { skip: 1000, take: 10 })).toEqual({ data: [], total: 5, skip: 1000, take: 0 });
  });

  it('with take=requested, gives the take applied whatever the page holds', () => {
    expect(referencePage(ordered, { skip: 4, take: 10 }, 'requested')).toEqual({ data: ordered.slice(4), total: 5, skip: 4, take: 10 });
    expect(referencePage(ordered, { skip: 5, take: 10 }, 'requested')).toEqual({ data: [], total: 5, skip: 5, take: 10 });
  });
});

describe('referenceList, the oracle of the list endpoint', () => {
  it('filters, orders and pages without changing its input', () => {
    const a = aCustomer({ first_name: 'Zed', createdAt: '2025-01-01T00:00:00.000Z' });
    const b = aCustomer({ first_name: 'Zed', createdAt: '2025-03-01T00:00:00.000Z' });
    const c = aCustomer({ first_name: 'Amy', createdAt: '2025-02-01T00:00:00.000Z' });
    const input = [a, b, c];
    expect(referenceList(input, { skip: 0, take: 10, name: 'zed' })).toEqual({ data: [b, a], total: 2, skip: 0, take: 2 });
    expect(input).toEqual([a, b, c]);
  });
});
