import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/openapi/contract-facts.generated.js';
import { loadSpec, type OpenApiDocument } from '../../src/openapi/index.js';
import { ruleCatalogue, rulesOf, withRulesInDescriptions } from '../../src/openapi/rules.js';

const asWritten = () => structuredClone(loadSpec().asWritten) as OpenApiDocument & Record<string, unknown>;
const API_OPERATIONS = ['listCustomers', 'createCustomer', 'fetchCustomer', 'updateCustomer', 'deleteCustomer'];

describe('the rules of the document (x-rules)', () => {
  it('load in document order, with the ids the build compiled for TypeScript', () => {
    const rules = rulesOf(asWritten());
    expect(rules.map((r) => r.id)).toEqual([...RULE_IDS]);
    expect(rules.length).toBeGreaterThanOrEqual(50);
  });

  it('name their provenance: documented, or the choice that governs them', () => {
    const byId = new Map(rulesOf(asWritten()).map((r) => [r.id, r]));
    expect(byId.get('list.take.bounds')).toMatchObject({ provenance: 'documented', choice: undefined, at: '/components/parameters/Take' });
    expect(byId.get('list.order')).toMatchObject({ provenance: 'choice', choice: 'list-order', at: '/paths/~1api~1v0~1customers/get' });
    expect(byId.get('auth.both-headers')).toMatchObject({ provenance: 'choice', choice: 'auth-both-headers', at: '' });
  });

  it('apply to the operation they sit on, to each operation using the component they sit on, and (on the document) to every API operation', () => {
    const byId = new Map(rulesOf(asWritten()).map((r) => [r.id, r]));
    expect(byId.get('list.take.bounds')!.operationIds).toEqual(['listCustomers']);
    expect(byId.get('fetch.unknown-id')!.operationIds).toEqual(['fetchCustomer']);
    expect([...byId.get('idempotency.replay-identical')!.operationIds].sort()).toEqual(['createCustomer', 'deleteCustomer', 'updateCustomer']);
    expect([...byId.get('auth.required')!.operationIds].sort()).toEqual([...API_OPERATIONS].sort());
  });

  it('refuse a document whose rules are malformed, repeated or of unknown provenance', () => {
    const entry = (document: Record<string, unknown>) => (document['x-rules'] as Record<string, unknown>[])[0]!;
    const repeated = asWritten();
    (repeated['x-rules'] as unknown[]).push({ ...entry(repeated) });
    expect(() => rulesOf(repeated)).toThrow(/rule auth.required is listed twice/);
    const unknownChoice = asWritten();
    entry(unknownChoice).provenance = 'no-such-choice';
    expect(() => rulesOf(unknownChoice)).toThrow(/\/x-rules\/0 \(auth.required\)\.provenance must be documented or the id of an x-choices entry/);
    const textless = asWritten();
    entry(textless).text = ' ';
    expect(() => rulesOf(textless)).toThrow(/\.text must be a non-empty string/);
    const badId = asWritten();
    entry(badId).id = 'Auth';
    expect(() => rulesOf(badId)).toThrow(/\.id must be a dotted kebab-case id, got "Auth"/);
  });

  it('are looked up by id, and an id the document does not list fails loudly', () => {
    const catalogue = ruleCatalogue(asWritten());
    expect(catalogue.rule('rate-limit.headers').provenance).toBe('documented');
    expect(() => catalogue.rule('list.take.bound')).toThrow('The OpenAPI document lists no rule "list.take.bound" (x-rules)');
  });

  it('follow a document rewritten for compat options: a rule on an operation the rewrite removes goes with it', () => {
    const rewritten = loadSpec({ delete: 'absent', timestamps: 'snake_case', names: 'either' }).raw;
    const ids = rulesOf(rewritten).map((r) => r.id);
    expect(ids).not.toContain('delete.supported');
    expect(ids).toContain('idempotency.replay-identical');
    const described = withRulesInDescriptions(rewritten);
    expect(described.paths!['/api/v0/customers']!.get!.description).toContain('`list.filter.name.literal` (documented)');
  });
});
