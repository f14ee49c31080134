import { describe, it } from 'vitest';
import type { Exchange } from '#contract-kit';
import { kit } from './support.js';

const remaining = (exchange: Exchange) => Number(exchange.response.headers.get('x-ratelimit-remaining'));
const reset = (exchange: Exchange) => exchange.response.headers.get('x-ratelimit-reset');

describe('rate limit: the headers over sequential requests', () => {
  // Every response is held to both rules as it comes (the judge and the kit's window tracker);
  // these requests make sure the window is compared, whatever else the run sends.
  it('within one window, Limit and Reset stay and Remaining falls with every request', async () => {
    let compared = 0;
    for (let attempt = 0; attempt < 6 && compared < 3; attempt++) {
      const exchange = await kit.send('listCustomers', { query: { take: 1 } });
      kit.expectStatus('rate-limit.headers', exchange, 200);
      if (exchange.judgement.judged.includes('rate-limit.window')) compared++;
    }
    kit.check('rate-limit.window', compared >= 3, 'three responses, each compared with the one before it in the same window', `${compared} compared (the window changed, or the headers are missing)`);
  });

  it('a refused request and the application\'s own window', async () => {
    const before = await kit.send('listCustomers', { query: { take: 1 } });
    kit.expectStatus('rate-limit.headers', before, 200);
    kit.expectStatus('rate-limit.headers', await kit.send('listCustomers', { query: { take: 1 }, credentials: { clientSecret: `${kit.settings.clientSecret}-wrong` } }), 401);
    const after = await kit.send('listCustomers', { query: { take: 1 } });
    kit.expectStatus('rate-limit.headers', after, 200);
    if (reset(before) !== reset(after)) return;
    const spent = remaining(before) - remaining(after);
    const observed = spent === 1 ? 'not spent' : spent === 2 ? 'spent' : `fell by ${spent}`;
    kit.atRule('rate-limit.failed-auth', { observed, expected: 'not spent', asDocument: spent === 1, detail: `X-RateLimit-Remaining ${remaining(before)} before a 401, ${remaining(after)} after it` }, after);
  });
});
