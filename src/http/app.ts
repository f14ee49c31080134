import { Hono, type Context } from 'hono';
import type { Clock } from '../domain/clock.js';
import type { Customer } from '../domain/customer.js';
import type { SpecModel } from '../openapi/index.js';
import { operationIds, toRouterPath } from '../openapi/index.js';
import type { CustomerStore } from '../store/customer-store.js';
import { DEFAULT_CONFIG, type MockConfig } from '../config/mock-config.js';
import { requireCredentials } from './auth.js';
import { mountDocs, type DocsAssetReader } from './docs.js';
import { corsFor } from './cors.js';
import { HttpError, respondWithError, toHttpError } from './errors.js';
import { realSleep, simulateFailures, type SimulationEnvironment } from './failure-simulation.js';
import { idempotency, IdempotencyStore } from './idempotency.js';
import { limitRequestTarget } from './limits.js';
import { isOperationId, operationEndpoint, type OperationHandlers } from './operation-handlers.js';
import { pipeline, type Endpoint, type Step } from './pipeline.js';
import { FixedWindowRateLimiter, rateLimit } from './rate-limit.js';
import { recordRequests, RequestLog, type RequestObserver } from './request-log.js';
import { adminHandlers } from './routes/admin.js';
import { customerHandlers, type WhenDurable } from './routes/customers.js';
import { validateRequest } from './validation.js';

export interface AppDeps {
  readonly config: MockConfig;
  readonly spec: SpecModel;
  readonly store: CustomerStore;
  readonly clock: Clock;
  /** What a reset restores: the engine's initial data set, free of clashes (see EngineData). */
  readonly initialCustomers: () => readonly Customer[];
  /** Acknowledges writes only once durable (`--state`); absent, every write is acknowledged at once. */
  readonly whenDurable?: WhenDurable;
  readonly observers?: readonly RequestObserver[];
  /** Chance and waiting for failure simulation; Math.random and real timers unless a test injects its own. */
  readonly random?: SimulationEnvironment['random'];
  readonly sleep?: SimulationEnvironment['sleep'];
  /** Swagger UI's files, for `/docs`; without them only the document is served beside the API. */
  readonly docsAssets?: DocsAssetReader;
}

export interface MockApp {
  readonly app: Hono;
  readonly requestLog: RequestLog;
  readonly idempotency: IdempotencyStore;
  readonly rateLimiter: FixedWindowRateLimiter | undefined;
  /** Back to the start: the initial customers, no idempotency keys, fresh rate windows, an empty request log. */
  reset(): void;
}

/**
 * The HTTP face of the mock. Routes come from the OpenAPI document: each operation gets
 * (failure simulation) -> rate limit -> auth -> validation -> idempotency -> handler, and an
 * operation in the document without a handler (or the reverse) stops start-up. The docs page and
 * the document itself are served beside the API.
 */
export function createApp(deps: AppDeps): MockApp {
  const { config, spec, store, clock } = deps;
  const requestLog = new RequestLog();
  const idempotencyStore = new IdempotencyStore(clock);
  const rateLimiter = config.rateLimit > 0 ? new FixedWindowRateLimiter(config.rateLimit, clock) : undefined;
  const reset = () => {
    store.replaceAllChecked(deps.initialCustomers());
    idempotencyStore.clear();
    rateLimiter?.reset();
    requestLog.clear();
  };
  const whenDurable = deps.whenDurable ?? (() => undefined);
  // Typed as every operation's handler, so an operation the document gains fails the build here.
  const handlers: OperationHandlers = {
    ...customerHandlers(store, whenDurable),
    ...adminHandlers({ store, reset, whenDurable, idempotency: idempotencyStore, requestLog }),
  };

  // Not strict, like the real API's router (Express under NestJS): `/api/v0/customers/` is the list too.
  const app = new Hono({ strict: false });
  const answerError = (error: Error, c: Context): Response => {
    const httpError = toHttpError(error);
    if (httpError.status === 500) console.error('customers-mock: unexpected error', error);
    return respondWithError(c, httpError);
  };
  // Every request (API, docs, unknown paths) is logged and has its URL length checked, and gets
  // CORS when it is on. Each route is one pipeline, not app-wide middleware plus the route's own:
  // see pipeline() for why.
  const everyRequest: Step[] = [recordRequests(requestLog, clock, deps.observers ?? []), limitRequestTarget()];
  if (config.corsOrigins.length > 0) everyRequest.push(corsFor(config.corsOrigins, spec));
  const serve = (steps: readonly Step[], endpoint: Endpoint): Endpoint => pipeline([...everyRequest, ...steps], endpoint, answerError);

  const authenticate = requireCredentials(config);
  const limit = rateLimiter ? rateLimit(rateLimiter) : undefined;
  const replay = idempotency(idempotencyStore);
  const simulate = simulateFailures(
    { latency: config.latency, errorRate: config.errorRate, rateLimit: config.rateLimit || DEFAULT_CONFIG.rateLimit },
    { random: deps.random ?? Math.random, sleep: deps.sleep ?? realSleep, clock },
  );
  const unhandled = new Set(Object.keys(handlers));
  for (const operation of spec.operations) {
    const id = operation.operationId;
    if (!isOperationId(handlers, id)) throw new Error(`No handler for operation ${id} of the OpenAPI document`);
    unhandled.delete(id);
    const isAdmin = operation.tags.includes('Admin');
    const acceptsIdempotencyKey = operation.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key');
    // Rate limiting comes first so that every response, a 401 included, carries the limit headers.
    const chain: Step[] = limit && !isAdmin ? [limit, authenticate] : [authenticate];
    // The test harness never fails on purpose; the API does when asked to.
    if (!isAdmin) chain.unshift(simulate);
    chain.push(validateRequest(spec.requestValidator(operation.operationId), isAdmin ? config.adminBodyLimitBytes : config.bodyLimitBytes));
    if (acceptsIdempotencyKey) chain.push(replay);
    app.on(operation.method.toUpperCase(), toRouterPath(operation.path), serve(chain, operationEndpoint(handlers, id)));
  }
  // An operation that a compat option takes out of the served document (`delete=absent`) keeps
  // its handler, unrouted; a handler the document never had is a mistake.
  for (const id of operationIds(spec.spec.asWritten)) unhandled.delete(id);
  if (unhandled.size > 0) throw new Error(`Handlers without an operation in the OpenAPI document: ${[...unhandled].join(', ')}`);
  mountDocs(app, { document: spec.spec.raw, credentials: config, assets: deps.docsAssets }, (endpoint) => serve([], endpoint));

  // Like the real API (NestJS), a wrong method on a known path is an unknown route.
  app.notFound(serve([], (c) => respondWithError(c, new HttpError(404, `Cannot ${c.req.method} ${new URL(c.req.url).pathname}`))));

  return { app, requestLog, idempotency: idempotencyStore, rateLimiter, reset };
}
