import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateCustomers } from '../../src/store/seed.js';
import { runCli, spawnCli, type SpawnedMock } from '../support/cli.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { customerCheck } from '../../src/engine.js';
import { loadState } from '../../src/store/durable-state.js';
import { encodeLine, headerOf, STATE_FORMAT_VERSION } from '../../src/store/state-format.js';
import { CREDENTIALS } from '../support/mock.js';
import { aCustomer } from '../support/customers.js';

let folder: string;
let files = 0;
const started: SpawnedMock[] = [];
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'mock-state-'));
});
afterEach(async () => {
  for (const mock of started.splice(0)) {
    mock.child.kill('SIGKILL');
    await mock.exited;
  }
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A path of its own for each test, so tests that only run the CLI can run concurrently. */
function freshPath(): string {
  return join(folder, `state-${++files}.json`);
}

async function start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SpawnedMock> {
  const mock = await spawnCli(['--port', '0', ...args], env);
  started.push(mock);
  return mock;
}

async function api(mock: SpawnedMock, method: string, path: string, body?: unknown, headers: Record<string, string> = CREDENTIALS) {
  const res = await fetch(`${mock.url}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('the CLI', () => {
  it('prints a usable URL for --port 0, the credentials and a curl that works', async () => {
    const mock = await start(['--count', '7']);
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.url).not.toMatch(/:0$/);
    expect(mock.banner).toContain('client key:    mock-client-key');
    expect(mock.banner).toContain('client secret: mock-client-secret');
    expect(mock.banner).toContain('7 from seed 42');
    expect(mock.banner).toContain(`curl -s '${mock.url}/api/v0/customers?take=2'`);
    expect(mock.banner).toContain("-H 'x-client-key: mock-client-key'");
    expect(mock.banner).toContain("-H 'x-client-secret: mock-client-secret'");
    const res = await api(mock, 'GET', '/api/v0/customers?take=2');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(7);
  });

  it('starts from a --data file', async () => {
    const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'customers.seed-42.json');
    const mock = await start(['--data', fixture]);
    expect(mock.banner).toContain(`50 from data file ${fixture}`);
    const page = await api(mock, 'GET', '/api/v0/customers?take=100');
    const expected = JSON.parse(readFileSync(fixture, 'utf8')) as Array<{ id: string }>;
    expect(new Set(page.body.data.map((c: { id: string }) => c.id))).toEqual(new Set(expected.map((c) => c.id)));
  });

  it('takes credentials from the environment and shows them', async () => {
    const mock = await start(['--count', '1'], { MOCK_CLIENT_KEY: 'env-key', MOCK_CLIENT_SECRET: 'env-secret' });
    expect(mock.banner).toContain("-H 'x-client-key: env-key'");
    expect((await api(mock, 'GET', '/api/v0/customers')).status).toBe(401);
    expect((await api(mock, 'GET', '/api/v0/customers', undefined, { 'x-client-key': 'env-key', 'x-client-secret': 'env-secret' })).status).toBe(200);
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const mock = await start(['--count', '1']);
    mock.child.kill('SIGTERM');
    expect(await mock.exited).toBe(0);
  });

  it.concurrent('prints the help with every option and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const option of ['--port', '--host', '--seed', '--count', '--data', '--state', '--client-key', '--client-secret', '--rate-limit', '--help']) {
      expect(stdout).toContain(option);
    }
  });

  it.concurrent.each([
    [['--bogus'], /unknown option --bogus/],
    [['--prot', '80'], /unknown option --prot \(did you mean --port\?\)/],
    [['--port', 'abc'], /--port must be a whole number from 0 to 65535, got "abc"/],
    [['--count', '-3'], /--count/],
    [['--out', 'x.json'], /--out goes with generate/],
  ])('exits 2 with a message for %j', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('--help');
  });
});

describe('--state FILE', () => {
  it('keeps every acknowledged write across a kill -9 and a restart', async () => {
    const state = freshPath();
    const first = await start(['--count', '20', '--state', state]);
    const created = await api(first, 'POST', '/api/v0/customers', { first_name: 'Persisted', last_name: 'Person', phone_number: '+14155550100', email: 'persisted@example.com' });
    expect(created.status).toBe(201);
    // Seeded customers (the created one is newest, so first in the list).
    const [a, b] = (await api(first, 'GET', '/api/v0/customers?skip=1&take=2')).body.data;
    const patched = await api(first, 'PATCH', `/api/v0/customers/${a.id}`, { status: 'BLACKLISTED', reason: 'test' });
    expect(patched.status).toBe(200);
    expect((await api(first, 'DELETE', `/api/v0/customers/${b.id}`)).status).toBe(200);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await start(['--count', '20', '--state', state]);
    expect(second.banner).toContain(`20 from state file ${state}`);
    expect((await api(second, 'GET', `/api/v0/customers/${created.body.id}`)).body).toEqual(created.body);
    expect((await api(second, 'GET', `/api/v0/customers/${a.id}`)).body).toEqual(patched.body);
    expect((await api(second, 'GET', `/api/v0/customers/${b.id}`)).status).toBe(404);
    const list = await api(second, 'GET', '/api/v0/customers?email=PERSISTED@example.com');
    expect(list.body.data).toEqual([created.body]);
    expect((await api(second, 'GET', '/api/v0/customers')).body.total).toBe(20);
  });

  it('is one process\'s: a second mock on the same file exits 2, naming the file and the holder\'s pid', async () => {
    const state = freshPath();
    const first = await start(['--count', '5', '--state', state]);
    const { code, stdout, stderr } = await runCli(['--port', '0', '--state', state]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`customers-mock: ${state} is in use by another customers-mock (process ${first.child.pid})`);
    // The first still serves, and a stop gives the file up for the next.
    expect((await api(first, 'GET', '/api/v0/customers')).body.total).toBe(5);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(`${state}.lock`)).toBe(false);
    expect((await start(['--count', '5', '--state', state])).banner).toContain(`5 from state file ${state}`);
  });

  it('takes over the lock a killed mock left, saying so', async () => {
    const state = freshPath();
    const first = await start(['--count', '5', '--state', state]);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readFileSync(`${state}.lock`, 'utf8').trim()).toBe(String(first.child.pid));
    const second = await start(['--count', '5', '--state', state]);
    expect(second.stderr()).toContain(`customers-mock: ${state}: took over the lock left by process ${first.child.pid}, which is no longer running`);
    expect(readFileSync(`${state}.lock`, 'utf8').trim()).toBe(String(second.child.pid));
  });

  it('lets one of two mocks starting together on a killed mock\'s state take it over; the other exits 2', async () => {
    const state = freshPath();
    const first = await start(['--count', '5', '--state', state]);
    first.child.kill('SIGKILL');
    await first.exited;
    const both = await Promise.allSettled([0, 1].map(() => spawnCli(['--port', '0', '--count', '5', '--state', state])));
    const won = both.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    started.push(...won);
    expect(won).toHaveLength(1);
    const lost = both.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    expect(String(lost.reason)).toMatch(/exited with 2 before listening/);
    expect(String(lost.reason)).toContain(`${state} is in use by another customers-mock (process ${won[0]!.child.pid})`);
  });

  it('starts from the seed when the file does not exist yet, and creates it', async () => {
    const state = freshPath();
    const mock = await start(['--count', '5', '--state', state, '--fsync', 'always']);
    expect(mock.banner).toContain('5 from seed 42');
    expect(mock.banner).toContain(`state file:    ${state} (every change saved)`);
    expect(loadState(state, customerCheck(await getSpecModel())).customers).toHaveLength(5);
  });

  // One start-up error of each kind the CLI turns into exit 1; the in-process tests cover the rest.
  it('exits 1 on a damaged snapshot record, naming the file and the byte offset, and overwrites nothing', async () => {
    const state = freshPath();
    const header = encodeLine(headerOf('snapshot', 1, 1));
    writeFileSync(state, `${header}${encodeLine({ type: 'put', customer: aCustomer() }).replace('Ada', 'Bob')}`);
    const before = readFileSync(state);
    const { code, stdout, stderr } = await runCli(['--port', '0', '--state', state]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`customers-mock: ${state}: damaged record (its checksum or JSON is wrong) (at byte ${Buffer.byteLength(header)})\n`);
    expect(readFileSync(state)).toEqual(before);
  });

  it('exits 1 on a journal from a newer format, naming it and the byte offset, and overwrites nothing', async () => {
    const state = freshPath();
    const journal = `${state}.journal.1`;
    writeFileSync(state, `${encodeLine(headerOf('snapshot', 1, 1))}${encodeLine({ type: 'put', customer: aCustomer() })}`);
    writeFileSync(journal, encodeLine({ ...headerOf('journal', 1), version: 99 }));
    const before = [readFileSync(state), readFileSync(journal)];
    const { code, stdout, stderr } = await runCli(['--port', '0', '--state', state]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`customers-mock: ${journal}: written by a newer customers-mock (state format version 99; this one reads version ${STATE_FORMAT_VERSION}): upgrade customers-mock (at byte 0)\n`);
    expect([readFileSync(state), readFileSync(journal)]).toEqual(before);
  });

  it('exits 1 at start when the state folder cannot be written', async () => {
    const state = join(folder, 'no-such-folder', 'state.json');
    const { code, stderr } = await runCli(['--port', '0', '--state', state]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^customers-mock: cannot write the state beside it in .*no-such-folder: ENOENT/);
  });

  it.concurrent.each([
    ['not JSON (an older state file)', () => '{"truncated": [', /is not valid JSON/],
    ['empty', () => '', /is not valid JSON/],
    ['not an array', () => '{}', /must hold a JSON array of customers/],
    ['an invalid customer', () => JSON.stringify([{ id: 'x' }]), /\[0\] first_name is required/],
    ['duplicate ids', () => { const [c] = generateCustomers({ seed: 1, count: 1, appId: 'a' }); return JSON.stringify([c, c]); }, /is used twice/],
  ])('refuses to start from a state file that is %s: exit 1, a message naming the file, the file untouched', async (_what, content, message) => {
    const state = freshPath();
    const text = content();
    writeFileSync(state, text);
    const { code, stdout, stderr } = await runCli(['--port', '0', '--count', '5', '--state', state]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(state);
    expect(stderr).toMatch(message);
    expect(readFileSync(state, 'utf8')).toBe(text);
  });
});

