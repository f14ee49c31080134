import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceList } from '../support/reference-list.js';
import type { ListeningMock } from '../../src/node-mock.js';
import { CREDENTIALS, listeningMock } from '../support/mock.js';

/**
 * The list request's fast path over a real socket, where headers come from Node's parsed request
 * and the body from kept customer JSON: same answers as the slow path and as in-process requests.
 */
let mock: ListeningMock;

beforeAll(async () => {
  mock = await listeningMock({ count: 300 });
});

afterAll(async () => {
  await mock.close();
});

/** A node:http request, so a header can be sent twice (an array value is one line per value). */
function get(path: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: string }> {
  const url = new URL(mock.url);
  return new Promise((resolve, reject) => {
    // A fresh connection each time: no race with the server closing an idle keep-alive socket.
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const KEY = CREDENTIALS['x-client-key'];
const SECRET = CREDENTIALS['x-client-secret'];

describe('GET /api/v0/customers over a socket', () => {
  it('answers the slow path bytes with the right credentials', async () => {
    const path = '/api/v0/customers?status=ACTIVE&name=an&skip=5&take=50';
    const res = await get(path, CREDENTIALS);
    expect(res.status).toBe(200);
    expect(res.body).toBe(JSON.stringify(referenceList(mock.store.customers(), { status: 'ACTIVE', name: 'an', skip: 5, take: 50 })));
  });

  it.each([
    ['no key', { 'x-client-secret': SECRET }],
    ['no secret', { 'x-client-key': KEY }],
    ['a wrong secret of the same length', { 'x-client-key': KEY, 'x-client-secret': `${SECRET.slice(0, -1)}X` }],
    ['a secret with the right prefix', { 'x-client-key': KEY, 'x-client-secret': SECRET.slice(0, -1) }],
    ['a secret with a trailing extra', { 'x-client-key': KEY, 'x-client-secret': `${SECRET}x` }],
    ['the key sent twice', { 'x-client-key': [KEY, KEY], 'x-client-secret': SECRET }],
  ])('refuses %s with 401 and the error body', async (_case, headers) => {
    const res = await get('/api/v0/customers', headers);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' });
  });

  it('treats credential header names case-insensitively, as HTTP does', async () => {
    const res = await get('/api/v0/customers?take=1', { 'X-Client-Key': KEY, 'X-CLIENT-SECRET': SECRET });
    expect(res.status).toBe(200);
  });

  it('logs each request with its path, query and time, described when the log is read', async () => {
    mock.requestLog.clear();
    await get('/api/v0/customers?take=2&name=an', CREDENTIALS);
    const [entry] = mock.requestLog.list();
    expect(entry).toMatchObject({ method: 'GET', path: '/api/v0/customers', query: { take: '2', name: 'an' }, status: 200 });
    expect(Number.isNaN(Date.parse(entry!.time))).toBe(false);
  });
});
