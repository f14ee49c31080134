import type { Server } from 'node:http';
import { DEFAULT_CONFIG, type MockConfig } from './config/mock-config.js';
import type { Customer } from './domain/customer.js';
import { createEngine, createTenancy, customerCheck, serveTenancy, type Engine, type EngineOptions, type Tenancy } from './engine.js';
import { swaggerUiAssets } from './http/docs-assets.js';
import { createNodeServer, listen, listeningUrl } from './http/node-server.js';
import { getSpecModel, type SpecModel } from './openapi/index.js';
import { readDataSet } from './store/data-file.js';
import { DurableState, type LoadedApplication } from './store/durable-state.js';
import type { StateFileSystem } from './store/state-file-system.js';
import { seededCustomers } from './store/seeded-customers.js';

export interface StartOptions extends Omit<EngineOptions, 'docsAssets' | 'whenDurable'> {
  /** Told how generation is going, for a progress bar. */
  readonly onSeedProgress?: (done: number, total: number) => void;
  /** Where `--state` writes (tests inject one that fails as a full disk does). */
  readonly stateFileSystem?: StateFileSystem;
  /** Told of what `--state` repaired or could not do (a torn record cut off, a failed write). */
  readonly onStateWarning?: (message: string) => void;
  /** Told before `--state` files are read, with their size in bytes. */
  readonly onStateLoading?: (stateFile: string, bytes: number) => void;
  /** Changes carrying more customers are saved as a snapshot, not a journal record (tests lower it). */
  readonly stateJournaledCustomersMax?: number;
}

/**
 * The mock as Node runs it, before it listens: the engine with what only Node has (the data and
 * state files, the docs page's files). `createMock` makes one; tests answer through `app.request`.
 */
export interface NodeMock extends Engine {
  /** Where the customers the mock started with came from, e.g. `seed 42` or `state file s.json`. */
  readonly dataSource: string;
  /** The journal and snapshots of `--state`; undefined without it. */
  readonly state: DurableState | undefined;
}

/** A NodeMock listening on a socket, as `customers-mock` starts it: `startMock` makes one. */
export interface ListeningMock extends NodeMock {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

/** The data set a mock without state starts with: the data file, else generated from the seed. */
export function initialDataSet(config: MockConfig, spec: SpecModel, options: StartOptions = {}): Customer[] {
  const check = customerCheck(spec);
  if (config.dataFile !== undefined) return readDataSet(config.dataFile, check);
  return seededCustomers({ seed: config.seed, count: config.count, appId: config.appId, onProgress: options.onSeedProgress });
}

/**
 * The customers of the config file's `apps` that the engine cannot make from a seed: those the
 * state holds, else those of an application's data file.
 */
function appCustomers(config: MockConfig, spec: SpecModel, stored: readonly LoadedApplication[] = []): Map<string, Customer[]> {
  const customers = new Map<string, Customer[]>();
  for (const configured of config.apps) {
    const fromState = stored.find((application) => application.sandbox === undefined && application.clientKey === configured.clientKey);
    if (fromState) customers.set(configured.clientKey, fromState.customers);
    else if (configured.dataFile !== undefined) customers.set(configured.clientKey, readDataSet(configured.dataFile, customerCheck(spec)));
  }
  return customers;
}

/** The NodeMock of a config: data and state files read, the docs page's files at hand, no socket yet. */
export async function createMock(overrides: Partial<MockConfig> = {}, options: StartOptions = {}): Promise<NodeMock> {
  const config: MockConfig = { ...DEFAULT_CONFIG, ...overrides };
  const spec = await getSpecModel();
  const engineOptions = { ...options, docsAssets: swaggerUiAssets };
  if (config.stateFile === undefined) {
    const engine = await createEngine(config, { initial: initialDataSet(config, spec, options), appCustomers: appCustomers(config, spec) }, engineOptions);
    return { ...engine, dataSource: config.dataFile !== undefined ? `data file ${config.dataFile}` : `seed ${config.seed}`, state: undefined };
  }
  const warn = options.onStateWarning ?? ((message: string) => console.warn(`customers-mock: ${message}`));
  // The seed's data set is made only when there is no state to load instead.
  const { customers, applications: stored, loaded, attach, abandon } = await DurableState.open(config.stateFile, {
    fsync: config.fsync,
    check: customerCheck(spec),
    initial: () => initialDataSet(config, spec, options),
    warn,
    onLoading: options.onStateLoading,
    fileSystem: options.stateFileSystem,
    journaledCustomersMax: options.stateJournaledCustomersMax,
  });
  // In this order: the applications, then the state journaling their changes, then the app whose
  // writes wait for the state. Until the state is attached, a failure (an app's data file that does
  // not load) gives it up.
  let tenancy: Tenancy;
  try {
    for (const gone of stored.filter((application) => application.sandbox === undefined && !config.apps.some((configured) => configured.clientKey === application.clientKey))) {
      warn(`${config.stateFile} holds the customers of an application no longer in the config's apps (client key ${gone.clientKey}); they are dropped`);
    }
    // A reset goes back to what the mock started with: the loaded state, when there was one.
    const data = {
      initial: customers,
      appCustomers: appCustomers(config, spec, stored),
      sandboxes: stored.flatMap(({ sandbox, customers }) => (sandbox ? [{ ...sandbox, customers }] : [])),
    };
    tenancy = await createTenancy(config, data, engineOptions);
  } catch (error) {
    abandon();
    throw error;
  }
  const state = await attach(tenancy.applications);
  const engine = serveTenancy(tenancy, { ...engineOptions, whenDurable: () => state.barrier() });
  const dataSource = loaded ? `state file ${config.stateFile}` : config.dataFile !== undefined ? `data file ${config.dataFile}` : `seed ${config.seed}`;
  return { ...engine, dataSource, state };
}

/** Starts the mock on its host and port; port 0 picks a free one. */
export async function startMock(overrides: Partial<MockConfig> = {}, options: StartOptions = {}): Promise<ListeningMock> {
  const mock = await createMock(overrides, options);
  const { config } = mock;
  const { server, close } = createNodeServer(mock.app, {
    hostname: config.host,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  await listen(server, config.port, config.host).catch(async (error: unknown) => {
    // The port is taken: the state (and its lock) is given up for the next start.
    await mock.state?.close();
    throw error;
  });
  return {
    ...mock,
    server,
    url: listeningUrl(server),
    async close() {
      await close();
      await mock.state?.close();
    },
  };
}
