import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { CustomerStore } from '../../src/store/customer-store.js';
import { seededCustomers } from '../../src/store/seeded-customers.js';
import { Applications, SandboxLimitError } from '../../src/tenancy/applications.js';

const OWN = { clientKey: 'own-key', clientSecret: 'own-secret', appId: 'app_own' };
const OTHER = { clientKey: 'other-key', clientSecret: 'other-secret', appId: 'app_other', initialCustomers: () => [] };

/** The tenancy model on its own, as the engine makes it, with no HTTP in sight. */
function applications(limits = { maxSandboxes: 2, maxCustomers: 50, idleMs: 60_000 }, rateLimit = 3): Applications {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const initial = seededCustomers({ seed: 1, count: 3, appId: OWN.appId });
  const store = new CustomerStore({ clock, appId: OWN.appId });
  store.replaceAll(initial);
  return new Applications({ clock, rateLimit, storeOptions: { clock } }, { ...OWN, store, initialCustomers: () => initial }, [OTHER], limits);
}

describe('the tenancy model, below HTTP', () => {
  it('refuses a sandbox past the limit with its own error, which says nothing of HTTP', async () => {
    const tenancy = applications({ maxSandboxes: 1, maxCustomers: 50, idleMs: 60_000 });
    await tenancy.createSandbox({ seed: 1, count: 2 });
    await expect(tenancy.createSandbox({ seed: 2, count: 2 })).rejects.toThrow(SandboxLimitError);
    expect(tenancy.listSandboxes()).toHaveLength(1);
  });

  it('counts failed attempts apart from every application, and forgets them on reset', () => {
    const tenancy = applications();
    for (let i = 0; i < 3; i++) expect(tenancy.countFailedAttempt('own-key').allowed).toBe(true);
    expect(tenancy.countFailedAttempt('own-key').allowed).toBe(false);
    const own = tenancy.authenticate(OWN.clientKey, OWN.clientSecret)!;
    expect(own.countRequest()).toMatchObject({ allowed: true, remaining: 2 });
    tenancy.resetAll();
    expect(tenancy.countFailedAttempt('own-key').allowed).toBe(true);
  });

  it("keeps the requests of callers that are none in a log the mock's own application shows", () => {
    const tenancy = applications();
    const other = tenancy.authenticate(OTHER.clientKey, OTHER.clientSecret)!;
    const entry = (sequence: number) => ({ method: 'GET', path: '/api/v0/customers', search: '', status: 200, at: 0, durationMs: 1, sequence });
    tenancy.requestLogOf(undefined).add({ ...entry(0), status: 401 });
    tenancy.requestLogOf(other).add(entry(1));
    expect(tenancy.own.requests().map((request) => request.status)).toEqual([401]);
    expect(other.requests().map((request) => request.status)).toEqual([200]);
  });
});
