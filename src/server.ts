import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { DEFAULT_CONFIG, type MockConfig } from './config/mock-config.js';
import type { Customer } from './domain/customer.js';
import { createEngine, customerCheck, type Engine, type EngineOptions } from './engine.js';
import { swaggerUiAssets } from './http/docs-assets.js';
import { createNodeServer } from './http/node-server.js';
import { getSpecModel, type SpecModel } from './openapi/index.js';
import { formatDataSet, readDataSet, removeAbandonedTemporaryFiles, writeFileAtomically } from './store/data-file.js';
import { generateCustomers } from './store/seed.js';

export interface StartOptions extends Omit<EngineOptions, 'docsAssets'> {
  /** Told how generation is going, for a progress bar. */
  readonly onSeedProgress?: (done: number, total: number) => void;
}

export interface MockInstance extends Engine {
  /** Where the customers the mock started with came from, e.g. `seed 42` or `state file s.json`. */
  readonly dataSource: string;
}

export interface RunningMock extends MockInstance {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  close(): Promise<void>;
}

/** The initial data set: the state file if it exists, else the data file, else generated from the seed. */
export function initialDataSet(config: MockConfig, spec: SpecModel, options: StartOptions = {}): Customer[] {
  const check = customerCheck(spec);
  if (config.dataFile !== undefined) return readDataSet(config.dataFile, check);
  return generateCustomers({ seed: config.seed, count: config.count, appId: config.appId, onProgress: options.onSeedProgress });
}

/**
 * The engine with the Node server's additions: data and state files, and the docs page's files.
 * No socket yet (in-process tests use `app.request`).
 */
export async function createMock(overrides: Partial<MockConfig> = {}, options: StartOptions = {}): Promise<MockInstance> {
  const config: MockConfig = { ...DEFAULT_CONFIG, ...overrides };
  const spec = await getSpecModel();
  const initial = initialDataSet(config, spec, options);
  const fromState = config.stateFile !== undefined && existsSync(config.stateFile);
  const current = fromState ? readDataSet(config.stateFile, customerCheck(spec)) : undefined;
  const dataSource = fromState ? `state file ${config.stateFile}` : config.dataFile !== undefined ? `data file ${config.dataFile}` : `seed ${config.seed}`;
  const engine = await createEngine(config, { initial, current }, { ...options, docsAssets: swaggerUiAssets });
  if (config.stateFile !== undefined) {
    const stateFile = config.stateFile;
    const { store } = engine;
    removeAbandonedTemporaryFiles(stateFile);
    const save = () => writeFileAtomically(stateFile, formatDataSet(store.snapshot(), false));
    save();
    store.onChange(save);
  }
  return { ...engine, dataSource };
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
