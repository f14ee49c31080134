import { afterAll, afterEach, inject } from 'vitest';
import { createKit, type ContractKit } from '#contract-kit';

/** The server under test, as the CLI provided it; one kit per test file. */
export const kit: ContractKit = await createKit(inject('contract'));

// Each check's request count travels to the reporter with its result, so the run can total them.
afterEach(({ task }) => {
  task.meta.requests = kit.drainRequestCount();
});
// eslint-disable-next-line no-empty-pattern -- vitest reads the hook's first parameter as a destructured context
afterAll(({}, suite) => {
  suite.meta.requests = (suite.meta.requests ?? 0) + kit.drainRequestCount();
});
