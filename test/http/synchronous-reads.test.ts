import { describe, expect, it } from 'vitest';
import { createMock } from '../../src/node-mock.js';
import { CREDENTIALS, InProcessMock } from '../support/mock.js';
import { stateFolders } from '../support/state-folders.js';

const { freshState, track } = stateFolders('mock-sync-reads-');
const LIST = 'http://mock/api/v0/customers';
const NEW = { first_name: 'Grace', last_name: 'Hopper', phone_number: '+14155550100', email: 'grace@example.com' };

/**
 * The engine answers a request that waits for nothing at once, not as a promise: the pipeline
 * creates none for it, which roughly halves a read's cost in process. Durability is a step of the
 * write operations' pipelines, and must not take that from reads.
 */
describe('a read is answered synchronously', () => {
  it('without --state', async () => {
    const { mock } = new InProcessMock(await createMock({ count: 5, rateLimit: 0 }));
    expect(mock.fetch(new Request(LIST, { headers: CREDENTIALS }))).toBeInstanceOf(Response);
  });

  it('with --state, even while a write waits for the journal', async () => {
    const { mock } = track(new InProcessMock(await createMock({ count: 5, rateLimit: 0, stateFile: freshState() })));
    const write = await mock.fetch(new Request(LIST, { method: 'POST', headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: JSON.stringify(NEW) }));
    expect(write.status).toBe(201);
    // Journaled in the background from now on: a write is waiting to be made durable.
    mock.store.create({ ...NEW, email: 'grace.2@example.com', customer_type: 'Individual', status: 'ACTIVE' });
    expect(mock.state?.barrier()).toBeInstanceOf(Promise);
    const read = mock.fetch(new Request(LIST, { headers: CREDENTIALS }));
    expect(read).toBeInstanceOf(Response);
    expect((read as Response).status).toBe(200);
  });
});
