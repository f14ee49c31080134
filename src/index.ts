import type * as Server from './server.js';

export * from './browser.js';
export type { MockInstance, RunningMock, StartOptions } from './server.js';

// The Node server (sockets, data and state files, Swagger UI's files) is loaded when first
// started: an app's tests that only call createMockFetch do not pay for loading it.

/** The mock with the server's data sources (data and state files), without a socket. */
export async function createMock(...args: Parameters<typeof Server.createMock>): ReturnType<typeof Server.createMock> {
  return (await import('./server.js')).createMock(...args);
}

/** The mock listening on a socket, as `customers-mock` starts it. */
export async function startMock(...args: Parameters<typeof Server.startMock>): ReturnType<typeof Server.startMock> {
  return (await import('./server.js')).startMock(...args);
}
