import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { inProcessMock, CREDENTIALS, type InProcessMock } from '../support/mock.js';

const SANDBOXES = 3;
const UNKNOWN_ID = '6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10';

type Operation =
  | { kind: 'create'; app: number; email: string | undefined }
  | { kind: 'fetch' | 'delete'; app: number; target: number }
  | { kind: 'update'; app: number; target: number; patch: Record<string, string> }
  | { kind: 'list' | 'reset'; app: number };

const app = fc.integer({ min: 0, max: SANDBOXES });
const target = fc.nat();
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), app, email: fc.constantFrom(undefined, 'shared@example.com', 'SHARED@example.com', 'other@example.com') }),
  fc.record({ kind: fc.constantFrom('fetch' as const, 'delete' as const), app, target }),
  fc.record({ kind: fc.constant('update' as const), app, target, patch: fc.constantFrom<Record<string, string>>({ status: 'BLACKLISTED' }, { last_name: 'Renamed' }, { email: 'shared@example.com' }) }),
  fc.record({ kind: fc.constantFrom('list' as const, 'reset' as const), app }),
);

/** One application under test: the headers it calls with, its model and the data set a reset restores. */
interface Tenant {
  readonly headers: Record<string, string>;
  readonly initial: ReadonlyMap<string, Customer>;
  model: Map<string, Customer>;
}

async function listAll(mock: InProcessMock, headers: Record<string, string>): Promise<{ total: number; data: Customer[] }> {
  const res = await mock.request('GET', '/api/v0/customers?take=100', { auth: false, headers });
  expect(res.status).toBe(200);
  return res.body as { total: number; data: Customer[] };
}

async function tenants(mock: InProcessMock): Promise<Tenant[]> {
  const headers: Array<Record<string, string>> = [CREDENTIALS];
  for (let i = 0; i < SANDBOXES; i++) {
    // Two of them start from the same seed, so the same ids live in several applications.
    const res = await mock.request('POST', '/__admin/sandboxes', { body: { seed: i === 0 ? 5 : 9, count: 4 } });
    expect(res.status).toBe(201);
    headers.push({ 'x-client-key': res.body.clientKey, 'x-client-secret': res.body.clientSecret });
  }
  return Promise.all(
    headers.map(async (h) => {
      const initial = new Map((await listAll(mock, h)).data.map((c) => [c.id, c]));
      return { headers: h, initial, model: new Map(initial) };
    }),
  );
}

/** Every id any application knows, and one that none does: writes in one are probed in all. */
function idAt(all: readonly Tenant[], index: number): string {
  const ids = [...new Set(all.flatMap((t) => [...t.initial.keys(), ...t.model.keys()])), UNKNOWN_ID];
  return ids[index % ids.length]!;
}

function emailTaken(model: ReadonlyMap<string, Customer>, email: string, except?: string): boolean {
  return [...model.values()].some((c) => c.id !== except && c.email?.toLowerCase() === email.toLowerCase());
}

async function apply(mock: InProcessMock, all: Tenant[], op: Operation): Promise<void> {
  const tenant = all[op.app]!;
  const send = (method: string, path: string, body?: unknown) => mock.request(method, path, { auth: false, headers: tenant.headers, body });
  switch (op.kind) {
    case 'create': {
      const res = await send('POST', '/api/v0/customers', { first_name: 'Iso', last_name: 'Lated', phone_number: '+14155550123', ...(op.email ? { email: op.email } : {}) });
      if (op.email !== undefined && emailTaken(tenant.model, op.email)) return expect(res.status).toBe(409);
      expect(res.status).toBe(201);
      tenant.model.set(res.body.id, res.body);
      return;
    }
    case 'fetch': {
      const id = idAt(all, op.target);
      const res = await send('GET', `/api/v0/customers/${id}`);
      const known = tenant.model.get(id);
      expect([res.status, res.body]).toEqual(known ? [200, known] : [404, expect.anything()]);
      return;
    }
    case 'delete': {
      const id = idAt(all, op.target);
      const res = await send('DELETE', `/api/v0/customers/${id}`);
      expect(res.status).toBe(tenant.model.has(id) ? 200 : 404);
      tenant.model.delete(id);
      return;
    }
    case 'update': {
      const id = idAt(all, op.target);
      const res = await send('PATCH', `/api/v0/customers/${id}`, op.patch);
      if (!tenant.model.has(id)) return expect(res.status).toBe(404);
      if (op.patch.email !== undefined && emailTaken(tenant.model, op.patch.email, id)) return expect(res.status).toBe(409);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject(op.patch);
      tenant.model.set(id, res.body);
      return;
    }
    case 'list': {
      const page = await listAll(mock, tenant.headers);
      expect(page.total).toBe(tenant.model.size);
      expect(new Map(page.data.map((c) => [c.id, c]))).toEqual(tenant.model);
      return;
    }
    case 'reset': {
      expect((await send('POST', '/__admin/reset')).status).toBe(200);
      tenant.model = new Map(tenant.initial);
    }
  }
}

describe('sandboxes are isolated', () => {
  it('no read in one application sees a write in another, through any sequence of operations', async () => {
    let operations = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 10, maxLength: 40 }), async (ops) => {
        const mock = await inProcessMock({ count: 4, seed: 5 });
        const all = await tenants(mock);
        for (const op of ops) await apply(mock, all, op);
        for (const tenant of all) await apply(mock, all, { kind: 'list', app: all.indexOf(tenant) });
        operations += ops.length;
      }),
      { numRuns: 30 },
    );
    console.log(`sandbox isolation: ${operations} random operations across ${SANDBOXES} sandboxes and the mock's own application, each checked against its model`);
  }, 120_000);
});
