import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { compareListOrder } from '../../src/domain/query.js';
import { referenceList } from '../support/reference-list.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

interface Sent {
  readonly kind: 'create' | 'update' | 'delete' | 'read';
  readonly id?: string;
  readonly email?: string;
  readonly status: number;
  readonly body: any;
}

let running: ListeningMock;
beforeAll(async () => {
  running = await listeningMock({ count: 150, seed: 11 });
});
afterAll(() => running.close());

async function call(kind: Sent['kind'], method: string, path: string, body?: unknown, meta: Partial<Sent> = {}): Promise<Sent> {
  const res = await fetch(`${running.url}${path}`, {
    method,
    headers: { ...CREDENTIALS, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { kind, ...meta, status: res.status, body: await res.json() };
}

describe('concurrent writes on a real socket', () => {
  it('keep the store sound and equal to what the acknowledged responses imply', async () => {
    const initial = running.store.customers();
    const withEmail = initial.filter((c) => c.email !== null);
    const updated = withEmail.slice(0, 60);
    const deleted = initial.filter((c) => !updated.includes(c)).slice(0, 40);
    const contested = (group: number) => `contested-${group}@example.com`;
    const requests: Array<Promise<Sent>> = [];

    // 120 creates: 40 with a unique email, 40 without, 40 fighting in groups of 4 over 10 emails.
    for (let i = 0; i < 120; i++) {
      const email = i < 40 ? `unique-${i}@example.com` : i < 80 ? undefined : contested(i % 10);
      const body = { first_name: `Parallel${i}`, last_name: 'Writer', phone_number: `+1415555${String(i).padStart(4, '0')}`, ...(email ? { email } : {}) };
      requests.push(call('create', 'POST', '/api/v0/customers', body, { email }));
    }
    // 60 updates, one per customer: status changes, and 20 of them fighting over the contested emails with the creates.
    updated.forEach((c, i) => {
      const body = i < 20 ? { email: contested(i % 10), first_name: 'Moved' } : { status: i % 2 ? 'BLACKLISTED' : 'DEACTIVATED', reason: i % 2 ? 'parallel' : undefined };
      requests.push(call('update', 'PATCH', `/api/v0/customers/${c.id}`, body, { id: c.id, email: i < 20 ? contested(i % 10) : undefined }));
    });
    // 80 deletes: each of 40 customers deleted twice at once.
    for (const c of [...deleted, ...deleted]) requests.push(call('delete', 'DELETE', `/api/v0/customers/${c.id}`, undefined, { id: c.id }));
    // And reads in between, which must never fail.
    for (let i = 0; i < 40; i++) requests.push(call('read', 'GET', `/api/v0/customers?take=100&skip=${i * 5}`));

    const sent = await Promise.all(requests);
    expect(sent.filter((s) => s.status >= 500)).toEqual([]);
    expect(storeInvariantProblems(running.store)).toEqual([]);

    // Every contested email went to exactly one writer; everyone else was told 409.
    for (let group = 0; group < 10; group++) {
      const fighters = sent.filter((s) => s.email === contested(group));
      expect(fighters.filter((s) => s.status === 201 || s.status === 200), contested(group)).toHaveLength(1);
      expect(fighters.filter((s) => s.status === 409)).toHaveLength(fighters.length - 1);
    }
    // Each doubly deleted customer was deleted once; the other attempt found it gone.
    for (const c of deleted) {
      expect(sent.filter((s) => s.kind === 'delete' && s.id === c.id).map((s) => s.status).sort()).toEqual([200, 404]);
    }
    // Uncontested writes and reads all succeeded.
    expect(sent.filter((s) => s.kind === 'read' && s.status !== 200)).toEqual([]);
    expect(sent.filter((s) => s.kind === 'create' && !s.email?.startsWith('contested-') && s.status !== 201)).toEqual([]);
    expect(sent.filter((s) => s.kind === 'update' && !s.email && s.status !== 200)).toEqual([]);

    // The store is the initial data plus acknowledged creates and updates, minus acknowledged deletes.
    const expected = new Map(initial.map((c) => [c.id, c]));
    for (const s of sent) {
      if (s.kind === 'create' && s.status === 201) expected.set(s.body.id, s.body as Customer);
      if (s.kind === 'update' && s.status === 200) expected.set(s.id!, s.body as Customer);
      if (s.kind === 'delete' && s.status === 200) expected.delete(s.id!);
    }
    const model = [...expected.values()].sort(compareListOrder);
    expect(running.store.customers()).toEqual(model);

    // And the HTTP answers agree with the reference over the model.
    const page = await call('read', 'GET', '/api/v0/customers?take=100&status=BLACKLISTED');
    expect(page.body).toEqual(referenceList(model, { skip: 0, take: 100, status: 'BLACKLISTED' }));
  });
});
