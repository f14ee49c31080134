import { describe, expect, it } from 'vitest';
import { inProcessMock } from './support/mock.js';

describe('the mock answers the list endpoint', () => {
  it('serves the first page with the documented envelope', async () => {
    const mock = await inProcessMock();
    const res = await mock.get('/api/v0/customers');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(200);
    expect(res.body.skip).toBe(0);
    expect(res.body.take).toBe(10);
    expect(res.body.data).toHaveLength(10);
  });
});
