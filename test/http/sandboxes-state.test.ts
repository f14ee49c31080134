import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApplicationConfig } from '../../src/config/application-config.js';
import type { Customer } from '../../src/domain/customer.js';
import { createMock, type StartOptions } from '../../src/node-mock.js';
import { encodeLine } from '../../src/store/state-format.js';
import { aCustomer } from '../support/customers.js';
import { FailingFileSystem } from '../support/failing-file-system.js';
import { InProcessMock, ManualClock, type TestResponse } from '../support/mock.js';
import { stateFolders, textsOfFolder } from '../support/state-folders.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const TEAM_B: ApplicationConfig = { clientKey: 'team-b', clientSecret: 'team-b-secret', appId: 'app_team_b', seed: 5, count: 4 };
const NEW = { first_name: 'Frances', last_name: 'Allen', phone_number: '+19145550100', email: 'frances@example.com' };

interface Sandbox {
  clientKey: string;
  clientSecret: string;
  appId: string;
  customers: number;
}

const { freshState, track, stop } = stateFolders('mock-sandbox-state-');

async function start(stateFile: string, clock: ManualClock, options: StartOptions = {}): Promise<InProcessMock> {
  return track(new InProcessMock(await createMock({ count: 6, seed: 9, rateLimit: 0, stateFile, apps: [TEAM_B] }, { clock, ...options })));
}

async function restart(mock: InProcessMock, clock: ManualClock, options: StartOptions = {}): Promise<InProcessMock> {
  await stop(mock);
  return start(mock.mock.config.stateFile!, clock, options);
}

const credentialsOf = (app: { clientKey: string; clientSecret: string }) => ({ 'x-client-key': app.clientKey, 'x-client-secret': app.clientSecret });

function as(mock: InProcessMock, app: { clientKey: string; clientSecret: string }, method: string, path: string, body?: unknown): Promise<TestResponse<any>> {
  return mock.request(method, path, { auth: false, headers: credentialsOf(app), body });
}

async function createSandbox(mock: InProcessMock, body?: unknown): Promise<Sandbox> {
  const res = await mock.request('POST', '/__admin/sandboxes', { body });
  expect(res.status, res.text).toBe(201);
  return res.body as Sandbox;
}

/** Every customer the application holds, by id. */
async function customersOf(mock: InProcessMock, app?: { clientKey: string; clientSecret: string }): Promise<Customer[]> {
  const path = '/api/v0/customers?take=100';
  const res = app ? await as(mock, app, 'GET', path) : await mock.get(path);
  expect(res.status, res.text).toBe(200);
  return (res.body.data as Customer[]).sort((a, b) => a.id.localeCompare(b.id));
}

/** What a restart must give back: each application's customers, and the sandboxes' list. */
async function everything(mock: InProcessMock, sandboxes: readonly Sandbox[]) {
  return {
    own: await customersOf(mock),
    teamB: await customersOf(mock, TEAM_B),
    sandboxes: await Promise.all(sandboxes.map((sandbox) => customersOf(mock, sandbox))),
    listed: (await mock.get('/__admin/sandboxes')).body.sandboxes.map(({ lastUsedAt: _used, expiresAt: _expires, ...kept }: Record<string, unknown>) => kept),
  };
}

