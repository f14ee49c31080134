import type * as NodeMocks from './node-mock.js';
import type { ListeningMock, NodeMock } from './node-mock.js';

export * from './browser.js';
export type { NodeMock, ListeningMock, StartOptions } from './node-mock.js';
/** @deprecated Renamed NodeMock: the mock as Node runs it, before it listens. */
export type MockInstance = NodeMock;
/** @deprecated Renamed ListeningMock: a NodeMock listening on a socket. */
export type RunningMock = ListeningMock;

// The Node server (sockets, data and state files, Swagger UI's files) is loaded when first
// started: an app's tests that only call createMockFetch do not pay for loading it.

/** The mock with the server's data sources (data and state files), without a socket. */
export async function createMock(...args: Parameters<typeof NodeMocks.createMock>): ReturnType<typeof NodeMocks.createMock> {
  return (await import('./node-mock.js')).createMock(...args);
}

/** The mock listening on a socket, as `customers-mock` starts it. */
export async function startMock(...args: Parameters<typeof NodeMocks.startMock>): ReturnType<typeof NodeMocks.startMock> {
  return (await import('./node-mock.js')).startMock(...args);
}
