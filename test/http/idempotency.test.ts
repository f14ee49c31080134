import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_TTL_MS } from '../../src/tenancy/idempotency-keys.js';
import { inProcessMock, listeningMock, ManualClock, CREDENTIALS, type InProcessMock } from '../support/mock.js';
import { expectDocumented, expectError } from '../support/documented.js';

const NEW = { first_name: 'Alan', last_name: 'Turing', phone_number: '+441234567890' };
const REUSED = 'Conflict: Idempotency key already used with different request data';

const stateFolder = mkdtempSync(join(tmpdir(), 'idempotency-state-'));
afterAll(() => rmSync(stateFolder, { recursive: true, force: true }));

let mock: InProcessMock;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 2, 1));
  mock = await inProcessMock({ count: 20 }, clock);
});

function send(method: string, path: string, key: string, body?: unknown) {
  return mock.request(method, path, { body, headers: { 'idempotency-key': key } });
}

describe('idempotency-key', () => {
  it('replays the first create exactly, without a second write', async () => {
    const first = await send('POST', '/api/v0/customers', 'k1', NEW);
    expect(first.status).toBe(201);
    clock.advance(5000);
    const again = await send('POST', '/api/v0/customers', 'k1', NEW);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(mock.store.size).toBe(21);
    await expectDocumented('createCustomer', again);
  });

  it('replays an update and a delete without running them again', async () => {
    const [a, b] = mock.store.customers();
    const patched = await send('PATCH', `/api/v0/customers/${a!.id}`, 'p', { first_name: 'Once' });
    clock.advance(1000);
    const replayed = await send('PATCH', `/api/v0/customers/${a!.id}`, 'p', { first_name: 'Once' });
    expect(replayed.text).toBe(patched.text);
    expect(mock.store.get(a!.id)!.updatedAt).toBe(patched.body.updatedAt);

    const deleted = await send('DELETE', `/api/v0/customers/${b!.id}`, 'd');
    expect(deleted.status).toBe(200);
    const again = await send('DELETE', `/api/v0/customers/${b!.id}`, 'd');
    expect(again.status).toBe(200);
    expect(again.text).toBe(deleted.text);
    // Without the key the second delete is a plain 404.
    expectError(await mock.request('DELETE', `/api/v0/customers/${b!.id}`), 404);
  });

  it('replays the first response even when it was an error the operation produced', async () => {
    const taken = mock.store.customers().find((c) => c.email !== null)!.email!;
    const first = await send('POST', '/api/v0/customers', 'e', { ...NEW, email: taken });
    expectError(first, 409, 'Customer with the same email already exists');
    await mock.request('DELETE', `/api/v0/customers/${mock.store.customers().find((c) => c.email === taken)!.id}`);
    const again = await send('POST', '/api/v0/customers', 'e', { ...NEW, email: taken });
    expect(again.status).toBe(409);
    expect(again.text).toBe(first.text);
  });

  it.each([
    ['a different body', 'POST', '/api/v0/customers', { ...NEW, first_name: 'Other' }],
    ['the same fields in another order', 'POST', '/api/v0/customers', { last_name: NEW.last_name, first_name: NEW.first_name, phone_number: NEW.phone_number }],
    ['a different method and path', 'DELETE', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10', undefined],
  ])('refuses the same key with %s -> 409, changing nothing', async (_what, method, path, body) => {
    await send('POST', '/api/v0/customers', 'same', NEW);
    const before = mock.store.customers();
    const res = await send(method, path, 'same', body);
    expectError(res, 409, REUSED);
    expect(res.body.error).toBe('Conflict');
    await expectDocumented(method === 'POST' ? 'createCustomer' : 'deleteCustomer', res);
    expect(mock.store.customers()).toEqual(before);
  });

  it('refuses the same key on another customer (a different path)', async () => {
    const [a, b] = mock.store.customers();
    await send('PATCH', `/api/v0/customers/${a!.id}`, 'path', { status: 'DEACTIVATED' });
    expectError(await send('PATCH', `/api/v0/customers/${b!.id}`, 'path', { status: 'DEACTIVATED' }), 409, REUSED);
    expect(mock.store.get(b!.id)!.status).toBe(b!.status);
  });

  it('forgets a key after 24 hours', async () => {
    const first = await send('POST', '/api/v0/customers', 'ttl', NEW);
    clock.advance(IDEMPOTENCY_TTL_MS - 1);
    expect((await send('POST', '/api/v0/customers', 'ttl', NEW)).text).toBe(first.text);
    expect(mock.store.size).toBe(21);
    clock.advance(1);
    const fresh = await send('POST', '/api/v0/customers', 'ttl', NEW);
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(mock.store.size).toBe(22);
    // The expired key is free for a different request too.
    clock.advance(IDEMPOTENCY_TTL_MS);
    expect((await send('POST', '/api/v0/customers', 'ttl', { ...NEW, first_name: 'New' })).status).toBe(201);
  });

  it('does not keep a request refused by validation, so a corrected retry with the key goes through', async () => {
    expectError(await send('POST', '/api/v0/customers', 'fix', { ...NEW, phone_number: 'x' }), 400);
    expect((await send('POST', '/api/v0/customers', 'fix', NEW)).status).toBe(201);
  });

  it('refuses an empty or over-long key -> 400 naming the header', async () => {
    expectError(await send('POST', '/api/v0/customers', 'k'.repeat(256), NEW), 400, ['idempotency-key must be shorter than or equal to 255 characters']);
    expect(mock.store.size).toBe(20);
  });

  it('does not apply to reads: GET ignores the header', async () => {
    const id = mock.store.customers()[0]!.id;
    await send('GET', `/api/v0/customers/${id}`, 'read');
    expect((await send('GET', '/api/v0/customers', 'read')).status).toBe(200);
  });

  describe.each([
    ['without --state', () => ({})],
    ['with --state and --fsync batch', () => ({ stateFile: join(stateFolder, 'batch.json'), fsync: 'batch' as const })],
    ['with --state and --fsync always', () => ({ stateFile: join(stateFolder, 'always.json'), fsync: 'always' as const })],
  ])('%s', (_mode, state) => {
    it('answers 50 concurrent retries of one request with its first answer, written once', async () => {
      const running = await listeningMock({ count: 5, ...state() });
      try {
        const responses = await Promise.all(
          Array.from({ length: 50 }, () =>
            fetch(`${running.url}/api/v0/customers`, {
              method: 'POST',
              headers: { ...CREDENTIALS, 'content-type': 'application/json', 'idempotency-key': 'race' },
              body: JSON.stringify(NEW),
            }).then(async (r) => ({ status: r.status, text: await r.text(), replayed: r.headers.get('idempotent-replayed') })),
          ),
        );
        expect(running.store.size).toBe(6);
        // The retries waited for the first answer rather than being told it was under way.
        expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
        expect(new Set(responses.map((r) => r.text)).size).toBe(1);
        expect(responses.filter((r) => r.replayed === 'true')).toHaveLength(49);
      } finally {
        await running.close();
      }
    });
  });
});

describe('idempotency keys are scoped per application', () => {
  it('lets two applications use the same key independently', async () => {
    const other = { clientKey: 'other-key', clientSecret: 'other-secret', appId: 'app_other', count: 0 };
    const twoApps = await inProcessMock({ count: 0, apps: [other] });
    const post = async (headers: Record<string, string>) => {
      const res = await twoApps.request('POST', '/api/v0/customers', { auth: false, body: NEW, headers: { ...headers, 'idempotency-key': 'shared' } });
      return [res.status, res.headers.get('idempotent-replayed'), (res.body as { appId: string }).appId];
    };
    const otherCredentials = { 'x-client-key': other.clientKey, 'x-client-secret': other.clientSecret };
    expect(await post(CREDENTIALS)).toEqual([201, null, 'app_customers_mock']);
    expect(await post(otherCredentials)).toEqual([201, null, 'app_other']);
    expect(await post(CREDENTIALS)).toEqual([201, 'true', 'app_customers_mock']);
    expect(await post(otherCredentials)).toEqual([201, 'true', 'app_other']);
    expect(twoApps.store.size).toBe(1);
  });
});
