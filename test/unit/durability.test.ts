import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { NotSavedError } from '../../src/domain/errors.js';
import { acknowledgeWhenDurable } from '../../src/http/durability.js';
import { toHttpError } from '../../src/http/errors.js';
import { pipeline } from '../../src/http/pipeline.js';
import { Responses } from '../../src/http/responses.js';

/** A journal as the step sees it: its barrier is the latest write still being saved. */
class FakeJournal {
  barrier: Promise<void> | undefined;
  private settle: { resolve: () => void; reject: (error: Error) => void } | undefined;

  write(): void {
    this.barrier = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  saved(): void {
    this.settle!.resolve();
  }

  failed(error: Error): void {
    this.settle!.reject(error);
  }
}

function appOver(journal: FakeJournal): Hono {
  const responses = new Responses();
  const step = acknowledgeWhenDurable(() => journal.barrier);
  const serve = (handler: () => Response) => pipeline([step], handler, (error, c) => responses.error(c, toHttpError(error)));
  const app = new Hono();
  app.get('/read', serve(() => new Response('read')));
  app.post(
    '/write',
    serve(() => {
      journal.write();
      return new Response('written', { status: 201 });
    }),
  );
  return app;
}

describe('a write is answered once it is durable, by one step and not by its handler', () => {
  it('holds the answer of a request that wrote until the journal has saved it', async () => {
    const journal = new FakeJournal();
    const answer = appOver(journal).fetch(new Request('http://mock/write', { method: 'POST' }));
    let answered = false;
    void Promise.resolve(answer).then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    journal.saved();
    const response = await answer;
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('written');
  });

  it('answers 503 instead when the write could not be saved', async () => {
    const journal = new FakeJournal();
    const answer = appOver(journal).fetch(new Request('http://mock/write', { method: 'POST' }));
    journal.failed(new NotSavedError('ENOSPC', 'no space left on device'));
    const response = await answer;
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
  });

  it('lets a read through at once, with no promise, even while another request waits on its write', async () => {
    const journal = new FakeJournal();
    const app = appOver(journal);
    const write = app.fetch(new Request('http://mock/write', { method: 'POST' }));
    const read = app.fetch(new Request('http://mock/read'));
    expect(read).toBeInstanceOf(Response);
    expect(await (read as Response).text()).toBe('read');
    journal.saved();
    expect((await write).status).toBe(201);
  });
});
