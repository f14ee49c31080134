import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalLog } from '../../src/cli/terminal-log.js';

// Credentials may hold the URL's own separators, so one can straddle a join of the printed line.
const token = fc.stringMatching(/^[A-Za-z0-9_\-=&/?]{8,24}$/);
const text = fc.string({ maxLength: 12 });

describe('the terminal log never prints a credential', () => {
  it('wherever a client puts it in the path or the query, whole or straddling the joins', () => {
    fc.assert(
      fc.property(token, token, fc.array(fc.tuple(text, text), { maxLength: 4 }), fc.array(text, { maxLength: 4 }), fc.nat(), (clientKey, clientSecret, pairs, segments, cut) => {
        fc.pre(!clientKey.includes(clientSecret) && !clientSecret.includes(clientKey));
        let output = '';
        const destination = new Writable({
          write(chunk: Buffer, _encoding, done) {
            output += chunk.toString('utf8');
            done();
          },
        });
        const observe = terminalLog({ credentials: { clientKey, clientSecret }, destination });
        // The credentials whole, and the secret split at a path separator and at a query's `=`.
        const at = cut % (clientSecret.length - 1) + 1;
        const path = `/${[...segments, clientKey, clientSecret.slice(0, at)].map(encodeURIComponent).join('/')}/${encodeURIComponent(clientSecret.slice(at))}`;
        const query = Object.fromEntries([...pairs, [clientSecret.slice(0, at), clientSecret.slice(at)], ['x', clientKey]]);
        observe({ method: 'GET', path, query, status: 401, durationMs: 1.5 });
        expect(output).not.toContain(clientKey);
        expect(output).not.toContain(clientSecret);
        expect(output).toMatch(/GET \/.* 401 1\.5 ms\n$/);
      }),
      { numRuns: 200 },
    );
  });
});
