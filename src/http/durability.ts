import type { WhenDurable } from '../store/durable-state.js';
import type { Step } from './pipeline.js';

/**
 * Holds the answer of a request that wrote until its write is durable (`--state`: its journal
 * record is written), so no write is acknowledged that a crash could lose; when the write cannot
 * be saved it was taken back, and the request gets the error instead. A request wrote when the
 * barrier moved while its handler ran: a read, or a write the store refused, waits for nothing,
 * and a read stays synchronous.
 */
export function acknowledgeWhenDurable(whenDurable: WhenDurable): Step {
  return (_c, next) => {
    const before = whenDurable();
    const done = next();
    if (done) return done.then(() => waitForOwnWrite(whenDurable, before));
    return waitForOwnWrite(whenDurable, before);
  };
}

function waitForOwnWrite(whenDurable: WhenDurable, before: Promise<void> | undefined): Promise<void> | undefined {
  const after = whenDurable();
  return after === before ? undefined : after;
}
