import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantTimeMatcher } from '../../src/tenancy/constant-time.js';
import { MAX_REQUEST_TARGET_LENGTH } from '../../src/http/limits.js';
import { startMock } from '../../src/node-mock.js';
import { spawnMock, type MockProcess } from '../support/mock-process.js';
import { rawExchange } from '../support/raw-http.js';
import { textsOfFolder } from '../support/state-folders.js';

const KEY = `key-${randomBytes(12).toString('hex')}`;
const SECRET = `secret-${randomBytes(24).toString('hex')}`;
// Below the requests that authenticate (failed attempts are counted apart), so 429s come too.
const RATE_LIMIT = 20;

let mock: MockProcess;
let bannerLength: number;
const stateFolder = mkdtempSync(join(tmpdir(), 'secrets-state-'));

beforeAll(async () => {
  // Every output channel on: the console with --log, the request log, and --state's files.
  mock = await spawnMock(['--rate-limit', String(RATE_LIMIT), '--count', '20', '--log', '--state', join(stateFolder, 'state.json')], {
    env: { MOCK_CLIENT_KEY: KEY, MOCK_CLIENT_SECRET: SECRET },
  });
  // The banner shows the credentials on purpose; everything printed after it must not.
  bannerLength = mock.output().length;
});

afterAll(async () => {
  mock.child.kill('SIGTERM');
  await mock.exited;
  rmSync(stateFolder, { recursive: true, force: true });
});

/** Everything --state wrote, every file of its folder. */
function stateFiles(): string {
  return textsOfFolder(stateFolder, 'latin1').join('\n');
}

/** Every way to get a request wrong while holding (some of) the credentials. */
function failingRequests(): Array<{ method: string; path: string; headers: Record<string, string>; body?: string }> {
  const good = { 'x-client-key': KEY, 'x-client-secret': SECRET, 'content-type': 'application/json' };
  const list = '/api/v0/customers';
  return [
    { method: 'GET', path: list, headers: { 'x-client-key': KEY, 'x-client-secret': `${SECRET}x` } },
    { method: 'GET', path: list, headers: { 'x-client-key': KEY, 'x-client-secret': SECRET.slice(0, -1) } },
    { method: 'GET', path: list, headers: { 'x-client-key': `${KEY}x`, 'x-client-secret': SECRET } },
    { method: 'GET', path: list, headers: { 'x-client-key': SECRET, 'x-client-secret': KEY } },
    { method: 'GET', path: list, headers: { 'x-client-secret': SECRET } },
    { method: 'GET', path: list, headers: { 'x-client-key': KEY } },
    { method: 'GET', path: list, headers: { authorization: `Bearer ${SECRET}`, 'x-client-key': KEY } },
    { method: 'GET', path: `${list}?take=1000&skip=-1&status=NOPE`, headers: good },
    { method: 'GET', path: `${list}/not-a-uuid`, headers: good },
    { method: 'GET', path: `${list}/00000000-0000-4000-8000-000000000000`, headers: good },
    { method: 'POST', path: list, headers: good, body: '{"first_name":' },
    { method: 'POST', path: list, headers: good, body: JSON.stringify({ first_name: SECRET.length, x: 1 }) },
    { method: 'POST', path: list, headers: { ...good, 'idempotency-key': 'k1' }, body: '{}' },
    { method: 'POST', path: list, headers: { ...good, 'idempotency-key': 'k1' }, body: '[]' },
    { method: 'POST', path: list, headers: good, body: 'x'.repeat(200_000) },
    { method: 'PATCH', path: `${list}/00000000-0000-4000-8000-000000000000`, headers: good, body: '{"status":"GONE"}' },
    { method: 'PUT', path: '/__admin/customers', headers: good, body: '[{"id":1}]' },
    { method: 'GET', path: `${list}?name=${'a'.repeat(MAX_REQUEST_TARGET_LENGTH)}`, headers: good },
    { method: 'DELETE', path: '/nowhere', headers: good },
  ];
}

