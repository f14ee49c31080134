import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantTimeMatcher } from '../../src/tenancy/constant-time.js';
import { MAX_REQUEST_TARGET_LENGTH } from '../../src/http/limits.js';
import { startMock } from '../../src/node-mock.js';
import { spawnMock, type MockProcess } from '../support/mock-process.js';
import { rawExchange } from '../support/raw-http.js';

const KEY = `key-${randomBytes(12).toString('hex')}`;
const SECRET = `secret-${randomBytes(24).toString('hex')}`;
// Below the requests that authenticate (failed attempts are counted apart), so 429s come too.
const RATE_LIMIT = 20;

let mock: MockProcess;
let bannerLength: number;

beforeAll(async () => {
  mock = await spawnMock(['--rate-limit', String(RATE_LIMIT), '--count', '20'], { env: { MOCK_CLIENT_KEY: KEY, MOCK_CLIENT_SECRET: SECRET } });
  // The banner shows the credentials on purpose; everything printed after it must not.
  bannerLength = mock.output().length;
});

afterAll(async () => {
  mock.child.kill('SIGTERM');
  await mock.exited;
});

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
