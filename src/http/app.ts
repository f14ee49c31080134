import { Hono, type Context } from 'hono';
import type { Clock } from '../domain/clock.js';
import type { Customer } from '../domain/customer.js';
import type { SpecModel } from '../openapi/index.js';
import { operationIds, toRouterPath } from '../openapi/index.js';
import type { CustomerStore } from '../store/customer-store.js';
import { DEFAULT_CONFIG, type MockConfig } from '../config/mock-config.js';
import { Applications, type ApplicationDefinition, type RestoredSandbox } from './applications.js';
import { identifyCaller, requireCredentials } from './auth.js';
import { credentialsForDocs, mountDocs, type DocsAssetReader } from './docs.js';
import { corsFor } from './cors.js';
import { HttpError, toHttpError } from './errors.js';
import { realSleep, simulateFailures, type SimulationEnvironment } from './failure-simulation.js';
import { idempotency } from './idempotency.js';
import { limitRequestTarget } from './limits.js';
import { isOperationId, operationEndpoint, type OperationHandlers } from './operation-handlers.js';
import { pipeline, type Endpoint, type Step } from './pipeline.js';
import { FailedAttemptLimiter, rateLimit } from './rate-limit.js';
import { recordRequests, type RequestLog, type RequestObserver } from './request-log.js';
import { targetRedactor } from '../domain/redaction.js';
import { Responses, type ResponseClass } from './responses.js';
import { adminHandlers } from './routes/admin.js';
import { customerHandlers, type WhenDurable } from './routes/customers.js';
import { validateRequest } from './validation.js';

export interface AppDeps {
  readonly config: MockConfig;
  readonly spec: SpecModel;
  /** The customers of the mock's own application (its `clientKey`). */
  readonly store: CustomerStore;
  readonly clock: Clock;
  /** What a reset restores: the engine's initial data set, free of clashes (see EngineData). */
  readonly initialCustomers: () => readonly Customer[];
  /** Further applications, each with its own credentials and data set. */
  readonly applications?: readonly ApplicationDefinition[];
  /** Sandboxes to start with (with `--state`: those the state holds). */
  readonly sandboxes?: readonly RestoredSandbox[];
  /** Acknowledges writes only once durable (`--state`); absent, every write is acknowledged at once. */
  readonly whenDurable?: WhenDurable;
  readonly observers?: readonly RequestObserver[];
  /** Chance and waiting for failure simulation; Math.random and real timers unless a test injects its own. */
  readonly random?: SimulationEnvironment['random'];
  readonly sleep?: SimulationEnvironment['sleep'];
  /** Swagger UI's files, for `/docs`; without them only the document is served beside the API. */
  readonly docsAssets?: DocsAssetReader;
  /** What the app's responses are made as; absent, the global Response (see Responses). */
  readonly responseClass?: ResponseClass;
}

export interface MockApp {
  readonly app: Hono;
  readonly applications: Applications;
  /** The request log of the mock's own application, which also shows requests that authenticate as none. */
  readonly requestLog: Pick<RequestLog, 'list' | 'clear'>;
  /**
   * Back to the start: every application's initial customers, no idempotency keys, fresh rate
   * windows, empty request logs, and no sandboxes.
   */
  reset(): void;
}

/**
 * The HTTP face of the mock. Routes come from the OpenAPI document: each operation gets
 * (failure simulation) -> rate limit -> auth -> validation -> idempotency -> handler, each acting
 * on the application the credentials authenticate as (found first, for every request), and an
 * operation in the document without a handler (or the reverse) stops start-up. The docs page and
 * the document itself are served beside the API.
 */
