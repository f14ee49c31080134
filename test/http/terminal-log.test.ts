import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalLog } from '../../src/cli/terminal-log.js';
import { createMock } from '../../src/node-mock.js';
import { InProcessMock } from '../support/mock.js';

const KEY = 'key-0f3a9c71';
const SECRET = 'secret-b5e2d84a';
const AUTH = { 'x-client-key': KEY, 'x-client-secret': SECRET };

async function loggingMock() {
  let output = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString('utf8');
      done();
    },
  });
  const credentials = { clientKey: KEY, clientSecret: SECRET };
  const mock = await createMock({ rateLimit: 0, count: 20, ...credentials }, { observers: [terminalLog({ credentials, destination })] });
  return { mock: new InProcessMock(mock), lines: () => output.trimEnd().split('\n') };
}

describe('--log prints one readable line per request', () => {
  it('shows method, path with query, status and duration', async () => {
    const { mock, lines } = await loggingMock();
    await mock.request('GET', '/api/v0/customers?take=2&name=john%20d', { headers: AUTH, auth: false });
    await mock.request('GET', '/api/v0/customers/not-a-uuid', { headers: AUTH, auth: false });
    await mock.request('GET', '/api/v0/customers', { headers: { ...AUTH, prefer: 'code=503' }, auth: false });
    const [ok, bad, failed] = lines();
    expect(ok).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/api\/v0\/customers\?take=2&name=john d 200 \d+\.\d ms$/);
    expect(bad).toMatch(/WARN: GET \/api\/v0\/customers\/not-a-uuid 400 \d+\.\d ms$/);
    expect(failed).toMatch(/ERROR: GET \/api\/v0\/customers 503 \d+\.\d ms$/);
  });

  it('never prints credentials, even when a client puts them in the URL or gets a 401', async () => {
    const { mock, lines } = await loggingMock();
    await mock.request('GET', '/api/v0/customers', { headers: AUTH, auth: false });
    await mock.request('GET', '/api/v0/customers', { headers: { 'x-client-key': KEY, 'x-client-secret': `${SECRET}-wrong` }, auth: false });
    await mock.request('GET', `/api/v0/customers?x-client-key=${KEY}&x-client-secret=${SECRET}&api_token=t0k3n-value&take=1`, { auth: false });
    await mock.request('GET', `/api/v0/customers?name=${SECRET}&${KEY}=1`, { auth: false });
    await mock.request('GET', `/api/v0/customers/${encodeURIComponent(SECRET)}`, { headers: AUTH, auth: false });
    const output = lines();
    expect(output).toHaveLength(5);
    expect(output[1]).toMatch(/WARN: GET \/api\/v0\/customers 401/);
    expect(output[2]).toContain('x-client-key=[redacted]&x-client-secret=[redacted]&api_token=[redacted]&take=1 401');
    expect(output[3]).toContain('name=[redacted]&[redacted]=[redacted] 401');
    expect(output[4]).toContain('GET /api/v0/customers/[redacted] 400');
    for (const line of output) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('t0k3n-value');
    }
  });
});
