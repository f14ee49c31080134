import { compatBehaviour } from './compat-behaviour.js';
import { windowLimit, type MockConfig } from './config/mock-config.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { Customer } from './domain/customer.js';
import { createApp, type AppDeps, type HttpLayer } from './http/app.js';
import { describeErrors, getSpecModel, type SpecModel } from './openapi/index.js';
import { CustomerStore } from './store/customer-store.js';
import { seededCustomers } from './store/seeded-customers.js';
import type { CustomerCheck } from './store/data-set.js';
import { Applications, type ApplicationDefinition, type RestoredSandbox } from './tenancy/applications.js';

/**
 * The mock itself, with no Node module and no file: the document (compiled into the build), the
 * tenancy model (applications and their stores) and the app, answering a web `Request` with a
 * `Response`. The Node server (`NodeMock`, `ListeningMock`), `createMockFetch` (`MockFetch`) and the
 * msw handlers are front doors onto it; none of them implements a rule of its own.
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

/** How the tenancy model is made: the clock every application keeps time by, and start-up progress. */
export interface TenancyOptions {
  readonly clock?: Clock;
  /** Told before the store indexes the starting customers: seconds of silent work at a million. */
  readonly onIndexing?: (count: number) => void;
}

/** How the app in front of the tenancy model serves it (see AppDeps). */
export type ServingOptions = Pick<AppDeps, 'observers' | 'random' | 'sleep' | 'docsAssets' | 'whenDurable' | 'responseClass'>;

export type EngineOptions = TenancyOptions & ServingOptions;

/**
 * The tenancy model of a mock, before any HTTP: every application with its customers, made from
 * the data set, and the document whose compat options their stores follow. `--state` attaches to
 * its applications before the app serves them.
 */
export interface Tenancy {
  readonly config: MockConfig;
  readonly spec: SpecModel;
  readonly clock: Clock;
  readonly applications: Applications;
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

export async function createTenancy(config: MockConfig, data: EngineData, options: TenancyOptions = {}): Promise<Tenancy> {
  // The document rewritten for the compat options in force, and the code that goes with them.
  const spec = await getSpecModel(config.compat);
  const clock = options.clock ?? systemClock;
  const behaviour = compatBehaviour(spec);
  const store = new CustomerStore({ clock, appId: config.appId, ...behaviour });
  options.onIndexing?.(data.initial.length);
  store.replaceAllChecked(data.initial);
  const applications = new Applications(
    // Every application's store behaves as the mock's own does (the compat options in force).
    { clock, rateLimit: windowLimit(config.rateLimit), storeOptions: { clock, ...behaviour } },
    { clientKey: config.clientKey, clientSecret: config.clientSecret, appId: config.appId, store, initialCustomers: () => data.initial },
    configuredApplications(config, data.appCustomers ?? new Map()),
    { maxSandboxes: config.maxSandboxes, maxCustomers: config.maxSandboxCustomers, idleMs: config.sandboxIdleMinutes * 60_000 },
    data.sandboxes,
  );
  return { config, spec, clock, applications };
}

/** The engine serving `tenancy`: the app in front of its applications. */
export function serveTenancy(tenancy: Tenancy, options: ServingOptions = {}): Engine {
  const { config, spec, clock, applications } = tenancy;
  const mock = createApp({
    config,
    spec,
    clock,
    applications,
    observers: options.observers,
    random: options.random,
    sleep: options.sleep,
    docsAssets: options.docsAssets,
    whenDurable: options.whenDurable,
    responseClass: options.responseClass,
  });
  const { app } = mock;
  return { ...mock, config, store: applications.own.store, spec, fetch: (request) => app.fetch(request) };
}

export async function createEngine(config: MockConfig, data: EngineData, options: EngineOptions = {}): Promise<Engine> {
  return serveTenancy(await createTenancy(config, data, options), options);
}
