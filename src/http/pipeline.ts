import type { Context } from 'hono';

/**
 * A step every request of a route passes through: Hono's middleware contract (call `next` to go on,
 * or return a response instead), except that `next` may finish synchronously, and so may the step.
 */
export type Step = (c: Context, next: () => void | Promise<void>) => Response | void | Promise<Response | void>;

/** What finally answers a request that every step let through. */
export type Endpoint = (c: Context) => Response | Promise<Response>;

/** Turns anything a step or the endpoint throws into the response the client gets. */
export type ErrorResponder = (error: Error, c: Context) => Response;

/**
 * Runs `steps` then `endpoint` as ONE Hono handler, with the semantics of Hono's own chaining
 * (a returned response becomes `c.res` unless one is already set; a throw becomes `onError`'s
 * response where it happened, so the steps around it see that response). Hono chains middleware
 * with an async frame and a promise per step, and writes the response only after they settle; a
 * route with a single handler that answers synchronously is written in the same tick. A list
 * request awaits nothing, so here it creates no promise at all, which roughly halves its cost.
 */
export function pipeline(steps: readonly Step[], endpoint: Endpoint, onError: ErrorResponder): Endpoint {
  const run = (c: Context, index: number): void | Promise<void> => {
    const step = steps[index];
    let result: Response | void | Promise<Response | void>;
    try {
      result = step ? step(c, () => run(c, index + 1)) : endpoint(c);
    } catch (error) {
      return fail(c, error, onError);
    }
    if (result instanceof Promise) return result.then((response) => settle(c, response), (error: unknown) => fail(c, error, onError));
    settle(c, result);
  };
  return (c) => {
    const done = run(c, 0);
    return done ? done.then(() => c.res) : c.res;
  };
}

function settle(c: Context, response: Response | void): void {
  if (response && !c.finalized) c.res = response;
}

function fail(c: Context, error: unknown, onError: ErrorResponder): void {
  // Like Hono, only errors are answered; anything else thrown is a bug and goes up to the server.
  if (!(error instanceof Error)) throw error;
  c.res = onError(error, c);
}
