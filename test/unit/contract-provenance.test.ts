import { describe, expect, it } from 'vitest';
import type { RawResponse } from '../../src/client/index.js';
import { observe } from '../../src/contract-kit/drift.js';
import { invalidBodies } from '../../src/contract-kit/invalid-bodies.js';
import { documentChoices } from '../../src/contract-kit/provenance.js';
import { RateLimitTracker } from '../../src/contract-kit/rate-limit-headers.js';
import { documentedOnly } from '../../src/judge/index.js';
import { compiledChecks as documentedChecks } from '../../src/openapi/documented-validators.generated.js';
import { getSpecModel } from '../../src/openapi/index.js';

const spec = await getSpecModel();

describe('the choices, for the drift report', () => {
  const choices = documentChoices(spec.spec.raw);

  it('reads every entry of x-choices, with its compat option where it has one', () => {
    expect(choices.get('list-order')?.compat).toMatchObject({ option: 'order', default: 'newest-first' });
    expect(choices.get('delete-response')?.compat).toBeUndefined();
  });

  it('reports an observation with its compat pair only where the choice has that value', () => {
    const choice = choices.get('timestamp-keys')!;
    expect(observe(choice, { observed: 'snake_case', expected: 'camelCase', asDocument: false, detail: 'keys' })).toEqual({
      choice: 'timestamp-keys',
      topic: choice.topic,
      document: 'camelCase',
      observed: 'snake_case',
      compat: { option: 'timestamps', value: 'snake_case' },
      detail: 'keys',
    });
    expect(observe(choice, { observed: 'neither', expected: 'camelCase', asDocument: false, detail: '' })).not.toHaveProperty('compat');
  });
});

describe('the documented rules of the schemas, apart from the choices', () => {
  it('accept extra fields and other timestamp keys, and still check every documented field', () => {
    const relaxed = documentedOnly(spec).schemaValidator('Customer');
    const strict = spec.schemaValidator('Customer');
    const { createdAt, updatedAt, ...rest } = (spec.spec.raw.components!.examples!.ExistingCustomer as { value: Record<string, unknown> }).value;
    const platform = { ...rest, created_at: createdAt, updated_at: updatedAt, app_id: 'x' };
    expect(strict(platform)).toBe(false);
    expect(relaxed(platform)).toBe(true);
    expect(relaxed({ ...platform, status: 'active' })).toBe(false);
    expect(relaxed({ ...platform, first_name: undefined })).toBe(false);
  });

  it('are the ones the build compiled for the document as written; a document rewritten by compat options compiles its own', async () => {
    expect(documentedOnly(spec).schemaValidator('Customer')).toBe(documentedChecks['schema Customer']);
    const rewritten = await getSpecModel({ timestamps: 'snake_case' });
    expect(documentedOnly(rewritten).schemaValidator('Customer')).not.toBe(documentedChecks['schema Customer']);
  });
});

describe('invalid bodies from a request schema', () => {
  it('break each constraint once, just past its boundary', () => {
    const schema = spec.operation('createCustomer').requestBodySchema!;
    const valid = { first_name: 'A', last_name: 'B', phone_number: '+14155550123', email: 'a@example.com' };
    const bodies = invalidBodies(schema, valid);
    const validate = spec.schemaValidator('CreateCustomer');
    expect(validate(valid)).toBe(true);
    for (const { body, breaks } of bodies) expect(validate(body), breaks).toBe(false);
    expect(bodies.map((b) => b.breaks)).toEqual(
      expect.arrayContaining(['first_name longer than maxLength 100', 'first_name shorter than minLength 1', 'status not among its values', 'status "active", a case variant of "ACTIVE"', 'phone_number (required) left out', 'an unknown property']),
    );
  });
});

describe('rate-limit headers', () => {
  const response = (status: number, headers: Record<string, string>): RawResponse =>
    ({ status, headers: new Headers(headers), request: { method: 'GET', url: '', headers: { 'x-client-key': 'k' }, body: undefined }, text: '', body: '', bodyIsJson: false, attempts: 1 });
  const window = (remaining: number) => ({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': '1060' });

  it('fall within a window, under a limit that does not change (each response\'s own headers are the judge\'s)', () => {
    const tracker = new RateLimitTracker(() => 1_000_000);
    expect(tracker.follow(response(200, window(50)), 1_000_000).problems).toEqual([]);
    expect(tracker.follow(response(200, window(49)), 1_000_000).problems).toEqual([]);
    expect(tracker.follow(response(200, window(49)), 1_000_000).problems).toEqual([expect.stringContaining('did not fall within one window: 49, then 49')]);
    expect(tracker.follow(response(200, { ...window(48), 'x-ratelimit-limit': '200' }), 1_000_000).problems).toEqual([expect.stringContaining('changed from 100 to 200')]);
  });

  it('follow refused credentials apart, since whether they spend the key\'s window is a choice, and each kind must still fall', () => {
    const tracker = new RateLimitTracker(() => 1_000_000);
    expect(tracker.follow(response(200, window(50)), 1_000_000).problems).toEqual([]);
    // A count kept apart for refused attempts (this mock) and one shared with the key both pass.
    expect(tracker.follow(response(401, window(99)), 1_000_000).problems).toEqual([]);
    expect(tracker.follow(response(200, window(49)), 1_000_000).problems).toEqual([]);
    expect(tracker.follow(response(401, window(98)), 1_000_000).problems).toEqual([]);
    expect(tracker.follow(response(401, window(98)), 1_000_000).problems).toEqual([expect.stringContaining('did not fall within one window: 98, then 98')]);
  });

  it('compare Remaining only with responses that had arrived before the request left: requests in flight together may be counted in either order', () => {
    let now = 1_000_000;
    const tracker = new RateLimitTracker(() => now);
    const sentTogether = now;
    now += 10;
    expect(tracker.follow(response(200, window(41)), sentTogether).problems).toEqual([]);
    now += 10;
    expect(tracker.follow(response(200, window(42)), sentTogether).problems).toEqual([]);
    // A request sent after both answers arrived is compared again.
    expect(tracker.follow(response(200, window(42)), now).problems).toEqual([expect.stringContaining('did not fall within one window: 42, then 42')]);
  });

  it('make the kit wait for the next window once the current one is used up', async () => {
    const slept: number[] = [];
    const tracker = new RateLimitTracker(() => 1_000_000, async (ms) => void slept.push(ms));
    tracker.follow(response(200, window(0)), 1_000_000);
    await tracker.waitForWindow();
    expect(slept).toEqual([60_100]);
    await tracker.waitForWindow();
    expect(slept).toHaveLength(1);
  });
});
