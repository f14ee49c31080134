import { compatBehaviour } from './compat-behaviour.js';
import type { MockConfig } from './config/mock-config.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { Customer } from './domain/customer.js';
import { createApp, type HttpLayer } from './http/app.js';
import type { ApplicationDefinition, RestoredSandbox } from './http/applications.js';
import type { DocsAssetReader } from './http/docs.js';
import type { SimulationEnvironment } from './http/failure-simulation.js';
import type { RequestObserver } from './http/request-log.js';
import type { ResponseClass } from './http/responses.js';
import type { WhenDurable } from './http/routes/customers.js';
import { describeErrors, getSpecModel, type SpecModel } from './openapi/index.js';
import { CustomerStore } from './store/customer-store.js';
import { seededCustomers } from './store/seeded-customers.js';
import type { CustomerCheck } from './store/data-set.js';

/**
 * The mock itself, with no Node module and no file: the document (compiled into the build), the
 * store and the app, answering a web `Request` with a `Response`. The Node server (`NodeMock`,
 * `ListeningMock`), `createMockFetch` (`MockFetch`) and the msw handlers are front doors onto it;
 * none of them implements a rule of its own.
 */
export interface Engine extends HttpLayer {
  readonly config: MockConfig;
  readonly store: CustomerStore;
  readonly spec: SpecModel;
  /**
   * Answers one request as the server would; the host is not looked at. The answer comes at once,
   * not as a promise, when nothing had to be waited for (no simulated latency, a read).
   */
  fetch(request: Request): Response | Promise<Response>;
}

export interface EngineOptions {
  readonly clock?: Clock;
  readonly observers?: readonly RequestObserver[];
  /** Chance and waiting for failure simulation (tests inject seeded and instant ones). */
  readonly random?: SimulationEnvironment['random'];
  readonly sleep?: SimulationEnvironment['sleep'];
  /** Swagger UI's files for `/docs`, which only the Node server has (see http/docs-assets.ts). */
  readonly docsAssets?: DocsAssetReader;
  /** Told before the store indexes the starting customers: seconds of silent work at a million. */
  readonly onIndexing?: (count: number) => void;
  /** What a write's response waits for (the `--state` journal); without it, nothing. */
  readonly whenDurable?: WhenDurable;
  /** What the app's answers are made as (see http/responses.ts); without it, the global Response. */
  readonly responseClass?: ResponseClass;
}

export interface EngineData {
  /**
   * The data set the mock starts with, which a reset restores (with `--state`: the loaded state).
   * Free of clashing ids and emails: every source checks that as it reads, or makes it so.
   */
  readonly initial: readonly Customer[];
  /**
   * The customers of the config's `apps` that are not generated from their seed, by client key:
   * read from an app's data file, or from the state, which only the Node server can read.
   */
  readonly appCustomers?: ReadonlyMap<string, readonly Customer[]>;
  /** Sandboxes to start with (with `--state`: those the state holds). */
  readonly sandboxes?: readonly RestoredSandbox[];
}

export function customerCheck(spec: SpecModel): CustomerCheck {
  const validate = spec.schemaValidator('Customer');
  return (value) => (validate(value) ? [] : describeErrors(validate.errors ?? [], 'customer'));
}

/** The config's `apps`, each with its data set: the one given, else generated (a seed or count an application does not give is the mock's own). */
function configuredApplications(config: MockConfig, given: ReadonlyMap<string, readonly Customer[]>): ApplicationDefinition[] {
  return config.apps.map((configured) => {
    let customers = given.get(configured.clientKey);
    if (customers === undefined) {
      if (configured.dataFile !== undefined) throw new Error(`The data file of application ${configured.clientKey} (${configured.dataFile}) must be read by the server`);
      customers = seededCustomers({ seed: configured.seed ?? config.seed, count: configured.count ?? config.count, appId: configured.appId });
    }
    const initial = customers;
    return { ...configured, initialCustomers: () => initial };
  });
}

export async function createEngine(config: MockConfig, data: EngineData, options: EngineOptions = {}): Promise<Engine> {
  // The document rewritten for the compat options in force, and the code that goes with them.
  const spec = await getSpecModel(config.compat);
  const clock = options.clock ?? systemClock;
  const store = new CustomerStore({ clock, appId: config.appId, ...compatBehaviour(spec) });
  options.onIndexing?.(data.initial.length);
  store.replaceAllChecked(data.initial);
  const mock = createApp({
    config,
    spec,
    store,
    clock,
    initialCustomers: () => data.initial,
    applications: configuredApplications(config, data.appCustomers ?? new Map()),
    sandboxes: data.sandboxes,
    observers: options.observers,
    random: options.random,
    sleep: options.sleep,
    docsAssets: options.docsAssets,
    whenDurable: options.whenDurable,
    responseClass: options.responseClass,
  });
  const { app } = mock;
  return { ...mock, config, store, spec, fetch: (request) => app.fetch(request) };
}