export function createApp(deps: AppDeps): MockApp {
  const { config, spec, clock, store } = deps;
  const applications = new Applications(
    // Every application's store behaves as the mock's own does (the compat options in force).
    { clock, rateLimit: config.rateLimit, storeOptions: { clock, rules: store.rules, wire: store.wire } },
    { clientKey: config.clientKey, clientSecret: config.clientSecret, appId: config.appId, store, initialCustomers: deps.initialCustomers },
    deps.applications ?? [],
    { maxSandboxes: config.maxSandboxes, maxCustomers: config.maxSandboxCustomers, idleMs: config.sandboxIdleMinutes * 60_000 },
    deps.sandboxes,
  );
  const whenDurable = deps.whenDurable ?? (() => undefined);
  const responses = new Responses(deps.responseClass);
  // Typed as every operation's handler, so an operation the document gains fails the build here.
  const handlers: OperationHandlers = {
    ...customerHandlers(whenDurable, responses),
    ...adminHandlers({ applications, whenDurable, responses, defaultDataSet: { seed: config.seed, count: config.count } }),
  };

  // Not strict, like the real API's router (Express under NestJS): `/api/v0/customers/` is the list too.
  const app = new Hono({ strict: false });
  const answerError = (error: Error, c: Context): Response => {
    const httpError = toHttpError(error);
    if (httpError.status === 500) console.error('customers-mock: unexpected error', error);
    return responses.error(c, httpError);
  };
  // What the logs and answers may show of a request's target: credentials a client put in it masked.
  const redact = targetRedactor(configuredCredentials(config, deps.applications ?? []));
  // Every request (API, docs, unknown paths) is logged and has its URL length checked, and gets
  // CORS when it is on. Each route is one pipeline, not app-wide middleware plus the route's own:
  // see pipeline() for why.
  const everyRequest: Step[] = [
    recordRequests(applications.unauthenticatedLog, clock, deps.observers ?? [], redact),
    identifyCaller(applications),
    limitRequestTarget(),
  ];
  if (config.corsOrigins.length > 0) everyRequest.push(corsFor(config.corsOrigins, spec));
  const serve = (steps: readonly Step[], endpoint: Endpoint): Endpoint => pipeline([...everyRequest, ...steps], endpoint, answerError);

  const failedAttempts = config.rateLimit > 0 ? new FailedAttemptLimiter(config.rateLimit, clock) : undefined;
  const limit = failedAttempts ? rateLimit(failedAttempts) : undefined;
  const replay = idempotency(responses);
  const simulate = simulateFailures(
    { latency: config.latency, errorRate: config.errorRate, rateLimit: config.rateLimit || DEFAULT_CONFIG.rateLimit },
    { random: deps.random ?? Math.random, sleep: deps.sleep ?? realSleep, clock },
    responses,
  );
  const unhandled = new Set(Object.keys(handlers));
  for (const operation of spec.operations) {
    const id = operation.operationId;
    if (!isOperationId(handlers, id)) throw new Error(`No handler for operation ${id} of the OpenAPI document`);
    unhandled.delete(id);
    const isAdmin = operation.tags.includes('Admin');
    const acceptsIdempotencyKey = operation.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key');
    // Rate limiting comes first so that every response, a 401 included, carries the limit headers.
    const chain: Step[] = limit && !isAdmin ? [limit, requireCredentials] : [requireCredentials];
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
  mountDocs(app, { document: spec.spec.raw, credentials: credentialsForDocs(config, DEFAULT_CONFIG), assets: deps.docsAssets }, responses, (endpoint) => serve([], endpoint));

  // Like the real API (NestJS), a wrong method on a known path is an unknown route.
  app.notFound(serve([], (c) => responses.error(c, new HttpError(404, `Cannot ${c.req.method} ${redact.path(new URL(c.req.url).pathname)}`))));

  const own = applications.own;
  const reset = () => {
    applications.resetAll();
    failedAttempts?.reset();
  };
  return { app, applications, requestLog: { list: () => own.requests(), clear: () => own.clearRequests() }, reset };
}

/** Every client key and secret the configuration holds in clear: what no log may show. */
function configuredCredentials(config: MockConfig, applications: readonly ApplicationDefinition[]): string[] {
  return [config.clientKey, config.clientSecret, ...applications.flatMap(({ clientKey, clientSecret }) => (typeof clientSecret === 'string' ? [clientKey, clientSecret] : [clientKey]))];
}