describe('sandboxes under --state', () => {
  it('survive a restart with their credentials, appId, creation time and every write; deleted ones stay deleted', async () => {
    const clock = new ManualClock(NOW);
    let mock = await start(freshState(), clock);
    const seeded = await createSandbox(mock, { seed: 7, count: 5 });
    const given = await createSandbox(mock, { customers: [aCustomer(), aCustomer()] });
    const deleted = await createSandbox(mock, { count: 1 });

    const created = await as(mock, seeded, 'POST', '/api/v0/customers', NEW);
    expect(created.status).toBe(201);
    const victim = (await customersOf(mock, seeded))[0]!;
    expect((await as(mock, seeded, 'PATCH', `/api/v0/customers/${victim.id}`, { last_name: 'Renamed' })).status).toBe(200);
    const removed = (await customersOf(mock, seeded)).find((customer) => customer.id !== victim.id && customer.id !== created.body.id)!;
    expect((await as(mock, seeded, 'DELETE', `/api/v0/customers/${removed.id}`)).status).toBe(200);
    expect((await as(mock, given, 'PUT', '/__admin/customers', [aCustomer()])).status).toBe(200);
    expect((await as(mock, TEAM_B, 'POST', '/api/v0/customers', NEW)).status).toBe(201);
    expect((await mock.request('DELETE', `/__admin/sandboxes/${deleted.clientKey}`)).status).toBe(200);
    const before = await everything(mock, [seeded, given]);
    expect(before.sandboxes.map((customers) => customers.length)).toEqual([5, 1]);
    expect(before.teamB).toHaveLength(5);

    clock.advance(60_000);
    mock = await restart(mock, clock);
    expect(mock.mock.dataSource).toMatch(/^state file /);
    expect(await everything(mock, [seeded, given])).toEqual(before);
    expect((await as(mock, deleted, 'GET', '/api/v0/customers')).status).toBe(401);

    // Reset goes back to what the sandbox held when the mock started, as the mock's own does.
    expect((await as(mock, seeded, 'POST', '/api/v0/customers', { ...NEW, email: 'again@example.com' })).status).toBe(201);
    expect((await as(mock, seeded, 'POST', '/__admin/reset')).body).toEqual({ customers: 5 });
    expect(await customersOf(mock, seeded)).toEqual(before.sandboxes[0]);
  });

  it('keep only a salted digest of their secrets on disk, in the journal and in the snapshot alike', async () => {
    const clock = new ManualClock(NOW);
    let mock = await start(freshState(), clock);
    const stateFile = mock.mock.config.stateFile!;
    const sandboxes = [await createSandbox(mock, { count: 2 }), await createSandbox(mock, { count: 2 })];
    const onDisk = () => textsOfFolder(join(stateFile, '..')).join('\n');
    const secretsOnDisk = () => sandboxes.filter(({ clientSecret }) => onDisk().includes(clientSecret));
    expect(onDisk()).toContain(sandboxes[0]!.clientKey);
    expect(secretsOnDisk()).toEqual([]);
    await mock.mock.state!.compact();
    expect(secretsOnDisk()).toEqual([]);
    // Each digest has a salt of its own: two sandboxes' digests share nothing.
    const digests = [...onDisk().matchAll(/"clientSecretDigest":\{"salt":"([0-9a-f]{32})","sha256":"([0-9a-f]{64})"\}/g)];
    expect(new Set(digests.map((found) => found[1])).size).toBe(2);

    mock = await restart(mock, clock);
    for (const sandbox of sandboxes) expect((await as(mock, sandbox, 'GET', '/api/v0/customers')).status).toBe(200);
    // One hex digit changed (a random secret ends in 0 one time in sixteen).
    const secret = sandboxes[0]!.clientSecret;
    const offByOne = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    expect((await as(mock, { ...sandboxes[0]!, clientSecret: offByOne }, 'GET', '/api/v0/customers')).status).toBe(401);
    expect((await as(mock, { ...sandboxes[0]!, clientSecret: sandboxes[1]!.clientSecret }, 'GET', '/api/v0/customers')).status).toBe(401);
  });

  it('load a sandbox record of an older version holding its secret in clear, and rewrite the files without it', async () => {
    const clock = new ManualClock(NOW);
    let mock = await start(freshState(), clock);
    const stateFile = mock.mock.config.stateFile!;
    const sandbox = await createSandbox(mock, { count: 2 });
    await stop(mock);
    // As a version 3 mock wrote it: the secret itself in the record, and no FILE.reached.
    const journal = `${stateFile}.journal.1`;
    const lines = readFileSync(journal, 'utf8').split('\n');
    const at = lines.findIndex((line) => line.includes('"type":"sandbox"'));
    const { clientSecretDigest: _digest, ...record } = JSON.parse(lines[at]!.slice(9)) as Record<string, unknown>;
    lines[at] = encodeLine({ ...record, clientSecret: sandbox.clientSecret }).trimEnd();
    writeFileSync(journal, lines.join('\n'));
    rmSync(`${stateFile}.reached`);
    expect(readFileSync(journal, 'utf8')).toContain(sandbox.clientSecret);

    mock = await start(stateFile, clock);
    expect((await as(mock, sandbox, 'GET', '/api/v0/customers')).status).toBe(200);
    // The start folds such files into a new snapshot at once.
    await mock.mock.state!.compact();
    const onDisk = textsOfFolder(join(stateFile, '..'));
    expect(onDisk.some((text) => text.includes(sandbox.clientSecret))).toBe(false);
  });

  it('survive a restart from a snapshot alone, after compaction removed the journal', async () => {
    const clock = new ManualClock(NOW);
    let mock = await start(freshState(), clock);
    const sandbox = await createSandbox(mock, { count: 3 });
    expect((await as(mock, sandbox, 'POST', '/api/v0/customers', NEW)).status).toBe(201);
    expect((await as(mock, TEAM_B, 'DELETE', `/api/v0/customers/${(await customersOf(mock, TEAM_B))[0]!.id}`)).status).toBe(200);
    const before = await everything(mock, [sandbox]);

    await mock.mock.state!.compact();
    const stateFile = mock.mock.config.stateFile!;
    expect(mock.mock.state!.sizes().journalBytes).toBeLessThan(200);
    mock = await restart(mock, clock);
    expect(await everything(mock, [sandbox])).toEqual(before);
    expect(readdirSync(join(stateFile, '..')).filter((name) => name.includes('.journal.'))).toHaveLength(1);
  });

  it('keep an expiry across a restart: an expired sandbox stays deleted, and idle time starts again for the rest', async () => {
    const clock = new ManualClock(NOW);
    let mock = await start(freshState(), clock);
    const idle = await createSandbox(mock, { count: 1 });
    clock.advance(30 * 60_000);
    const used = await createSandbox(mock, { count: 1 });
    clock.advance(31 * 60_000);
    // The idle one expired (61 minutes); listing deletes it, and the deletion is journaled.
    expect((await mock.get('/__admin/sandboxes')).body.sandboxes.map((s: Sandbox) => s.clientKey)).toEqual([used.clientKey]);

    mock = await restart(mock, clock);
    expect((await as(mock, idle, 'GET', '/api/v0/customers')).status).toBe(401);
    clock.advance(59 * 60_000);
    expect((await as(mock, used, 'GET', '/api/v0/customers')).status).toBe(200);
  });

  it('answer a sandbox creation or deletion they cannot save with a 503, and make none of it', async () => {
    const clock = new ManualClock(NOW);
    const disk = new FailingFileSystem();
    let mock = await start(freshState(), clock, { stateFileSystem: disk, onStateWarning: () => {} });
    const kept = await createSandbox(mock, { count: 2 });

    disk.failWith('ENOSPC', (path) => path.includes('.journal.'));
    const refused = await mock.request('POST', '/__admin/sandboxes', { body: { count: 2 } });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ statusCode: 503, message: expect.stringContaining('ENOSPC'), error: 'Service Unavailable' });
    expect((await mock.request('DELETE', `/__admin/sandboxes/${kept.clientKey}`)).status).toBe(503);
    expect((await mock.get('/__admin/sandboxes')).body.sandboxes.map((s: Sandbox) => s.clientKey)).toEqual([kept.clientKey]);
    expect(await customersOf(mock, kept)).toHaveLength(2);

    disk.heal();
    mock = await restart(mock, clock, { stateFileSystem: disk });
    expect((await mock.get('/__admin/sandboxes')).body.sandboxes.map((s: Sandbox) => s.clientKey)).toEqual([kept.clientKey]);
    expect(await customersOf(mock, kept)).toHaveLength(2);
  });
});
