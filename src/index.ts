export * from './browser.js';
export { createMock, startMock, type MockInstance, type RunningMock, type StartOptions } from './server.js';
