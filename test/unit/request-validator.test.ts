import { beforeAll, describe, expect, it } from 'vitest';
import { getSpecModel, type RequestValidator } from '../../src/openapi/index.js';

let list: RequestValidator;
let fetch: RequestValidator;
let create: RequestValidator;
let update: RequestValidator;

beforeAll(async () => {
  const spec = await getSpecModel();
  list = spec.requestValidator('listCustomers');
  fetch = spec.requestValidator('fetchCustomer');
  create = spec.requestValidator('createCustomer');
  update = spec.requestValidator('updateCustomer');
});

function listQuery(query: Record<string, string | string[]>) {
  const map = new Map(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return list.parameters({ query: map, path: {}, headers: {} });
}

describe('query coercion (wire strings -> the types the document declares)', () => {
  it('applies the documented defaults', () => {
    expect(listQuery({})).toEqual({ ok: true, value: { query: { skip: 0, take: 10 }, path: {}, headers: {} } });
  });

  it.each([
    ['7', 7],
    ['05', 5],
    ['100', 100],
    ['5.0', 5],
    ['5.000', 5],
    ['100.0', 100],
  ])('take=%j is the integer %d', (raw, value) => {
    const result = listQuery({ take: raw });
    expect(result.ok && result.value.query.take).toBe(value);
  });

  it.each(['1.5', '5.01', '5.', '.0', '1e3', '0x10', '+5', '', ' 5', '5 ', 'abc', '1_0', 'Infinity', 'NaN', '١٢'])(
    'take=%j is a 400 naming take as not an integer',
    (raw) => {
      expect(listQuery({ take: raw })).toEqual({ ok: false, messages: ['take must be an integer number'] });
    },
  );

  it.each([
    [{ take: '0' }, 'take must not be less than 1'],
    [{ take: '101' }, 'take must not be greater than 100'],
    [{ take: '-1' }, 'take must not be less than 1'],
    [{ skip: '-1' }, 'skip must not be less than 0'],
    [{ status: 'active' }, 'status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED'],
    [{ status: '' }, 'status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED'],
    [{ name: 'x'.repeat(101) }, 'name must be shorter than or equal to 100 characters'],
    [{ email: `${'x'.repeat(251)}@a.io` }, 'email must be shorter than or equal to 255 characters'],
    [{ take: ['5', '6'] }, 'take must be given once, not 2 times'],
    [{ status: ['ACTIVE', 'ACTIVE'] }, 'status must be given once, not 2 times'],
  ])('%j -> %j', (query, message) => {
    expect(listQuery(query)).toEqual({ ok: false, messages: [message] });
  });

  it('accepts what the SDKs send: DELETED, empty filters, an integral decimal skip', () => {
    expect(listQuery({ status: 'DELETED', name: '', email: '', skip: '20.0' })).toEqual({
      ok: true,
      value: { query: { status: 'DELETED', name: '', email: '', skip: 20, take: 10 }, path: {}, headers: {} },
    });
  });

  it('accepts the bounds themselves', () => {
    expect(listQuery({ take: '1', skip: '0', name: 'x'.repeat(100), email: `${'x'.repeat(250)}@a.io` }).ok).toBe(true);
    expect(listQuery({ take: '100', skip: '123456789' }).ok).toBe(true);
  });

  it('gives one message per failing parameter, each naming it', () => {
    const result = listQuery({ take: '0', skip: 'x', status: 'NOPE', name: 'x'.repeat(101) });
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.messages;
    expect(messages).toHaveLength(4);
    for (const name of ['take', 'skip', 'status', 'name']) expect(messages.filter((m) => m.startsWith(`${name} `))).toHaveLength(1);
  });

  it('ignores unknown parameters, even repeated ones', () => {
    expect(listQuery({ foo: ['1', '2'], page: 'x' })).toEqual({ ok: true, value: { query: { skip: 0, take: 10 }, path: {}, headers: {} } });
  });
});

describe('path and header parameters', () => {
  it('rejects an id that is not an RFC 9562 UUID with one message', () => {
    // Version 0 and 9 do not exist; the variant nibble 7 is the NCS one; one digit short; a URN.
    for (const id of ['abc', 'cust_123456', '6f1c2a52-8d3e-0c1b-9a57-3f2e8b7d4c10', '6f1c2a52-8d3e-9c1b-9a57-3f2e8b7d4c10', '6f1c2a52-8d3e-4c1b-7a57-3f2e8b7d4c10', '6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c1', 'urn:uuid:6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10']) {
      expect(fetch.parameters({ query: new Map(), path: { id }, headers: {} }), id).toEqual({ ok: false, messages: ['id must be a UUID'] });
    }
  });

  it('accepts a UUID of every RFC 9562 version, the nil and the max UUID, in either case', () => {
    const ids = [1, 2, 3, 4, 5, 6, 7, 8].map((version) => `6f1c2a52-8d3e-${version}c1b-9a57-3f2e8b7d4c10`);
    ids.push('123e4567-e89b-12d3-a456-426614174000', '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '6F1C2A52-8D3E-4C1B-9A57-3F2E8B7D4C10');
    for (const id of ids) expect(fetch.parameters({ query: new Map(), path: { id }, headers: {} }).ok, id).toBe(true);
  });

  it('checks the idempotency-key header against its schema', () => {
    const result = create.parameters({ query: new Map(), path: {}, headers: { 'idempotency-key': '' } });
    expect(result).toEqual({ ok: false, messages: ['idempotency-key must be longer than or equal to 1 characters'] });
  });
});

describe('bodies', () => {
  const valid = { first_name: 'Ada', last_name: 'Byron', phone_number: '+441234567890' };

  it('fills defaults on a copy, leaving the given value alone', () => {
    const given = { ...valid };
    expect(create.body!(given)).toEqual({ ok: true, value: { ...valid, customer_type: 'Individual', status: 'ACTIVE' } });
    expect(given).toEqual(valid);
  });

  it.each([
    [null, ['body must be a JSON object']],
    [[], ['body must be a JSON object']],
    ['text', ['body must be a JSON object']],
    [42, ['body must be a JSON object']],
    [{}, ['first_name is required', 'last_name is required', 'phone_number is required']],
    [{ ...valid, extra: 1 }, ['property extra should not exist']],
    [{ ...valid, email: 'not-an-email' }, ['email must be an email']],
    [{ ...valid, phone_number: '+0123' }, ['phone_number must match ^[+]?[1-9]\\d{1,14}$ regular expression']],
    [{ ...valid, phone_number: '+1-555-123-4567' }, ['phone_number must match ^[+]?[1-9]\\d{1,14}$ regular expression']],
    [{ ...valid, first_name: '' }, ['first_name must be longer than or equal to 1 characters']],
    [{ ...valid, status: 'GONE' }, ['status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED']],
    [{ ...valid, first_name: 5 }, ['first_name must be a string']],
  ])('create %j -> %j', (body, messages) => {
    expect(create.body!(body)).toEqual({ ok: false, messages });
  });

  it('rejects an empty update, and a reason without the status it explains', () => {
    expect(update.body!({})).toEqual({ ok: false, messages: ['body must contain at least 1 property'] });
    expect(update.body!({ reason: 'fraud' })).toEqual({ ok: false, messages: ['status is required when reason is given'] });
    expect(update.body!({ status: 'BLACKLISTED', reason: 'fraud' }).ok).toBe(true);
  });
});
