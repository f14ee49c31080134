import { beforeAll, describe, expect, it } from 'vitest';
import { describeErrors } from '../../src/openapi/ajv.js';
import { getSpecModel, type SpecModel } from '../../src/openapi/index.js';
import { aCustomer } from '../support/customers.js';

let spec: SpecModel;
beforeAll(async () => {
  spec = await getSpecModel();
});

function problems(schema: string, value: unknown, root = 'customer'): string[] {
  const validate = spec.schemaValidator(schema);
  return validate(value) ? [] : describeErrors(validate.errors ?? [], root);
}

describe('describeErrors', () => {
  it('says nothing about a valid value', () => {
    expect(problems('Customer', aCustomer())).toEqual([]);
  });

  it('gives one message per failing property, naming it, without oneOf branch noise', () => {
    const bad = { ...aCustomer(), email: 'nope', last_purchase_date: 'yesterday', last_spent: -1 };
    expect(problems('Customer', bad).sort()).toEqual(
      ['email must be an email', 'last_purchase_date must be a valid ISO 8601 date string', 'last_spent must not be less than 0'].sort(),
    );
  });

  it('names the value itself with the given root', () => {
    expect(problems('Customer', 'text', 'body')).toEqual(['body must be a JSON object']);
  });

  it('names missing and unknown properties', () => {
    const { appId: _dropped, ...rest } = aCustomer();
    expect(problems('Customer', { ...rest, app_id: 'x' }).sort()).toEqual(['appId is required', 'property app_id should not exist']);
  });

  it('words a pattern that stands for a format as the format', () => {
    expect(problems('Customer', { ...aCustomer(), id: '6f1c2a52-8d3e-0c1b-9a57-3f2e8b7d4c10' })).toEqual(['id must be a UUID']);
  });

  it('names array elements by index', () => {
    const validate = spec.requestValidator('adminReplaceCustomers').body!;
    const result = validate([aCustomer(), { ...aCustomer(), status: 'GONE' }]);
    expect(result).toEqual({ ok: false, messages: ['[1].status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED'] });
  });
});