describe('no secret leaves the mock', () => {
  it("a sandbox's secret, shown once at its creation, is in no other answer, log line, request log, docs page or state file", async () => {
    const own = { 'x-client-key': KEY, 'x-client-secret': SECRET };
    const created = await fetch(`${mock.url}/__admin/sandboxes`, { method: 'POST', headers: { ...own, 'content-type': 'application/json' }, body: '{"count":2}' });
    expect(created.status).toBe(201);
    const sandbox = (await created.json()) as { clientKey: string; clientSecret: string };
    const asSandbox = { 'x-client-key': sandbox.clientKey, 'x-client-secret': sandbox.clientSecret };
    const seen: string[] = [];
    // Its secret and the mock's own, misplaced into paths and queries, with and without valid credentials.
    for (const secret of [sandbox.clientSecret, SECRET]) {
      for (const [path, headers] of [
        [`/api/v0/customers/${secret}`, asSandbox],
        [`/api/v0/customers?token=${secret}`, asSandbox],
        [`/api/v0/customers?password=${secret}&take=1`, {}],
        [`/api/v0/customers?key=${secret}`, {}],
        [`/api/v0/customers?secret=${secret}`, own],
        [`/api/v0/customers?name=${secret}`, asSandbox],
        [`/nowhere/${secret}`, {}],
      ] as const) {
        const response = await fetch(`${mock.url}${path}`, { headers });
        seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
      }
    }
    const channels = {
      'error and API bodies': seen.join('\n'),
      'the request log (own)': await (await fetch(`${mock.url}/__admin/requests`, { headers: own })).text(),
      "the request log (the sandbox's)": await (await fetch(`${mock.url}/__admin/requests`, { headers: asSandbox })).text(),
      'the sandbox list': await (await fetch(`${mock.url}/__admin/sandboxes`, { headers: own })).text(),
      'the docs page': await (await fetch(`${mock.url}/docs`)).text(),
      'the document': await (await fetch(`${mock.url}/openapi.json`)).text(),
      'the console after the banner (--log included)': mock.output().slice(bannerLength),
      'the --state files': stateFiles(),
    };
    expect(channels['the console after the banner (--log included)']).toContain('/api/v0/customers/[redacted]');
    expect(channels['the request log (own)']).toContain('[redacted]');
    expect(channels['the --state files']).toContain(sandbox.clientKey);
    for (const [channel, text] of Object.entries(channels)) {
      expect(text, channel).not.toContain(sandbox.clientSecret);
      expect(text, channel).not.toContain(SECRET);
    }
  });
});

describe('credentials never leak', () => {
  it('appear in no error body or header, no request log and nothing printed after the banner', async () => {
    expect(mock.output().slice(0, bannerLength)).toContain(SECRET); // the grep below can find it
    const seen: string[] = [];
    // Repeated past the rate limit, so 429s are among the answers too.
    for (let round = 0; round < 3; round++) {
      for (const request of failingRequests()) {
        const response = await fetch(`${mock.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
        expect(response.status).toBeGreaterThanOrEqual(400);
        seen.push(`${response.status} ${JSON.stringify([...response.headers])} ${await response.text()}`);
      }
    }
    expect(seen.some((answer) => answer.startsWith('429'))).toBe(true);
    // Requests Node's parser refuses, carrying the credentials.
    const port = Number(new URL(mock.url).port);
    for (const raw of [`GET /api/v0/customers HTTP/1.1\r\nHost: x\r\nx-client-key: ${KEY}\r\nx-client-secret: ${SECRET}\r\nbad header\r\n\r\n`, `GET /\0 HTTP/1.1\r\nx-client-secret: ${SECRET}\r\n\r\n`]) {
      const { responses } = await rawExchange(port, raw, { responses: 1 });
      seen.push(JSON.stringify(responses));
    }
    const log = await fetch(`${mock.url}/__admin/requests`, { headers: { 'x-client-key': KEY, 'x-client-secret': SECRET } });
    expect(log.status).toBe(200);
    const logText = await log.text();
    expect(JSON.parse(logText).requests.length).toBeGreaterThan(failingRequests().length);

    for (const text of [...seen, logText, mock.output().slice(bannerLength)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(KEY);
    }
  });
});

const constantTimeEqual = (given: string, expected: string) => constantTimeMatcher(expected)(given);

describe('secret comparison', () => {
  it('is equality, whatever the lengths and characters', () => {
    expect(constantTimeEqual(SECRET, SECRET)).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('é中👩‍👩‍👧', 'é中👩‍👩‍👧')).toBe(true);
    for (const other of ['', SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase(), ` ${SECRET}`, `${SECRET}\0`, 'x'.repeat(10_000)]) {
      expect(constantTimeEqual(other, SECRET)).toBe(false);
      expect(constantTimeEqual(SECRET, other)).toBe(false);
    }
  });
});

describe('binding', () => {
  it('listens on 127.0.0.1 by default', async () => {
    const running = await startMock({ port: 0, count: 1 });
    try {
      expect((running.server.address() as AddressInfo).address).toBe('127.0.0.1');
    } finally {
      await running.close();
    }
  });

  it('says so at start-up', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.output()).toContain(`listening on ${mock.url} (this machine only)`);
  });
});
