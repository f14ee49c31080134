import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAll } from '../../src/domain/slices.js';
import { parsingJson } from '../../src/http/sliced-json.js';
import { describeErrors } from '../../src/openapi/ajv.js';
import { createAjv } from '../../src/openapi/ajv-compiler.js';
import { getSpecModel, type SpecModel } from '../../src/openapi/index.js';
import { aCustomer } from '../support/customers.js';

/**
 * An upload is parsed and checked in slices (src/http/sliced-json.ts, `checkingBody` of
 * src/openapi/request-validator.ts). Slicing is only a way of doing the same work: these hold it to
 * JSON.parse and to the body's whole check, on any text and any data set.
 */

/** The text as JSON.parse reads it: its value, spelt back in order (an own `__proto__` key included), or the failure. */
function outcome(parse: () => unknown): string {
  try {
    return `value ${JSON.stringify(parse())}`;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return 'SyntaxError';
  }
}

const sliced = (text: string) => () => runAll(parsingJson(text, { inOneGoBelow: 0 }));

/** JSON texts with JSON's own whitespace between tokens, where a scan of brackets and quotes could go wrong. */
const spacedJson = fc.tuple(fc.jsonValue(), fc.constantFrom(0, 1, 2, '\t', ' \r\n ')).map(([value, space]) => JSON.stringify(value, null, space));
const trickyStrings = fc.constantFrom('"\\\\"', '"\\""', '"a\\\\\\"b"', '"]}"', '"[{"', '"\\u2028"', '"\\ud800"', '"__proto__"');
const tricky = fc.array(fc.oneof(trickyStrings, spacedJson, fc.constantFrom('{"__proto__":[1]}', '{"a":1,"a":2}', '[]', '{}', '-0', '1e400')), { maxLength: 6 });

describe('parsingJson reads a text exactly as JSON.parse does', () => {
  it('gives the same value for every JSON text, an array or object of any depth at its root', () => {
    fc.assert(
      fc.property(spacedJson, (text) => {
        expect(outcome(sliced(text))).toBe(outcome(() => JSON.parse(text)));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same value for arrays and objects of quoted brackets, escapes, duplicate keys and __proto__ members', () => {
    fc.assert(
      fc.property(tricky, fc.boolean(), (elements, asObject) => {
        const text = asObject ? `{${elements.map((element, i) => `${i % 2 ? '"__proto__"' : `"k${i % 3}"`}:${element}`).join(',')}}` : `[${elements.join(' , ')}]`;
        expect(outcome(sliced(text))).toBe(outcome(() => JSON.parse(text)));
      }),
      { numRuns: 1000 },
    );
  });

  it('fails where JSON.parse fails: a text cut, or with a character put in or taken out anywhere', () => {
    const edited = fc.tuple(fc.oneof(spacedJson, tricky.map((elements) => `[${elements.join(',')}]`)), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', '\\', '[', '{', ':', 'x', ' ', '1')).map(([text, at, inserted]) => {
      const cut = at % (text.length + 1);
      return [text.slice(0, cut), `${text.slice(0, cut)}${inserted}${text.slice(cut)}`, `${text.slice(0, cut)}${inserted}${text.slice(cut + 1)}`];
    });
    fc.assert(
      fc.property(edited, (texts) => {
        for (const text of texts) expect(outcome(sliced(text)), text).toBe(outcome(() => JSON.parse(text)));
      }),
      { numRuns: 2000 },
    );
  });
});

let spec: SpecModel;
beforeAll(async () => {
  spec = await getSpecModel();
});

/** A customer broken in one of the ways a data set from elsewhere is. */
const brokenCustomer = fc.constantFrom<(customer: Record<string, unknown>) => unknown>(
  (customer) => ({ ...customer, email: 'not an email' }),
  (customer) => ({ ...customer, status: 'GONE' }),
  (customer) => ({ ...customer, last_spent: -1 }),
  (customer) => ({ ...customer, extra: true }),
  ({ appId: _dropped, ...customer }) => customer,
  () => ({}),
  () => 'text',
  () => null,
);

/** A data set long enough to be checked item by item, with some customers broken. */
const dataSet = fc.tuple(fc.integer({ min: 1_001, max: 1_400 }), fc.array(fc.tuple(fc.nat(), brokenCustomer), { maxLength: 4 })).map(([count, breaks]) => {
  const customers: unknown[] = Array.from({ length: count }, () => aCustomer());
  for (const [at, breakIt] of breaks) customers[at % count] = breakIt(customers[at % count] as Record<string, unknown>);
  return customers;
});

/** The verdict of the body's whole check: its schema compiled by Ajv as one validator. */
function wholeCheck(operationId: string, body: unknown): { ok: boolean; messages: string[] } {
  const validate = createAjv().compile(spec.operation(operationId).requestBodySchema!);
  const copy = structuredClone(body);
  return validate(copy) ? { ok: true, messages: [] } : { ok: false, messages: describeErrors(validate.errors ?? [], 'body') };
}

function slicedCheck(operationId: string, body: unknown): { ok: boolean; messages: string[] } {
  const result = runAll(spec.requestValidator(operationId).checkingBody!(structuredClone(body)));
  return { ok: result.ok, messages: result.ok ? [] : result.messages };
}

describe('a long data set checked item by item gets the verdict and messages of the whole check', () => {
  it('as the body of PUT /__admin/customers', () => {
    fc.assert(
      fc.property(dataSet, (customers) => {
        expect(slicedCheck('adminReplaceCustomers', customers)).toEqual(wholeCheck('adminReplaceCustomers', customers));
      }),
      { numRuns: 30 },
    );
  });

  it("as a sandbox's customers, beside the body's other members", () => {
    const envelope = fc.constantFrom<Record<string, unknown>>({}, { seed: 7 }, { seed: -1 }, { count: 'many' }, { unknown: true });
    fc.assert(
      fc.property(dataSet, envelope, (customers, rest) => {
        const body = { ...rest, customers };
        expect(slicedCheck('adminCreateSandbox', body)).toEqual(wholeCheck('adminCreateSandbox', body));
      }),
      { numRuns: 30 },
    );
  });
});
