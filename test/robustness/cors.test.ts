import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/options.js';
import { inProcessMock } from '../support/mock.js';

const APP = 'http://localhost:3000';
const PREFLIGHT = {
  origin: APP,
  'access-control-request-method': 'PATCH',
  'access-control-request-headers': 'x-client-key,x-client-secret,content-type,idempotency-key',
};

describe('CORS', () => {
  it('is off unless enabled: no preflight answer, no allow-origin header', async () => {
    const mock = await inProcessMock({ count: 5 });
    const preflight = await mock.request('OPTIONS', '/api/v0/customers', { auth: false, headers: PREFLIGHT });
    expect(preflight.status).toBe(404);
    expect(preflight.body).toEqual({ statusCode: 404, message: 'Cannot OPTIONS /api/v0/customers', error: 'Not Found' });
    const get = await mock.get('/api/v0/customers', { origin: APP });
    expect(get.status).toBe(200);
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the preflight for the API methods and headers on a listed origin', async () => {
    const mock = await inProcessMock({ count: 5, corsOrigins: [APP, 'https://qa.example'] });
    const preflight = await mock.request('OPTIONS', '/api/v0/customers/00000000-0000-4000-8000-000000000000', { auth: false, headers: PREFLIGHT });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('vary')).toContain('Origin');
    expect(preflight.headers.get('access-control-allow-methods')?.split(',').sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT']);
    expect(preflight.headers.get('access-control-allow-headers')?.split(',').sort()).toEqual(['content-type', 'idempotency-key', 'prefer', 'x-client-key', 'x-client-secret']);
    expect(Number(preflight.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('lets a listed origin read the answer and the documented response headers; other origins get nothing', async () => {
    const mock = await inProcessMock({ count: 5, rateLimit: 100, corsOrigins: [APP] });
    const allowed = await mock.get('/api/v0/customers?take=1', { origin: APP });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    const exposed = allowed.headers.get('access-control-expose-headers')?.split(',') ?? [];
    expect(exposed).toEqual(expect.arrayContaining(['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After']));
    const refused = await mock.get('/api/v0/customers?take=1', { origin: 'https://evil.example' });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    // CORS is the browser's business: credentials are still required.
    const anonymous = await mock.request('GET', '/api/v0/customers', { auth: false, headers: { origin: APP } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('allows any origin with *', async () => {
    const mock = await inProcessMock({ count: 5, corsOrigins: ['*'] });
    const res = await mock.get('/api/v0/customers?take=1', { origin: 'https://anywhere.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is enabled by --cors with * or a list of origins, and refuses anything else', () => {
    const serve = (argv: string[]) => {
      const command = parseCommand(argv, {});
      if (command.kind !== 'serve') throw new Error(command.kind);
      return command.config.corsOrigins;
    };
    expect(serve([])).toEqual([]);
    expect(serve(['--cors', '*'])).toEqual(['*']);
    expect(serve(['--cors', `${APP}, https://qa.example:8443`])).toEqual([APP, 'https://qa.example:8443']);
    for (const bad of ['localhost:3000', 'http://localhost:3000/', 'http://a.example/path', '*,http://a.example', '', 'null']) {
      expect(() => serve(['--cors', bad]), bad).toThrow(UsageError);
    }
  });
});
