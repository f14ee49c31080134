import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryResponse } from '../../src/in-process/in-memory-response.js';

/**
 * InMemoryResponse stands in for the platform's Response in every answer given in process, so an
 * app must not be able to tell them apart: the same sequence of uses on both, made from the same
 * parts, has the same outcome at every step, errors included.
 */
const ALL_USES = ['text', 'json', 'arrayBuffer', 'bytes', 'blob', 'clone then text', 'body', 'bodyUsed', 'headers', 'status'] as const;
type Use = (typeof ALL_USES)[number];
// bytes() came to Node's Response in a later 20.x than the oldest the package supports.
const USES = ALL_USES.filter((use) => use !== 'bytes' || 'bytes' in Response.prototype);
type WithBytes = Response & { bytes(): Promise<Uint8Array> };

async function outcome(response: Response, use: Use): Promise<unknown> {
  try {
    switch (use) {
      case 'text':
        return { text: await response.text() };
      case 'json':
        return { json: await response.json() };
      case 'arrayBuffer': {
        const buffer = await response.arrayBuffer();
        return { arrayBuffer: [buffer instanceof ArrayBuffer, [...new Uint8Array(buffer)]] };
      }
      case 'bytes':
        return { bytes: [...(await (response as WithBytes).bytes())] };
      case 'blob': {
        const blob = await response.blob();
        return { blob: [blob.type, blob.size, await blob.text()] };
      }
      case 'clone then text':
        return { clone: await response.clone().text() };
      case 'body':
        return { body: response.body === null ? null : { locked: response.body.locked } };
      case 'bodyUsed':
        return { bodyUsed: response.bodyUsed };
      case 'headers':
        return { headers: [...response.headers] };
      case 'status':
        return { status: [response.status, response.ok, response.statusText, response.type, response.url, response.redirected] };
    }
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
}

// UTF-16 code units one by one, so lone surrogates and a leading BOM come up, which decoding changes.
const text = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) }),
  fc.json(),
  fc.constantFrom('\uFEFF{"a":1}', '\uFEFF\uFEFF{"a":1}'),
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  // Byte order marks, one and two, before JSON.
  fc.constantFrom([0xef, 0xbb, 0xbf, 0x31], [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x31]).map((values) => Uint8Array.from(values)),
);
const body = fc.oneof(text, bytes.map((values) => new Uint8Array(values)), fc.constant(null));
const status = fc.constantFrom(200, 201, 400, 401, 404, 409, 429, 500, 503);
const headers = fc.dictionary(fc.constantFrom('Content-Type', 'X-RateLimit-Limit', 'Retry-After', 'Cache-Control'), fc.constantFrom('application/json', 'text/plain; charset=UTF-8', '60', 'no-cache'));

describe('InMemoryResponse', () => {
  it('behaves as the platform Response made of the same parts, for any sequence of uses', async () => {
    await fc.assert(
      fc.asyncProperty(body, status, headers, fc.array(fc.constantFrom(...USES), { maxLength: 6 }), async (held, code, given, uses) => {
        const copy = (): typeof held => (held instanceof Uint8Array ? held.slice() : held);
        const ours = new InMemoryResponse(copy(), { status: code, headers: given });
        const platform = new Response(copy(), { status: code, headers: given });
        expect(ours).toBeInstanceOf(Response);
        for (const use of uses) expect([use, await outcome(ours, use)]).toEqual([use, await outcome(platform, use)]);
      }),
      { numRuns: 3_000 },
    );
  });

  it('keeps its body: an app that changes the bytes it read does not change a clone or a second response', async () => {
    const held = new Uint8Array([1, 2, 3]);
    const response = new InMemoryResponse(held, { status: 200, headers: {} });
    const clone = response.clone();
    (await response.bytes()).fill(0);
    expect([...new Uint8Array(await clone.arrayBuffer())]).toEqual([1, 2, 3]);
    expect([...held]).toEqual([1, 2, 3]);
  });

  it('hands out one Headers object, which taking the body as a stream leaves as the app changed it', async () => {
    const response = new InMemoryResponse('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    response.headers.set('X-Seen', 'yes');
    expect(response.body).not.toBeNull();
    expect(response.headers.get('x-seen')).toBe('yes');
    expect(response.clone().headers.get('x-seen')).toBe('yes');
    expect(await response.blob()).toMatchObject({ type: 'application/json' });
  });
});
