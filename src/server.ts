import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DEFAULT_CONFIG, type MockConfig } from './config/mock-config.js';
import { systemClock, type Clock } from './domain/clock.js';
import type { Customer } from './domain/customer.js';
import { createApp, type MockApp } from './http/app.js';
import { createNodeServer } from './http/node-server.js';
import type { RequestObserver } from './http/request-log.js';
import { describeErrors, getSpecModel, type SpecModel } from './openapi/index.js';
import { CustomerStore } from './store/customer-store.js';
import { formatDataSet, readDataSet, removeAbandonedTemporaryFiles, writeFileAtomically, type CustomerCheck } from './store/data-file.js';
import { generateCustomers } from './store/seed.js';

export interface StartOptions {
  readonly clock?: Clock;
  readonly observers?: readonly RequestObserver[];
  /** Told how generation is going, for a progress bar. */
  readonly onSeedProgress?: (done: number, total: number) => void;
  /** Told before the store indexes the initial customers: seconds of silent work at a million. */
  readonly onIndexing?: (count: number) => void;
  /** Chance and waiting for failure simulation (tests inject seeded and instant ones). */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface MockInstance extends MockApp {
  readonly config: MockConfig;
  readonly store: CustomerStore;
  readonly spec: SpecModel;
  /** Where the customers the mock started with came from, e.g. `seed 42` or `state file s.json`. */
  readonly dataSource: string;
}

export interface RunningMock extends MockInstance {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

export function customerCheck(spec: SpecModel): CustomerCheck {
  const validate = spec.schemaValidator('Customer');
  return (value) => (validate(value) ? [] : describeErrors(validate.errors ?? [], 'customer'));
}

/** The initial data set: the state file if it exists, else the data file, else generated from the seed. */
export function initialDataSet(config: MockConfig, spec: SpecModel, options: StartOptions = {}): Customer[] {
  const check = customerCheck(spec);
  if (config.dataFile !== undefined) return readDataSet(config.dataFile, check);
  return generateCustomers({ seed: config.seed, count: config.count, appId: config.appId, onProgress: options.onSeedProgress });
}

/** Builds the store and the app without opening a socket (in-process tests use `app.request`). */
export async function createMock(overrides: Partial<MockConfig> = {}, options: StartOptions = {}): Promise<MockInstance> {
  const config: MockConfig = { ...DEFAULT_CONFIG, ...overrides };
  const spec = await getSpecModel();
  const clock = options.clock ?? systemClock;
  const initial = initialDataSet(config, spec, options);
  const store = new CustomerStore({ clock, appId: config.appId });
  const fromState = config.stateFile !== undefined && existsSync(config.stateFile);
  const customers = fromState ? readDataSet(config.stateFile!, customerCheck(spec)) : initial;
  const dataSource = fromState ? `state file ${config.stateFile}` : config.dataFile !== undefined ? `data file ${config.dataFile}` : `seed ${config.seed}`;
  options.onIndexing?.(customers.length);
  store.replaceAll(customers);
  if (config.stateFile !== undefined) {
    const stateFile = config.stateFile;
    removeAbandonedTemporaryFiles(stateFile);
    const save = () => writeFileAtomically(stateFile, formatDataSet(store.snapshot(), false));
    save();
    store.onChange(save);
  }
  const mock = createApp({ config, spec, store, clock, initialCustomers: () => initial, observers: options.observers, random: options.random, sleep: options.sleep });
  return { ...mock, config, store, spec, dataSource };
}

/** Starts the mock on its host and port; port 0 picks a free one. */
export async function startMock(overrides: Partial<MockConfig> = {}, options: StartOptions = {}): Promise<RunningMock> {
  const mock = await createMock(overrides, options);
  const { config } = mock;
  const { server, close } = createNodeServer(mock.app, {
    hostname: config.host,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    ...mock,
    server,
    url: `http://${host}:${address.port}`,
    close,
  };
}
