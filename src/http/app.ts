import { Hono, type Context } from 'hono';
import type { Clock } from '../domain/clock.js';
import type { SpecModel } from '../openapi/index.js';
import { operationIds, toRouterPath } from '../openapi/index.js';
import type { WhenDurable } from '../store/durable-state.js';
import type { Applications } from '../tenancy/applications.js';
import type { RequestLog } from '../tenancy/request-log.js';
import { DEFAULT_CONFIG, windowLimit, type MockConfig } from '../config/mock-config.js';
import { identifyCaller, requireCredentials } from './auth.js';
import { credentialsForDocs, mountDocs, type DocsAssetReader } from './docs.js';
import { corsFor } from './cors.js';
import { acknowledgeWhenDurable } from './durability.js';
import { HttpError, toHttpError } from './errors.js';
import { realSleep, simulateFailures, type SimulationEnvironment } from './failure-simulation.js';
import { idempotency } from './idempotency.js';
import { limitRequestTarget } from './limits.js';
import { isOperationId, operationEndpoint, type OperationHandlers } from './operation-handlers.js';
import { pipeline, type Endpoint, type Step } from './pipeline.js';
import { rateLimit } from './rate-limit.js';
import { recordRequests, type RequestObserver } from './record-requests.js';
import { targetRedactor } from '../domain/redaction.js';
import { Responses, type ResponseClass } from './responses.js';
import { adminHandlers } from './routes/admin.js';
import { customerHandlers } from './routes/customers.js';
import { validateRequest } from './validation.js';

export interface AppDeps {
  readonly config: MockConfig;
  readonly spec: SpecModel;
  readonly clock: Clock;
  /** Who may call, and everything kept per caller: the tenancy model the app serves. */
  readonly applications: Applications;
  /** What a write's answer waits for (the `--state` journal); absent, every write is answered at once. */
  readonly whenDurable?: WhenDurable;
  /** Told of every request the app answers (the terminal log). */
  readonly observers?: readonly RequestObserver[];
  /** Chance and waiting for failure simulation; Math.random and real timers unless a test injects its own. */
  readonly random?: SimulationEnvironment['random'];
  readonly sleep?: SimulationEnvironment['sleep'];
  /** Swagger UI's files, for `/docs`; without them only the document is served beside the API. */
  readonly docsAssets?: DocsAssetReader;
  /** What the app's responses are made as; absent, the global Response (see Responses). */
  readonly responseClass?: ResponseClass;
}

/** What `createApp` makes: the Hono app (`app`), and the applications it serves. */
export interface HttpLayer {
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
 * (failure simulation) -> rate limit -> auth -> validation -> idempotency -> (durability) ->
 * handler, each asking the tenancy model about the application the credentials authenticate as
 * (found first, for every request), and an operation in the document without a handler (or the
 * reverse) stops start-up. The docs page and the document itself are served beside the API.
 */
export function createApp(deps: AppDeps): HttpLayer {
  const { config, spec, clock, applications } = deps;
  const requestsPerWindow = windowLimit(config.rateLimit);
  const responses = new Responses(deps.responseClass);
  // Typed as every operation's handler, so an operation the document gains fails the build here.
  const handlers: OperationHandlers = {
    ...customerHandlers(responses),
    ...adminHandlers({ applications, responses, defaultDataSet: { seed: config.seed, count: config.count } }),
  };

  // Not strict, like the real API's router (Express under NestJS): `/api/v0/customers/` is the list too.
  const app = new Hono({ strict: false });
  const answerError = (error: Error, c: Context): Response => responses.error(c, toHttpError(error));
  // Anything thrown outside a pipeline takes the same path, not Hono's plain-text 500.
  app.onError(answerError);
  // What the logs and answers may show of a request's target: credentials a client put in it masked.
  const redact = targetRedactor(applications.credentials());
  // Every request (API, docs, unknown paths) is logged and has its URL length checked, and gets
  // CORS when it is on. Each route is one pipeline, not app-wide middleware plus the route's own:
  // see pipeline() for why.
  const everyRequest: Step[] = [
    recordRequests(applications, clock, deps.observers ?? [], redact),
    identifyCaller(applications),
    limitRequestTarget(),
  ];
  if (config.corsOrigins.length > 0) everyRequest.push(corsFor(config.corsOrigins, spec));
  const serve = (steps: readonly Step[], endpoint: Endpoint): Endpoint => pipeline([...everyRequest, ...steps], endpoint, answerError);

  const limitRate = rateLimit(applications);
  const replay = idempotency(responses);
  // Without `--state` nothing is ever waited for, and the step is left out altogether.
  const durable = deps.whenDurable ? acknowledgeWhenDurable(deps.whenDurable) : undefined;
  const simulate = simulateFailures(
    { latency: config.latency, errorRate: config.errorRate, rateLimit: requestsPerWindow },
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
    const chain: Step[] = isAdmin ? [requireCredentials] : [limitRate, requireCredentials];
    // The test harness never fails on purpose; the API does when asked to.
    if (!isAdmin) chain.unshift(simulate);
    chain.push(validateRequest(spec.requestValidator(operation.operationId), isAdmin ? config.adminBodyLimitBytes : config.bodyLimitBytes));
    if (acceptsIdempotencyKey) chain.push(replay);
    // Last, so that the answer it holds is the handler's, and idempotency keeps what the client got.
    if (durable) chain.push(durable);
    app.on(operation.method.toUpperCase(), toRouterPath(operation.path), serve(chain, operationEndpoint(handlers, id)));
  }
  // An operation that a compat option takes out of the served document (`delete=absent`) keeps
  // its handler, unrouted; a handler the document never had is a mistake.
  for (const id of operationIds(spec.spec.asWritten)) unhandled.delete(id);
  if (unhandled.size > 0) throw new Error(`Handlers without an operation in the OpenAPI document: ${[...unhandled].join(', ')}`);
  mountDocs(app, { document: spec.spec.raw, credentials: credentialsForDocs(config, DEFAULT_CONFIG), assets: deps.docsAssets }, responses, (endpoint) => serve([], endpoint));

  // Like the real API (NestJS), a wrong method on a known path is an unknown route.
  app.notFound(
    serve([], (c) => {
      throw new HttpError(404, `Cannot ${c.req.method} ${redact.path(new URL(c.req.url).pathname)}`);
    }),
  );

  const own = applications.own;
  return { app, applications, requestLog: { list: () => own.requests(), clear: () => own.clearRequests() }, reset: () => applications.resetAll() };
}

