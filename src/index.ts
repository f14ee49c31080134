export { DEFAULT_CONFIG, type MockConfig } from './config.js';
export { createMock, startMock, type MockInstance, type RunningMock, type StartOptions } from './server.js';
export { ManualClock, systemClock, type Clock } from './domain/clock.js';
export type { Customer, CustomerStatus, CustomerType, CreateCustomerInput, UpdateCustomerInput, CustomerList } from './domain/customer.js';
export { generateCustomers, REFERENCE_DATE } from './store/seed.js';
export * from './client/index.js';
